/**
 * Exact rational reference for the numerics tests, written independently of sim/numerics: values are
 * dyadic rationals n · 2^k with bigint n, rounding is done on bigints, and L-Mul is computed on decoded
 * exponent and mantissa fields. Only the format parameters (exponent bits, mantissa bits, bias, NaN
 * style) are taken from the FloatFormat under test; every limit and encoding is derived here.
 */
import type { FloatFormat } from '../../sim/numerics/index.js';

/** A dyadic rational (−1)^negative · n · 2^k; zero keeps its sign. */
export interface Dyadic {
  readonly negative: boolean;
  readonly n: bigint;
  readonly k: number;
}

/** A value of the extended reals: NaN, ±inf or a dyadic rational. */
export type RefValue = { readonly kind: 'nan' } | { readonly kind: 'inf'; readonly negative: boolean } | { readonly kind: 'finite'; readonly value: Dyadic };

export const REF_NAN: RefValue = { kind: 'nan' };

export function finite(negative: boolean, n: bigint, k: number): RefValue {
  return { kind: 'finite', value: { negative, n, k } };
}

/** Fields of a pattern, extracted with bigint shifts. */
export interface Fields {
  readonly negative: boolean;
  readonly exp: number;
  readonly man: number;
}

export function fieldsOf(format: FloatFormat, bits: number): Fields {
  const value = BigInt(bits);
  const m = BigInt(format.manBits);
  const e = BigInt(format.expBits);
  return {
    negative: ((value >> (m + e)) & 1n) === 1n,
    exp: Number((value >> m) & ((1n << e) - 1n)),
    man: Number(value & ((1n << m) - 1n)),
  };
}

function allOnes(width: number): number {
  return 2 ** width - 1;
}

/** Returns whether a pattern is NaN under the format's NaN style. */
export function refIsNan(format: FloatFormat, bits: number): boolean {
  const { negative, exp, man } = fieldsOf(format, bits);
  if (format.nanStyle === 'fnuz') return negative && exp === 0 && man === 0;
  if (format.nanStyle === 'fn') return exp === allOnes(format.expBits) && man === allOnes(format.manBits);
  return exp === allOnes(format.expBits) && man !== 0;
}

/** Decodes a pattern to its exact value. */
export function refDecode(format: FloatFormat, bits: number): RefValue {
  const { negative, exp, man } = fieldsOf(format, bits);
  if (refIsNan(format, bits)) return REF_NAN;
  if (format.nanStyle === 'ieee' && exp === allOnes(format.expBits)) return { kind: 'inf', negative };
  if (exp === 0) return finite(negative, BigInt(man), 1 - format.bias - format.manBits);
  return finite(negative, BigInt(2 ** format.manBits + man), exp - format.bias - format.manBits);
}

/** Returns whether the fields name a finite value of the format; the exponent field may exceed the format's width. */
function fitsFinite(format: FloatFormat, exp: number, man: number): boolean {
  const top = allOnes(format.expBits);
  if (format.nanStyle === 'ieee') return exp <= top - 1;
  if (format.nanStyle === 'fn') return exp < top || (exp === top && man <= allOnes(format.manBits) - 1);
  return exp <= top;
}

function assemble(format: FloatFormat, negative: boolean, exp: number, man: number): number {
  return (negative ? 2 ** (format.expBits + format.manBits) : 0) + exp * 2 ** format.manBits + man;
}

/** Returns the format's max finite pattern with the given sign. */
export function refMaxFiniteBits(format: FloatFormat, negative: boolean): number {
  const top = allOnes(format.expBits);
  const manTop = allOnes(format.manBits);
  if (format.nanStyle === 'ieee') return assemble(format, negative, top - 1, manTop);
  if (format.nanStyle === 'fn') return assemble(format, negative, top, manTop - 1);
  return assemble(format, negative, top, manTop);
}

/** Returns the library's canonical NaN: +quiet NaN for IEEE style, S=0 all ones for fn, the sign bit alone for fnuz. */
export function refNanBits(format: FloatFormat): number {
  if (format.nanStyle === 'ieee') return assemble(format, false, allOnes(format.expBits), 2 ** (format.manBits - 1));
  if (format.nanStyle === 'fn') return assemble(format, false, allOnes(format.expBits), allOnes(format.manBits));
  return 2 ** (format.expBits + format.manBits);
}

function infBitsOf(format: FloatFormat, negative: boolean): number {
  return assemble(format, negative, allOnes(format.expBits), 0);
}

function zeroOf(format: FloatFormat, negative: boolean): number {
  return format.nanStyle !== 'fnuz' && negative ? 2 ** (format.expBits + format.manBits) : 0;
}

function overflow(format: FloatFormat, negative: boolean, saturate: boolean): number {
  if (saturate) return refMaxFiniteBits(format, negative);
  if (format.nanStyle === 'ieee') return infBitsOf(format, negative);
  return refNanBits(format);
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds an exact value into the format: round to nearest, ties to even with an unbounded exponent
 * (subnormal spacing below the normal range), then the overflow policy. Infinity stays inf in formats
 * with inf and becomes max finite (saturating) or NaN in the others.
 */
export function refRound(format: FloatFormat, x: RefValue, saturate: boolean): number {
  if (x.kind === 'nan') return refNanBits(format);
  if (x.kind === 'inf') {
    if (format.nanStyle === 'ieee') return infBitsOf(format, x.negative);
    return saturate ? refMaxFiniteBits(format, x.negative) : refNanBits(format);
  }
  const { negative, n, k } = x.value;
  if (n === 0n) return zeroOf(format, negative);

  const m = format.manBits;
  const minExponent = 1 - format.bias;
  const topExponent = k + bitLength(n) - 1;
  let quantumExponent = Math.max(topExponent, minExponent) - m;

  let units: bigint;
  if (k >= quantumExponent) {
    units = n << BigInt(k - quantumExponent);
  } else {
    const shift = BigInt(quantumExponent - k);
    units = n >> shift;
    const remainder = n - (units << shift);
    const half = 1n << (shift - 1n);
    if (remainder > half || (remainder === half && (units & 1n) === 1n)) units += 1n;
  }
  if (units === 0n) return zeroOf(format, negative);

  const hidden = 1n << BigInt(m);
  if (units === hidden << 1n) {
    units = hidden;
    quantumExponent += 1;
  }
  let exp: number;
  let man: number;
  if (units < hidden) {
    exp = 0;
    man = Number(units);
  } else {
    exp = quantumExponent + m + format.bias;
    man = Number(units - hidden);
  }
  if (!fitsFinite(format, exp, man)) return overflow(format, negative, saturate);
  return assemble(format, negative, exp, man);
}

export function refMul(x: RefValue, y: RefValue): RefValue {
  if (x.kind === 'nan' || y.kind === 'nan') return REF_NAN;
  const xNegative = x.kind === 'inf' ? x.negative : x.value.negative;
  const yNegative = y.kind === 'inf' ? y.negative : y.value.negative;
  const negative = xNegative !== yNegative;
  if (x.kind === 'inf' || y.kind === 'inf') {
    const other = x.kind === 'inf' ? y : x;
    if (other.kind === 'finite' && other.value.n === 0n) return REF_NAN;
    return { kind: 'inf', negative };
  }
  return finite(negative, x.value.n * y.value.n, x.value.k + y.value.k);
}

/** Exact sum; an exact zero is −0 only when both addends are −0 (round to nearest). */
export function refAdd(x: RefValue, y: RefValue): RefValue {
  if (x.kind === 'nan' || y.kind === 'nan') return REF_NAN;
  if (x.kind === 'inf' && y.kind === 'inf') return x.negative === y.negative ? x : REF_NAN;
  if (x.kind === 'inf') return x;
  if (y.kind === 'inf') return y;
  const k = Math.min(x.value.k, y.value.k);
  const xs = (x.value.negative ? -1n : 1n) * (x.value.n << BigInt(x.value.k - k));
  const ys = (y.value.negative ? -1n : 1n) * (y.value.n << BigInt(y.value.k - k));
  const sum = xs + ys;
  if (sum === 0n) return finite(x.value.negative && y.value.negative && x.value.n === 0n && y.value.n === 0n, 0n, 0);
  return finite(sum < 0n, sum < 0n ? -sum : sum, k);
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** Returns the exact value of a double. */
export function fromDouble(x: number): RefValue {
  if (Number.isNaN(x)) return REF_NAN;
  if (x === Infinity || x === -Infinity) return { kind: 'inf', negative: x < 0 };
  f64[0] = x;
  const bits = u64[0];
  const negative = bits >> 63n === 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (exp === 0) return finite(negative, fraction, -1074);
  return finite(negative, fraction | (1n << 52n), exp - 1075);
}

/** Converts an exact value to a double; throws when the double would not be exact. */
export function toDouble(x: RefValue): number {
  if (x.kind === 'nan') return NaN;
  if (x.kind === 'inf') return x.negative ? -Infinity : Infinity;
  const { negative, n, k } = x.value;
  if (bitLength(n) > 53) throw new Error(`toDouble: ${n} does not fit 53 bits`);
  // Two steps keep 2^k in range when k is far below −1022 but the value is not.
  const magnitude = Number(n) * 2 ** Math.ceil(k / 2) * 2 ** Math.floor(k / 2);
  if (fromDoubleEquals(magnitude, n, k) === false) throw new Error(`toDouble: ${n}·2^${k} is not a double`);
  return negative ? -magnitude : magnitude;
}

function fromDoubleEquals(value: number, n: bigint, k: number): boolean {
  const back = fromDouble(value);
  if (back.kind !== 'finite') return false;
  return compareMagnitude(back.value, { negative: false, n, k }) === 0;
}

function compareMagnitude(x: Dyadic, y: Dyadic): number {
  const k = Math.min(x.k, y.k);
  const xs = x.n << BigInt(x.k - k);
  const ys = y.n << BigInt(y.k - k);
  if (xs < ys) return -1;
  return xs > ys ? 1 : 0;
}

/** Reference conversion of a double: the exact value of the double rounded once. */
export function refEncode(format: FloatFormat, value: number, saturate: boolean): number {
  return refRound(format, fromDouble(value), saturate);
}

/** Reference `exact` multiplication of two patterns. */
export function refMultiplyExact(format: FloatFormat, a: number, b: number, saturate: boolean): number {
  return refRound(format, refMul(refDecode(format, a), refDecode(format, b)), saturate);
}

/** Result of L-Mul special-case handling: a final pattern, or the two operands' fields when both are normal. */
type LmulOperands = { readonly special: number } | { readonly a: Fields; readonly b: Fields; readonly negative: boolean };

/** L-Mul's special cases: NaN, then inf (NaN against zero), then zero or subnormal operands give a signed zero. */
function lmulOperands(format: FloatFormat, a: number, b: number): LmulOperands {
  const x = refDecode(format, a);
  const y = refDecode(format, b);
  const fa = fieldsOf(format, a);
  const fb = fieldsOf(format, b);
  const negative = fa.negative !== fb.negative;
  if (x.kind === 'nan' || y.kind === 'nan') return { special: refNanBits(format) };
  if (x.kind === 'inf' || y.kind === 'inf') {
    const other = x.kind === 'inf' ? y : x;
    if (other.kind === 'finite' && other.value.n === 0n) return { special: refNanBits(format) };
    return { special: infBitsOf(format, negative) };
  }
  if (fa.exp === 0 || fb.exp === 0) return { special: zeroOf(format, negative) };
  return { a: fa, b: fb, negative };
}

/**
 * L-Mul on decoded fields: with real exponents xe, ye and fractions xm = Ma / 2^m, ym = Mb / 2^m, the
 * fraction sum f = xm + ym + offset · 2^−m gives carry c = floor(f) and result 2^(xe + ye + c) · (1 + f − c).
 * Returns the result's biased exponent (unbounded) and mantissa field.
 */
function lmulFields(format: FloatFormat, a: Fields, b: Fields, offsetLsbs: number): { exp: number; man: number } {
  const scale = 2 ** format.manBits;
  const fractionUnits = a.man + b.man + offsetLsbs;
  const carry = Math.floor(fractionUnits / scale);
  const resultExponent = a.exp - format.bias + (b.exp - format.bias) + carry;
  return { exp: resultExponent + format.bias, man: fractionUnits - carry * scale };
}

/** Reference `lmul` (and `mitchell` with offset 0) on patterns: zero below the normal range, overflow policy above. */
export function refMultiplyLmul(format: FloatFormat, a: number, b: number, offsetLsbs: number, saturate: boolean): number {
  const operands = lmulOperands(format, a, b);
  if ('special' in operands) return operands.special;
  const { exp, man } = lmulFields(format, operands.a, operands.b, offsetLsbs);
  if (exp < 1) return zeroOf(format, operands.negative);
  if (!fitsFinite(format, exp, man)) return overflow(format, operands.negative, saturate);
  return assemble(format, operands.negative, exp, man);
}

/** Reference MAC-form `lmul` product: the field result with an unbounded exponent. */
export function refProductLmul(format: FloatFormat, a: number, b: number, offsetLsbs: number): RefValue {
  const operands = lmulOperands(format, a, b);
  if ('special' in operands) return refDecode(format, operands.special);
  const { exp, man } = lmulFields(format, operands.a, operands.b, offsetLsbs);
  return finite(operands.negative, BigInt(2 ** format.manBits + man), exp - format.bias - format.manBits);
}

/** Reference formula value (1 + xm + ym + offset · 2^−m) · 2^(xe + ye), or the special-case value. */
export function refProductFormula(format: FloatFormat, a: number, b: number, offsetLsbs: number): RefValue {
  const operands = lmulOperands(format, a, b);
  if ('special' in operands) return refDecode(format, operands.special);
  const scale = 2 ** format.manBits;
  const significand = BigInt(scale + operands.a.man + operands.b.man + offsetLsbs);
  const exponent = operands.a.exp - format.bias + (operands.b.exp - format.bias);
  return finite(operands.negative, significand, exponent - format.manBits);
}

/** Reference `lmul-formula`: the formula value rounded RNE into the format, subnormal results flushed to signed zero. */
export function refMultiplyFormula(format: FloatFormat, a: number, b: number, offsetLsbs: number, saturate: boolean): number {
  const operands = lmulOperands(format, a, b);
  if ('special' in operands) return operands.special;
  const bits = refRound(format, refProductFormula(format, a, b, offsetLsbs), saturate);
  const fields = fieldsOf(format, bits);
  if (!refIsNan(format, bits) && fields.exp === 0) return zeroOf(format, operands.negative);
  return bits;
}

/** Reference MAC-form `exact` product; FNUZ formats turn a zero product into +0. */
export function refProductExact(format: FloatFormat, a: number, b: number): RefValue {
  const product = refMul(refDecode(format, a), refDecode(format, b));
  if (format.nanStyle === 'fnuz' && product.kind === 'finite' && product.value.n === 0n) return finite(false, 0n, 0);
  return product;
}

/** Reference accumulation step: the exact sum of two doubles rounded once into an IEEE-style accumulator. */
export function refAccumulate(accumulator: FloatFormat, acc: number, product: number): number {
  const bits = refRound(accumulator, refAdd(fromDouble(acc), fromDouble(product)), false);
  return toDouble(refDecode(accumulator, bits));
}

/**
 * Returns the default L-Mul offset, 2^(m − l(m)) LSBs, with l(m) = m for m <= 3, 3 for m = 4 and 4 for
 * m >= 5 (Luo and Sun, arXiv 2410.00907).
 */
export function refDefaultOffset(manBits: number): number {
  let l = 4;
  if (manBits <= 3) l = manBits;
  else if (manBits === 4) l = 3;
  return 2 ** (manBits - l);
}
