/**
 * The MLP computed directly with the numerics core's `gemm`, for configurations the chosen machine
 * cannot run. Each layer is one gemm over the whole k dimension with an fp32 accumulator (products
 * added in order k = 0…K−1), then the bias is added in fp32. The hidden activations are ReLU'd and
 * rounded to the operand format (saturating), as the vector unit's `vstore` does. No energy is
 * estimated, because nothing is simulated.
 */
import { encode, gemm, parseFormat, roundToFormat, type FloatFormat } from '../../sim/numerics/index.js';
import { CLASS_COUNT, IMAGE_PIXELS, pixelToInput } from './dataset.js';
import type { NumericConfig } from './inference.js';
import { HIDDEN_UNITS, type MlpWeights } from './model.js';

function bitsOf(format: FloatFormat, values: ArrayLike<number>): Uint8Array | Uint16Array | Uint32Array {
  let bits: Uint8Array | Uint16Array | Uint32Array;
  if (format.widthBits <= 8) bits = new Uint8Array(values.length);
  else if (format.widthBits <= 16) bits = new Uint16Array(values.length);
  else bits = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) bits[i] = encode(format, values[i]);
  return bits;
}

function layer(format: FloatFormat, config: NumericConfig, inputs: ArrayLike<number>, weights: Float64Array, bias: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = gemm(format, config.method, bitsOf(format, inputs), bitsOf(format, weights), m, k, n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = Math.fround(out[i * n + j] + bias[j]);
  return out;
}

/** Returns the imageCount × 10 logits of the first `imageCount` images of `pixels`. */
export function hostLogits(pixels: Uint8Array, imageCount: number, config: NumericConfig, weights: MlpWeights): Float64Array {
  const format = parseFormat(config.format);
  const inputs = Float64Array.from(pixels.subarray(0, imageCount * IMAGE_PIXELS), pixelToInput);
  const hidden = layer(format, config, inputs, weights.w1, weights.b1, imageCount, IMAGE_PIXELS, HIDDEN_UNITS);
  for (let i = 0; i < hidden.length; i++) hidden[i] = roundToFormat(format, Math.max(0, hidden[i]), true);
  return layer(format, config, hidden, weights.w2, weights.b2, imageCount, HIDDEN_UNITS, CLASS_COUNT);
}
