/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): a reader that returns any numeric array as
 * doubles in C order, and a writer for float32 and float64 arrays.
 *
 * Layout: the magic bytes `\x93NUMPY`, a major and minor version byte, the header length (uint16 LE
 * in version 1, uint32 LE in versions 2 and 3), a Python dict literal with `descr`, `fortran_order`
 * and `shape` padded with spaces to a multiple of 64 bytes and ending in a newline, then the data.
 */
import fs from 'node:fs';
import { UserError } from '../../common/errors.js';
import { describeFileSystemError } from '../../common/file-system.js';
import { writeFileAtomic } from './atomic.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** An array read from a `.npy` file, values converted to doubles in C (row-major) order. */
export interface NpyArray {
  readonly shape: readonly number[];
  /** The file's dtype descriptor, for example `<f4` or `|u1`. */
  readonly descr: string;
  readonly values: Float64Array;
}

/** Element types the writer produces: float32 (`<f4`) or float64 (`<f8`). */
export type NpyWriteType = 'float32' | 'float64';

/** Reads a `.npy` file; malformed files and unsupported dtypes throw UserError naming the file. */
export function readNpyFile(file: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new UserError(`cannot read '${file}': ${describeFileSystemError(error)}`);
  }
  return parseNpy(bytes, file);
}

/** Parses the bytes of a `.npy` file. */
export function parseNpy(bytes: Uint8Array, file = '<npy>'): NpyArray {
  const fail = (reason: string): never => {
    throw new UserError(`invalid .npy file '${file}': ${reason}`);
  };
  if (bytes.length < 10 || MAGIC.some((byte, i) => bytes[i] !== byte)) fail('missing the \\x93NUMPY magic bytes');

  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated header');
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    return fail(`unsupported format version ${major}.${bytes[7]} (supported: 1.0, 2.0, 3.0)`);
  }
  if (headerStart + headerLength > bytes.length) fail('header runs past the end of the file');

  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1] ?? fail(`header has no 'descr': ${header.trim()}`);
  const fortranText = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1] ?? fail(`header has no 'fortran_order': ${header.trim()}`);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? fail(`header has no 'shape': ${header.trim()}`);
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => (/^\d+L?$/.test(part) ? Number.parseInt(part, 10) : fail(`invalid dimension '${part}' in shape`)));

  const count = shape.reduce((product, dimension) => product * dimension, 1);
  const element = elementReader(descr) ?? fail(`unsupported dtype '${descr}' (supported: float16/32/64, int8-64, uint8-64, bool)`);
  const dataStart = headerStart + headerLength;
  const needed = count * element.bytes;
  if (bytes.length - dataStart < needed) fail(`data holds ${bytes.length - dataStart} bytes, shape ${JSON.stringify(shape)} needs ${needed}`);

  const dataView = new DataView(bytes.buffer, bytes.byteOffset + dataStart, needed);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = element.read(dataView, i * element.bytes);
  const inCOrder = fortranText === 'True' && shape.length > 1 ? fortranToC(values, shape) : values;
  return { shape, descr, values: inCOrder };
}

interface ElementReader {
  readonly bytes: number;
  read(view: DataView, offset: number): number;
}

function elementReader(descr: string): ElementReader | undefined {
  const match = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!match) return undefined;
  const little = match[1] !== '>';
  const kind = match[2];
  const bytes = Number(match[3]);
  const key = `${kind}${bytes}`;
  switch (key) {
    case 'f2':
      return { bytes, read: (v, o) => decodeHalf(v.getUint16(o, little)) };
    case 'f4':
      return { bytes, read: (v, o) => v.getFloat32(o, little) };
    case 'f8':
      return { bytes, read: (v, o) => v.getFloat64(o, little) };
    case 'i1':
      return { bytes, read: (v, o) => v.getInt8(o) };
    case 'u1':
      return { bytes, read: (v, o) => v.getUint8(o) };
    case 'b1':
      return { bytes, read: (v, o) => (v.getUint8(o) !== 0 ? 1 : 0) };
    case 'i2':
      return { bytes, read: (v, o) => v.getInt16(o, little) };
    case 'u2':
      return { bytes, read: (v, o) => v.getUint16(o, little) };
    case 'i4':
      return { bytes, read: (v, o) => v.getInt32(o, little) };
    case 'u4':
      return { bytes, read: (v, o) => v.getUint32(o, little) };
    case 'i8':
      return { bytes, read: (v, o) => Number(v.getBigInt64(o, little)) };
    case 'u8':
      return { bytes, read: (v, o) => Number(v.getBigUint64(o, little)) };
    default:
      return undefined;
  }
}

/** Decodes an IEEE binary16 bit pattern. */
export function decodeHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Reorders column-major (Fortran) data into row-major (C) order. */
function fortranToC(values: Float64Array, shape: readonly number[]): Float64Array {
  const rank = shape.length;
  const out = new Float64Array(values.length);
  const fortranStrides = new Array<number>(rank);
  let stride = 1;
  for (let axis = 0; axis < rank; axis++) {
    fortranStrides[axis] = stride;
    stride *= shape[axis];
  }
  const index = new Array<number>(rank).fill(0);
  for (let c = 0; c < values.length; c++) {
    let source = 0;
    for (let axis = 0; axis < rank; axis++) source += index[axis] * fortranStrides[axis];
    out[c] = values[source];
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis] += 1;
      if (index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
  return out;
}

/** Encodes an array as `.npy` version 1.0 bytes in C order, little-endian float32 or float64. */
export function encodeNpy(shape: readonly number[], values: ArrayLike<number>, type: NpyWriteType = 'float32'): Uint8Array {
  const count = shape.reduce((product, dimension) => product * dimension, 1);
  if (count !== values.length) throw new Error(`shape ${JSON.stringify(shape)} holds ${count} elements, got ${values.length}`);

  const descr = type === 'float32' ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // The magic (6), version (2) and length (2) bytes plus the header and its newline fill a multiple of 64 bytes.
  const padding = (64 - ((10 + header.length + 1) % 64)) % 64;
  header = header + ' '.repeat(padding) + '\n';

  const elementBytes = type === 'float32' ? 4 : 8;
  const bytes = new Uint8Array(10 + header.length + count * elementBytes);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  const view = new DataView(bytes.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  const dataStart = 10 + header.length;
  for (let i = 0; i < count; i++) {
    if (type === 'float32') view.setFloat32(dataStart + 4 * i, values[i], true);
    else view.setFloat64(dataStart + 8 * i, values[i], true);
  }
  return bytes;
}

/** Writes a `.npy` file atomically (temporary file, then rename). */
export function writeNpyFile(file: string, shape: readonly number[], values: ArrayLike<number>, type: NpyWriteType = 'float32'): void {
  writeFileAtomic(file, encodeNpy(shape, values, type));
}
