/**
 * The 784-256-10 multilayer perceptron: logits = ReLU(x·W1 + b1)·W2 + b2, with x the 784 pixels
 * scaled to 0…1. Weights are stored as float16 `.npy` files beside this module.
 */
import path from 'node:path';
import { EXIT_INVALID_INPUT, UserError } from '../../common/errors.js';
import { writeFileAtomic } from '../../sim/io/atomic.js';
import { readNpyFile } from '../../sim/io/npy.js';
import { encode, FP16 } from '../../sim/numerics/index.js';
import { CLASS_COUNT, IMAGE_PIXELS } from './dataset.js';
import { workloadDirectory } from './files.js';

/** Hidden-layer width. */
export const HIDDEN_UNITS = 256;

/** Directory of the trained weights shipped in the repository. */
export const WEIGHTS_DIRECTORY = path.join(workloadDirectory(), 'weights');

/** Weights of the MLP, row-major: w1 is 784 × 256 (input × hidden), w2 is 256 × 10 (hidden × class). */
export interface MlpWeights {
  readonly w1: Float64Array;
  readonly b1: Float64Array;
  readonly w2: Float64Array;
  readonly b2: Float64Array;
}

/** File name and shape of each weight tensor. */
export const WEIGHT_FILES = {
  w1: { file: 'w1.npy', shape: [IMAGE_PIXELS, HIDDEN_UNITS] },
  b1: { file: 'b1.npy', shape: [HIDDEN_UNITS] },
  w2: { file: 'w2.npy', shape: [HIDDEN_UNITS, CLASS_COUNT] },
  b2: { file: 'b2.npy', shape: [CLASS_COUNT] },
} as const;

/** Reads the four weight files from `directory`, checking their shapes. */
export function loadWeights(directory = WEIGHTS_DIRECTORY): MlpWeights {
  const read = (name: keyof typeof WEIGHT_FILES): Float64Array => {
    const { file, shape } = WEIGHT_FILES[name];
    const array = readNpyFile(path.join(directory, file));
    if (array.shape.length !== shape.length || array.shape.some((size, d) => size !== shape[d])) {
      throw new UserError(`invalid weight file '${path.join(directory, file)}': shape (${array.shape.join(', ')}), expected (${shape.join(', ')})`, EXIT_INVALID_INPUT);
    }
    return array.values;
  };
  return { w1: read('w1'), b1: read('b1'), w2: read('w2'), b2: read('b2') };
}

/** Writes the weights as float16 `.npy` files (values rounded to nearest even) into `directory`. */
export function saveWeightsFp16(weights: MlpWeights, directory: string): void {
  for (const name of Object.keys(WEIGHT_FILES) as (keyof typeof WEIGHT_FILES)[]) {
    const { file, shape } = WEIGHT_FILES[name];
    writeFileAtomic(path.join(directory, file), encodeNpyFp16(shape, weights[name]));
  }
}

/** Encodes a float16 (`<f2`) `.npy` file, version 1.0. */
export function encodeNpyFp16(shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f2', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // The magic (6 bytes), version (2) and header length (2) plus the header end on a 64-byte boundary.
  const padding = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(padding % 64) + '\n';

  const bytes = new Uint8Array(10 + header.length + 2 * values.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  const view = new DataView(bytes.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  for (let i = 0; i < values.length; i++) view.setUint16(10 + header.length + 2 * i, encode(FP16, values[i]), true);
  return bytes;
}

/**
 * Computes the logits of `count` images in fp64 without intermediate rounding: `inputs` contains
 * count × 784 model inputs (pixels scaled to 0…1). Returns count × 10 logits.
 */
export function logitsFp64(weights: MlpWeights, inputs: ArrayLike<number>, count: number): Float64Array {
  const hidden = new Float64Array(HIDDEN_UNITS);
  const logits = new Float64Array(count * CLASS_COUNT);
  for (let image = 0; image < count; image++) {
    hidden.set(weights.b1);
    for (let p = 0; p < IMAGE_PIXELS; p++) {
      const x = inputs[image * IMAGE_PIXELS + p];
      if (x === 0) continue;
      const row = p * HIDDEN_UNITS;
      for (let h = 0; h < HIDDEN_UNITS; h++) hidden[h] += x * weights.w1[row + h];
    }
    for (let c = 0; c < CLASS_COUNT; c++) {
      let sum = weights.b2[c];
      for (let h = 0; h < HIDDEN_UNITS; h++) sum += Math.max(0, hidden[h]) * weights.w2[h * CLASS_COUNT + c];
      logits[image * CLASS_COUNT + c] = sum;
    }
  }
  return logits;
}

/** Returns the predicted class of each row of `count` × 10 logits (the first maximum on ties). */
export function argmaxRows(logits: ArrayLike<number>, count: number): Uint8Array {
  const predictions = new Uint8Array(count);
  for (let image = 0; image < count; image++) {
    let best = 0;
    for (let c = 1; c < CLASS_COUNT; c++) if (logits[image * CLASS_COUNT + c] > logits[image * CLASS_COUNT + best]) best = c;
    predictions[image] = best;
  }
  return predictions;
}
