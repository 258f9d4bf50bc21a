/**
 * Multiply-accumulate form: the product that feeds a wider accumulator is not rounded to the input
 * format, and the accumulator rounds once (RNE) per addition in its own format.
 */
import { decode, roundToFormat } from './codec.js';
import type { FloatFormat } from './formats.js';
import { approximateSpecialCase, checkBits, formulaValue, setupMethod, type MethodName, type MethodSetup, type MulOptions } from './methods.js';

/**
 * Returns the value an L-Mul adder result r (a magnitude pattern, possibly negative or beyond the
 * format's range) stands for when the exponent field is widened: r = E · 2^m + M with 0 <= M < 2^m,
 * value (2^m + M) · 2^(E − bias − m).
 */
export function widenedAdderValue(format: FloatFormat, result: number): number {
  const manScale = 2 ** format.manBits;
  const expField = Math.floor(result / manScale);
  const manField = result - expField * manScale;
  return (manScale + manField) * 2 ** (expField - format.bias - format.manBits);
}

/** Returns the special-case product of two patterns as a JS number, or undefined when both are normal. */
function specialProductValue(format: FloatFormat, a: number, b: number): number | undefined {
  const special = approximateSpecialCase(format, a, b);
  return special >= 0 ? decode(format, special) : undefined;
}

/** Product functions by format, then by method and offset; saturation does not affect MAC-form products. */
const productFunctions = new WeakMap<FloatFormat, Map<string, (a: number, b: number) => number>>();

/** Returns a product function for MAC form with the options resolved once (cached); see `productValue`. */
export function makeProductFunction(format: FloatFormat, method: MethodName, options?: MulOptions): (a: number, b: number) => number {
  const setup = setupMethod(format, method, options);
  let byKey = productFunctions.get(format);
  if (!byKey) {
    byKey = new Map();
    productFunctions.set(format, byKey);
  }
  const key = `${setup.method}/${setup.offsetLsbs}`;
  let product = byKey.get(key);
  if (!product) {
    product = buildProductFunction(setup);
    byKey.set(key, product);
  }
  return product;
}

function buildProductFunction(setup: MethodSetup): (a: number, b: number) => number {
  const format = setup.format;
  switch (setup.method) {
    case 'exact':
      return makeExactProduct(format);
    case 'lmul':
    case 'mitchell':
      return makeAdderProduct(setup);
    case 'lmul-formula':
      return makeFormulaProduct(setup);
  }
}

const scratch = new ArrayBuffer(4);
const scratchU32 = new Uint32Array(scratch);
const scratchF32 = new Float32Array(scratch);

/**
 * Bit masks for testing whether both operands are normal with int32 operations. Every format has
 * at most 31 bits besides the sign, so the masks fit in an int32 and fp32 patterns are read as `bits | 0`.
 */
interface NormalTest {
  readonly expMask: number;
  readonly magnitudeMask: number;
  readonly signShift: number;
  /** The magnitude pattern of NaN in `fn` formats, -1 otherwise (never a magnitude). */
  readonly nanMagnitude: number;
  /** Whether an all-ones exponent field means inf or NaN (IEEE style). */
  readonly topExponentSpecial: boolean;
}

function normalTest(format: FloatFormat): NormalTest {
  return {
    expMask: (2 ** format.expBits - 1) * 2 ** format.manBits,
    magnitudeMask: format.signMask - 1,
    signShift: format.widthBits - 1,
    nanMagnitude: format.nanStyle === 'fn' ? format.nanBits : -1,
    topExponentSpecial: format.nanStyle === 'ieee',
  };
}

/**
 * Returns the adder product function in MAC form. The widened result r = E · 2^m + M is the fp32 value with exponent
 * field E − bias + 127 and mantissa M · 2^(23 − m) whenever that exponent field is in 1..254, so the
 * common case is one reinterpretation; the rest goes through `adderProductValue`.
 */
function makeAdderProduct(setup: MethodSetup): (a: number, b: number) => number {
  const format = setup.format;
  const { expMask, magnitudeMask, signShift, nanMagnitude, topExponentSpecial } = normalTest(format);
  const constant = setup.constant;
  const rebias = (127 - format.bias) * 2 ** format.manBits;
  const minShifted = 2 ** format.manBits;
  const maxShifted = 255 * 2 ** format.manBits;
  const shift = 23 - format.manBits;
  return (a, b) => {
    const x = a | 0;
    const y = b | 0;
    const expX = x & expMask;
    const expY = y & expMask;
    const magnitudeX = x & magnitudeMask;
    const magnitudeY = y & magnitudeMask;
    const normal = expX !== 0 && expY !== 0 && magnitudeX !== nanMagnitude && magnitudeY !== nanMagnitude;
    if (normal && !(topExponentSpecial && (expX === expMask || expY === expMask))) {
      const shifted = magnitudeX + magnitudeY - constant + rebias;
      if (shifted >= minShifted && shifted < maxShifted) {
        scratchU32[0] = (shifted << shift) | ((((x ^ y) >>> signShift) & 1) << 31);
        return scratchF32[0];
      }
    }
    return adderProductValue(setup, a, b);
  };
}

/** Returns the formula product function in MAC form. It looks up the power of two by the sum of the exponent fields. */
function makeFormulaProduct(setup: MethodSetup): (a: number, b: number) => number {
  const format = setup.format;
  const { expMask, magnitudeMask, signShift, nanMagnitude, topExponentSpecial } = normalTest(format);
  const m = format.manBits;
  const manMask = 2 ** m - 1;
  const hiddenPlusOffset = 2 ** m + setup.offsetLsbs;
  const powers = new Float64Array(2 ** (format.expBits + 1));
  for (let sum = 0; sum < powers.length; sum++) powers[sum] = 2 ** (sum - 2 * format.bias - m);
  return (a, b) => {
    const x = a | 0;
    const y = b | 0;
    const expX = x & expMask;
    const expY = y & expMask;
    const magnitudeX = x & magnitudeMask;
    const magnitudeY = y & magnitudeMask;
    const normal = expX !== 0 && expY !== 0 && magnitudeX !== nanMagnitude && magnitudeY !== nanMagnitude;
    if (normal && !(topExponentSpecial && (expX === expMask || expY === expMask))) {
      const value = (hiddenPlusOffset + (x & manMask) + (y & manMask)) * powers[(expX >>> m) + (expY >>> m)];
      return ((x ^ y) >>> signShift) & 1 ? -value : value;
    }
    return specialProductValue(format, a, b) ?? formulaValue(setup, a, b);
  };
}

function makeExactProduct(format: FloatFormat): (a: number, b: number) => number {
  const positiveZeroOnly = !format.hasNegativeZero;
  if (format.widthBits > 16) {
    return (a, b) => {
      const product = decode(format, a) * decode(format, b);
      return positiveZeroOnly && product === 0 ? 0 : product;
    };
  }
  const values = decodeTable(format);
  return (a, b) => {
    const product = values[a] * values[b];
    // FNUZ has no −0: a negative operand times zero gives +0.
    return positiveZeroOnly && product === 0 ? 0 : product;
  };
}

function adderProductValue(setup: MethodSetup, a: number, b: number): number {
  const format = setup.format;
  const special = specialProductValue(format, a, b);
  if (special !== undefined) return special;
  const signMask = format.signMask;
  const value = widenedAdderValue(format, (a % signMask) + (b % signMask) - setup.constant);
  return a >= signMask !== b >= signMask ? -value : value;
}

const decodeTables = new WeakMap<FloatFormat, Float64Array>();

/** Returns the values of every pattern of a format of at most 16 bits, cached per format. */
export function decodeTable(format: FloatFormat): Float64Array {
  let table = decodeTables.get(format);
  if (!table) {
    if (format.widthBits > 16) throw new RangeError(`decodeTable supports formats of at most 16 bits, not ${format.name}.`);
    table = new Float64Array(2 ** format.widthBits);
    for (let bits = 0; bits < table.length; bits++) table[bits] = decode(format, bits);
    decodeTables.set(format, table);
  }
  return table;
}

/**
 * Returns the product of two patterns in MAC form, as a JS number:
 * - `exact`: the exact product, which fits a double for every format up to fp32;
 * - `lmul`, `mitchell`: the adder result read with a widened exponent, so no saturation or flush at
 *   the input format's range (fp32 1e30 × 1e30 gives about 1e60);
 * - `lmul-formula`: the unrounded formula value.
 * Special cases follow `multiply`: NaN operands give NaN, an infinite operand gives ±Infinity (NaN
 * times zero), and for the approximate methods a zero or subnormal operand gives zero with the XOR
 * sign. FNUZ formats give +0 for every zero product.
 */
export function productValue(format: FloatFormat, method: MethodName, a: number, b: number, options?: MulOptions): number {
  checkBits(format, a);
  checkBits(format, b);
  return makeProductFunction(format, method, options)(a, b);
}

const productTables = new WeakMap<FloatFormat, Map<string, Float64Array>>();

/**
 * Returns the MAC-form products of every operand pair of a format of at most 8 bits, indexed by
 * (a << 8) | b. Tables are cached per format and options; callers must not modify them.
 */
export function makeProductTable(format: FloatFormat, method: MethodName, options?: MulOptions): Float64Array {
  if (format.widthBits > 8) throw new RangeError(`Product tables exist only for formats of at most 8 bits, not ${format.name}.`);
  const setup = setupMethod(format, method, options);
  let byKey = productTables.get(format);
  if (!byKey) {
    byKey = new Map();
    productTables.set(format, byKey);
  }
  const key = `${setup.method}/${setup.offsetLsbs}`;
  let table = byKey.get(key);
  if (!table) {
    const product = makeProductFunction(format, method, options);
    const count = 2 ** format.widthBits;
    table = new Float64Array(256 * 256);
    for (let a = 0; a < count; a++) {
      for (let b = 0; b < count; b++) table[(a << 8) | b] = product(a, b);
    }
    byKey.set(key, table);
  }
  return table;
}

/** Returns the spacing of the format's values at |x|: 2^(floor(log2 |x|) − m), or the subnormal spacing. */
function unitInLastPlace(format: FloatFormat, x: number): number {
  const magnitude = Math.abs(x);
  if (magnitude < format.minNormal) return format.minSubnormal;
  let exponent = Math.floor(Math.log2(magnitude));
  // Math.log2 may be off by one next to a power of two.
  if (2 ** exponent > magnitude) exponent -= 1;
  else if (2 ** (exponent + 1) <= magnitude) exponent += 1;
  return 2 ** (exponent - format.manBits);
}

/**
 * Rounds the exact sum acc + product once (RNE) into an IEEE-style accumulator format: overflow
 * gives ±inf, NaN propagates, and an exact zero sum is +0 unless both addends are −0.
 * `acc` must be a value of the accumulator format; `product` may be any double.
 *
 * The double sum is itself rounded when the addends are far apart or have long significands (fp32 and
 * bf16 products), so rounding it again could round twice. TwoSum recovers the exact error. The
 * second rounding can only go wrong when the double sum lies exactly on a midpoint of the
 * accumulator format, and then the sign of the error picks the side.
 */
export function accumulate(accumulator: FloatFormat, acc: number, product: number): number {
  const sum = acc + product;
  if (accumulator.widthBits === 32) {
    const rounded = Math.fround(sum);
    if (rounded === sum) return rounded;
    // 2·sum − rounded is the fp32 neighbour on the other side exactly when sum is a midpoint, and it
    // is infinite when rounding overflowed. Every other case is a single correct rounding.
    const mirrored = 2 * sum - rounded;
    if (Math.fround(mirrored) !== mirrored) return rounded;
  }
  return accumulateSlow(accumulator, acc, product, sum);
}

function accumulateSlow(accumulator: FloatFormat, acc: number, product: number, sum: number): number {
  if (!Number.isFinite(sum)) return accumulator.hasInf || Number.isNaN(sum) ? sum : NaN;
  const rounded = roundToFormat(accumulator, sum, false);
  if (rounded === sum) return rounded;

  // TwoSum (Knuth): sum + error equals acc + product exactly when nothing overflows.
  const virtualProduct = sum - acc;
  const virtualAcc = sum - virtualProduct;
  const error = acc - virtualAcc + (product - virtualProduct);
  if (error === 0) return rounded;

  const ulp = unitInLastPlace(accumulator, sum);
  const units = Math.abs(sum) / ulp;
  if (units - Math.floor(units) !== 0.5) return rounded;

  // sum is a midpoint, and the exact sum lies beyond it in the direction of `error`. Moving half a unit
  // that way lands exactly on the correct neighbour, or on the overflow threshold, which encodes as inf.
  return roundToFormat(accumulator, error > 0 ? sum + ulp / 2 : sum - ulp / 2, false);
}
