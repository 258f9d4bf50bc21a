import { describe, expect, it } from 'vitest';
import { runTile, tileTiming, type ArrayShape } from '../../sim/matrix/index.js';

describe('double-buffered stationary operand', () => {
  // Hand-computed: folds = ceil(Sr/R)·ceil(Sc/C); one buffer costs F·(2R + C + T − 2), two buffers
  // cost R + F·(R + C + T − 2).
  const cases = [
    // Weight-stationary 4×4, M = 10, K = 6, N = 9: F = 2·3 = 6, T = 10.
    { dataflow: 'weight-stationary', rows: 4, cols: 4, m: 10, k: 6, n: 9, single: 120, double: 4 + 6 * 16 },
    // Decode-like: 128×128, M = 1, K = N = 256: F = 4, T = 1.
    { dataflow: 'weight-stationary', rows: 128, cols: 128, m: 1, k: 256, n: 256, single: 4 * 383, double: 128 + 4 * 255 },
    // Input-stationary 4×8, M = 9, K = 5, N = 3: F = 2·2 = 4, T = 3.
    { dataflow: 'input-stationary', rows: 4, cols: 8, m: 9, k: 5, n: 3, single: 68, double: 4 + 4 * 13 },
    // One fold: the load is exposed either way.
    { dataflow: 'weight-stationary', rows: 4, cols: 4, m: 10, k: 4, n: 4, single: 20, double: 20 },
  ] as const;

  for (const c of cases) {
    it(`${c.dataflow} ${c.rows}x${c.cols} m${c.m} k${c.k} n${c.n}`, () => {
      const single = tileTiming({ rows: c.rows, cols: c.cols, dataflow: c.dataflow, stationaryBuffers: 1 }, c.m, c.k, c.n);
      const double = tileTiming({ rows: c.rows, cols: c.cols, dataflow: c.dataflow, stationaryBuffers: 2 }, c.m, c.k, c.n);

      expect(single.cycles).toBe(c.single);
      expect(double.cycles).toBe(c.double);
      expect(double.firstLoadCycles).toBe(c.rows);
      expect(double.cyclesPerFold).toBe(c.rows + c.cols + (c.dataflow === 'weight-stationary' ? c.m : c.n) - 2);
      expect(double.fillCycles + double.steadyCycles + double.drainCycles).toBe(double.cycles);
    });
  }

  it('absent key means one buffer', () => {
    const absent = tileTiming({ rows: 4, cols: 4, dataflow: 'weight-stationary' }, 10, 6, 9);
    expect(absent.cycles).toBe(120);
    expect(absent.firstLoadCycles).toBe(0);
  });

  it('output-stationary ignores buffers', () => {
    const one = tileTiming({ rows: 8, cols: 4, dataflow: 'output-stationary', stationaryBuffers: 1 }, 20, 5, 7);
    const two = tileTiming({ rows: 8, cols: 4, dataflow: 'output-stationary', stationaryBuffers: 2 }, 20, 5, 7);
    expect(two.cycles).toBe(138);
    expect(two).toEqual(one);
  });

  it('rejects other buffer counts', () => {
    const array = { rows: 2, cols: 2, dataflow: 'weight-stationary', stationaryBuffers: 3 } as unknown as ArrayShape;
    expect(() => tileTiming(array, 1, 1, 1)).toThrow(/stationaryBuffers must be 1 or 2/);
  });

  it('pe steps the overlapped loads', () => {
    // 2×2 array, M = 1, K = 4, N = 2: two folds along K. The PE-level count is R + 2·(R + C + 1 − 2) = 8,
    // against 2·(2R + C + 1 − 2) = 10 with one buffer, and the values do not change.
    const a = Uint8Array.from([0x38, 0x40, 0x48, 0x38]); // 1, 2, 4, 1
    const b = Uint8Array.from([0x38, 0x40, 0x38, 0x38, 0x40, 0x38, 0x38, 0x40]); // rows (1, 2), (1, 1), (2, 1), (1, 2)
    const run = (stationaryBuffers: 1 | 2) => {
      const acc = new Float64Array(2);
      const array: ArrayShape = { rows: 2, cols: 2, dataflow: 'weight-stationary', stationaryBuffers };
      const result = runTile({ array, m: 1, k: 4, n: 2, a, b, acc, mode: 'overwrite', format: 'e4m3', method: 'exact', accumulatorFormat: 'fp32' }, 'pe');
      return { cycles: result.cycles, values: Array.from(acc) };
    };

    // Column 0: 1·1 + 2·1 + 4·2 + 1·1 = 12; column 1: 1·2 + 2·1 + 4·1 + 1·2 = 10.
    expect(run(1)).toEqual({ cycles: 10, values: [12, 10] });
    expect(run(2)).toEqual({ cycles: 8, values: [12, 10] });
  });
});
