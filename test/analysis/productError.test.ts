import { describe, expect, it } from 'vitest';
import { makeSampler, measureProductError, normalBitPatterns } from '../../sim/analysis/index.js';
import { parseFormat } from '../../sim/numerics/index.js';
import { e4m3Value, isE4m3Normal, lmulE4m3Bits, lmulE4m3WideValue, plainStatistics } from './reference.js';

const E4M3 = parseFormat('e4m3');

/** Returns every pair of normal e4m3 patterns, from the reference's own classification. */
function referencePairs(): [number, number][] {
  const normals: number[] = [];
  for (let bits = 0; bits < 256; bits++) if (isE4m3Normal(bits)) normals.push(bits);
  return normals.flatMap((a) => normals.map((b): [number, number] => [a, b]));
}

describe('measureProductError exhaustive', () => {
  it('counts 238 normal e4m3 patterns', () => {
    expect(normalBitPatterns(E4M3)).toHaveLength(238);
  });

  it('matches the reference for e4m3 lmul', () => {
    const errors = referencePairs().map(([a, b]) => {
      const exact = e4m3Value(a) * e4m3Value(b);
      return (lmulE4m3WideValue(a, b) - exact) / exact;
    });
    const expected = plainStatistics(errors);

    const result = measureProductError({ format: E4M3, method: 'lmul', inputs: 'exhaustive', samples: 0, seed: 0, roundOutput: false });

    expect(result.counts.total).toBe(238 * 238);
    expect(result.counts.evaluated).toBe(238 * 238);
    expect(result.summary.meanRelError).toBeCloseTo(expected.mean, 12);
    expect(result.summary.maxRelError).toBe(expected.max);
    expect(result.summary.meanSignedRelError).toBeCloseTo(expected.bias, 12);
    // 1.0 × 1.0 gives 1.125: the offset 2^-3 is the largest relative error.
    expect(result.summary.maxRelError).toBe(0.125);
  });

  it('matches the reference for e4m3 lmul with rounded output', () => {
    const errors: number[] = [];
    let outOfRange = 0;
    for (const [a, b] of referencePairs()) {
      const exact = e4m3Value(a) * e4m3Value(b);
      if (Math.abs(exact) < 2 ** -6 || Math.abs(exact) > 448) {
        outOfRange++;
        continue;
      }
      errors.push((e4m3Value(lmulE4m3Bits(a, b)) - exact) / exact);
    }
    const expected = plainStatistics(errors);

    const result = measureProductError({ format: E4M3, method: 'lmul', inputs: 'exhaustive', samples: 0, seed: 0, roundOutput: true });

    expect(result.counts.skippedProductOutOfRange).toBe(outOfRange);
    expect(result.counts.evaluated).toBe(errors.length);
    expect(result.summary.meanRelError).toBeCloseTo(expected.mean, 12);
    expect(result.summary.maxRelError).toBe(expected.max);
    expect(result.summary.meanSignedRelError).toBeCloseTo(expected.bias, 12);
  });

  it('gives zero error for the exact method', () => {
    const result = measureProductError({ format: E4M3, method: 'exact', inputs: 'exhaustive', samples: 0, seed: 0, roundOutput: false });

    expect(result.summary.maxRelError).toBe(0);
    expect(result.histogram).toEqual([{ lower: 0, upper: 0, count: 238 * 238 }]);
  });

  it('histogram counts every evaluated pair', () => {
    const result = measureProductError({ format: E4M3, method: 'mitchell', inputs: 'exhaustive', samples: 0, seed: 0, roundOutput: false, histogramBins: 7 });

    expect(result.histogram).toHaveLength(7);
    expect(result.histogram.reduce((sum, bin) => sum + bin.count, 0)).toBe(238 * 238);
    // Mitchell's adder never overestimates: its error lies in [-1/9, 0].
    expect(result.summary.maxSignedRelError).toBe(0);
    expect(result.summary.minSignedRelError).toBeCloseTo(-1 / 9, 12);
  });

  it('rejects exhaustive inputs for fp16', () => {
    const settings = { format: parseFormat('fp16'), method: 'lmul', inputs: 'exhaustive', samples: 0, seed: 0, roundOutput: false } as const;

    expect(() => measureProductError(settings)).toThrow(/at most 8 bits/);
  });
});

describe('measureProductError sampled', () => {
  it('repeats for the same seed', () => {
    const settings = { format: E4M3, method: 'lmul', inputs: 'normal', samples: 5000, seed: 42, roundOutput: false } as const;

    const first = measureProductError(settings);
    const second = measureProductError(settings);

    expect(second).toEqual(first);
  });

  it('changes with the seed', () => {
    const base = { format: E4M3, method: 'lmul', inputs: 'uniform', samples: 5000, roundOutput: false } as const;

    const first = measureProductError({ ...base, seed: 1 });
    const second = measureProductError({ ...base, seed: 2 });

    expect(second.summary.meanRelError).not.toBe(first.summary.meanRelError);
  });

  it('skips pairs with a non-normal operand', () => {
    // U(-1, 1) rounds to zero or a subnormal below 2^-6 in magnitude: about 1.6% per operand.
    const result = measureProductError({ format: E4M3, method: 'lmul', inputs: 'uniform', samples: 20000, seed: 3, roundOutput: false });

    expect(result.counts.total).toBe(20000);
    expect(result.counts.skippedNonNormalOperand).toBeGreaterThan(300);
    expect(result.counts.skippedNonNormalOperand).toBeLessThan(1000);
    expect(result.counts.evaluated + result.counts.skippedNonNormalOperand).toBe(20000);
  });

  it('works for fp16 with sampled inputs', () => {
    const result = measureProductError({ format: parseFormat('fp16'), method: 'lmul', inputs: 'lognormal', samples: 2000, seed: 5, roundOutput: false });

    expect(result.counts.evaluated).toBe(2000);
    // fp16 lmul uses the offset 2^-4; its error stays below Mitchell's 1/9 plus the offset.
    expect(result.summary.maxRelError).toBeLessThan(0.1112 + 0.0625);
  });
});

describe('makeSampler', () => {
  it('repeats for the same seed', () => {
    const first = makeSampler('lognormal', 9);
    const second = makeSampler('lognormal', 9);

    const a = Array.from({ length: 10 }, () => first());
    const b = Array.from({ length: 10 }, () => second());

    expect(b).toEqual(a);
  });

  it('draws uniform values in [-1, 1)', () => {
    const sample = makeSampler('uniform', 1);
    const values = Array.from({ length: 10000 }, () => sample());

    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(Math.min(...values)).toBeLessThan(-0.99);
  });

  it('draws normal values with mean 0 and variance 1', () => {
    const sample = makeSampler('normal', 1);
    const values = Array.from({ length: 100_000 }, () => sample());
    const mean = values.reduce((sum, x) => sum + x, 0) / values.length;
    const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / values.length;

    // Standard error of the mean is 1/sqrt(1e5), about 0.003.
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
  });

  it('draws positive lognormal values', () => {
    const sample = makeSampler('lognormal', 1);
    const logs = Array.from({ length: 100_000 }, () => Math.log(sample()));
    const mean = logs.reduce((sum, x) => sum + x, 0) / logs.length;

    expect(logs.every((x) => Number.isFinite(x))).toBe(true);
    expect(Math.abs(mean)).toBeLessThan(0.015);
  });
});
