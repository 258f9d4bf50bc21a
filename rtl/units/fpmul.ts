/**
 * Exact floating-point multiplier: the significand product rounded once (round to nearest, ties to
 * even) into the output format, with subnormals, signed zeros, NaN, inf and saturation handled as
 * the numerics core's `exact` method does. The significand multiplier, its final adder, the
 * leading-zero normaliser and the subnormal right shifter are structural. Exponent arithmetic,
 * comparisons and the rounding increment are behavioural Verilog, which Yosys synthesises itself.
 */
import type { FloatFormat } from '../../sim/numerics/formats.js';
import type { AdderKind } from '../adders.js';
import { classifyOperand, literal, outputPatterns, zeroExtend } from '../fields.js';
import { multiplyUnsigned, type MultiplierKind } from '../multipliers.js';
import { bitsOf, Netlist, ZERO } from '../netlist.js';
import { normalizeLeft, shiftRightSticky } from '../shifters.js';

/** Options of the exact-multiplier generator. */
export interface FpmulOptions {
  readonly adder: AdderKind;
  readonly multiplier: MultiplierKind;
  readonly saturate: boolean;
}

/** Width in bits of a two's complement number holding every integer in [min, max]. */
function signedWidth(min: number, max: number): number {
  let width = 2;
  while (-(2 ** (width - 1)) > min || 2 ** (width - 1) - 1 < max) width++;
  return width;
}

/**
 * Returns the body of a combinational module with inputs a, b in `input` and output y in
 * `output`, computing the exact product rounded into `output`.
 */
export function fpmulBody(input: FloatFormat, output: FloatFormat, options: FpmulOptions): string {
  const n = input.manBits + 1;
  const productWidth = 2 * n;
  const outMan = output.manBits;
  const outExp = output.expBits;
  const outMagnitude = output.widthBits - 1;
  const patterns = outputPatterns(output, options.saturate);

  // The normalised product sits at the top of `normalWidth` bits, with room for the kept
  // mantissa, a guard bit and at least one sticky bit below it.
  const normalWidth = Math.max(productWidth, outMan + 3);
  const shiftWidth = Math.ceil(Math.log2(normalWidth + 1));

  // er = ea + eb − 2·bias_in + bias_out + 1 − lz is the biased output exponent of the normalised product.
  const exponentConstant = -2 * input.bias + output.bias + 1;
  const maxExpField = 2 ** input.expBits - 1;
  const erMin = 2 + exponentConstant - (productWidth - 1);
  const erMax = 2 * maxExpField + exponentConstant;
  const ew = Math.max(signedWidth(erMin, erMax), outExp + 2);
  const modulus = 2 ** ew;

  const lines: string[] = [
    ...classifyOperand('a', input),
    ...classifyOperand('b', input),
    `  wire sign = a_sign ^ b_sign;`,
    `  wire [${n - 1}:0] sig_a = {~a_expzero, a_man};`,
    `  wire [${n - 1}:0] sig_b = {~b_expzero, b_man};`,
  ];

  // Multiplier and leading-zero normaliser: normalizedBits has the product's leading one at its top bit.
  // Gate-level nodes stay scalar wires: Icarus re-evaluates every reader of a vector when any bit of
  // it changes, which slows a bit-blasted netlist built on vectors by orders of magnitude.
  const netlist = new Netlist('m');
  const product = multiplyUnsigned(netlist, bitsOf('sig_a', n), bitsOf('sig_b', n), options.multiplier, options.adder);
  const normalized = normalizeLeft(netlist, product);
  const lzWidth = normalized.count.length;
  const normalizedBits = [...new Array<string>(normalWidth - productWidth).fill(ZERO), ...normalized.bits];
  lines.push(`  wire [${lzWidth - 1}:0] lz;`, netlist.body(), ...normalized.count.map((bit, index) => `  assign lz[${index}] = ${bit};`));

  lines.push(
    `  wire [${ew - 1}:0] ea = a_expzero ? ${literal(ew, 1)} : ${zeroExtend('a_exp', input.expBits, ew)};`,
    `  wire [${ew - 1}:0] eb = b_expzero ? ${literal(ew, 1)} : ${zeroExtend('b_exp', input.expBits, ew)};`,
    `  wire [${ew - 1}:0] er = ea + eb + ${literal(ew, ((exponentConstant % modulus) + modulus) % modulus)} - ${zeroExtend('lz', lzWidth, ew)};`,
    `  wire er_low = er[${ew - 1}] | (er == ${ew}'d0);`,
    `  wire er_high = ~er[${ew - 1}] & (er >= ${literal(ew, 2 ** outExp)});`,
    `  wire [${ew - 1}:0] shift_raw = ${literal(ew, 1)} - er;`,
    `  wire [${shiftWidth - 1}:0] shift = ~er_low ? ${shiftWidth}'d0 : (shift_raw > ${literal(ew, normalWidth)}) ? ${literal(shiftWidth, normalWidth)} : shift_raw[${shiftWidth - 1}:0];`,
  );

  // Right shift into the subnormal range; the bits shifted out join the sticky bit.
  const shifter = new Netlist('r');
  const shifted = shiftRightSticky(shifter, normalizedBits, bitsOf('shift', shiftWidth));
  lines.push(
    `  wire [${normalWidth - 1}:0] xs;`,
    `  wire shifted_out;`,
    shifter.body(),
    ...shifted.bits.map((bit, index) => `  assign xs[${index}] = ${bit};`),
    `  assign shifted_out = ${shifted.sticky};`,
  );

  lines.push(
    `  wire [${outExp - 1}:0] field = er_low ? ${outExp}'d0 : er[${outExp - 1}:0];`,
    `  wire guard = xs[${normalWidth - 2 - outMan}];`,
    `  wire sticky = (|xs[${normalWidth - 3 - outMan}:0]) | shifted_out;`,
    `  wire round_up = guard & (sticky | xs[${normalWidth - 1 - outMan}]);`,
    `  // A mantissa carry from rounding moves into the exponent field, which also turns the largest subnormal into the smallest normal.`,
    `  wire [${outMagnitude}:0] r = {1'b0, field, xs[${normalWidth - 2}:${normalWidth - 1 - outMan}]} + ${literal(outMagnitude + 1, 0)} + round_up;`,
    `  wire overflow = er_high | (r > ${literal(outMagnitude + 1, output.maxFiniteBits)});`,
    `  wire any_nan = a_nan | b_nan | (a_inf & b_zero) | (b_inf & a_zero);`,
    `  wire any_inf = a_inf | b_inf;`,
    `  wire any_zero = a_zero | b_zero;`,
    `  assign y = any_nan ? ${patterns.nan}`,
    `           : any_inf ? ${patterns.infinity('sign')}`,
    `           : any_zero ? ${patterns.zero('sign')}`,
    `           : overflow ? ${patterns.overflow('sign')}`,
    `           : (r == ${literal(outMagnitude + 1, 0)}) ? ${patterns.zero('sign')}`,
    `           : {sign, r[${outMagnitude - 1}:0]};`,
  );
  return lines.join('\n');
}
