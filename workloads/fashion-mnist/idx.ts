/**
 * IDX files, the format of the MNIST and Fashion-MNIST distributions: a 4-byte magic number (two zero
 * bytes, a type code, the number of dimensions), one big-endian uint32 per dimension, then the
 * elements in row-major order. Files ending in `.gz` are gunzipped first.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { EXIT_INVALID_INPUT, UserError } from '../../common/errors.js';
import { describeFileSystemError } from '../../common/file-system.js';

/** Type code of unsigned bytes, the only element type the Fashion-MNIST files use. */
export const IDX_UBYTE = 0x08;

/** An IDX array of unsigned bytes. */
export interface IdxArray {
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/** Parses the bytes of an IDX file of unsigned bytes; `file` names the source in error messages. */
export function parseIdx(bytes: Uint8Array, file = '<idx>'): IdxArray {
  const fail = (reason: string): never => {
    throw new UserError(`invalid IDX file '${file}': ${reason}`, EXIT_INVALID_INPUT);
  };
  if (bytes.length < 4) fail(`${bytes.length} bytes is shorter than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail(`magic number starts with 0x${hex(bytes[0])}${hex(bytes[1])}, expected 0x0000`);

  const type = bytes[2];
  if (type !== IDX_UBYTE) fail(`element type code 0x${hex(type)} is not supported (supported: 0x08, unsigned byte)`);
  const dimensions = bytes[3];
  if (dimensions < 1) fail('the file declares 0 dimensions');
  const headerBytes = 4 + 4 * dimensions;
  if (bytes.length < headerBytes) fail(`truncated header: ${dimensions} dimensions need ${headerBytes} bytes, the file has ${bytes.length}`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < dimensions; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((product, size) => product * size, 1);
  const available = bytes.length - headerBytes;
  if (available < count) fail(`truncated data: shape (${shape.join(', ')}) needs ${count} bytes after the header, the file has ${available}`);
  if (available > count) fail(`${available - count} bytes after the last element of shape (${shape.join(', ')})`);
  return { shape, data: bytes.subarray(headerBytes, headerBytes + count) };
}

/** Reads an IDX file, gunzipping it when its name ends in `.gz`. */
export function readIdxFile(file: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new UserError(`cannot read '${file}': ${describeFileSystemError(error)}`, EXIT_INVALID_INPUT);
  }
  if (file.endsWith('.gz')) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (error) {
      throw new UserError(`invalid IDX file '${file}': gunzip failed: ${(error as Error).message}`, EXIT_INVALID_INPUT);
    }
  }
  return parseIdx(bytes, file);
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
