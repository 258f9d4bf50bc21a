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
  return { product: fastProductFunction(format, method, options), add, dotKernel };
}

const scratch = new ArrayBuffer(4);
const scratchU32 = new Uint32Array(scratch);
const scratchF32 = new Float32Array(scratch);

/**
 * Returns the numerics core's product function, with a fast path in front of it for the L-Mul and
 * Mitchell adders on bf16 and fp32. When both operands are normal and the adder result stays inside the
 * normal range, the result is itself a bit pattern of the format, so reinterpreting it as fp32 gives
 * the MAC-form value. Every other case goes to the general function.
 */
function fastProductFunction(format: FloatFormat, method: MethodName, options: MulOptions): (a: number, b: number) => number {
  const slow = makeProductFunction(format, method, options);
  const adder = method === 'lmul' || method === 'mitchell';
  const ieee8BitExponent = format.nanStyle === 'ieee' && format.expBits === 8 && format.bias === 127;
  if (!adder || !ieee8BitExponent || (format.manBits !== 7 && format.manBits !== 23)) return slow;

  const constant = lmulConstant(format, method === 'mitchell' ? 0 : (options.offsetLsbs ?? defaultOffsetLsbs(format.manBits)));
  // A bf16 pattern shifted left by 16 is the fp32 pattern of the same value.
  const shift = format.manBits === 7 ? 16 : 0;
  const expMask = format.manBits === 7 ? 0x7f80 : 0x7f800000;
  const magnitudeMask = format.manBits === 7 ? 0x7fff : 0x7fffffff;
  const signMask = format.manBits === 7 ? 0x8000 : 0x80000000;
  const minNormal = 2 ** format.manBits;
  const maxFinite = format.maxFiniteBits;
  return (a, b) => {
    const expA = a & expMask;
    const expB = b & expMask;
    const result = (a & magnitudeMask) + (b & magnitudeMask) - constant;
    if (expA !== 0 && expB !== 0 && expA !== expMask && expB !== expMask && result >= minNormal && result <= maxFinite) {
      scratchU32[0] = ((result | ((a ^ b) & signMask)) << shift) >>> 0;
      return scratchF32[0];
    }
    return slow(a, b);
  };
}

/** Number of bits that differ between two bit patterns of up to 32 bits. */
export function hammingDistance(x: number, y: number): number {
  let v = (x ^ y) >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
