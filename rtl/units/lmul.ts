/**
 * L-Mul unit: |y| = |a| + |b| − K on the magnitude fields, with special values, underflow to a
 * signed zero and overflow handled as the numerics core's `lmul` method does.
 */
import type { FloatFormat } from '../../sim/numerics/formats.js';
import { lmulConstant } from '../../sim/numerics/methods.js';
import { addVectors, type AdderKind } from '../adders.js';
import { classifyOperand, literal, outputPatterns } from '../fields.js';
import { type Bit, bitsOf, constantBits, Netlist, ZERO } from '../netlist.js';

/** Options of the L-Mul generator. */
export interface LmulOptions {
  readonly adder: AdderKind;
  readonly saturate: boolean;
  /** Offset added to the mantissa sum, in mantissa LSBs: 2^(m − l(m)) by default. */
  readonly offsetLsbs: number;
}

/**
 * Adds t = |a| + |b| − K in w + 1 bits two's complement, w the format width: |a| + |b| <= 2^w − 2
 * and K < 2^(w−1), so t cannot wrap. A carry-save row folds the constant 2^(w+1) − K into the two
 * magnitudes before one carry-propagate adder. Returns t's bits, least significant first.
 */
function lmulSum(netlist: Netlist, format: FloatFormat, options: LmulOptions): Bit[] {
  const w = format.widthBits;
  const width = w + 1;
  const k = lmulConstant(format, options.offsetLsbs);
  const magnitudeA = [...bitsOf('a', w - 1), ZERO, ZERO];
  const magnitudeB = [...bitsOf('b', w - 1), ZERO, ZERO];
  const negatedK = constantBits((1n << BigInt(width)) - BigInt(k), width);
  const sums = magnitudeA.map((bit, index) => netlist.fullAdder(bit, magnitudeB[index], negatedK[index]));
  const sumRow = sums.map((cell) => cell.sum);
  const carryRow = [ZERO, ...sums.slice(0, -1).map((cell) => cell.carry)];
  return addVectors(netlist, sumRow, carryRow, ZERO, options.adder).sum;
}

function sumLines(format: FloatFormat, options: LmulOptions): string[] {
  const netlist = new Netlist('l');
  const total = lmulSum(netlist, format, options);
  return [`  wire [${format.widthBits}:0] t;`, netlist.body(), ...total.map((bit, index) => `  assign t[${index}] = ${bit};`)];
}

/** Returns the body of a combinational L-Mul module with ports a, b and y in `format`. */
export function lmulBody(format: FloatFormat, options: LmulOptions): string {
  const w = format.widthBits;
  const m = format.manBits;
  const patterns = outputPatterns(format, options.saturate);
  const lines: string[] = [
    ...classifyOperand('a', format),
    ...classifyOperand('b', format),
    `  wire sign = a_sign ^ b_sign;`,
    ...sumLines(format, options),
    `  wire negative = t[${w}];`,
    `  wire underflow = negative | (t[${w - 1}:0] < ${literal(w, 2 ** m)});`,
    `  wire overflow = ~negative & (t[${w - 1}:0] > ${literal(w, format.maxFiniteBits)});`,
    `  wire any_nan = a_nan | b_nan | (a_inf & b_zero) | (b_inf & a_zero);`,
    `  wire any_inf = a_inf | b_inf;`,
    `  wire any_expzero = a_expzero | b_expzero;`,
    `  assign y = any_nan ? ${patterns.nan}`,
    `           : any_inf ? ${patterns.infinity('sign')}`,
    `           : (any_expzero | underflow) ? ${patterns.zero('sign')}`,
    `           : overflow ? ${patterns.overflow('sign')}`,
    `           : {sign, t[${w - 2}:0]};`,
  ];
  return lines.join('\n');
}

/**
 * Returns the body of an L-Mul whose result y is fp32, as a MAC feeds its accumulator: t is read
 * with a widened exponent field, t = E · 2^m + M giving (1 + M / 2^m) · 2^(E − bias), so nothing
 * saturates or flushes at the operand format's range. Exact for operand formats whose products stay
 * in fp32's normal range (all 8-bit formats and fp16).
 */
export function lmulWideBody(format: FloatFormat, options: LmulOptions): string {
  const w = format.widthBits;
  const m = format.manBits;
  // fp32 exponent field = E + 127 − bias, with E = t >> m sign-extended to 11 bits.
  const exponentWidth = 11;
  const fieldOffset = 127 - format.bias;
  const wrap = 2 ** exponentWidth;
  const lines: string[] = [
    ...classifyOperand('a', format),
    ...classifyOperand('b', format),
    `  wire sign = a_sign ^ b_sign;`,
    ...sumLines(format, options),
    `  wire [${exponentWidth - 1}:0] wide_exp = {{${exponentWidth - (w + 1 - m)}{t[${w}]}}, t[${w}:${m}]} + ${literal(exponentWidth, ((fieldOffset % wrap) + wrap) % wrap)};`,
    `  // NOTE: beyond fp32's normal range (only bf16 and fp32 operands get there) the product becomes ±0 or ±inf here,`,
    `  // while the numerics core keeps the exact value until the accumulator rounds.`,
    `  wire wide_low = wide_exp[${exponentWidth - 1}] | (wide_exp == ${literal(exponentWidth, 0)});`,
    `  wire wide_high = ~wide_exp[${exponentWidth - 1}] & (wide_exp >= ${literal(exponentWidth, 255)});`,
    `  wire any_nan = a_nan | b_nan | (a_inf & b_zero) | (b_inf & a_zero);`,
    `  wire any_inf = a_inf | b_inf;`,
    `  wire any_expzero = a_expzero | b_expzero;`,
    `  wire zero_sign = sign & ${format.hasNegativeZero ? "1'b1" : "1'b0"};`,
    `  assign y = any_nan ? 32'h7fc00000`,
    `           : (any_inf | (wide_high & ~any_expzero)) ? {sign, 31'h7f800000}`,
    `           : (any_expzero | wide_low) ? {zero_sign, 31'h0}`,
    `           : {sign, wide_exp[7:0], t[${m - 1}:0]${m < 23 ? `, ${23 - m}'d0` : ''}};`,
  ];
  return lines.join('\n');
}
