import { describe, expect, it } from 'vitest';
import { BF16, decode, E4M3, encode } from '../../sim/numerics/index.js';
import {
  attentionErrorTable,
  formatAttention,
  generateAttentionInputs,
  klDivergence,
  rowKlDivergences,
  rowRelativeErrors,
  softmaxRows,
} from '../../workloads/attention-numerics.js';
import { runCli } from '../helpers.js';

describe('klDivergence', () => {
  it('matches hand-computed value', () => {
    // 0.5·ln(0.5/0.25) + 0.5·ln(0.5/0.75) = 0.5·ln(4/3)
    expect(klDivergence([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.5 * Math.log(4 / 3), 15);
  });

  it('is zero for equal rows', () => {
    expect(klDivergence([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
  });

  it('skips zero reference terms', () => {
    expect(klDivergence([0, 1], [0.5, 0.5])).toBeCloseTo(Math.log(2), 15);
  });

  it('is infinite when support is lost', () => {
    expect(klDivergence([0.5, 0.5], [1, 0])).toBe(Infinity);
  });

  it('reduces rows to max and mean', () => {
    const reference = Float64Array.from([0.5, 0.5, 0.5, 0.5]);
    const actual = Float64Array.from([0.5, 0.5, 0.25, 0.75]);
    const stats = rowKlDivergences(reference, actual, 2, 2);
    expect(stats.max).toBeCloseTo(0.5 * Math.log(4 / 3), 15);
    expect(stats.mean).toBeCloseTo(0.25 * Math.log(4 / 3), 15);
  });
});

describe('rowRelativeErrors', () => {
  it('matches hand-computed rows', () => {
    // Row 0: ‖(3,5) − (3,4)‖ / ‖(3,4)‖ = 1/5. Row 1: ‖(1,1) − (1,0)‖ / ‖(1,0)‖ = 1.
    const expected = Float64Array.from([3, 4, 1, 0]);
    const actual = Float64Array.from([3, 5, 1, 1]);
    const stats = rowRelativeErrors(actual, expected, 2, 2);
    expect(stats.max).toBe(1);
    expect(stats.mean).toBeCloseTo(0.6, 15);
  });

  it('treats zero reference rows', () => {
    const zero = Float64Array.from([0, 0]);
    expect(rowRelativeErrors(zero, zero, 1, 2).max).toBe(0);
    expect(rowRelativeErrors(Float64Array.from([0, 1e-30]), zero, 1, 2).max).toBe(Infinity);
  });
});

describe('softmaxRows', () => {
  it('matches hand-computed row', () => {
    const probabilities = softmaxRows(Float64Array.from([0, Math.log(3), 1000, 1000]), 2, 2);
    expect(probabilities[0]).toBeCloseTo(0.25, 15);
    expect(probabilities[1]).toBeCloseTo(0.75, 15);
    expect(probabilities[2]).toBe(0.5);
    expect(probabilities[3]).toBe(0.5);
  });
});

describe('generateAttentionInputs', () => {
  it('is deterministic by seed', () => {
    const first = generateAttentionInputs(8, 16, 3);
    const second = generateAttentionInputs(8, 16, 3);
    const other = generateAttentionInputs(8, 16, 4);
    expect(second.q).toEqual(first.q);
    expect(second.k).toEqual(first.k);
    expect(second.v).toEqual(first.v);
    expect(other.q).not.toEqual(first.q);
  });

  it('gives Q channels distinct scales', () => {
    const inputs = generateAttentionInputs(2000, 8, 1);
    const rms = Array.from({ length: 8 }, (_, c) => {
      let sum = 0;
      for (let i = 0; i < 2000; i++) sum += inputs.q[i * 8 + c] ** 2;
      return Math.sqrt(sum / 2000);
    });
    expect(Math.max(...rms) / Math.min(...rms)).toBeGreaterThan(1.5);
  });
});

describe('formatAttention', () => {
  it('bf16 exact scores match fp32 sums', () => {
    const seq = 4;
    const dim = 4;
    const inputs = generateAttentionInputs(seq, dim, 7);
    const result = formatAttention(inputs, BF16, 'exact');
    const round = (value: number): number => decode(BF16, encode(BF16, value));

    for (let i = 0; i < seq; i++) {
      for (let j = 0; j < seq; j++) {
        // A bf16 product has at most 16 significant bits, so it is an fp32 value and each fround is one rounding.
        let acc = 0;
        for (let c = 0; c < dim; c++) acc = Math.fround(acc + round(inputs.q[i * dim + c]) * round(inputs.k[j * dim + c]));
        expect(result.scores[i * seq + j]).toBe(Math.fround(acc / 2));
      }
    }
  });

  it('probabilities rows sum to one', () => {
    const result = formatAttention(generateAttentionInputs(8, 8, 2), E4M3, 'lmul');
    for (let r = 0; r < 8; r++) {
      let sum = 0;
      for (let c = 0; c < 8; c++) sum += result.probabilities[r * 8 + c];
      expect(sum).toBeCloseTo(1, 12);
    }
  });
});

describe('attentionErrorTable', () => {
  it('e4m3 lmul errs more than exact', () => {
    const [exact, lmul] = attentionErrorTable(generateAttentionInputs(512, 128, 1), [E4M3], ['exact', 'lmul']);
    expect(exact.method).toBe('exact');
    expect(lmul.method).toBe('lmul');
    expect(lmul.scoreMaxRelError).toBeGreaterThan(exact.scoreMaxRelError);
    expect(lmul.scoreMeanRelError).toBeGreaterThan(exact.scoreMeanRelError);
    expect(lmul.outputMaxRelError).toBeGreaterThan(exact.outputMaxRelError);
    expect(lmul.outputMeanRelError).toBeGreaterThan(exact.outputMeanRelError);
    expect(lmul.klMean).toBeGreaterThan(exact.klMean);
    expect(lmul.klMax).toBeGreaterThan(exact.klMax);
  });
});

describe('attention-numerics CLI', () => {
  it('prints JSON rows', async () => {
    const result = await runCli(['attention-numerics', '--seq', '16', '--formats', 'e4m3,bf16', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { rows: Record<string, unknown>[] };
    expect(parsed.rows.map((row) => `${row.format}/${row.method}`)).toEqual(['e4m3/exact', 'e4m3/lmul', 'bf16/exact', 'bf16/lmul']);
    for (const row of parsed.rows) {
      expect(Object.keys(row).sort()).toEqual(
        ['format', 'method', 'scoreMaxRelError', 'scoreMeanRelError', 'outputMaxRelError', 'outputMeanRelError', 'klMean', 'klMax'].sort(),
      );
      expect(typeof row.klMean).toBe('number');
    }
  });

  it('prints table rows', async () => {
    const result = await runCli(['attention-numerics', '--seq', '8', '--formats', 'fp16', '--methods', 'lmul']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^fp16 +lmul /m);
  });

  it('rejects unknown format', async () => {
    const result = await runCli(['attention-numerics', '--formats', 'e4m3,fp8']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("'fp8'");
    expect(result.stderr).toContain('e4m3, e5m2, bf16, fp16');
  });

  it('rejects unknown method', async () => {
    const result = await runCli(['attention-numerics', '--methods', 'booth']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'booth'");
  });

  it('rejects bad sequence length', async () => {
    const result = await runCli(['attention-numerics', '--seq', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'0'");
  });
});
