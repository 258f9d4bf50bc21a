/**
 * The multiply and accumulate steps of one processing element, built once per tile from the numerics
 * core. The PE-level simulator calls `product` and `add` per MAC, while the tile kernel calls the
 * numerics core's dot-product loop per K chunk. Both round once per addition, in the same order.
 */
import type { AccumulatorFormat } from '../arch/types.js';
import {
  accumulate,
  defaultOffsetLsbs,
  lmulConstant,
  makeProductFunction,
  makeProductTable,
  parseFormat,
  parseMethod,
  type FloatFormat,
  type MethodName,
  type MulOptions,
} from '../numerics/index.js';
import { makeDotKernel, type DotKernel } from '../numerics/dot-kernels.js';

export interface MacArithmetic {
  /** MAC-form product of two operand bit patterns (A first), as a double. */
  readonly product: (aBits: number, bBits: number) => number;
  /** One round-to-nearest-even addition in the accumulator format; both arguments are doubles. */
  readonly add: (acc: number, value: number) => number;
  /** Product table indexed `(a << 8) | b` for formats of at most 8 bits; undefined for wider formats. */
  readonly productTable?: Float64Array;
  /** The numerics core's strided dot-product loop for this format, method and accumulator, for K chunks. */
  readonly dotKernel: DotKernel;
}

const fp32Tables = new WeakMap<Float64Array, boolean>();

/** Checks that every finite table entry is an fp32 value, which makes Math.fround(acc + p) one correct rounding. */
function tableFitsFp32(table: Float64Array): boolean {
  let fits = fp32Tables.get(table);
  if (fits === undefined) {
    fits = table.every((value) => !Number.isFinite(value) || Math.fround(value) === value);
    fp32Tables.set(table, fits);
  }
  return fits;
}

/**
 * Builds the PE arithmetic for an operand format, method, accumulator format and multiplier options.
 * Throws UserError for an unknown format or method name.
 */
export function buildArithmetic(formatName: string, methodName: string, accumulatorFormat: AccumulatorFormat, options: MulOptions = {}): MacArithmetic {
  const format = parseFormat(formatName);
  const method = parseMethod(methodName);
  const accFormat = parseFormat(accumulatorFormat);
  const add = (acc: number, value: number): number => accumulate(accFormat, acc, value);
  const dotKernel = makeDotKernel(format, method, accFormat, options);

  if (format.widthBits <= 8) {
    const table = makeProductTable(format, method, options);
    // Sums of two fp32 values round correctly through a double (53 >= 2·24 + 2 bits), so when every
    // product is an fp32 value the fp32 accumulator reduces to one Math.fround.
    const fastAdd = accFormat.widthBits === 32 && tableFitsFp32(table);
    return {
      product: (a, b) => table[(a << 8) | b],
      add: fastAdd ? (acc, value) => Math.fround(acc + value) : add,
      productTable: table,
      dotKernel,
    };
  }
  // An fp32 accumulator adds a product of at most 25 significant bits with one Math.fround, because
  // a double has 53 >= 2·25 + 2 bits, so rounding first to double never changes the fp32 result.
  const fp32Add = accFormat.widthBits === 32 && productPrecisionBits(format, method) <= 25;
  return { product: fastProductFunction(format, method, options), add: fp32Add ? (acc, value) => Math.fround(acc + value) : add, dotKernel };
}

const scratch = new ArrayBuffer(4);
const scratchU32 = new Uint32Array(scratch);
const scratchF32 = new Float32Array(scratch);

/**
 * Returns the numerics core's product function, with a fast path in front of it for the L-Mul and
 * Mitchell adders on IEEE-style formats of up to 32 bits (fp16, bf16, fp32). With both operands
 * normal, the adder result r = |a| + |b| − K read with a widened exponent is the MAC-form product:
 * one fp32 reinterpretation while its exponent fits fp32, otherwise (2^m + mantissa) times a power of
 * two from a table. A zero or subnormal operand next to a finite one gives a zero with the XOR sign.
 * Infinities and NaNs go to the core's function.
 */
function fastProductFunction(format: FloatFormat, method: MethodName, options: MulOptions): (a: number, b: number) => number {
  const slow = makeProductFunction(format, method, options);
  const adder = method === 'lmul' || method === 'mitchell';
  if (!adder || format.nanStyle !== 'ieee' || format.widthBits > 32 || format.expBits > 8) return slow;

  const constant = lmulConstant(format, method === 'mitchell' ? 0 : (options.offsetLsbs ?? defaultOffsetLsbs(format.manBits)));
  const manScale = 2 ** format.manBits;
  const expMask = (2 ** format.expBits - 1) * manScale;
  const magnitudeMask = format.signMask - 1;
  const signShift = format.widthBits - 1;
  // Adding `rebias` turns the result into fp32 exponent and mantissa fields; shifting aligns the mantissa.
  const rebias = (127 - format.bias) * manScale;
  const shift = 23 - format.manBits;
  const minFp32 = manScale;
  const endFp32 = 255 * manScale;

  // Powers 2^(E − bias − m) for every exponent field E that two normal operands can produce.
  const minField = Math.floor((2 * manScale - constant) / manScale);
  const maxField = Math.floor((2 * (expMask - 1) - constant) / manScale);
  const powers = new Float64Array(maxField - minField + 1);
  for (let field = minField; field <= maxField; field++) powers[field - minField] = 2 ** (field - format.bias - format.manBits);

  return (a, b) => {
    const x = a | 0;
    const y = b | 0;
    const expX = x & expMask;
    const expY = y & expMask;
    if (expX === expMask || expY === expMask) return slow(a, b);
    const negative = ((x ^ y) >>> signShift) & 1;
    if (expX === 0 || expY === 0) return negative ? -0 : 0;

    const result = (x & magnitudeMask) + (y & magnitudeMask) - constant;
    const shifted = result + rebias;
    if (shifted >= minFp32 && shifted < endFp32) {
      scratchU32[0] = ((shifted << shift) | (negative << 31)) >>> 0;
      return scratchF32[0];
    }
    const field = Math.floor(result / manScale);
    const value = (manScale + result - field * manScale) * powers[field - minField];
    return negative ? -value : value;
  };
}

/**
 * Significant bits of the widest finite MAC-form product of a method on a format: the adders give
 * m + 1, the formula m + 2 (the offset can carry into one more bit) and the exact product 2·(m + 1).
 */
function productPrecisionBits(format: FloatFormat, method: MethodName): number {
  if (method === 'exact') return 2 * (format.manBits + 1);
  if (method === 'lmul-formula') return format.manBits + 2;
  return format.manBits + 1;
}

/** Number of bits that differ between two bit patterns of up to 32 bits. */
export function hammingDistance(x: number, y: number): number {
  let v = (x ^ y) >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
