import { describe, expect, it } from 'vitest';
import { archFromYamlText, type ArchConfig } from '../../sim/arch/index.js';
import { executeProgram } from '../../sim/exec/index.js';
import { compile, testArch, userErrorText } from './helpers.js';

/** Builds the test machine with an 8×8 weight-stationary array and the given stationary-buffer count. */
function machine(stationaryBuffers: 1 | 2): ArchConfig {
  const arch = testArch({ rows: 8, cols: 8, dataflow: 'weight-stationary' });
  return { ...arch, core: { ...arch.core, matrix: { ...arch.core.matrix, stationaryBuffers } } };
}

const twoTiles = `
.tensor X fp32[8, 8] init=uniform(-2, 2, seed=1)
.tensor W fp32[16, 8] init=uniform(-2, 2, seed=2)
.tensor Y fp32[8, 8] output
load sp[0], X[0 +: 4, 0 +: 8] fmt=e4m3
load sp[64], W[0 +: 8, 0 +: 8] fmt=e4m3
load sp[128], W[8 +: 8, 0 +: 8] fmt=e4m3 signal=compute
preload sp[64] k=8 n=8 wait=load
matmul acc[0], sp[0] m=4 k=8 n=8 method=lmul in=e4m3 out=fp32 overwrite
preload sp[128] k=8 n=8
matmul acc[0], sp[0] m=4 k=8 n=8 method=lmul in=e4m3 out=fp32 accumulate signal=store
store Y[0 +: 4, 0 +: 8], acc[0] wait=compute
halt
`;

describe('double-buffered preload', () => {
  it('preload overlaps the previous matmul', () => {
    const program = `
preload sp[0] k=8 n=8
matmul acc[0], sp[64] m=4 k=8 n=8 method=exact in=e4m3 out=fp32 overwrite
preload sp[128] k=8 n=8
matmul acc[64], sp[64] m=4 k=8 n=8 method=exact in=e4m3 out=fp32 overwrite
halt
`;
    const single = executeProgram(compile(program, machine(1)), { arch: machine(1), values: 'off' });
    const double = executeProgram(compile(program, machine(2)), { arch: machine(2), values: 'off' });

    // One buffer: each matmul takes 2R + C + M − 2 = 26 cycles, from cycles 1 and 27, ending at 53.
    expect(single.cycles).toBe(53);
    // Two buffers: the first preload shifts over cycles 0..8 and the first matmul streams its fold from
    // 8 for R + C + M − 2 = 18 cycles, ending at 26. The second preload starts at its dispatch cycle 2,
    // waits for the shadow chain until the first fold starts at 8, and is in by 16, so the second
    // matmul streams from 26 to 44 without waiting.
    expect(double.cycles).toBe(44);
    expect(double.counters.units[1].busyCycles).toBe(25 + 18);
  });

  it('late preload token exposes the shift', () => {
    const program = `
.tensor A fp32[8, 8]
load sp[128], A[0 +: 8, 0 +: 8] fmt=e4m3 signal=compute
preload sp[0] k=8 n=8
matmul acc[0], sp[64] m=4 k=8 n=8 method=exact in=e4m3 out=fp32 overwrite
preload sp[128] k=8 n=8 wait=load
matmul acc[64], sp[64] m=4 k=8 n=8 method=exact in=e4m3 out=fp32 overwrite
halt
`;
    // The load moves 256 bytes (4 bursts) in 16 cycles and its token arrives at 116. The second
    // preload shifts over 116..124, so the second matmul starts at 116 and streams from 124 to 142,
    // the same end as with one buffer (116 + 26).
    for (const buffers of [1, 2] as const) {
      const result = executeProgram(compile(program, machine(buffers)), { arch: machine(buffers), values: 'off' });
      expect(result.cycles).toBe(142);
    }
  });

  it('values do not depend on buffers', () => {
    const outputs = [];
    for (const buffers of [1, 2] as const) {
      for (const fidelity of ['tile', 'pe'] as const) {
        const result = executeProgram(compile(twoTiles, machine(buffers)), { arch: machine(buffers), values: 'hardware', fidelity });
        outputs.push({ buffers, fidelity, cycles: result.cycles, values: Array.from(result.tensors[2].values ?? []) });
      }
    }

    expect(outputs[0].values.some((value) => value !== 0)).toBe(true);
    for (const output of outputs) expect(output.values).toEqual(outputs[0].values);
    expect(outputs[1].cycles).toBe(outputs[0].cycles);
    expect(outputs[3].cycles).toBe(outputs[2].cycles);
    expect(outputs[2].cycles).toBeLessThan(outputs[0].cycles);
  });

  it('machine file accepts 1 and 2 only', () => {
    const text = (buffers: string) => `
clockMhz: 1000
core:
  matrix: { rows: 4, cols: 4, dataflow: weight-stationary, inputFormats: [e4m3], accumulatorFormat: fp32, stationaryBuffers: ${buffers} }
  vector: { lanes: 4, ops: { default: { latencyCycles: 1, initiationIntervalCycles: 1 } } }
  scratchpad: { capacityBytes: 4096, banks: 1, wordBits: 32 }
  accumulator: { capacityBytes: 4096, banks: 1, wordBits: 32 }
  vectorRegisters: { count: 2, lengthElements: 4 }
  dma: { engines: 1, bytesPerCycleEach: 4 }
memory: { kind: ddr4, bandwidthGBps: 4, latencyCycles: 10, capacityBytes: 1 GiB }
`;
    expect(archFromYamlText(text('2'), 'two.yaml').core.matrix.stationaryBuffers).toBe(2);
    expect(archFromYamlText(text('1'), 'one.yaml').core.matrix.stationaryBuffers).toBe(1);
    expect(userErrorText(() => archFromYamlText(text('3'), 'three.yaml'))).toMatch(/stationaryBuffers/);
  });
});
