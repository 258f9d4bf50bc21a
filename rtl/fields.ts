/**
 * Verilog fragments shared by the floating-point units: operand field extraction, special-value
 * classification and the constant output patterns of a format.
 */
import type { FloatFormat } from '../sim/numerics/formats.js';

/** Formats a non-negative integer as a sized Verilog hexadecimal literal. */
export function literal(width: number, value: number | bigint): string {
  return `${width}'h${BigInt(value).toString(16)}`;
}

/** Zero-extends a `width`-bit Verilog expression to `targetWidth` bits (a zero-width pad is invalid Verilog). */
export function zeroExtend(expression: string, width: number, targetWidth: number): string {
  if (targetWidth < width) throw new Error(`cannot zero-extend ${width} bits to ${targetWidth}`);
  return targetWidth === width ? expression : `{${targetWidth - width}'d0, ${expression}}`;
}

/** Returns the infinity magnitude pattern (exponent all ones, mantissa 0), meaningful only for formats with inf. */
export function infinityBits(format: FloatFormat): number {
  return (2 ** format.expBits - 1) * 2 ** format.manBits;
}

/**
 * Declares `${p}_sign`, `${p}_exp`, `${p}_man`, `${p}_expzero` (zero or subnormal), `${p}_zero`,
 * `${p}_nan` and `${p}_inf` for the operand port `p` under the format's NaN style.
 */
export function classifyOperand(p: string, format: FloatFormat): string[] {
  const w = format.widthBits;
  const m = format.manBits;
  const lines = [
    `  wire ${p}_sign = ${p}[${w - 1}];`,
    `  wire [${format.expBits - 1}:0] ${p}_exp = ${p}[${w - 2}:${m}];`,
    `  wire [${m - 1}:0] ${p}_man = ${p}[${m - 1}:0];`,
    `  wire ${p}_expzero = ~|${p}_exp;`,
    `  wire ${p}_zero = ~|${p}[${w - 2}:0];`,
  ];
  if (format.nanStyle === 'ieee') {
    lines.push(`  wire ${p}_nan = (&${p}_exp) & (|${p}_man);`, `  wire ${p}_inf = (&${p}_exp) & ~(|${p}_man);`);
  } else if (format.nanStyle === 'fn') {
    lines.push(`  wire ${p}_nan = &${p}[${w - 2}:0];`, `  wire ${p}_inf = 1'b0;`);
  } else {
    lines.push(`  wire ${p}_nan = ${p}_sign & ${p}_zero;`, `  wire ${p}_inf = 1'b0;`);
  }
  return lines;
}

/** Constant patterns a unit drives onto its output: NaN, ±inf, ±max finite and a signed zero. */
export interface OutputPatterns {
  readonly nan: string;
  /** Verilog expression for ±inf with the sign `signWire`, or NaN in formats without inf. */
  readonly infinity: (signWire: string) => string;
  readonly maxFinite: (signWire: string) => string;
  /** ±0, or +0 in formats without −0. */
  readonly zero: (signWire: string) => string;
  /** Result for a finite overflow: ±max finite when saturating, else ±inf, else NaN. */
  readonly overflow: (signWire: string) => string;
}

/** Returns the output patterns of `format`; `saturate` selects the finite-overflow behaviour. */
export function outputPatterns(format: FloatFormat, saturate: boolean): OutputPatterns {
  const w = format.widthBits;
  const magnitudeWidth = w - 1;
  const nan = literal(w, format.nanBits);
  const infinity = (sign: string): string => (format.hasInf ? `{${sign}, ${literal(magnitudeWidth, infinityBits(format))}}` : nan);
  const maxFinite = (sign: string): string => `{${sign}, ${literal(magnitudeWidth, format.maxFiniteBits)}}`;
  const zero = (sign: string): string => (format.hasNegativeZero ? `{${sign}, ${literal(magnitudeWidth, 0)}}` : literal(w, 0));
  const overflow = (sign: string): string => (saturate ? maxFinite(sign) : infinity(sign));
  return { nan, infinity, maxFinite, zero, overflow };
}
