/**
 * Conversion between bit patterns and JS numbers. Bit patterns are unsigned integers below
 * 2^widthBits held in a number (fp32 patterns go up to 0xFFFFFFFF, so never rely on int32 bit operators
 * for the sign of a 32-bit pattern).
 */
import type { FloatFormat } from './formats.js';

const scratch = new ArrayBuffer(8);
const scratchF64 = new Float64Array(scratch);
const scratchU32 = new Uint32Array(scratch);
const scratchF32 = new Float32Array(scratch, 0, 1);
// Index of the high word of the float64 in scratchU32 (1 on little-endian hosts).
const HIGH_WORD = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Returns the pattern of +inf in IEEE-style formats (exponent all ones, mantissa 0). The value is meaningless for fn and fnuz formats. */
export function infBits(format: FloatFormat): number {
  return (2 ** format.expBits - 1) * 2 ** format.manBits;
}

/** Classifies a bit pattern. */
export function classify(format: FloatFormat, bits: number): 'nan' | 'inf' | 'zero' | 'subnormal' | 'normal' {
  const magnitude = bits % format.signMask;
  if (format.nanStyle === 'fnuz') {
    if (bits === format.signMask) return 'nan';
  } else if (format.nanStyle === 'fn') {
    if (magnitude === format.nanBits) return 'nan';
  } else if (magnitude >= infBits(format)) {
    return magnitude === infBits(format) ? 'inf' : 'nan';
  }
  if (magnitude === 0) return 'zero';
  return magnitude < 2 ** format.manBits ? 'subnormal' : 'normal';
}

/** Decodes every bit pattern of the format: NaN, ±Infinity and −0 become the JS values. */
export function decode(format: FloatFormat, bits: number): number {
  if (format.widthBits === 32) {
    scratchU32[0] = bits;
    return scratchF32[0];
  }

  const negative = bits >= format.signMask;
  const magnitude = negative ? bits - format.signMask : bits;
  const manScale = 2 ** format.manBits;
  const expField = Math.floor(magnitude / manScale);
  const manField = magnitude - expField * manScale;

  if (format.nanStyle === 'fnuz') {
    if (bits === format.signMask) return NaN;
  } else if (format.nanStyle === 'fn') {
    if (magnitude === format.nanBits) return NaN;
  } else if (expField === 2 ** format.expBits - 1) {
    if (manField !== 0) return NaN;
    return negative ? -Infinity : Infinity;
  }

  // Subnormals share the exponent of the smallest normal binade. Both products below are exact.
  const value = expField === 0 ? manField * format.minSubnormal : (manScale + manField) * 2 ** (expField - format.bias - format.manBits);
  return negative ? -value : value;
}

/** Returns the unbiased exponent of a positive normal double, floor(log2(x)). */
function exponentOf(x: number): number {
  scratchF64[0] = x;
  return ((scratchU32[HIGH_WORD] >>> 20) & 0x7ff) - 1023;
}

/**
 * Returns the pattern for the overflow of a value with the given sign: ±max finite when saturating,
 * otherwise ±inf, or NaN in formats without inf.
 */
export function overflowBits(format: FloatFormat, negative: boolean, saturate: boolean): number {
  const sign = negative ? format.signMask : 0;
  if (saturate) return sign + format.maxFiniteBits;
  if (format.hasInf) return sign + infBits(format);
  return format.nanBits;
}

/** Returns the pattern of a zero with the given sign; FNUZ formats have only +0. */
export function zeroBits(format: FloatFormat, negative: boolean): number {
  return negative && format.hasNegativeZero ? format.signMask : 0;
}

/**
 * Encodes a JS number: rounds to nearest, ties to even, then applies the overflow policy.
 * `saturate` (default `format.saturateByDefault`) clamps finite values beyond the range to ±max finite;
 * without it they become ±inf, or NaN in formats without inf. NaN encodes as `format.nanBits`.
 * ±Infinity stays ±inf in formats with inf even when saturating, because saturation clamps only finite
 * values that overflow. In formats without
 * inf it becomes ±max finite when saturating and NaN otherwise. −0 becomes +0 in FNUZ formats.
 * For fp32 without saturation the result equals the bits of Math.fround(value).
 */
export function encode(format: FloatFormat, value: number, saturate: boolean = format.saturateByDefault): number {
  if (Number.isNaN(value)) return format.nanBits;
  if (format.widthBits === 32) return encodeFp32(value, saturate);

  const negative = value < 0 || Object.is(value, -0);
  const magnitude = Math.abs(value);
  if (magnitude === Infinity) {
    const sign = negative ? format.signMask : 0;
    if (format.hasInf) return sign + infBits(format);
    if (saturate) return sign + format.maxFiniteBits;
    return format.nanBits;
  }
  if (magnitude === 0) return zeroBits(format, negative);

  // Scale the magnitude so that one unit in the last place of its binade (or of the subnormal range) is 1.
  // Dividing by a power of two is exact, so `scaled` is the magnitude without error.
  const manScale = 2 ** format.manBits;
  let expField: number;
  let quantum: number;
  if (magnitude < format.minNormal) {
    expField = 0;
    quantum = format.minSubnormal;
  } else {
    const exponent = exponentOf(magnitude);
    expField = exponent + format.bias;
    quantum = 2 ** (exponent - format.manBits);
  }
  const scaled = magnitude / quantum;
  let rounded = Math.floor(scaled);
  const fraction = scaled - rounded;
  if (fraction > 0.5 || (fraction === 0.5 && rounded % 2 === 1)) rounded += 1;

  // For normal values `rounded` is in [2^m, 2^(m+1)], and a carry to 2^(m+1) moves into the exponent
  // by plain addition. A subnormal that rounds up to 2^m becomes the smallest normal the same way.
  const magnitudeBits = expField === 0 ? rounded : (expField - 1) * manScale + rounded;
  if (magnitudeBits > format.maxFiniteBits) return overflowBits(format, negative, saturate);
  if (magnitudeBits === 0) return zeroBits(format, negative);
  return (negative ? format.signMask : 0) + magnitudeBits;
}

/** Encodes to fp32 with Math.fround, which rounds to nearest even. */
function encodeFp32(value: number, saturate: boolean): number {
  const rounded = Math.fround(value);
  if (saturate && Math.abs(rounded) === Infinity && Number.isFinite(value)) return value < 0 ? 0xff7fffff : 0x7f7fffff;
  return fp32Bits(rounded);
}

/** Rounds a JS number to the nearest value of the format (RNE, then the overflow policy); decode(encode(...)). */
export function roundToFormat(format: FloatFormat, value: number, saturate: boolean = format.saturateByDefault): number {
  return decode(format, encode(format, value, saturate));
}

/** Formats a pattern as hexadecimal, zero padded to the format's width: '0x7e', '0x3f800000'. */
export function formatBits(format: FloatFormat, bits: number): string {
  return `0x${bits.toString(16).padStart(Math.ceil(format.widthBits / 4), '0')}`;
}

/** Returns the bits of a double rounded to fp32 (Math.fround), as an unsigned 32-bit pattern. */
export function fp32Bits(value: number): number {
  scratchF32[0] = value;
  return scratchU32[0];
}
