/**
 * Multiplication methods on bit patterns: the exactly rounded product, L-Mul as an integer adder
 * (`lmul`, after Luo and Sun, arXiv 2410.00907), the paper's written formula (`lmul-formula`) and
 * Mitchell's logarithmic multiplier (`mitchell`, L-Mul without the offset).
 */
import { closestMatch } from '../../common/diagnostic.js';
import { UserError } from '../../common/errors.js';
import { decode, encode, infBits, overflowBits, zeroBits } from './codec.js';
import type { FloatFormat } from './formats.js';

/** The multiplication methods, in the order used by listings and benchmarks. */
export const METHOD_NAMES = ['exact', 'lmul', 'lmul-formula', 'mitchell'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

/** Returns the method for `name` (case-insensitive); throws UserError listing the accepted names otherwise. */
export function parseMethod(name: string): MethodName {
  const lower = name.trim().toLowerCase();
  const method = METHOD_NAMES.find((candidate) => candidate === lower);
  if (method) return method;

  const suggestion = closestMatch(name, METHOD_NAMES);
  const hint = suggestion ? ` (did you mean '${suggestion}'?)` : '';
  throw new UserError(`invalid multiplication method '${name}': expected one of ${METHOD_NAMES.join(', ')}${hint}`);
}

export interface MulOptions {
  /** Clamp overflow to ±max finite; default `format.saturateByDefault`. */
  readonly saturate?: boolean;
  /**
   * L-Mul offset in units of the last mantissa place, an integer >= 0; default `defaultOffsetLsbs(manBits)`.
   * Used by `lmul` and `lmul-formula` (as the constant term offsetLsbs · 2^−m); `mitchell` always uses 0
   * and `exact` ignores it.
   */
  readonly offsetLsbs?: number;
}

/** Returns the paper's l(m): m for m <= 3, 3 for m = 4, 4 for m >= 5. */
export function lmulOffsetExponent(manBits: number): number {
  if (manBits <= 3) return manBits;
  if (manBits === 4) return 3;
  return 4;
}

/** Returns the default L-Mul offset in mantissa LSBs, 2^(m − l(m)), so that the offset is 2^−l(m). */
export function defaultOffsetLsbs(manBits: number): number {
  return 2 ** (manBits - lmulOffsetExponent(manBits));
}

/**
 * Returns the constant K of the L-Mul adder |r| = |a| + |b| − K on magnitude bit fields:
 * K = (bias << m) − offsetLsbs. Examples with the default offset: fp32 0x3F780000, bf16 0x3F78,
 * fp16 0x3BC0, e4m3 55, e5m2 59.
 */
export function lmulConstant(format: FloatFormat, offsetLsbs: number = defaultOffsetLsbs(format.manBits)): number {
  checkOffset(offsetLsbs);
  return format.bias * 2 ** format.manBits - offsetLsbs;
}

function checkOffset(offsetLsbs: number): void {
  if (!Number.isSafeInteger(offsetLsbs) || offsetLsbs < 0) {
    throw new UserError(`invalid L-Mul offset ${offsetLsbs}: expected an integer number of mantissa LSBs, 0 or more`);
  }
}

/** Resolved parameters of one method on one format; computed once per multiplier. */
export interface MethodSetup {
  readonly format: FloatFormat;
  readonly method: MethodName;
  readonly saturate: boolean;
  /** Offset in mantissa LSBs; 0 for `mitchell` and `exact`. */
  readonly offsetLsbs: number;
  /** K of the adder, (bias << m) − offsetLsbs. */
  readonly constant: number;
}

/** Resolves the options of a method: saturation default, offset (0 for mitchell) and K. */
export function setupMethod(format: FloatFormat, method: MethodName, options: MulOptions = {}): MethodSetup {
  if (!METHOD_NAMES.includes(method)) parseMethod(String(method));
  let offsetLsbs = 0;
  if (method === 'lmul' || method === 'lmul-formula') offsetLsbs = options.offsetLsbs ?? defaultOffsetLsbs(format.manBits);
  checkOffset(offsetLsbs);
  return {
    format,
    method,
    saturate: options.saturate ?? format.saturateByDefault,
    offsetLsbs,
    constant: format.bias * 2 ** format.manBits - offsetLsbs,
  };
}

/**
 * Applies the special cases shared by `lmul`, `lmul-formula` and `mitchell` and returns the result
 * pattern, or -1 when both operands are normal and the arithmetic path decides.
 * The checks run in this order. A NaN operand gives NaN. An infinite operand gives inf with the XOR
 * sign, or NaN when the other operand is zero. A zero or subnormal operand gives zero with the XOR
 * sign, +0 in FNUZ formats.
 */
export function approximateSpecialCase(format: FloatFormat, a: number, b: number): number {
  const signMask = format.signMask;
  const manScale = 2 ** format.manBits;
  const magnitudeA = a % signMask;
  const magnitudeB = b % signMask;
  const negative = a >= signMask !== b >= signMask;

  if (format.nanStyle === 'ieee') {
    const inf = infBits(format);
    if (magnitudeA > inf || magnitudeB > inf) return format.nanBits;
    if (magnitudeA === inf || magnitudeB === inf) {
      if (magnitudeA === 0 || magnitudeB === 0) return format.nanBits;
      return (negative ? signMask : 0) + inf;
    }
  } else if (format.nanStyle === 'fn') {
    if (magnitudeA === format.nanBits || magnitudeB === format.nanBits) return format.nanBits;
  } else if (a === signMask || b === signMask) {
    return format.nanBits;
  }

  if (magnitudeA < manScale || magnitudeB < manScale) return zeroBits(format, negative);
  return -1;
}

/** `lmul` and `mitchell` on two patterns: the integer adder with zero gating, flush and the overflow policy. */
export function multiplyAdder(setup: MethodSetup, a: number, b: number): number {
  const format = setup.format;
  const special = approximateSpecialCase(format, a, b);
  if (special >= 0) return special;

  const signMask = format.signMask;
  const negative = a >= signMask !== b >= signMask;
  const result = (a % signMask) + (b % signMask) - setup.constant;
  if (result < 2 ** format.manBits) return zeroBits(format, negative);
  if (result > format.maxFiniteBits) return overflowBits(format, negative, setup.saturate);
  return (negative ? signMask : 0) + result;
}

/**
 * Returns the unrounded value of the written L-Mul formula for two normal patterns,
 * (1 + xm + ym + offsetLsbs · 2^−m) · 2^(xe + ye), with the XOR sign. Exact in a double for every
 * format up to 32 bits (at most 25 significant bits, exponents within ±300).
 */
export function formulaValue(setup: MethodSetup, a: number, b: number): number {
  const format = setup.format;
  const signMask = format.signMask;
  const manScale = 2 ** format.manBits;
  const magnitudeA = a % signMask;
  const magnitudeB = b % signMask;
  const expA = Math.floor(magnitudeA / manScale);
  const expB = Math.floor(magnitudeB / manScale);
  const significand = manScale + (magnitudeA - expA * manScale) + (magnitudeB - expB * manScale) + setup.offsetLsbs;
  const value = significand * 2 ** (expA + expB - 2 * format.bias - format.manBits);
  return a >= signMask !== b >= signMask ? -value : value;
}

/** `lmul-formula` on two patterns: the formula value rounded RNE into the format; subnormal results flush to signed zero. */
export function multiplyFormula(setup: MethodSetup, a: number, b: number): number {
  const format = setup.format;
  const special = approximateSpecialCase(format, a, b);
  if (special >= 0) return special;

  const value = formulaValue(setup, a, b);
  const bits = encode(format, value, setup.saturate);
  // In FNUZ formats the NaN pattern 0x80 has a zero magnitude field, so test it first.
  if (bits !== format.nanBits && bits % format.signMask < 2 ** format.manBits) return zeroBits(format, value < 0);
  return bits;
}

/** Multiplies two patterns with `exact`: the exact product, which fits a double for formats up to 32 bits, rounded once. */
export function multiplyExact(setup: MethodSetup, a: number, b: number): number {
  return encode(setup.format, decode(setup.format, a) * decode(setup.format, b), setup.saturate);
}

/** Throws RangeError unless `bits` is an integer pattern of the format. */
export function checkBits(format: FloatFormat, bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits >= 2 ** format.widthBits) {
    throw new RangeError(`Invalid ${format.name} bit pattern ${bits}: expected an integer in [0, 2^${format.widthBits}).`);
  }
}

/** Multiplies two bit patterns of `format` with `method` and returns the result pattern. */
export function multiply(format: FloatFormat, method: MethodName, a: number, b: number, options?: MulOptions): number {
  checkBits(format, a);
  checkBits(format, b);
  return multiplyWith(setupMethod(format, method, options), a, b);
}

/** Multiplies two patterns with resolved method parameters. */
export function multiplyWith(setup: MethodSetup, a: number, b: number): number {
  switch (setup.method) {
    case 'exact':
      return multiplyExact(setup, a, b);
    case 'lmul':
    case 'mitchell':
      return multiplyAdder(setup, a, b);
    case 'lmul-formula':
      return multiplyFormula(setup, a, b);
  }
}

/** Multiplication tables of narrow formats, by format object and then by method, saturation and offset. */
const tableCache = new WeakMap<FloatFormat, Map<string, Uint8Array>>();

function multiplicationTable(setup: MethodSetup): Uint8Array {
  const format = setup.format;
  let byKey = tableCache.get(format);
  if (!byKey) {
    byKey = new Map();
    tableCache.set(format, byKey);
  }
  const key = `${setup.method}/${setup.saturate}/${setup.offsetLsbs}`;
  let table = byKey.get(key);
  if (!table) {
    const width = format.widthBits;
    const count = 2 ** width;
    table = new Uint8Array(count * count);
    for (let a = 0; a < count; a++) {
      for (let b = 0; b < count; b++) table[(a << width) | b] = multiplyWith(setup, a, b);
    }
    byKey.set(key, table);
  }
  return table;
}

/**
 * Returns a fast multiplier on bit patterns with the options resolved once. Formats of 8 bits or fewer
 * use a cached lookup table of all operand pairs; the closure does not validate its operands.
 */
export function makeMultiplier(format: FloatFormat, method: MethodName, options?: MulOptions): (a: number, b: number) => number {
  const setup = setupMethod(format, method, options);
  if (format.widthBits <= 8) {
    const table = multiplicationTable(setup);
    const width = format.widthBits;
    return (a, b) => table[(a << width) | b];
  }
  switch (setup.method) {
    case 'exact':
      return (a, b) => multiplyExact(setup, a, b);
    case 'lmul':
    case 'mitchell':
      return (a, b) => multiplyAdder(setup, a, b);
    case 'lmul-formula':
      return (a, b) => multiplyFormula(setup, a, b);
  }
}
