import { describe, expect, it } from 'vitest';
import {
  compareMantissaWidths,
  judgeClaims,
  minimizeOverIntegers,
  searchOffsets,
  type ComparisonRow,
  type ErrorSummary,
} from '../../sim/analysis/index.js';
import { lmulMantissaError, paperOffsetExponent, plainStatistics } from './reference.js';

/** Mean |error|, max |error| and bias of the L-Mul adder over every k-bit mantissa pair at offset `offset`. */
function referenceMantissaStatistics(mantissaBits: number, offset: number): { mean: number; max: number; bias: number } {
  const errors: number[] = [];
  const count = 2 ** mantissaBits;
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < count; j++) errors.push(lmulMantissaError(i / count, j / count, offset));
  }
  return plainStatistics(errors);
}

function summary(meanRelError: number): ErrorSummary {
  return { count: 1, meanRelError, maxRelError: meanRelError, meanSignedRelError: 0, minSignedRelError: 0, maxSignedRelError: 0, rmsRelError: 0 };
}

function row(label: string, endToEnd: number, productOnly: number): ComparisonRow {
  const kind = label.startsWith('lmul') ? 'lmul' : 'fp8';
  const mantissaBits = kind === 'lmul' ? Number(label.slice(5)) : 0;
  return { label, kind, mantissaBits, operandFormat: label, endToEnd: summary(endToEnd), productOnly: summary(productOnly) };
}

describe('compareMantissaWidths', () => {
  const comparisons = compareMantissaWidths({ lowMantissaBits: 2, highMantissaBits: 8, samples: 3000, seed: 1 });

  it('covers exhaustive and three distributions', () => {
    expect(comparisons.map((comparison) => comparison.inputs)).toEqual(['exhaustive', 'uniform', 'normal', 'lognormal']);
  });

  it('has a row per width and float8 format', () => {
    for (const comparison of comparisons) {
      expect(comparison.rows.map((r) => r.label)).toEqual(['lmul-2', 'lmul-3', 'lmul-4', 'lmul-5', 'lmul-6', 'lmul-7', 'lmul-8', 'e4m3', 'e5m2']);
    }
  });

  it('reports end-to-end error only for sampled inputs', () => {
    expect(comparisons[0].rows.every((r) => r.endToEnd === undefined)).toBe(true);
    expect(comparisons.slice(1).every((c) => c.rows.every((r) => r.endToEnd !== undefined))).toBe(true);
  });

  it('counts sampled pairs', () => {
    for (const comparison of comparisons.slice(1)) {
      expect(comparison.pairsTotal).toBe(3000);
      expect(comparison.rows[0].productOnly.count).toBe(3000 - comparison.pairsSkipped);
    }
  });

  it('has two verdicts exhaustive and four sampled', () => {
    expect(comparisons[0].verdicts.map((v) => v.metric)).toEqual(['product-only', 'product-only']);
    expect(comparisons[1].verdicts).toHaveLength(4);
  });

  it('matches the reference for exhaustive lmul', () => {
    for (const k of [2, 3, 4, 5]) {
      const expected = referenceMantissaStatistics(k, 2 ** -paperOffsetExponent(k));
      const actual = comparisons[0].rows.find((r) => r.label === `lmul-${k}`)!.productOnly;

      expect(actual.meanRelError).toBeCloseTo(expected.mean, 12);
      expect(actual.maxRelError).toBeCloseTo(expected.max, 12);
      expect(actual.meanSignedRelError).toBeCloseTo(expected.bias, 12);
    }
  });

  it('adds rows and verdicts for best offsets', () => {
    const [exhaustive, uniform] = compareMantissaWidths({ lowMantissaBits: 3, highMantissaBits: 4, samples: 500, seed: 1, bestOffsetLsbs: new Map([[3, 0], [4, 1]]) });
    const best4 = exhaustive.rows.find((r) => r.label === 'lmul-4 best')!;
    const expected = referenceMantissaStatistics(4, 1 / 16);

    expect(exhaustive.rows.map((r) => r.label)).toEqual(['lmul-3', 'lmul-4', 'lmul-3 best', 'lmul-4 best', 'e4m3', 'e5m2']);
    expect(best4.offsetLsbs).toBe(1);
    expect(best4.productOnly.meanRelError).toBeCloseTo(expected.mean, 12);
    expect(uniform.verdicts.filter((v) => v.offsetChoice === 'best')).toHaveLength(4);
  });

  it('leaves out claims whose widths are missing', () => {
    const [exhaustive] = compareMantissaWidths({ lowMantissaBits: 5, highMantissaBits: 6, samples: 10, seed: 1 });

    expect(exhaustive.verdicts).toEqual([]);
  });

  it('rejects a reversed range', () => {
    expect(() => compareMantissaWidths({ lowMantissaBits: 8, highMantissaBits: 2, samples: 10, seed: 1 })).toThrow(RangeError);
  });
});

describe('judgeClaims', () => {
  it('accepts up to 10% above e4m3', () => {
    const verdicts = judgeClaims([row('lmul-4', 0.0109, 0.02), row('e4m3', 0.01, 0.01)]);

    expect(verdicts.map((v) => [v.metric, v.holds])).toEqual([
      ['end-to-end', true],
      ['product-only', false],
    ]);
    expect(verdicts[0].ratio).toBeCloseTo(1.09, 12);
  });

  it('needs strictly lower error to beat e5m2', () => {
    const verdicts = judgeClaims([row('lmul-3', 0.03, 0.0299), row('e5m2', 0.03, 0.03)]);

    expect(verdicts.map((v) => v.holds)).toEqual([false, true]);
    expect(verdicts.every((v) => v.claim === '3-bit L-Mul beats e5m2')).toBe(true);
  });
});

describe('searchOffsets', () => {
  it('reports the paper and Mitchell offsets', () => {
    const result = searchOffsets(3);
    const paper = referenceMantissaStatistics(3, 1 / 8);
    const mitchell = referenceMantissaStatistics(3, 0);

    expect(result.paper.offsetFraction).toBe(1 / 8);
    expect(result.paper.meanRelError).toBeCloseTo(paper.mean, 12);
    expect(result.mitchell.meanRelError).toBeCloseTo(mitchell.mean, 12);
    expect(result.mitchell.meanSignedRelError).toBeCloseTo(mitchell.bias, 12);
  });

  it('finds the brute-force minimum for k = 3', () => {
    let bestMean = Infinity;
    let bestMeanOffset = -1;
    let bestBias = Infinity;
    let bestBiasOffset = -1;
    for (let lsbs = 0; lsbs <= 512; lsbs++) {
      const statistics = referenceMantissaStatistics(3, lsbs / 1024);
      if (statistics.mean < bestMean) [bestMean, bestMeanOffset] = [statistics.mean, lsbs];
      if (Math.abs(statistics.bias) < bestBias) [bestBias, bestBiasOffset] = [Math.abs(statistics.bias), lsbs];
    }

    const result = searchOffsets(3);

    expect(result.bestForMean.offsetFraction).toBe(bestMeanOffset / 1024);
    expect(result.bestForMean.meanRelError).toBeCloseTo(bestMean, 12);
    expect(result.bestForBias.offsetFraction).toBe(bestBiasOffset / 1024);
    expect(result.bestForMean.guardBits).toBe(7);
  });

  it('finds the brute-force whole-LSB minimum for k = 5', () => {
    const means = Array.from({ length: 17 }, (_, lsbs) => referenceMantissaStatistics(5, lsbs / 32).mean);
    const best = means.indexOf(Math.min(...means));

    const result = searchOffsets(5);

    expect(result.bestIntegerForMean.offsetLsbs).toBe(best);
    expect(result.bestIntegerForMean.guardBits).toBe(0);
  });

  it('beats the paper offset for k = 4', () => {
    const result = searchOffsets(4);

    expect(result.bestIntegerForMean.offsetFraction).toBe(1 / 16);
    expect(result.bestIntegerForMean.meanRelError).toBeLessThan(result.paper.meanRelError);
  });

  it('rejects k = 9', () => {
    expect(() => searchOffsets(9)).toThrow(RangeError);
  });
});

describe('minimizeOverIntegers', () => {
  it('finds the minimum of a parabola', () => {
    const best = minimizeOverIntegers((x) => x, (x) => (x - 777) ** 2, 0, 1024);

    expect(best).toBe(777);
  });

  it('finds a minimum at the upper end', () => {
    expect(minimizeOverIntegers((x) => x, (x) => -x, 0, 100)).toBe(100);
  });
});
