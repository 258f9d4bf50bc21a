/**
 * Independent reference for the RTL tests, written from the format definitions with exact bigint
 * arithmetic: decode to sign · significand · 2^exponent, multiply or add exactly, round once to
 * nearest with ties to even, then check overflow.
 */
import type { FloatFormat } from '../../sim/numerics/formats.js';

type Decoded =
  | { readonly kind: 'nan' }
  | { readonly kind: 'inf'; readonly negative: boolean }
  | { readonly kind: 'finite'; readonly negative: boolean; readonly significand: bigint; readonly exponent: number };

/** Decodes a bit pattern into an exact value significand · 2^exponent (significand 0 for zeros). */
export function decode(format: FloatFormat, bits: number): Decoded {
  const m = format.manBits;
  const negative = bits >= format.signMask;
  const magnitude = bits % format.signMask;
  const expField = Math.floor(magnitude / 2 ** m);
  const manField = magnitude % 2 ** m;
  const expAllOnes = 2 ** format.expBits - 1;
  if (format.nanStyle === 'ieee' && expField === expAllOnes) return manField === 0 ? { kind: 'inf', negative } : { kind: 'nan' };
  if (format.nanStyle === 'fn' && magnitude === format.signMask - 1) return { kind: 'nan' };
  if (format.nanStyle === 'fnuz' && bits === format.signMask) return { kind: 'nan' };
  if (expField === 0) return { kind: 'finite', negative, significand: BigInt(manField), exponent: 1 - format.bias - m };
  return { kind: 'finite', negative, significand: BigInt(manField + 2 ** m), exponent: expField - format.bias - m };
}

function signed(format: FloatFormat, negative: boolean, magnitude: number): number {
  return negative ? magnitude + format.signMask : magnitude;
}

function zero(format: FloatFormat, negative: boolean): number {
  return format.hasNegativeZero && negative ? format.signMask : 0;
}

function overflowBits(format: FloatFormat, negative: boolean, saturate: boolean): number {
  if (saturate) return signed(format, negative, format.maxFiniteBits);
  if (format.hasInf) return signed(format, negative, (2 ** format.expBits - 1) * 2 ** format.manBits);
  return format.nanBits;
}

function bitLength(value: bigint): number {
  return value.toString(2).length;
}

/** Rounds (−1)^negative · significand · 2^exponent to nearest, ties to even, into `format`. */
export function roundToFormat(format: FloatFormat, negative: boolean, significand: bigint, exponent: number, saturate: boolean): number {
  if (significand === 0n) return zero(format, negative);
  const m = format.manBits;
  const unbiased = bitLength(significand) - 1 + exponent;
  // Quantum: the weight of the mantissa LSB in the binade of the value, or of the subnormals.
  const quantum = Math.max(unbiased, 1 - format.bias) - m;
  const shift = quantum - exponent;
  let kept: bigint;
  if (shift <= 0) {
    kept = significand << BigInt(-shift);
  } else {
    kept = significand >> BigInt(shift);
    const remainder = significand - (kept << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    if (remainder > half || (remainder === half && (kept & 1n) === 1n)) kept += 1n;
  }
  if (kept === 0n) return zero(format, negative);

  // kept may equal 2^(m+1) after rounding up; the field arithmetic below carries it into the exponent.
  const expField = quantum + m + format.bias;
  const magnitude = kept < 1n << BigInt(m) ? Number(kept) : (expField - 1) * 2 ** m + Number(kept);
  if (magnitude > format.maxFiniteBits) return overflowBits(format, negative, saturate);
  return signed(format, negative, magnitude);
}

/** Multiplies exactly and rounds the product once into the format. */
export function exactMultiply(format: FloatFormat, a: number, b: number, saturate = format.saturateByDefault): number {
  const x = decode(format, a);
  const y = decode(format, b);
  if (x.kind === 'nan' || y.kind === 'nan') return format.nanBits;
  const negative = (a >= format.signMask) !== (b >= format.signMask);
  if (x.kind === 'inf' || y.kind === 'inf') {
    const other = x.kind === 'inf' ? y : x;
    if (other.kind === 'finite' && other.significand === 0n) return format.nanBits;
    return signed(format, negative, (2 ** format.expBits - 1) * 2 ** format.manBits);
  }
  if (x.kind !== 'finite' || y.kind !== 'finite') throw new Error('unreachable');
  return roundToFormat(format, negative, x.significand * y.significand, x.exponent + y.exponent, saturate);
}

/** Adds exactly and rounds the sum once into the format. x + (−x) is +0, and −0 + −0 is −0. */
export function exactAdd(format: FloatFormat, a: number, b: number, saturate = false): number {
  const x = decode(format, a);
  const y = decode(format, b);
  if (x.kind === 'nan' || y.kind === 'nan') return format.nanBits;
  if (x.kind === 'inf' && y.kind === 'inf') return x.negative === y.negative ? a : format.nanBits;
  if (x.kind === 'inf') return a;
  if (y.kind === 'inf') return b;
  if (x.kind !== 'finite' || y.kind !== 'finite') throw new Error('unreachable');
  const exponent = Math.min(x.exponent, y.exponent);
  const sx = (x.negative ? -x.significand : x.significand) << BigInt(x.exponent - exponent);
  const sy = (y.negative ? -y.significand : y.significand) << BigInt(y.exponent - exponent);
  const total = sx + sy;
  if (total === 0n) return zero(format, x.significand === 0n && y.significand === 0n && x.negative && y.negative);
  return roundToFormat(format, total < 0n, total < 0n ? -total : total, exponent, saturate);
}

/** L-Mul on bit patterns: |a| + |b| − K with the special-value rules of the numerics core. */
export function lmulMultiply(format: FloatFormat, a: number, b: number, saturate = format.saturateByDefault): number {
  const x = decode(format, a);
  const y = decode(format, b);
  if (x.kind === 'nan' || y.kind === 'nan') return format.nanBits;
  const negative = (a >= format.signMask) !== (b >= format.signMask);
  const infinity = (2 ** format.expBits - 1) * 2 ** format.manBits;
  if (x.kind === 'inf' || y.kind === 'inf') {
    const other = x.kind === 'inf' ? y : x;
    if (other.kind === 'finite' && other.significand === 0n) return format.nanBits;
    return signed(format, negative, infinity);
  }
  const m = format.manBits;
  const magnitudeA = a % format.signMask;
  const magnitudeB = b % format.signMask;
  if (magnitudeA < 2 ** m || magnitudeB < 2 ** m) return zero(format, negative);
  // l(m) of Luo and Sun (arXiv 2410.00907): m for m <= 3, 3 for m = 4, 4 for m >= 5.
  let l = 4;
  if (m <= 3) l = m;
  else if (m === 4) l = 3;
  const k = format.bias * 2 ** m - 2 ** (m - l);
  const r = magnitudeA + magnitudeB - k;
  if (r < 2 ** m) return zero(format, negative);
  if (r > format.maxFiniteBits) return overflowBits(format, negative, saturate);
  return signed(format, negative, r);
}
