/**
 * Strided dot-product loops behind `dot` and `gemm`. Every loop computes, for k = 0..length−1,
 * acc = round(acc + product(a[aOffset + k·aStride], b[bOffset + k·bStride])) with one RNE rounding
 * in the accumulator format, exactly like `accumulate(productValue(...))`.
 *
 * Performance notes, measured with Node.js 20 on the benchmark in bench/numerics.ts:
 * - The loops are top-level functions that take their constants as arguments. The same loop written
 *   inside a factory closure ran between one and three times slower depending on how many closures
 *   of it existed.
 * - Each loop starts with `Math.fround(initial)`, the identity on values of every accumulator format
 *   (all fit in fp32), because an accumulator entering as a boxed double halved the fp32 loop speed.
 * - Fast inner loops make no calls; rare cases leave the inner loop for one general step.
 */
import { FP32, type FloatFormat } from './formats.js';
import { accumulate, makeProductFunction, makeProductTable } from './mac.js';
import { setupMethod, type MethodName, type MulOptions } from './methods.js';

/** A strided dot-product loop; returns the final accumulator value. */
export type DotKernel = (
  a: ArrayLike<number>,
  aOffset: number,
  aStride: number,
  b: ArrayLike<number>,
  bOffset: number,
  bStride: number,
  length: number,
  initial: number,
) => number;

type Product = (a: number, b: number) => number;

const scratch = new ArrayBuffer(4);
const scratchU32 = new Uint32Array(scratch);
const scratchF32 = new Float32Array(scratch);

/** Whether every finite entry of a product table is an fp32 value, so Math.fround(acc + p) rounds once. */
const fp32ExactTables = new WeakMap<Float64Array, boolean>();

function tableFitsFp32(table: Float64Array): boolean {
  let fits = fp32ExactTables.get(table);
  if (fits === undefined) {
    fits = true;
    for (const value of table) {
      if (Number.isFinite(value) && Math.fround(value) !== value) fits = false;
    }
    fp32ExactTables.set(table, fits);
  }
  return fits;
}

/** Products of 8-bit formats from a table into fp32; every entry is an fp32 value, so one Math.fround is one rounding. */
function tableFp32Loop(
  table: Float64Array,
  a: ArrayLike<number>,
  aOffset: number,
  aStride: number,
  b: ArrayLike<number>,
  bOffset: number,
  bStride: number,
  length: number,
  initial: number,
): number {
  let acc = Math.fround(initial);
  let ia = aOffset;
  let ib = bOffset;
  for (let k = 0; k < length; k++) {
    acc = Math.fround(acc + table[(a[ia] << 8) | b[ib]]);
    ia += aStride;
    ib += bStride;
  }
  return acc;
}

/** Products of 8-bit formats from a table into any accumulator. */
function tableLoop(
  table: Float64Array,
  accumulator: FloatFormat,
  a: ArrayLike<number>,
  aOffset: number,
  aStride: number,
  b: ArrayLike<number>,
  bOffset: number,
  bStride: number,
  length: number,
  initial: number,
): number {
  let acc = Math.fround(initial);
  for (let k = 0; k < length; k++) acc = accumulate(accumulator, acc, table[(a[aOffset + k * aStride] << 8) | b[bOffset + k * bStride]]);
  return acc;
}

/**
 * fp32 `lmul`/`mitchell` into fp32: when both operands are normal and the adder result stays inside
 * the fp32 normal range, the result is an fp32 pattern and is reinterpreted in place. Everything else
 * (zero, subnormal, inf or NaN operands, results beyond the range) takes one step through `slowProduct`.
 * Requires 0 <= K < 2^31, so that a sum that wraps in int32 is negative and fails the range test.
 */
function fp32AdderLoop(
  constant: number,
  slowProduct: Product,
  a: ArrayLike<number>,
  aOffset: number,
  aStride: number,
  b: ArrayLike<number>,
  bOffset: number,
  bStride: number,
  length: number,
  initial: number,
): number {
  let acc = Math.fround(initial);
  let k = 0;
  while (k < length) {
    for (; k < length; k++) {
      const x = a[aOffset + k * aStride] | 0;
      const y = b[bOffset + k * bStride] | 0;
      const expX = x & 0x7f800000;
      const expY = y & 0x7f800000;
      const result = ((x & 0x7fffffff) + (y & 0x7fffffff) - constant) | 0;
      if (expX === 0 || expY === 0 || expX === 0x7f800000 || expY === 0x7f800000 || result < 0x800000 || result > 0x7f7fffff) break;
      scratchU32[0] = result | ((x ^ y) & 0x80000000);
      acc = Math.fround(acc + scratchF32[0]);
    }
    if (k < length) {
      acc = accumulate(FP32, acc, slowProduct(a[aOffset + k * aStride], b[bOffset + k * bStride]));
      k++;
    }
  }
  return acc;
}

/** bf16 `lmul`/`mitchell` into fp32, as `fp32AdderLoop`: a bf16 pattern shifted left by 16 is the fp32 pattern of the same value. */
function bf16AdderLoop(
  constant: number,
  slowProduct: Product,
  a: ArrayLike<number>,
  aOffset: number,
  aStride: number,
  b: ArrayLike<number>,
  bOffset: number,
  bStride: number,
  length: number,
  initial: number,
): number {
  let acc = Math.fround(initial);
  let k = 0;
  while (k < length) {
    for (; k < length; k++) {
      const x = a[aOffset + k * aStride];
      const y = b[bOffset + k * bStride];
      const expX = x & 0x7f80;
      const expY = y & 0x7f80;
      const result = (x & 0x7fff) + (y & 0x7fff) - constant;
      if (expX === 0 || expY === 0 || expX === 0x7f80 || expY === 0x7f80 || result < 0x80 || result > 0x7f7f) break;
      scratchU32[0] = (result | ((x ^ y) & 0x8000)) << 16;
      acc = Math.fround(acc + scratchF32[0]);
    }
    if (k < length) {
      acc = accumulate(FP32, acc, slowProduct(a[aOffset + k * aStride], b[bOffset + k * bStride]));
      k++;
    }
  }
  return acc;
}

/**
 * fp32 `exact` into fp32: the double product of two fp32 values is exact (48 significant bits), and
 * Math.fround(acc + product) is one correct rounding unless the double sum was itself rounded onto
 * an fp32 midpoint or overflowed. 2·sum − rounded is an fp32 value exactly in those cases, which then
 * take one `accumulate` step (TwoSum decides the direction).
 */
function fp32ExactLoop(
  a: ArrayLike<number>,
  aOffset: number,
  aStride: number,
  b: ArrayLike<number>,
  bOffset: number,
  bStride: number,
  length: number,
  initial: number,
): number {
  let acc = Math.fround(initial);
  let k = 0;
  let product = 0;
  while (k < length) {
    for (; k < length; k++) {
      scratchU32[0] = a[aOffset + k * aStride];
      const x = scratchF32[0];
      scratchU32[0] = b[bOffset + k * bStride];
      product = x * scratchF32[0];
      const sum = acc + product;
      const rounded = Math.fround(sum);
      if (rounded !== sum) {
        const mirrored = 2 * sum - rounded;
        if (Math.fround(mirrored) === mirrored) break;
      }
      acc = rounded;
    }
    if (k < length) {
      acc = accumulate(FP32, acc, product);
      k++;
    }
  }
  return acc;
}

/** Any format and method: the MAC-form product function, then `accumulate`. */
function genericLoop(
  product: Product,
  accumulator: FloatFormat,
  a: ArrayLike<number>,
  aOffset: number,
  aStride: number,
  b: ArrayLike<number>,
  bOffset: number,
  bStride: number,
  length: number,
  initial: number,
): number {
  let acc = Math.fround(initial);
  for (let k = 0; k < length; k++) acc = accumulate(accumulator, acc, product(a[aOffset + k * aStride], b[bOffset + k * bStride]));
  return acc;
}

/** Kernels by input format, then by method, offset and accumulator layout. */
const kernelCache = new WeakMap<FloatFormat, Map<string, DotKernel>>();

/** Returns the fastest bit-exact loop for a format, method and IEEE-style accumulator, cached. */
export function makeDotKernel(format: FloatFormat, method: MethodName, accumulator: FloatFormat, options: MulOptions): DotKernel {
  const setup = setupMethod(format, method, options);
  let byKey = kernelCache.get(format);
  if (!byKey) {
    byKey = new Map();
    kernelCache.set(format, byKey);
  }
  const key = `${setup.method}/${setup.offsetLsbs}/${accumulator.name}/${accumulator.expBits}/${accumulator.manBits}/${accumulator.bias}`;
  let kernel = byKey.get(key);
  if (!kernel) {
    kernel = buildDotKernel(format, method, accumulator, options);
    byKey.set(key, kernel);
  }
  return kernel;
}

function buildDotKernel(format: FloatFormat, method: MethodName, accumulator: FloatFormat, options: MulOptions): DotKernel {
  const fp32Accumulator = accumulator.widthBits === 32;

  if (format.widthBits <= 8) {
    const table = makeProductTable(format, method, options);
    if (fp32Accumulator && tableFitsFp32(table)) {
      return (a, aOffset, aStride, b, bOffset, bStride, length, initial) => tableFp32Loop(table, a, aOffset, aStride, b, bOffset, bStride, length, initial);
    }
    return (a, aOffset, aStride, b, bOffset, bStride, length, initial) => tableLoop(table, accumulator, a, aOffset, aStride, b, bOffset, bStride, length, initial);
  }

  const setup = setupMethod(format, method, options);
  const product = makeProductFunction(format, method, options);
  const adder = method === 'lmul' || method === 'mitchell';
  const binary32Exponent = format.nanStyle === 'ieee' && format.expBits === 8 && format.bias === 127;
  const constant = setup.constant;
  if (fp32Accumulator && binary32Exponent && format.manBits === 23 && adder && constant >= 0 && constant < 2 ** 31) {
    return (a, aOffset, aStride, b, bOffset, bStride, length, initial) => fp32AdderLoop(constant, product, a, aOffset, aStride, b, bOffset, bStride, length, initial);
  }
  if (fp32Accumulator && binary32Exponent && format.manBits === 7 && adder) {
    return (a, aOffset, aStride, b, bOffset, bStride, length, initial) => bf16AdderLoop(constant, product, a, aOffset, aStride, b, bOffset, bStride, length, initial);
  }
  if (fp32Accumulator && binary32Exponent && format.manBits === 23 && method === 'exact') return fp32ExactLoop;
  return (a, aOffset, aStride, b, bOffset, bStride, length, initial) => genericLoop(product, accumulator, a, aOffset, aStride, b, bOffset, bStride, length, initial);
}
