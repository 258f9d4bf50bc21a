import { describe, expect, it } from 'vitest';
import type { ArchConfig } from '../../sim/arch/index.js';
import { executeProgram } from '../../sim/exec/index.js';
import { compile, testArch } from './helpers.js';

/** Builds the test machine with an 8×8 weight-stationary array and the given stationary-buffer count. */
function machine(stationaryBuffers: 1 | 2): ArchConfig {
  const arch = testArch({ rows: 8, cols: 8, dataflow: 'weight-stationary' });
  return { ...arch, core: { ...arch.core, matrix: { ...arch.core.matrix, stationaryBuffers } } };
}

/** Builds one preload, then a matmul of m=4 by the 8×8 weight tile for each entry of `options`. */
function program(options: readonly string[]): string {
  const matmuls = options.map((option, i) => `matmul acc[${i * 64}], sp[256] m=4 k=8 n=8 ${option} out=fp32 overwrite\n`);
  return `preload sp[0] k=8 n=8\n${matmuls.join('')}halt\n`;
}

function cycles(arch: ArchConfig, source: string, fidelity: 'tile' | 'pe'): number {
  return executeProgram(compile(source, arch), { arch, values: 'off', fidelity }).cycles;
}

describe('resident weights and input format', () => {
  it('one buffer: new format reloads', () => {
    const arch = machine(1);
    const changed = program(['method=exact in=e4m3', 'method=exact in=e5m2', 'method=exact in=e5m2']);
    const same = program(['method=exact in=e4m3', 'method=exact in=e4m3', 'method=exact in=e4m3']);

    for (const fidelity of ['tile', 'pe'] as const) {
      // A matmul that loads takes 2R + C + M − 2 = 26 cycles, one on resident weights R = 8 less.
      // The e5m2 matmul loads the weights again; the one after it finds them in e5m2.
      expect(cycles(arch, changed, fidelity)).toBe(1 + 26 + 26 + 18);
      expect(cycles(arch, same, fidelity)).toBe(1 + 26 + 18 + 18);
    }
  });

  it('two buffers: new format shifts in itself', () => {
    const arch = machine(2);
    const changed = program(['method=exact in=e4m3', 'method=exact in=e5m2', 'method=exact in=e5m2']);
    const same = program(['method=exact in=e4m3', 'method=exact in=e4m3', 'method=exact in=e4m3']);

    for (const fidelity of ['tile', 'pe'] as const) {
      // The preload is in at cycle 8 and the first matmul streams until 26. The e5m2 matmul then
      // shifts its weights in over 26..34 and streams until 52; the third reuses them for 18 cycles.
      expect(cycles(arch, changed, fidelity)).toBe(8 + 18 + 26 + 18);
      expect(cycles(arch, same, fidelity)).toBe(8 + 18 * 3);
    }
  });

  it('new method alone keeps the weights', () => {
    const mixed = program(['method=exact in=e4m3', 'method=lmul in=e4m3', 'method=mitchell in=e4m3']);

    for (const fidelity of ['tile', 'pe'] as const) {
      expect(cycles(machine(1), mixed, fidelity)).toBe(1 + 26 + 18 + 18);
      expect(cycles(machine(2), mixed, fidelity)).toBe(8 + 18 * 3);
    }
  });

  it('reused weights are rounded to the new format', () => {
    // 1.125 is exact in e4m3. In e5m2 it lies halfway between 1 and 1.25 and rounds to even, to 1.
    // So with X all ones and k = 8, the e4m3 product gives 8 · 1.125 = 9 and the e5m2 one 8.
    const source = `
.tensor X fp32[4, 8] init=ones
.tensor W fp32[8, 8] init=const(1.125)
.tensor Y fp32[8, 8] output
load sp[256], X[0 +: 4, 0 +: 8] fmt=e4m3
load sp[0], W[0 +: 8, 0 +: 8] fmt=e4m3 signal=compute
preload sp[0] k=8 n=8 wait=load
matmul acc[0], sp[256] m=4 k=8 n=8 method=exact in=e4m3 out=fp32 overwrite
matmul acc[32], sp[256] m=4 k=8 n=8 method=exact in=e5m2 out=fp32 overwrite signal=store
store Y[0 +: 8, 0 +: 8], acc[0] wait=compute
halt
`;
    for (const buffers of [1, 2] as const) {
      const arch = machine(buffers);
      const runs = (['tile', 'pe'] as const).map((fidelity) => executeProgram(compile(source, arch), { arch, values: 'hardware', fidelity }));
      const values = Array.from(runs[0].tensors[2].values ?? []);

      expect(values).toEqual([...Array(32).fill(9), ...Array(32).fill(8)]);
      expect(Array.from(runs[1].tensors[2].values ?? [])).toEqual(values);
      expect(runs[1].cycles).toBe(runs[0].cycles);
    }
  });
});
