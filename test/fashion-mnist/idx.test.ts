import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors.js';
import { loadFashionMnist } from '../../workloads/fashion-mnist/dataset.js';
import { parseIdx, readIdxFile } from '../../workloads/fashion-mnist/idx.js';

/** Builds an IDX file of unsigned bytes: magic 0x0000_08_NN, big-endian dimensions, then the data. */
function idxBytes(shape: readonly number[], data: readonly number[], typeCode = 0x08): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * shape.length + data.length);
  bytes.set([0, 0, typeCode, shape.length]);
  const view = new DataView(bytes.buffer);
  shape.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  bytes.set(data, 4 + 4 * shape.length);
  return bytes;
}

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lmulsim-idx-test-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

function expectInvalid(bytes: Uint8Array, fragment: string): void {
  let caught: unknown;
  try {
    parseIdx(bytes, 'synthetic.idx');
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UserError);
  expect((caught as UserError).exitCode).toBe(2);
  expect((caught as UserError).message).toContain("invalid IDX file 'synthetic.idx'");
  expect((caught as UserError).message).toContain(fragment);
}

describe('parseIdx', () => {
  it('reads a 3-d image file', () => {
    const data = Array.from({ length: 3 * 2 * 2 }, (_, i) => (i * 37) % 256);
    const array = parseIdx(idxBytes([3, 2, 2], data));
    expect(array.shape).toEqual([3, 2, 2]);
    expect(Array.from(array.data)).toEqual(data);
  });

  it('reads a 1-d label file', () => {
    const array = parseIdx(idxBytes([4], [9, 0, 3, 7]));
    expect(array.shape).toEqual([4]);
    expect(Array.from(array.data)).toEqual([9, 0, 3, 7]);
  });

  it('reads dimensions big-endian', () => {
    const array = parseIdx(idxBytes([0x0102], new Array(0x0102).fill(1)));
    expect(array.shape).toEqual([258]);
  });

  it('rejects a nonzero magic prefix', () => {
    const bytes = idxBytes([2], [1, 2]);
    bytes[0] = 0x1f;
    expectInvalid(bytes, 'magic number starts with 0x1f00');
  });

  it('rejects element types other than ubyte', () => {
    expectInvalid(idxBytes([2], [1, 2], 0x0d), 'element type code 0x0d');
  });

  it('rejects zero dimensions', () => {
    expectInvalid(new Uint8Array([0, 0, 8, 0]), '0 dimensions');
  });

  it('rejects a truncated header', () => {
    expectInvalid(idxBytes([2, 3], [1, 2, 3, 4, 5, 6]).subarray(0, 9), 'truncated header');
  });

  it('rejects truncated data', () => {
    const bytes = idxBytes([2, 3], [1, 2, 3, 4, 5, 6]);
    expectInvalid(bytes.subarray(0, bytes.length - 2), 'needs 6 bytes after the header, the file has 4');
  });

  it('rejects trailing bytes', () => {
    const bytes = idxBytes([3], [1, 2, 3]);
    new DataView(bytes.buffer).setUint32(4, 2, false);
    expectInvalid(bytes, '1 bytes after the last element of shape (2)');
  });
});

describe('readIdxFile', () => {
  it('gunzips .gz files', () => {
    const file = path.join(directory, 'labels-idx1-ubyte.gz');
    fs.writeFileSync(file, zlib.gzipSync(idxBytes([3], [4, 5, 6])));
    expect(Array.from(readIdxFile(file).data)).toEqual([4, 5, 6]);
  });

  it('reports corrupt gzip data', () => {
    const file = path.join(directory, 'corrupt-idx1-ubyte.gz');
    fs.writeFileSync(file, new Uint8Array([0x1f, 0x8b, 1, 2, 3]));
    expect(() => readIdxFile(file)).toThrow(/gunzip failed/);
  });
});

describe('loadFashionMnist', () => {
  it('names the package when files are missing', () => {
    let caught: unknown;
    try {
      loadFashionMnist('test', path.join(directory, 'missing'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).exitCode).toBe(2);
    expect((caught as UserError).message).toContain('apt-get install dataset-fashion-mnist');
    expect((caught as UserError).message).toContain("'t10k-images-idx3-ubyte.gz' not found");
  });

  it('loads a synthetic split', () => {
    const split = path.join(directory, 'split');
    fs.mkdirSync(split);
    const pixels = Array.from({ length: 2 * 784 }, (_, i) => i % 251);
    fs.writeFileSync(path.join(split, 't10k-images-idx3-ubyte'), idxBytes([2, 28, 28], pixels));
    fs.writeFileSync(path.join(split, 't10k-labels-idx1-ubyte.gz'), zlib.gzipSync(idxBytes([2], [7, 1])));
    const data = loadFashionMnist('test', split);
    expect(data.count).toBe(2);
    expect(Array.from(data.labels)).toEqual([7, 1]);
    expect(data.pixels[783]).toBe(783 % 251);
  });

  it('rejects labels above 9', () => {
    const split = path.join(directory, 'bad-labels');
    fs.mkdirSync(split);
    fs.writeFileSync(path.join(split, 't10k-images-idx3-ubyte'), idxBytes([1, 28, 28], new Array(784).fill(0)));
    fs.writeFileSync(path.join(split, 't10k-labels-idx1-ubyte'), idxBytes([1], [10]));
    expect(() => loadFashionMnist('test', split)).toThrow(/label 10 at index 0/);
  });
});
