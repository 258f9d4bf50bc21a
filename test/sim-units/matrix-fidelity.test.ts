import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccumulatorFormat, Dataflow } from '../../sim/arch/types.js';
import { runTile, tileTiming, type TileParams } from '../../sim/matrix/index.js';
import { accumulate, parseFormat, productValue, type MethodName } from '../../sim/numerics/index.js';

const DATAFLOWS: readonly Dataflow[] = ['weight-stationary', 'output-stationary', 'input-stationary'];

/** Operand bit patterns in the typed array that fits the format's width. */
function bitsArray(values: readonly number[], widthBits: number): Uint8Array | Uint16Array | Uint32Array {
  if (widthBits <= 8) return Uint8Array.from(values);
  if (widthBits <= 16) return Uint16Array.from(values);
  return Uint32Array.from(values);
}

/**
 * Independent reference: the documented order written as a plain per-element loop. K splits into
 * chunks of `rows` (weight- and input-stationary) or stays whole (output-stationary). Each chunk sums
 * from +0 in increasing k, then replaces (first chunk, overwrite) or is added to the accumulator entry.
 */
function referenceGemm(params: TileParams): Float64Array {
  const format = parseFormat(params.format);
  const accFormat = parseFormat(params.accumulatorFormat);
  const method = params.method as MethodName;
  const { m, k, n } = params;
  const chunk = params.array.dataflow === 'output-stationary' ? k : params.array.rows;
  const out = params.acc.slice();
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let value = params.mode === 'overwrite' ? 0 : out[i * n + j];
      for (let start = 0; start < k; start += chunk) {
        let sum = 0;
        for (let kk = start; kk < Math.min(k, start + chunk); kk++) {
          sum = accumulate(accFormat, sum, productValue(format, method, params.a[i * k + kk], params.b[kk * n + j], params.mulOptions));
        }
        value = start === 0 && params.mode === 'overwrite' ? sum : accumulate(accFormat, value, sum);
      }
      out[i * n + j] = value;
    }
  }
  return out;
}

function sameBits(x: Float64Array, y: Float64Array): boolean {
  return x.length === y.length && x.every((value, index) => Object.is(value, y[index]));
}

const combos: ReadonlyArray<{ format: string; method: MethodName; accumulator: AccumulatorFormat }> = [
  { format: 'e4m3', method: 'lmul', accumulator: 'fp32' },
  { format: 'e4m3', method: 'exact', accumulator: 'fp16' },
  { format: 'e5m2', method: 'mitchell', accumulator: 'bf16' },
  { format: 'e4m3fnuz', method: 'lmul-formula', accumulator: 'fp32' },
  { format: 'bf16', method: 'lmul', accumulator: 'fp32' },
  { format: 'fp16', method: 'exact', accumulator: 'fp16' },
  { format: 'bf16', method: 'mitchell', accumulator: 'bf16' },
  { format: 'fp32', method: 'lmul', accumulator: 'fp32' },
];

const tileCase = fc.record({
  rows: fc.integer({ min: 1, max: 5 }),
  cols: fc.integer({ min: 1, max: 5 }),
  m: fc.integer({ min: 0, max: 9 }),
  k: fc.integer({ min: 0, max: 12 }),
  n: fc.integer({ min: 0, max: 9 }),
  dataflow: fc.constantFrom(...DATAFLOWS),
  mode: fc.constantFrom('accumulate' as const, 'overwrite' as const),
  latency: fc.integer({ min: 0, max: 3 }),
  buffers: fc.constantFrom(1 as const, 2 as const),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

/** Deterministic pseudo-random integers in [0, bound). */
function generator(seed: number): (bound: number) => number {
  let state = seed;
  return (bound) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return Math.floor((state / 2 ** 32) * bound);
  };
}

describe('matrix fidelities', () => {
  for (const combo of combos) {
    it(`pe equals tile and reference: ${combo.format} ${combo.method} ${combo.accumulator}`, () => {
      const format = parseFormat(combo.format);
      const accFormat = parseFormat(combo.accumulator);
      fc.assert(
        fc.property(tileCase, (c) => {
          const random = generator(c.seed);
          const patterns = 2 ** format.widthBits;
          const a = bitsArray(Array.from({ length: c.m * c.k }, () => random(patterns)), format.widthBits);
          const b = bitsArray(Array.from({ length: c.k * c.n }, () => random(patterns)), format.widthBits);
          // Initial accumulator entries are small integers, which every accumulator format represents exactly.
          const initial = Float64Array.from({ length: c.m * c.n }, () => random(9) - 4);
          const params = (acc: Float64Array): TileParams => ({
            array: { rows: c.rows, cols: c.cols, dataflow: c.dataflow, pipelineLatencyCycles: c.latency, stationaryBuffers: c.buffers },
            m: c.m,
            k: c.k,
            n: c.n,
            a,
            b,
            acc,
            mode: c.mode,
            format: combo.format,
            method: combo.method,
            accumulatorFormat: combo.accumulator,
            countToggles: true,
          });
          const tileAcc = initial.slice();
          const peAcc = initial.slice();

          const tile = runTile(params(tileAcc), 'tile');
          const pe = runTile(params(peAcc), 'pe');
          const reference = referenceGemm(params(initial.slice()));

          expect(pe.cycles).toBe(tile.cycles);
          expect(tile.cycles).toBe(tileTiming(params(tileAcc).array, c.m, c.k, c.n).cycles);
          expect(pe.operandToggleBits).toBe(tile.operandToggleBits);
          expect(sameBits(peAcc, tileAcc)).toBe(true);
          expect(sameBits(tileAcc, reference)).toBe(true);
          // Every result is a value of the accumulator format.
          expect(tileAcc.every((value) => Number.isNaN(value) || accumulate(accFormat, 0, value) === value || value === 0)).toBe(true);
        }),
        { numRuns: 120, seed: 20261204 },
      );
    });
  }

  it('larger tiles agree', () => {
    const random = generator(99);
    for (const dataflow of DATAFLOWS) {
      for (const [rows, cols, m, k, n, buffers] of [[8, 6, 20, 19, 17, 1], [16, 16, 33, 40, 9, 1], [3, 7, 1, 50, 30, 1], [8, 6, 20, 19, 17, 2], [3, 7, 1, 50, 30, 2]] as const) {
        const a = Uint8Array.from({ length: m * k }, () => random(256));
        const b = Uint8Array.from({ length: k * n }, () => random(256));
        const params = (acc: Float64Array): TileParams => ({ array: { rows, cols, dataflow, stationaryBuffers: buffers }, m, k, n, a, b, acc, mode: 'accumulate', format: 'e5m2', method: 'lmul', accumulatorFormat: 'bf16', countToggles: true });
        const tileAcc = new Float64Array(m * n).fill(1);
        const peAcc = new Float64Array(m * n).fill(1);

        const tile = runTile(params(tileAcc), 'tile');
        const pe = runTile(params(peAcc), 'pe');

        expect(pe.cycles).toBe(tile.cycles);
        expect(pe.peUtilization).toBe(tile.peUtilization);
        expect(pe.operandToggleBits).toBe(tile.operandToggleBits);
        expect(sameBits(peAcc, tileAcc)).toBe(true);
        expect(sameBits(tileAcc, referenceGemm(params(new Float64Array(m * n).fill(1))))).toBe(true);
      }
    }
  });

  it('fp32 operands on the PE array', () => {
    const a = Uint32Array.from([0x3fc00000, 0x40000000, 0xbf800000, 0x3f000000]); // 1.5, 2, −1, 0.5 (2×2)
    const b = Uint32Array.from([0x3fc00000, 0x3f800000, 0x40400000, 0x00000000]); // 1.5, 1, 3, 0 (2×2)
    const run = (fidelity: 'tile' | 'pe') => {
      const acc = new Float64Array(4);
      runTile({ array: { rows: 2, cols: 2, dataflow: 'weight-stationary' }, m: 2, k: 2, n: 2, a, b, acc, mode: 'overwrite', format: 'fp32', method: 'lmul', accumulatorFormat: 'fp32' }, fidelity);
      return acc;
    };

    // fp32 L-Mul adds the offset 2^-4 to the mantissa sum: 1.5 × 1.5 = 2 × (0.5 + 0.5 + 0.0625) = 2.125,
    // 2 × 3 = 1.5625 × 4 = 6.25, 1.5 × 1 = 1.5625, −1 × 1.5 = −1.5625, 0.5 × 3 = 1.5625, −1 × 1 = −1.0625,
    // and a zero operand gives 0.
    expect(Array.from(run('tile'))).toEqual([2.125 + 6.25, 1.5625, 0, -1.0625]);
    expect(sameBits(run('pe'), run('tile'))).toBe(true);
  });
});

describe('accumulation order', () => {
  // Products 2048, 1, 1, 1 into an fp16 accumulator, whose spacing at 2048 is 2.
  // e4m3 operands: 32 × 64 = 2048 and 1 × 1 = 1 (0x38 is 1.0, 0x60 is 32, 0x68 is 64).
  const a = Uint8Array.from([0x60, 0x38, 0x38, 0x38]);
  const b = Uint8Array.from([0x68, 0x38, 0x38, 0x38]);
  const run = (dataflow: Dataflow, fidelity: 'tile' | 'pe') => {
    const acc = new Float64Array(1);
    runTile({ array: { rows: 2, cols: 2, dataflow }, m: 1, k: 4, n: 1, a, b, acc, mode: 'overwrite', format: 'e4m3', method: 'exact', accumulatorFormat: 'fp16' }, fidelity);
    return acc[0];
  };

  it('output-stationary adds in place', () => {
    // 2048 + 1 is a tie and rounds to even 2048, three times.
    expect(run('output-stationary', 'pe')).toBe(2048);
    expect(run('output-stationary', 'tile')).toBe(2048);
  });

  it('weight-stationary adds per K chunk', () => {
    // Chunks of 2 rows: (0 + 2048 + 1) = 2048 and (0 + 1 + 1) = 2, then 2048 + 2 = 2050.
    expect(run('weight-stationary', 'pe')).toBe(2050);
    expect(run('weight-stationary', 'tile')).toBe(2050);
    expect(run('input-stationary', 'pe')).toBe(2050);
  });

  it('accumulate mode adds to the entry', () => {
    const acc = Float64Array.from([-2048]);
    runTile({ array: { rows: 4, cols: 1, dataflow: 'weight-stationary' }, m: 1, k: 4, n: 1, a, b, acc, mode: 'accumulate', format: 'e4m3', method: 'exact', accumulatorFormat: 'fp16' }, 'pe');

    // One chunk of 4: 2048 (ties to even twice, then 2048 + 1 → 2048), then −2048 + 2048 = +0.
    expect(Object.is(acc[0], 0)).toBe(true);
  });

  it('overwrite with k = 0 clears', () => {
    const acc = Float64Array.from([5, 6]);
    const result = runTile({ array: { rows: 2, cols: 2, dataflow: 'output-stationary' }, m: 1, k: 0, n: 2, a: new Uint8Array(0), b: new Uint8Array(0), acc, mode: 'overwrite', format: 'e4m3', method: 'lmul', accumulatorFormat: 'fp32' }, 'pe');

    expect(Array.from(acc)).toEqual([0, 0]);
    expect(result.cycles).toBe(0);
  });
});

describe('tile operands', () => {
  it('honours offsets and strides', () => {
    // A is 2×2 inside a 3-wide buffer at offset 1; B is 2×1 with stride 2; C is written at stride 3.
    const a = Uint8Array.from([0, 0x38, 0x40, 0, 0x48, 0x38, 0]); // 1, 2 / 4, 1
    const b = Uint8Array.from([0x40, 0, 0x38, 0]); // 2 / 1
    for (const fidelity of ['tile', 'pe'] as const) {
      const acc = new Float64Array(6).fill(-1);
      runTile({ array: { rows: 2, cols: 2, dataflow: 'output-stationary' }, m: 2, k: 2, n: 1, a, aOffset: 1, aRowStride: 3, b, bRowStride: 2, acc, accRowStride: 3, mode: 'overwrite', format: 'e4m3', method: 'exact', accumulatorFormat: 'fp32' }, fidelity);

      expect(Array.from(acc)).toEqual([1 * 2 + 2 * 1, -1, -1, 4 * 2 + 1 * 1, -1, -1]);
    }
  });

  it('rejects a short operand array', () => {
    const call = () => runTile({ array: { rows: 2, cols: 2, dataflow: 'output-stationary' }, m: 2, k: 2, n: 2, a: new Uint8Array(3), b: new Uint8Array(4), acc: new Float64Array(4), mode: 'overwrite', format: 'e4m3', method: 'exact', accumulatorFormat: 'fp32' }, 'tile');
    expect(call).toThrow(/A needs 4 elements/);
  });

  it('toggle count by hand', () => {
    // Output-stationary 1×1 array, k = 2: A row 0x01, 0x03 and B column 0x80, 0x80.
    // A register: 0 → 0x01 (1 bit), 0x01 → 0x03 (1 bit); B register: 0 → 0x80 (1 bit), then unchanged.
    const params = { array: { rows: 1, cols: 1, dataflow: 'output-stationary' as const }, m: 1, k: 2, n: 1, a: Uint8Array.from([0x01, 0x03]), b: Uint8Array.from([0x80, 0x80]), mode: 'overwrite' as const, format: 'e4m3', method: 'exact', accumulatorFormat: 'fp32' as const, countToggles: true };
    expect(runTile({ ...params, acc: new Float64Array(1) }, 'tile').operandToggleBits).toBe(3);
    expect(runTile({ ...params, acc: new Float64Array(1) }, 'pe').operandToggleBits).toBe(3);
  });
});
