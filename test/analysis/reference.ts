/**
 * Independent e4m3 arithmetic for the tests, written from the OCP OFP8 definition and the L-Mul adder
 * rule |r| = |a| + |b| - K rather than taken from sim/numerics. Every value is a dyadic rational with
 * few bits, so plain double arithmetic is exact here.
 */

/** e4m3 (OCP E4M3): bias 7, 3 mantissa bits, NaN only at S.1111.111, no inf. */
export function e4m3Value(bits: number): number {
  const sign = bits & 0x80 ? -1 : 1;
  const exponent = (bits >> 3) & 0xf;
  const mantissa = bits & 0x7;
  if ((bits & 0x7f) === 0x7f) return NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -9;
  return sign * (8 + mantissa) * 2 ** (exponent - 10);
}

/** Returns whether an e4m3 pattern is a normal number (exponent field 1..15, not the NaN code). */
export function isE4m3Normal(bits: number): boolean {
  return (bits & 0x78) !== 0 && (bits & 0x7f) !== 0x7f;
}

/** K = (bias << m) - offset = 56 - 1 for e4m3 with the default offset 2^(3 - l(3)) = 1 LSB. */
const E4M3_LMUL_CONSTANT = 55;

/** L-Mul of two normal e4m3 patterns read with a widened exponent: the MAC-form value. */
export function lmulE4m3WideValue(a: number, b: number): number {
  const sum = (a & 0x7f) + (b & 0x7f) - E4M3_LMUL_CONSTANT;
  const exponent = Math.floor(sum / 8);
  const mantissa = sum - 8 * exponent;
  const magnitude = (8 + mantissa) * 2 ** (exponent - 10);
  return (a ^ b) & 0x80 ? -magnitude : magnitude;
}

/**
 * L-Mul of two e4m3 patterns as an 8-bit multiplier. A NaN operand gives NaN (0x7f), and a zero or
 * subnormal operand gives signed zero. A result below the normal range flushes to signed zero, and
 * overflow saturates to ±448 (0x7e), the e4m3 default.
 */
export function lmulE4m3Bits(a: number, b: number): number {
  const sign = (a ^ b) & 0x80;
  if ((a & 0x7f) === 0x7f || (b & 0x7f) === 0x7f) return 0x7f;
  if ((a & 0x78) === 0 || (b & 0x78) === 0) return sign;
  const sum = (a & 0x7f) + (b & 0x7f) - E4M3_LMUL_CONSTANT;
  if (sum < 8) return sign;
  if (sum > 0x7e) return sign | 0x7e;
  return sign | sum;
}

/** Returns l(m) of L-Mul's offset 2^-l(m): m for m <= 3, 3 for m = 4, 4 for m >= 5. */
export function paperOffsetExponent(mantissaBits: number): number {
  if (mantissaBits <= 3) return mantissaBits;
  if (mantissaBits === 4) return 3;
  return 4;
}

/** Mean of |x|, max of |x| and mean of x, by plain summation. */
export function plainStatistics(errors: readonly number[]): { mean: number; max: number; bias: number } {
  let absSum = 0;
  let signedSum = 0;
  let max = 0;
  for (const error of errors) {
    absSum += Math.abs(error);
    signedSum += error;
    max = Math.max(max, Math.abs(error));
  }
  return { mean: absSum / errors.length, max, bias: signedSum / errors.length };
}

/**
 * Relative error of the L-Mul adder on mantissa fractions xm, ym in [0, 1) with offset o:
 * the fraction sum s = xm + ym + o carries c = floor(s) into the exponent, giving (1 + s - c) · 2^c.
 */
export function lmulMantissaError(xm: number, ym: number, offset: number): number {
  const sum = xm + ym + offset;
  const carry = Math.floor(sum);
  const approximate = (1 + sum - carry) * 2 ** carry;
  return approximate / ((1 + xm) * (1 + ym)) - 1;
}
