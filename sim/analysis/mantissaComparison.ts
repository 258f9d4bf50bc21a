/**
 * The precision comparison of L-Mul with k mantissa bits against float8 multiplication (e4m3, e5m2).
 * It checks two claims from Luo and Sun, "Addition is All You Need for Energy-efficient Language
 * Models" (arXiv 2410.00907): 4-bit L-Mul is about as precise as e4m3 multiplication, and 3-bit
 * L-Mul beats e5m2.
 *
 * End-to-end error: real inputs x, y are drawn from a distribution. L-Mul rounds them to e8mk, a
 * k-bit mantissa with a wide exponent, so that only the mantissa width is compared. It adds them
 * with the paper's offset (and optionally a second offset per k), and the MAC-form result is
 * compared with x·y. float8 rounds x and y to the format, multiplies exactly and rounds the product
 * into the format. Product-only error compares each result with the exact product of its own
 * rounded operands instead of x·y.
 */
import { decode, defaultOffsetLsbs, encode, makeMultiplier, makeProductFunction, parseFormat, type FloatFormat } from '../numerics/index.js';
import { makeSampler, DISTRIBUTION_NAMES, type DistributionName } from './random.js';
import { normalBitPatterns } from './productError.js';
import { summarizeErrors, type ErrorSummary } from './statistics.js';

/** Mantissa widths the comparison accepts for L-Mul. */
export const COMPARISON_MIN_MANTISSA_BITS = 1;
export const COMPARISON_MAX_MANTISSA_BITS = 8;

/**
 * Tolerance of "about as precise": 4-bit L-Mul ≈ e4m3 holds when L-Mul's mean |relative error| is at
 * most this factor times e4m3's.
 */
export const APPROXIMATELY_EQUAL_FACTOR = 1.1;

/** The float8 formats compared, by name. */
export const FP8_BASELINES = ['e4m3', 'e5m2'] as const;

/** Real inputs (x, y) and x·y must lie in this magnitude range: e4m3's normal range, inside e5m2's and e8mk's. */
const SAMPLE_RANGE = { min: 2 ** -6, max: 448 };

export type ComparisonInputs = 'exhaustive' | DistributionName;

/** One multiplier in the comparison. */
export interface ComparisonRow {
  /** 'lmul-k' for L-Mul with a k-bit mantissa, or the float8 format name. */
  readonly label: string;
  readonly kind: 'lmul' | 'fp8';
  readonly mantissaBits: number;
  /** L-Mul offset in LSBs of the k-bit mantissa; undefined for float8. */
  readonly offsetLsbs?: number;
  /** Source of the L-Mul offset: the paper's 2^-l(k), or the best whole-LSB offset of the search. */
  readonly offsetChoice?: OffsetChoice;
  /** Format of the operands, e.g. 'e8m4' or 'e4m3'. */
  readonly operandFormat: string;
  /** Against the exact product of the real inputs; undefined for exhaustive inputs, which are not reals. */
  readonly endToEnd?: ErrorSummary;
  /** Against the exact product of the rounded operands. */
  readonly productOnly: ErrorSummary;
}

export type ClaimName = '4-bit L-Mul ≈ e4m3' | '3-bit L-Mul beats e5m2';
export type OffsetChoice = 'paper' | 'best';

/** The outcome of one claim under one input set and one error metric. */
export interface ClaimVerdict {
  readonly claim: ClaimName;
  readonly metric: 'end-to-end' | 'product-only';
  readonly offsetChoice: OffsetChoice;
  readonly lmulMeanRelError: number;
  readonly fp8MeanRelError: number;
  /** lmulMeanRelError / fp8MeanRelError. */
  readonly ratio: number;
  readonly holds: boolean;
}

export interface InputSetComparison {
  readonly inputs: ComparisonInputs;
  /** Pairs drawn (or enumerated per row for exhaustive inputs). */
  readonly pairsTotal: number;
  /** Sampled pairs left out because x, y or x·y lies outside [2^-6, 448] in magnitude. */
  readonly pairsSkipped: number;
  readonly rows: ComparisonRow[];
  readonly verdicts: ClaimVerdict[];
}

export interface MantissaComparisonSettings {
  readonly lowMantissaBits: number;
  readonly highMantissaBits: number;
  /** Pairs drawn per distribution, skipped pairs included. */
  readonly samples: number;
  readonly seed: number;
  /**
   * Optional second L-Mul offset per width, in LSBs of the k-bit mantissa (e.g. the best whole-LSB
   * offset from searchOffsets); each adds a row labelled 'lmul-k best'.
   */
  readonly bestOffsetLsbs?: ReadonlyMap<number, number>;
}

/** One L-Mul row to compute: width and offset. */
interface LmulVariant {
  readonly mantissaBits: number;
  readonly offsetLsbs: number;
  readonly offsetChoice: OffsetChoice;
  readonly label: string;
}

function lmulVariants(widths: readonly number[], bestOffsetLsbs: ReadonlyMap<number, number> | undefined): LmulVariant[] {
  const variants: LmulVariant[] = widths.map((k) => ({ mantissaBits: k, offsetLsbs: defaultOffsetLsbs(k), offsetChoice: 'paper', label: `lmul-${k}` }));
  for (const k of widths) {
    const offsetLsbs = bestOffsetLsbs?.get(k);
    if (offsetLsbs !== undefined) variants.push({ mantissaBits: k, offsetLsbs, offsetChoice: 'best', label: `lmul-${k} best` });
  }
  return variants;
}

/** Runs the comparison for exhaustive inputs and each distribution. */
export function compareMantissaWidths(settings: MantissaComparisonSettings): InputSetComparison[] {
  const { lowMantissaBits: low, highMantissaBits: high } = settings;
  if (!Number.isInteger(low) || !Number.isInteger(high) || low < COMPARISON_MIN_MANTISSA_BITS || high > COMPARISON_MAX_MANTISSA_BITS || low > high) {
    throw new RangeError(`mantissa widths must satisfy ${COMPARISON_MIN_MANTISSA_BITS} <= low <= high <= ${COMPARISON_MAX_MANTISSA_BITS}, got ${low}-${high}`);
  }

  const widths: number[] = [];
  for (let k = low; k <= high; k++) widths.push(k);

  const variants = lmulVariants(widths, settings.bestOffsetLsbs);
  const results: InputSetComparison[] = [compareExhaustive(variants)];
  DISTRIBUTION_NAMES.forEach((distribution, index) => {
    // Each distribution gets its own stream, so adding one does not change the others' inputs.
    results.push(compareSampled(variants, distribution, settings.samples, settings.seed + index));
  });
  return results;
}

/** Product-only error over every pair: all k-bit mantissa pairs for L-Mul, all normal pairs with a normal product for float8. */
function compareExhaustive(variants: readonly LmulVariant[]): InputSetComparison {
  const rows: ComparisonRow[] = [];
  let pairsTotal = 0;

  for (const { mantissaBits: k, offsetLsbs, offsetChoice, label } of variants) {
    const format = parseFormat(`e8m${k}`);
    const one = format.bias * 2 ** k;
    const product = makeProductFunction(format, 'lmul', { offsetLsbs });
    const errors: number[] = [];
    for (let i = 0; i < 2 ** k; i++) {
      for (let j = 0; j < 2 ** k; j++) {
        const a = one + i;
        const b = one + j;
        const exact = decode(format, a) * decode(format, b);
        errors.push(product(a, b) / exact - 1);
      }
    }
    pairsTotal += errors.length;
    rows.push({ label, kind: 'lmul', mantissaBits: k, offsetLsbs, offsetChoice, operandFormat: format.name, productOnly: summarizeErrors(errors) });
  }

  for (const name of FP8_BASELINES) {
    const format = parseFormat(name);
    const multiply = makeMultiplier(format, 'exact');
    const patterns = normalBitPatterns(format);
    const errors: number[] = [];
    for (const a of patterns) {
      for (const b of patterns) {
        const exact = decode(format, a) * decode(format, b);
        if (Math.abs(exact) < format.minNormal || Math.abs(exact) > format.maxFinite) continue;
        errors.push(decode(format, multiply(a, b)) / exact - 1);
      }
    }
    pairsTotal += errors.length;
    rows.push({ label: name, kind: 'fp8', mantissaBits: format.manBits, operandFormat: name, productOnly: summarizeErrors(errors) });
  }

  return { inputs: 'exhaustive', pairsTotal, pairsSkipped: 0, rows, verdicts: judgeClaims(rows) };
}

/** One multiplier: its row labels, operand format and product function on bit patterns. */
interface Contender {
  readonly row: Omit<ComparisonRow, 'endToEnd' | 'productOnly'>;
  readonly format: FloatFormat;
  readonly product: (a: number, b: number) => number;
}

function compareSampled(variants: readonly LmulVariant[], distribution: DistributionName, samples: number, seed: number): InputSetComparison {
  const contenders: Contender[] = [];
  for (const { mantissaBits: k, offsetLsbs, offsetChoice, label } of variants) {
    const format = parseFormat(`e8m${k}`);
    contenders.push({
      row: { label, kind: 'lmul', mantissaBits: k, offsetLsbs, offsetChoice, operandFormat: format.name },
      format,
      product: makeProductFunction(format, 'lmul', { offsetLsbs }),
    });
  }
  for (const name of FP8_BASELINES) {
    const format = parseFormat(name);
    const multiply = makeMultiplier(format, 'exact');
    contenders.push({
      row: { label: name, kind: 'fp8', mantissaBits: format.manBits, operandFormat: name },
      format,
      product: (a, b) => decode(format, multiply(a, b)),
    });
  }

  // Draw every pair first, so that each operand format rounds the inputs once for all its rows.
  const sample = makeSampler(distribution, seed);
  const xs = new Float64Array(samples);
  const ys = new Float64Array(samples);
  let kept = 0;
  for (let i = 0; i < samples; i++) {
    const x = sample();
    const y = sample();
    if (!inSampleRange(x) || !inSampleRange(y) || !inSampleRange(x * y)) continue;
    xs[kept] = x;
    ys[kept] = y;
    kept++;
  }

  const rows: ComparisonRow[] = [];
  const rounded = new Map<FloatFormat, RoundedOperands>();
  for (const contender of contenders) {
    const { format, product } = contender;
    let operands = rounded.get(format);
    if (!operands) {
      operands = roundOperands(format, xs.subarray(0, kept), ys.subarray(0, kept));
      rounded.set(format, operands);
    }

    const endToEnd = new Float64Array(kept);
    const productOnly = new Float64Array(kept);
    for (let i = 0; i < kept; i++) {
      const value = product(operands.a[i], operands.b[i]);
      endToEnd[i] = value / (xs[i] * ys[i]) - 1;
      productOnly[i] = value / operands.exactProduct[i] - 1;
    }
    rows.push({ ...contender.row, endToEnd: summarizeErrors(endToEnd), productOnly: summarizeErrors(productOnly) });
  }
  return { inputs: distribution, pairsTotal: samples, pairsSkipped: samples - kept, rows, verdicts: judgeClaims(rows) };
}

/** Real inputs rounded to one format: the bit patterns and the exact product of their values. */
interface RoundedOperands {
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly exactProduct: Float64Array;
}

function roundOperands(format: FloatFormat, xs: Float64Array, ys: Float64Array): RoundedOperands {
  const a = new Float64Array(xs.length);
  const b = new Float64Array(xs.length);
  const exactProduct = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    a[i] = encode(format, xs[i]);
    b[i] = encode(format, ys[i]);
    exactProduct[i] = decode(format, a[i]) * decode(format, b[i]);
  }
  return { a, b, exactProduct };
}

function inSampleRange(value: number): boolean {
  const magnitude = Math.abs(value);
  return magnitude >= SAMPLE_RANGE.min && magnitude <= SAMPLE_RANGE.max;
}

/**
 * Decides both claims from the rows, for the paper's offset and (where the rows include it) the best
 * offset, on the end-to-end metric where rows have it and on the product-only metric always. A claim
 * whose rows are missing (k = 3 or 4 outside the range) is left out.
 */
export function judgeClaims(rows: readonly ComparisonRow[]): ClaimVerdict[] {
  const findLmul = (mantissaBits: number, offsetChoice: OffsetChoice) =>
    rows.find((row) => row.kind === 'lmul' && row.mantissaBits === mantissaBits && (row.offsetChoice ?? 'paper') === offsetChoice);
  const findFp8 = (label: string) => rows.find((row) => row.kind === 'fp8' && row.label === label);
  const verdicts: ClaimVerdict[] = [];
  const claims: { claim: ClaimName; mantissaBits: number; fp8: string; holds: (ratio: number) => boolean }[] = [
    { claim: '4-bit L-Mul ≈ e4m3', mantissaBits: 4, fp8: 'e4m3', holds: (ratio) => ratio <= APPROXIMATELY_EQUAL_FACTOR },
    { claim: '3-bit L-Mul beats e5m2', mantissaBits: 3, fp8: 'e5m2', holds: (ratio) => ratio < 1 },
  ];

  for (const offsetChoice of ['paper', 'best'] as const) {
    for (const metric of ['end-to-end', 'product-only'] as const) {
      for (const { claim, mantissaBits, fp8, holds } of claims) {
        const lmulRow = findLmul(mantissaBits, offsetChoice);
        const fp8Row = findFp8(fp8);
        const lmulSummary = metric === 'end-to-end' ? lmulRow?.endToEnd : lmulRow?.productOnly;
        const fp8Summary = metric === 'end-to-end' ? fp8Row?.endToEnd : fp8Row?.productOnly;
        if (!lmulSummary || !fp8Summary) continue;

        const ratio = lmulSummary.meanRelError / fp8Summary.meanRelError;
        verdicts.push({
          claim,
          metric,
          offsetChoice,
          lmulMeanRelError: lmulSummary.meanRelError,
          fp8MeanRelError: fp8Summary.meanRelError,
          ratio,
          holds: holds(ratio),
        });
      }
    }
  }
  return verdicts;
}
