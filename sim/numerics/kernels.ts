/**
 * Dot product and matrix multiply on bit patterns in MAC form: each product enters the accumulator
 * unrounded (see `productValue`) and every addition rounds once in the accumulator format, in the
 * order k = 0..K−1.
 */
import { UserError } from '../../common/errors.js';
import { roundToFormat } from './codec.js';
import { FP32, type FloatFormat } from './formats.js';
import { makeDotKernel } from './dot-kernels.js';
import type { MethodName, MulOptions } from './methods.js';

export interface DotOptions extends MulOptions {
  /** IEEE-style accumulator format; default fp32. */
  readonly accumulator?: FloatFormat;
  /** Initial accumulator value, rounded into the accumulator format; default +0. */
  readonly initial?: number;
}

function resolveAccumulator(options: DotOptions): FloatFormat {
  const accumulator = options.accumulator ?? FP32;
  if (accumulator.nanStyle !== 'ieee') {
    throw new UserError(`invalid accumulator format '${accumulator.name}': expected an IEEE-style format such as fp32, fp16 or bf16`);
  }
  return accumulator;
}

/**
 * Returns B (rows × columns, row-major) transposed, so that each column is contiguous for the dot
 * kernels. Typed arrays keep their element type, which keeps the kernels' loads monomorphic.
 */
function transpose(b: ArrayLike<number>, rows: number, columns: number): ArrayLike<number> {
  let result: { [index: number]: number; readonly length: number };
  if (b instanceof Uint8Array) result = new Uint8Array(rows * columns);
  else if (b instanceof Uint16Array) result = new Uint16Array(rows * columns);
  else if (b instanceof Uint32Array) result = new Uint32Array(rows * columns);
  else result = new Array<number>(rows * columns);

  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) result[column * rows + row] = b[row * columns + column];
  }
  return result;
}

/**
 * Returns the dot product of two vectors of bit patterns (Uint8Array, Uint16Array or Uint32Array) as a
 * value of the accumulator format: acc = initial, then acc = round(acc + product(a[k], b[k])) for
 * k = 0..K−1 with one RNE rounding per addition.
 */
export function dot(format: FloatFormat, method: MethodName, a: ArrayLike<number>, b: ArrayLike<number>, options: DotOptions = {}): number {
  if (a.length !== b.length) throw new RangeError(`dot: vector lengths differ (${a.length} and ${b.length}).`);
  const accumulator = resolveAccumulator(options);
  const kernel = makeDotKernel(format, method, accumulator, options);
  return kernel(a, 0, 1, b, 0, 1, a.length, roundToFormat(accumulator, options.initial ?? 0, false));
}

/**
 * Multiplies A (M×K) by B (K×N), both row-major bit patterns, and returns the M×N row-major results as
 * values of the accumulator format. Each element is accumulated like `dot`, in the order k = 0..K−1.
 * With `c`, its entries are the initial accumulator values (rounded into the accumulator format), and
 * the results are written into `c`, which is returned. Without `c`, every element starts at `initial`.
 */
export function gemm(
  format: FloatFormat,
  method: MethodName,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  options: DotOptions & { readonly c?: Float64Array } = {},
): Float64Array {
  for (const [name, size] of [['m', m], ['k', k], ['n', n]] as const) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`gemm: invalid size ${name} = ${size}.`);
  }
  if (a.length !== m * k) throw new RangeError(`gemm: A has ${a.length} elements, expected m·k = ${m * k}.`);
  if (b.length !== k * n) throw new RangeError(`gemm: B has ${b.length} elements, expected k·n = ${k * n}.`);
  if (options.c && options.c.length !== m * n) throw new RangeError(`gemm: C has ${options.c.length} elements, expected m·n = ${m * n}.`);

  const accumulator = resolveAccumulator(options);
  const kernel = makeDotKernel(format, method, accumulator, options);
  const c = options.c ?? new Float64Array(m * n);
  const initial = roundToFormat(accumulator, options.initial ?? 0, false);
  const columns = transpose(b, k, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const index = i * n + j;
      const start = options.c ? roundToFormat(accumulator, c[index], false) : initial;
      c[index] = kernel(a, i * k, 1, columns, j * k, 1, k, start);
    }
  }
  return c;
}
