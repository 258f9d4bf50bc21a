import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeProgram } from '../../sim/exec/index.js';
import { compile, testArch } from './helpers.js';

/** Writes a GEMM over random tile counts, with ragged tiles smaller than the array. */
function randomGemm(tilesM: number, tilesK: number, tilesN: number, tm: number, tk: number, tn: number, method: string, format: string, seed: number): string {
  const m = tilesM * tm;
  const k = tilesK * tk;
  const n = tilesN * tn;
  return `
.tensor A fp32[${m}, ${k}] init=normal(0, 1, seed=${seed})
.tensor B fp32[${k}, ${n}] init=uniform(-3, 3, seed=${seed + 1})
.tensor C fp32[${m}, ${n}] output
loop i, ${tilesM}
  loop j, ${tilesN}
    loop kk, ${tilesK}
      load sp[0], A[i * ${tm} +: ${tm}, kk * ${tk} +: ${tk}] fmt=${format}
      load sp[1024], B[kk * ${tk} +: ${tk}, j * ${tn} +: ${tn}] fmt=${format} signal=compute
      preload sp[1024] k=${tk} n=${tn} wait=load
      matmul acc[0], sp[0] m=${tm} k=${tk} n=${tn} method=${method} in=${format} out=fp32 accumulate signal=load
      sync load wait=compute
    endloop
    fence
    store C[i * ${tm} +: ${tm}, j * ${tn} +: ${tn}], acc[0]
    fence
  endloop
endloop
halt
`;
}

describe('executor fidelity', () => {
  it('pe and tile agree on random gemms', () => {
    fc.assert(
      fc.property(
        fc.record({
          dataflow: fc.constantFrom('weight-stationary' as const, 'output-stationary' as const, 'input-stationary' as const),
          size: fc.integer({ min: 2, max: 4 }),
          tilesM: fc.integer({ min: 1, max: 2 }),
          tilesK: fc.integer({ min: 1, max: 2 }),
          tilesN: fc.integer({ min: 1, max: 2 }),
          tm: fc.integer({ min: 1, max: 6 }),
          tk: fc.integer({ min: 1, max: 4 }),
          tn: fc.integer({ min: 1, max: 4 }),
          variant: fc.constantFrom(['lmul', 'e4m3'], ['exact', 'e5m2'], ['lmul-formula', 'e4m3'], ['mitchell', 'e5m2'], ['lmul', 'bf16'], ['mitchell', 'fp16']),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        ({ dataflow, size, tilesM, tilesK, tilesN, tm, tk, tn, variant, seed }) => {
          const arch = testArch({ rows: size, cols: size, dataflow });
          const kTile = Math.min(tk, size);
          const nTile = Math.min(tn, size);
          const program = compile(randomGemm(tilesM, tilesK, tilesN, tm, kTile, nTile, variant[0], variant[1], seed), arch);

          // Without toggle counting, 8-bit formats with fp32 accumulation take the executor's own fast kernel.
          const tile = executeProgram(program, { arch, fidelity: 'tile' });
          const tileToggles = executeProgram(program, { arch, fidelity: 'tile', toggles: true });
          const pe = executeProgram(program, { arch, fidelity: 'pe', toggles: true });

          expect(pe.cycles).toBe(tile.cycles);
          expect(pe.counters.units[1].busyCycles).toBe(tile.counters.units[1].busyCycles);
          const c = (result: typeof tile) => Array.from(result.tensors.find((t) => t.name === 'C')?.values ?? []);
          expect(c(pe)).toEqual(c(tile));
          expect(c(tileToggles)).toEqual(c(tile));
          expect(pe.activity().macs).toEqual(tileToggles.activity().macs);
        },
      ),
      { numRuns: 60, seed: 20261204 },
    );
  });

  it('pe with numerics off keeps tile cycles', () => {
    const arch = testArch({ rows: 4, cols: 4, dataflow: 'weight-stationary' });
    const program = compile(randomGemm(2, 2, 1, 5, 4, 3, 'lmul', 'e4m3', 9), arch);

    const tile = executeProgram(program, { arch, values: 'off' });
    const pe = executeProgram(program, { arch, values: 'off', fidelity: 'pe' });

    expect(pe.cycles).toBe(tile.cycles);
  });
});
