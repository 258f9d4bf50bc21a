import { describe, expect, it } from 'vitest';
import { mapTile, tileTiming } from '../../sim/matrix/index.js';

describe('tileTiming', () => {
  // Hand-computed with SCALE-Sim's per-fold formula 2·R + C + T − 2 and folds = ceil(Sr/R)·ceil(Sc/C).
  const cases = [
    // Weight-stationary: Sr = K, Sc = N, T = M.
    { dataflow: 'weight-stationary', rows: 4, cols: 4, m: 10, k: 4, n: 4, folds: 1, perFold: 20, cycles: 20 },
    { dataflow: 'weight-stationary', rows: 4, cols: 4, m: 10, k: 6, n: 9, folds: 6, perFold: 20, cycles: 120 },
    { dataflow: 'weight-stationary', rows: 256, cols: 256, m: 1, k: 256, n: 256, folds: 1, perFold: 767, cycles: 767 },
    // Output-stationary: Sr = M, Sc = N, T = K.
    { dataflow: 'output-stationary', rows: 8, cols: 4, m: 20, k: 5, n: 7, folds: 6, perFold: 23, cycles: 138 },
    { dataflow: 'output-stationary', rows: 2, cols: 2, m: 2, k: 1, n: 2, folds: 1, perFold: 5, cycles: 5 },
    // Input-stationary: Sr = K, Sc = M, T = N.
    { dataflow: 'input-stationary', rows: 4, cols: 8, m: 9, k: 5, n: 3, folds: 4, perFold: 17, cycles: 68 },
  ] as const;

  for (const c of cases) {
    it(`${c.dataflow} ${c.rows}x${c.cols} m${c.m} k${c.k} n${c.n}`, () => {
      const timing = tileTiming({ rows: c.rows, cols: c.cols, dataflow: c.dataflow }, c.m, c.k, c.n);

      expect(timing.folds).toBe(c.folds);
      expect(timing.cyclesPerFold).toBe(c.perFold);
      expect(timing.cycles).toBe(c.cycles);
      expect(timing.macs).toBe(c.m * c.k * c.n);
      expect(timing.fillCycles + timing.steadyCycles + timing.drainCycles).toBe(timing.cycles);
    });
  }

  it('phase split per dataflow', () => {
    const ws = tileTiming({ rows: 4, cols: 3, dataflow: 'weight-stationary' }, 10, 4, 3);
    const os = tileTiming({ rows: 4, cols: 3, dataflow: 'output-stationary' }, 4, 10, 3);

    // Weight-stationary: R load + (R − 1) skew, T stream, C − 1 drain.
    expect([ws.fillCycles, ws.steadyCycles, ws.drainCycles]).toEqual([7, 10, 2]);
    // Output-stationary: R + C − 2 skew, T stream, R drain.
    expect([os.fillCycles, os.steadyCycles, os.drainCycles]).toEqual([5, 10, 4]);
  });

  it('pipeline latency added once', () => {
    const base = tileTiming({ rows: 4, cols: 4, dataflow: 'weight-stationary' }, 10, 6, 9);
    const piped = tileTiming({ rows: 4, cols: 4, dataflow: 'weight-stationary', pipelineLatencyCycles: 3 }, 10, 6, 9);

    expect(piped.cycles).toBe(base.cycles + 3);
    expect(piped.drainCycles).toBe(base.drainCycles + 3);
  });

  it('ragged fold costs a full fold', () => {
    const full = tileTiming({ rows: 4, cols: 4, dataflow: 'weight-stationary' }, 5, 4, 4);
    const ragged = tileTiming({ rows: 4, cols: 4, dataflow: 'weight-stationary' }, 5, 1, 1);

    expect(ragged.cycles).toBe(full.cycles);
    expect(ragged.peUtilization).toBeCloseTo(5 / (16 * ragged.cycles), 12);
  });

  it('empty tile takes no cycles', () => {
    for (const [m, k, n] of [[0, 3, 3], [3, 0, 3], [3, 3, 0]]) {
      const timing = tileTiming({ rows: 2, cols: 2, dataflow: 'output-stationary' }, m, k, n);
      expect(timing.cycles).toBe(0);
      expect(timing.folds).toBe(0);
    }
  });

  it('rejects invalid shapes', () => {
    expect(() => tileTiming({ rows: 0, cols: 2, dataflow: 'weight-stationary' }, 1, 1, 1)).toThrow(RangeError);
    expect(() => tileTiming({ rows: 2, cols: 2, dataflow: 'weight-stationary' }, 1.5, 1, 1)).toThrow(RangeError);
    expect(() => tileTiming({ rows: 2, cols: 2, dataflow: 'weight-stationary' }, 1, -1, 1)).toThrow(RangeError);
  });

  it('mapping per dataflow', () => {
    expect(mapTile('weight-stationary', 2, 3, 5)).toEqual({ sr: 3, sc: 5, t: 2 });
    expect(mapTile('input-stationary', 2, 3, 5)).toEqual({ sr: 3, sc: 2, t: 5 });
    expect(mapTile('output-stationary', 2, 3, 5)).toEqual({ sr: 2, sc: 5, t: 3 });
  });
});
