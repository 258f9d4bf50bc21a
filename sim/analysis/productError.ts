/**
 * Relative error of one multiplication method over a set of operand pairs: every pair of normal
 * operands of an 8-bit format, or pairs drawn from a distribution and rounded to the format.
 */
import {
  classify,
  decode,
  encode,
  makeMultiplier,
  makeProductFunction,
  type FloatFormat,
  type MethodName,
  type MulOptions,
} from '../numerics/index.js';
import { makeSampler, type DistributionName } from './random.js';
import { DEFAULT_HISTOGRAM_BINS, histogram, summarizeErrors, type ErrorSummary, type HistogramBin } from './statistics.js';

/** Input sets for the error analysis: every normal pair, or sampled from a distribution. */
export const INPUT_SET_NAMES = ['exhaustive', 'uniform', 'normal', 'lognormal'] as const;
export type InputSetName = (typeof INPUT_SET_NAMES)[number];

/** Widest format whose normal pairs `exhaustive` enumerates, in bits. */
export const EXHAUSTIVE_MAX_WIDTH_BITS = 8;

export interface ProductErrorSettings {
  readonly format: FloatFormat;
  readonly method: MethodName;
  readonly inputs: InputSetName;
  /** Pairs drawn for sampled inputs, skipped pairs included; ignored for `exhaustive`. */
  readonly samples: number;
  readonly seed: number;
  /** L-Mul offset in LSBs of the format; undefined for the method's default. */
  readonly offsetLsbs?: number;
  /**
   * False: compare the MAC-form product (productValue, not rounded). True: compare the product rounded into the
   * format (multiply), over pairs whose exact product lies in the normal range.
   */
  readonly roundOutput: boolean;
  readonly histogramBins?: number;
}

/** Pair counts of one analysis run. */
export interface PairCounts {
  /** Pairs enumerated or drawn. */
  readonly total: number;
  /** Pairs whose relative error entered the statistics. */
  readonly evaluated: number;
  /** Drawn pairs with a zero, subnormal, infinite or NaN operand after rounding to the format. */
  readonly skippedNonNormalOperand: number;
  /** With roundOutput: pairs whose exact product lies outside [minNormal, maxFinite] in magnitude. */
  readonly skippedProductOutOfRange: number;
  /** Pairs whose result was NaN or infinite, left out of the statistics. */
  readonly skippedNonFiniteResult: number;
}

export interface ProductErrorResult {
  readonly counts: PairCounts;
  readonly summary: ErrorSummary;
  readonly histogram: HistogramBin[];
}

/** Returns the bit patterns of every normal value of `format` (both signs), in increasing bit order. */
export function normalBitPatterns(format: FloatFormat): number[] {
  if (format.widthBits > 16) throw new RangeError(`normalBitPatterns enumerates formats up to 16 bits, not ${format.name}`);
  const patterns: number[] = [];
  for (let bits = 0; bits < 2 ** format.widthBits; bits++) {
    if (classify(format, bits) === 'normal') patterns.push(bits);
  }
  return patterns;
}

/**
 * Measures the relative error of `settings.method` against the exact product of the same operands.
 * Throws RangeError for `exhaustive` on a format wider than EXHAUSTIVE_MAX_WIDTH_BITS.
 */
export function measureProductError(settings: ProductErrorSettings): ProductErrorResult {
  const { format, inputs } = settings;
  if (inputs === 'exhaustive' && format.widthBits > EXHAUSTIVE_MAX_WIDTH_BITS) {
    throw new RangeError(`exhaustive inputs need a format of at most ${EXHAUSTIVE_MAX_WIDTH_BITS} bits, not ${format.name}`);
  }

  const options: MulOptions = settings.offsetLsbs === undefined ? {} : { offsetLsbs: settings.offsetLsbs };
  const collector = new ErrorCollector(format, settings.method, options, settings.roundOutput);
  if (inputs === 'exhaustive') {
    const patterns = normalBitPatterns(format);
    for (const a of patterns) {
      for (const b of patterns) collector.addPair(a, b);
    }
  } else {
    addSampledPairs(collector, inputs, settings.samples, settings.seed);
  }

  const errors = collector.errors();
  return {
    counts: collector.counts(),
    summary: summarizeErrors(errors),
    histogram: histogram(errors, settings.histogramBins ?? DEFAULT_HISTOGRAM_BINS),
  };
}

function addSampledPairs(collector: ErrorCollector, distribution: DistributionName, samples: number, seed: number): void {
  const sample = makeSampler(distribution, seed);
  const format = collector.format;
  for (let i = 0; i < samples; i++) {
    const a = encode(format, sample());
    const b = encode(format, sample());
    if (classify(format, a) !== 'normal' || classify(format, b) !== 'normal') {
      collector.skipNonNormalOperand();
      continue;
    }
    collector.addPair(a, b);
  }
}

/** Accumulates the signed relative errors of one method and the counts of skipped pairs. */
class ErrorCollector {
  private values = new Float64Array(1024);
  private length = 0;
  private total = 0;
  private skippedNonNormalOperand = 0;
  private skippedProductOutOfRange = 0;
  private skippedNonFiniteResult = 0;
  private readonly multiply: (a: number, b: number) => number;
  private readonly product: (a: number, b: number) => number;

  constructor(
    readonly format: FloatFormat,
    method: MethodName,
    options: MulOptions,
    private readonly roundOutput: boolean,
  ) {
    this.multiply = makeMultiplier(format, method, options);
    this.product = makeProductFunction(format, method, options);
  }

  addPair(a: number, b: number): void {
    this.total++;
    const exact = decode(this.format, a) * decode(this.format, b);

    let approximate: number;
    if (this.roundOutput) {
      const magnitude = Math.abs(exact);
      if (magnitude < this.format.minNormal || magnitude > this.format.maxFinite) {
        this.skippedProductOutOfRange++;
        return;
      }
      approximate = decode(this.format, this.multiply(a, b));
    } else {
      approximate = this.product(a, b);
    }

    if (!Number.isFinite(approximate)) {
      this.skippedNonFiniteResult++;
      return;
    }
    this.push((approximate - exact) / exact);
  }

  skipNonNormalOperand(): void {
    this.total++;
    this.skippedNonNormalOperand++;
  }

  errors(): Float64Array {
    return this.values.subarray(0, this.length);
  }

  counts(): PairCounts {
    return {
      total: this.total,
      evaluated: this.length,
      skippedNonNormalOperand: this.skippedNonNormalOperand,
      skippedProductOutOfRange: this.skippedProductOutOfRange,
      skippedNonFiniteResult: this.skippedNonFiniteResult,
    };
  }

  private push(error: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = error;
  }
}
