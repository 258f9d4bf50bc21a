/**
 * Summary statistics and histograms of relative errors. A relative error is
 * (approximate - exact) / exact, a fraction (0.01 is 1%), computed by the caller.
 */

/** Summary of a set of signed relative errors. All error fields are fractions, not percent. */
export interface ErrorSummary {
  readonly count: number;
  /** Mean of |relative error|. */
  readonly meanRelError: number;
  /** Maximum of |relative error|. */
  readonly maxRelError: number;
  /** Mean of the signed relative error: the bias. Positive means the approximation reads high. */
  readonly meanSignedRelError: number;
  /** Smallest signed relative error. */
  readonly minSignedRelError: number;
  /** Largest signed relative error. */
  readonly maxSignedRelError: number;
  /** Root mean square of the relative error. */
  readonly rmsRelError: number;
}

/** One histogram bin: errors in [lower, upper), except that the last bin also contains its upper edge. */
export interface HistogramBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
}

/** Default number of histogram bins. */
export const DEFAULT_HISTOGRAM_BINS = 16;

/**
 * Summarizes `errors` (signed relative errors). Sums use Neumaier compensation, so a million terms
 * lose no more than a few units in the last place. An empty input gives count 0 and NaN statistics.
 */
export function summarizeErrors(errors: ArrayLike<number>): ErrorSummary {
  const count = errors.length;
  const absSum = new CompensatedSum();
  const signedSum = new CompensatedSum();
  const squareSum = new CompensatedSum();
  let maxAbs = count === 0 ? NaN : 0;
  let minSigned = count === 0 ? NaN : Infinity;
  let maxSigned = count === 0 ? NaN : -Infinity;

  for (let i = 0; i < count; i++) {
    const error = errors[i];
    const abs = Math.abs(error);
    absSum.add(abs);
    signedSum.add(error);
    squareSum.add(error * error);
    if (abs > maxAbs) maxAbs = abs;
    if (error < minSigned) minSigned = error;
    if (error > maxSigned) maxSigned = error;
  }

  return {
    count,
    meanRelError: absSum.value() / count,
    maxRelError: maxAbs,
    meanSignedRelError: signedSum.value() / count,
    minSignedRelError: minSigned,
    maxSignedRelError: maxSigned,
    rmsRelError: Math.sqrt(squareSum.value() / count),
  };
}

/**
 * Counts `errors` in `binCount` equal-width bins spanning [min, max] of the values. When every value
 * is equal, the histogram has one bin [value, value]; an empty input gives no bins.
 */
export function histogram(errors: ArrayLike<number>, binCount: number = DEFAULT_HISTOGRAM_BINS): HistogramBin[] {
  if (!Number.isInteger(binCount) || binCount < 1) throw new RangeError(`binCount must be a positive integer, got ${binCount}`);
  if (errors.length === 0) return [];

  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < errors.length; i++) {
    if (errors[i] < min) min = errors[i];
    if (errors[i] > max) max = errors[i];
  }
  if (min === max) return [{ lower: min, upper: max, count: errors.length }];

  const width = (max - min) / binCount;
  const counts = new Array<number>(binCount).fill(0);
  for (let i = 0; i < errors.length; i++) {
    // The maximum itself, and values pushed past the last edge by rounding, go to the last bin.
    const index = Math.min(binCount - 1, Math.floor((errors[i] - min) / width));
    counts[index]++;
  }

  return counts.map((count, index) => ({
    lower: min + index * width,
    upper: index === binCount - 1 ? max : min + (index + 1) * width,
    count,
  }));
}

/**
 * Renders a histogram as text rows `[lower%, upper%)  count  bar`, with bars of '#' scaled so the
 * fullest bin is `barChars` long.
 */
export function renderHistogram(bins: readonly HistogramBin[], barChars = 40): string[] {
  const maxCount = Math.max(1, ...bins.map((bin) => bin.count));
  const labels = bins.map((bin, index) => {
    const close = index === bins.length - 1 ? ']' : ')';
    return `[${formatPercent(bin.lower)}, ${formatPercent(bin.upper)}${close}`;
  });
  const labelWidth = Math.max(0, ...labels.map((label) => label.length));
  const countWidth = Math.max(0, ...bins.map((bin) => String(bin.count).length));

  return bins.map((bin, index) => {
    const barLength = Math.round((bin.count / maxCount) * barChars);
    const bar = bin.count > 0 && barLength === 0 ? '.' : '#'.repeat(barLength);
    return `${labels[index].padEnd(labelWidth)}  ${String(bin.count).padStart(countWidth)}  ${bar}`;
  });
}

/** Formats a fraction as a signed percentage with three decimals, e.g. 0.0125 as "+1.250%". */
export function formatPercent(fraction: number): string {
  if (Number.isNaN(fraction)) return 'n/a';
  const percent = fraction * 100;
  const text = Math.abs(percent).toFixed(3);
  if (Number(text) === 0) return '0.000%';
  return `${percent < 0 ? '-' : '+'}${text}%`;
}

/** Neumaier's variant of Kahan summation. */
class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(term: number): void {
    const total = this.sum + term;
    if (Math.abs(this.sum) >= Math.abs(term)) this.compensation += this.sum - total + term;
    else this.compensation += term - total + this.sum;
    this.sum = total;
  }

  value(): number {
    return this.sum + this.compensation;
  }
}
