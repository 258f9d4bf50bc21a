/**
 * Raw little-endian binary files: a flat sequence of elements with no header, read either as numbers
 * of a standard machine type or as bit patterns of a tensor's floating-point format.
 */
import fs from 'node:fs';
import { UserError } from '../../common/errors.js';
import { describeFileSystemError } from '../../common/file-system.js';
import { decodeHalf } from './npy.js';

/** Element types of a raw file read as numbers. */
export const RAW_NUMBER_TYPES = ['f64', 'f32', 'f16', 'bf16', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32'] as const;
export type RawNumberType = (typeof RAW_NUMBER_TYPES)[number];

const TYPE_BYTES: Record<RawNumberType, number> = { f64: 8, f32: 4, f16: 2, bf16: 2, i8: 1, u8: 1, i16: 2, u16: 2, i32: 4, u32: 4 };

/** Reads a whole file, turning I/O failures into a UserError that names the file. */
export function readBinaryFile(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new UserError(`cannot read '${file}': ${describeFileSystemError(error)}`);
  }
}

/**
 * Reads `count` little-endian elements of `type` as doubles. The file must hold exactly `count`
 * elements, so a wrong shape or type is reported instead of silently reading garbage.
 */
export function parseRawNumbers(bytes: Uint8Array, type: RawNumberType, count: number, file = '<raw>'): Float64Array {
  const elementBytes = TYPE_BYTES[type];
  if (bytes.length !== count * elementBytes) {
    throw new UserError(`invalid raw file '${file}': it has ${bytes.length} bytes, but ${count} elements of ${type} need ${count * elementBytes}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scratch = new DataView(new ArrayBuffer(4));
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const offset = i * elementBytes;
    switch (type) {
      case 'f64':
        values[i] = view.getFloat64(offset, true);
        break;
      case 'f32':
        values[i] = view.getFloat32(offset, true);
        break;
      case 'f16':
        values[i] = decodeHalf(view.getUint16(offset, true));
        break;
      case 'bf16':
        // bfloat16 is the upper half of a float32 bit pattern.
        scratch.setUint32(0, view.getUint16(offset, true) << 16, true);
        values[i] = scratch.getFloat32(0, true);
        break;
      case 'i8':
        values[i] = view.getInt8(offset);
        break;
      case 'u8':
        values[i] = view.getUint8(offset);
        break;
      case 'i16':
        values[i] = view.getInt16(offset, true);
        break;
      case 'u16':
        values[i] = view.getUint16(offset, true);
        break;
      case 'i32':
        values[i] = view.getInt32(offset, true);
        break;
      case 'u32':
        values[i] = view.getUint32(offset, true);
        break;
    }
  }
  return values;
}

/**
 * Reads `count` little-endian bit patterns of `widthBits` (8, 16 or 32; narrower formats are stored
 * one per byte, right-aligned) into a Uint32Array.
 */
export function parseRawBits(bytes: Uint8Array, widthBits: number, count: number, file = '<raw>'): Uint32Array {
  let elementBytes = 4;
  if (widthBits <= 8) elementBytes = 1;
  else if (widthBits <= 16) elementBytes = 2;
  if (bytes.length !== count * elementBytes) {
    throw new UserError(`invalid raw file '${file}': it has ${bytes.length} bytes, but ${count} elements of ${elementBytes} bytes need ${count * elementBytes}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mask = widthBits >= 32 ? 0xffffffff : (1 << widthBits) - 1;
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const offset = i * elementBytes;
    const raw = elementBytes === 1 ? view.getUint8(offset) : elementBytes === 2 ? view.getUint16(offset, true) : view.getUint32(offset, true);
    if ((raw & mask) >>> 0 !== raw) {
      throw new UserError(`raw file '${file}': element ${i} is 0x${raw.toString(16)}, wider than ${widthBits} bits`);
    }
    out[i] = raw;
  }
  return out;
}
