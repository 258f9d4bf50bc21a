import { describe, expect, it } from 'vitest';
import { formatPercent, histogram, renderHistogram, summarizeErrors } from '../../sim/analysis/index.js';

describe('summarizeErrors', () => {
  it('matches hand-computed values', () => {
    const summary = summarizeErrors([0.1, -0.2, 0.3, 0]);

    expect(summary.count).toBe(4);
    expect(summary.meanRelError).toBeCloseTo(0.15, 15);
    expect(summary.maxRelError).toBeCloseTo(0.3, 15);
    expect(summary.meanSignedRelError).toBeCloseTo(0.05, 15);
    expect(summary.minSignedRelError).toBe(-0.2);
    expect(summary.maxSignedRelError).toBe(0.3);
    expect(summary.rmsRelError).toBeCloseTo(Math.sqrt(0.14 / 4), 15);
  });

  it('compensates long sums', () => {
    // 1e6 copies of 0.1 plus one large term: a naive running sum drifts in the last digits.
    const errors = new Float64Array(1_000_001).fill(0.1);
    errors[0] = 1e6;

    const summary = summarizeErrors(errors);

    expect(summary.meanSignedRelError * errors.length).toBe(1e6 + 1e5);
  });

  it('gives NaN for no errors', () => {
    const summary = summarizeErrors([]);

    expect(summary.count).toBe(0);
    expect(summary.meanRelError).toBeNaN();
    expect(summary.maxRelError).toBeNaN();
  });
});

describe('histogram', () => {
  it('splits the range into equal bins', () => {
    const bins = histogram([0, 1, 2, 3], 2);

    expect(bins).toEqual([
      { lower: 0, upper: 1.5, count: 2 },
      { lower: 1.5, upper: 3, count: 2 },
    ]);
  });

  it('puts the maximum in the last bin', () => {
    const bins = histogram([-1, 0, 0.5, 1], 4);

    expect(bins.map((bin) => bin.count)).toEqual([1, 0, 1, 2]);
    expect(bins[3].upper).toBe(1);
  });

  it('uses one bin for equal values', () => {
    expect(histogram([0.25, 0.25, 0.25], 8)).toEqual([{ lower: 0.25, upper: 0.25, count: 3 }]);
  });

  it('gives no bins for no values', () => {
    expect(histogram([], 8)).toEqual([]);
  });

  it('rejects a bin count of zero', () => {
    expect(() => histogram([1], 0)).toThrow(RangeError);
  });
});

describe('renderHistogram', () => {
  it('scales bars to the fullest bin', () => {
    const lines = renderHistogram(
      [
        { lower: -0.01, upper: 0, count: 5 },
        { lower: 0, upper: 0.01, count: 10 },
      ],
      10,
    );

    expect(lines[0]).toBe('[-1.000%, 0.000%)   5  #####');
    expect(lines[1]).toBe('[0.000%, +1.000%]  10  ##########');
  });
});

describe('formatPercent', () => {
  it('signs nonzero values', () => {
    expect(formatPercent(0.0125)).toBe('+1.250%');
    expect(formatPercent(-0.5)).toBe('-50.000%');
    expect(formatPercent(0)).toBe('0.000%');
    expect(formatPercent(NaN)).toBe('n/a');
  });
});
