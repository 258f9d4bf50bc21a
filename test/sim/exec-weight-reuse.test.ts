import { describe, expect, it } from 'vitest';
import type { ArchConfig } from '../../sim/arch/index.js';
import { executeProgram } from '../../sim/exec/index.js';
import { compile, testArch } from './helpers.js';

/** Builds the test machine with an 8×8 array of the given dataflow and stationary-buffer count. */
function machine(dataflow: 'weight-stationary' | 'output-stationary', stationaryBuffers: 1 | 2): ArchConfig {
  const arch = testArch({ rows: 8, cols: 8, dataflow });
  return { ...arch, core: { ...arch.core, matrix: { ...arch.core.matrix, stationaryBuffers } } };
}

/** Three matmuls of m=4 by one k×8 weight tile, preloaded once or before each. */
function program(k: number, preloadEach: boolean): string {
  const preload = `preload sp[0] k=${k} n=8\n`;
  const matmul = (i: number) => `matmul acc[${i * 64}], sp[256] m=4 k=${k} n=8 method=exact in=e4m3 out=fp32 overwrite\n`;
  return preload + matmul(0) + (preloadEach ? preload : '') + matmul(1) + (preloadEach ? preload : '') + matmul(2) + 'halt\n';
}

function cycles(arch: ArchConfig, source: string): number {
  return executeProgram(compile(source, arch), { arch, values: 'off' }).cycles;
}

describe('weights resident in the array', () => {
  it('one buffer: reuse skips the load', () => {
    const arch = machine('weight-stationary', 1);

    // A fold takes 2R + C + M − 2 = 26 cycles, R = 8 of them loading the weights. The matmuls
    // dispatch from cycle 1; the second and third find the weights in place.
    expect(cycles(arch, program(8, false))).toBe(1 + 26 + 18 + 18);
    expect(cycles(arch, program(8, true))).toBe(1 + 26 * 3);
  });

  it('two buffers: reuse costs no load', () => {
    const arch = machine('weight-stationary', 2);

    // The shadow registers hide every preload after the first, so each matmul then costs
    // R + C + M − 2 = 18 cycles after the first preload's 8 from cycle 0. Reused weights cost the same.
    expect(cycles(arch, program(8, true))).toBe(8 + 18 * 3);
    expect(cycles(arch, program(8, false))).toBe(8 + 18 * 3);
  });

  it('output-stationary has nothing to reuse', () => {
    const arch = machine('output-stationary', 1);

    expect(cycles(arch, program(8, false))).toBe(cycles(arch, program(8, true)));
  });
});
