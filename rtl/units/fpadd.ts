/**
 * Floating-point adder, round to nearest, ties to even: swap so |a| >= |b|, align the smaller
 * significand with guard, round and sticky bits, add or subtract with a structural adder of the
 * selected kind, normalise and round. Subnormals are kept; an exact zero sum is +0 unless both
 * operands are −0. Alignment and normalisation shifts and the leading-zero count are behavioural.
 */
import { UserError } from '../../common/errors.js';
import type { FloatFormat } from '../../sim/numerics/formats.js';
import { addVectors, type AdderKind } from '../adders.js';
import { classifyOperand, literal, outputPatterns, zeroExtend } from '../fields.js';
import { bitsOf, Netlist, ZERO } from '../netlist.js';

/** Options of the adder generator. */
export interface FpaddOptions {
  readonly adder: AdderKind;
  /** Clamp finite overflow to ±max finite; off for the fp32 accumulator. */
  readonly saturate?: boolean;
}

/** Returns the body of a combinational module with inputs a, b and output y in `format`. */
export function fpaddBody(format: FloatFormat, options: FpaddOptions): string {
  const m = format.manBits;
  const e = format.expBits;
  const w = format.widthBits;
  const patterns = outputPatterns(format, options.saturate ?? false);
  // Significand with hidden bit and three extra bits (guard, round, sticky), plus one carry bit.
  const extWidth = m + 4;
  const sumWidth = m + 5;
  const alignWidth = Math.ceil(Math.log2(extWidth + 2));
  const lzWidth = Math.ceil(Math.log2(extWidth + 1));
  if (lzWidth > e + 1) {
    throw new UserError(`the fpadd generator needs at least ${lzWidth - 1} exponent bits for ${m} mantissa bits; ${format.name} has ${e}`);
  }

  const lines: string[] = [
    ...classifyOperand('a', format),
    ...classifyOperand('b', format),
    `  wire swap = b[${w - 2}:0] > a[${w - 2}:0];`,
    `  wire [${w - 1}:0] larger = swap ? b : a;`,
    `  wire [${w - 1}:0] smaller = swap ? a : b;`,
    `  wire larger_sign = larger[${w - 1}];`,
    `  wire subtract = a_sign ^ b_sign;`,
    `  wire larger_expzero = ~|larger[${w - 2}:${m}];`,
    `  wire smaller_expzero = ~|smaller[${w - 2}:${m}];`,
    `  wire [${e}:0] larger_exp = larger_expzero ? ${literal(e + 1, 1)} : {1'b0, larger[${w - 2}:${m}]};`,
    `  wire [${e}:0] smaller_exp = smaller_expzero ? ${literal(e + 1, 1)} : {1'b0, smaller[${w - 2}:${m}]};`,
    `  wire [${e}:0] distance = larger_exp - smaller_exp;`,
    `  wire [${alignWidth - 1}:0] align = (distance > ${literal(e + 1, extWidth + 1)}) ? ${literal(alignWidth, extWidth + 1)} : distance[${alignWidth - 1}:0];`,
    `  wire [${extWidth - 1}:0] larger_sig = {~larger_expzero, larger[${m - 1}:0], 3'b000};`,
    `  wire [${extWidth - 1}:0] smaller_full = {~smaller_expzero, smaller[${m - 1}:0], 3'b000};`,
    `  wire [${extWidth - 1}:0] smaller_shifted = smaller_full >> align;`,
    `  wire smaller_sticky = |(smaller_full & ~({${extWidth}{1'b1}} << align));`,
    `  wire [${extWidth - 1}:0] smaller_sig = {smaller_shifted[${extWidth - 1}:1], smaller_shifted[0] | smaller_sticky};`,
  ];

  // larger_sig ± smaller_sig in m + 5 bits; subtraction adds the complement and a carry in of 1.
  const netlist = new Netlist();
  const bigBits = [...bitsOf('larger_sig', extWidth), ZERO];
  const smallBits = [...bitsOf('smaller_sig', extWidth), ZERO].map((bit) => netlist.xor(bit, 'subtract'));
  const total = addVectors(netlist, bigBits, smallBits, 'subtract', options.adder).sum;
  lines.push(`  wire [${sumWidth - 1}:0] sum;`, netlist.body(), ...total.map((bit, index) => `  assign sum[${index}] = ${bit};`));

  lines.push(
    `  wire carry = sum[${sumWidth - 1}] & ~subtract;`,
    `  reg [${lzWidth - 1}:0] lz;`,
    `  integer i;`,
    `  always @* begin`,
    `    lz = ${lzWidth}'d0;`,
    `    for (i = 0; i < ${extWidth}; i = i + 1)`,
    `      if (sum[i]) lz = ${extWidth - 1} - i;`,
    `  end`,
    `  // The left shift stops at exponent 1, where the result becomes subnormal.`,
    `  wire [${e}:0] max_left = larger_exp - ${literal(e + 1, 1)};`,
    `  wire [${e}:0] lz_wide = ${zeroExtend('lz', lzWidth, e + 1)};`,
    `  wire [${e}:0] left = (lz_wide > max_left) ? max_left : lz_wide;`,
    `  wire [${extWidth - 1}:0] shifted_left = sum[${extWidth - 1}:0] << left;`,
    `  wire [${extWidth - 1}:0] v = carry ? {sum[${sumWidth - 1}:2], sum[1] | sum[0]} : shifted_left;`,
    `  wire [${e}:0] exp_new = carry ? larger_exp + ${literal(e + 1, 1)} : larger_exp - left;`,
    `  wire [${e}:0] field = v[${extWidth - 1}] ? exp_new : ${literal(e + 1, 0)};`,
    `  wire round_up = v[2] & (v[1] | v[0] | v[3]);`,
    `  wire [${e + m}:0] r = {field, v[${extWidth - 2}:3]} + ${literal(e + m + 1, 0)} + round_up;`,
    `  wire overflow = r > ${literal(e + m + 1, format.maxFiniteBits)};`,
    `  wire exact_zero = ~|sum;`,
    `  wire both_zero = a_zero & b_zero;`,
    `  wire any_nan = a_nan | b_nan | (a_inf & b_inf & subtract);`,
    `  wire any_inf = a_inf | b_inf;`,
    `  wire inf_sign = a_inf ? a_sign : b_sign;`,
    `  wire zero_sign = both_zero & a_sign & b_sign;`,
    `  assign y = any_nan ? ${patterns.nan}`,
    `           : any_inf ? ${patterns.infinity('inf_sign')}`,
    `           : exact_zero ? ${patterns.zero('zero_sign')}`,
    `           : overflow ? ${patterns.overflow('larger_sign')}`,
    `           : {larger_sign, r[${e + m - 1}:0]};`,
  );
  return lines.join('\n');
}
