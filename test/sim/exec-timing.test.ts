import { describe, expect, it } from 'vitest';
import { executeProgram, STALL_INDEX } from '../../sim/exec/index.js';
import { tileTiming } from '../../sim/matrix/index.js';
import { compile, testArch } from './helpers.js';

// The test machine runs at 1000 MHz with DRAM at 16 bytes per cycle, 100 cycles latency, 64-byte
// bursts and a DMA engine of 32 bytes per cycle. The control unit dispatches one instruction per cycle from cycle 0.

describe('executor timing', () => {
  it('one DMA', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 64]
load sp[0], A[0 +: 1, 0 +: 64] fmt=fp32
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // 64 fp32 = 256 bytes = 4 bursts; 256 / 16 = 16 cycles on the DRAM port, data lands 100 later.
    expect(result.cycles).toBe(16 + 100);
    const load = result.counters.units[0];
    expect(load.busyCycles).toBe(16);
    expect(result.counters.memories[0].readBytes).toBe(256);
    expect(result.counters.sram[0].writeBytes).toBe(256);
  });

  it('unaligned DMA rounds to bursts', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 64]
load sp[0], A[0 +: 2, 1 +: 16] fmt=fp32
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // Each row reads bytes 4..67 of a 256-byte row, which touches two 64-byte bursts: 2 rows × 128 bytes.
    expect(result.counters.memories[0].readBytes).toBe(256);
    expect(result.cycles).toBe(16 + 100);
  });

  it('one tile', () => {
    const arch = testArch();
    const program = compile(
      `
preload sp[0] k=16 n=16
matmul acc[0], sp[256] m=16 k=16 n=16 method=lmul in=e4m3 out=fp32 overwrite
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // Dispatched at cycle 1; output-stationary 16×16 with K = 16: 2·16 + 16 + 16 − 2 = 62 cycles.
    expect(result.cycles).toBe(1 + 62);
    expect(result.counters.units[1].busyCycles).toBe(62);
    expect(result.utilization).toBeCloseTo((16 * 16 * 16) / (256 * 63), 12);
  });

  it('tile cycles follow the matrix model', () => {
    for (const dataflow of ['weight-stationary', 'output-stationary', 'input-stationary'] as const) {
      const arch = testArch({ rows: 8, cols: 8, dataflow, pipelineLatencyCycles: 3 });
      const program = compile(
        `
preload sp[0] k=8 n=8
matmul acc[0], sp[64] m=20 k=8 n=8 method=exact in=bf16 out=fp32 overwrite
halt
`,
        arch,
      );

      const result = executeProgram(program, { arch, values: 'off' });

      const expected = tileTiming({ rows: 8, cols: 8, dataflow, pipelineLatencyCycles: 3 }, 20, 8, 8).cycles;
      expect(result.counters.units[1].busyCycles).toBe(expected);
      expect(result.cycles).toBe(1 + expected);
    }
  });

  it('load and compute overlap with tokens', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 16]
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute
preload sp[256] k=16 n=16 wait=load
matmul acc[0], sp[0] m=16 k=16 n=16 method=lmul in=e4m3 out=fp32 overwrite
load sp[512], A[0 +: 16, 0 +: 16] fmt=e4m3
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // First load: 16 rows × 64 bytes = 1024 bytes, busy 0..64, data and token at 164.
    // The preload waits for the token (a DMA stall from cycle 1 to 164); the matmul runs 164..226.
    // The second load, dispatched at 3, starts when the load unit frees at 64: busy 64..128, done 228.
    expect(result.cycles).toBe(228);
    const compute = result.counters.units[1];
    expect(compute.stallCycles[STALL_INDEX.dma]).toBe(163);
    expect(compute.busyCycles).toBe(62);
    expect(result.counters.units[0].busyCycles).toBe(128);
  });

  it('vector dependency waits for latency', () => {
    const arch = testArch();
    const program = compile(
      `
vsetlen 32
vfill v0, 1.5
vadd v1, v0, v0
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // vsetlen at 0 (1 cycle); vfill at 1: 32 lanes / 16 = 2 cycles, ready 2 later, at 5; vadd waits
    // from 3 to 5 (a dependency stall) and runs 5..7, its result is ready at 9.
    const vector = result.counters.units[2];
    expect(vector.stallCycles[STALL_INDEX.dependency]).toBe(2);
    expect(vector.busyCycles).toBe(1 + 2 + 2);
    expect(result.cycles).toBe(9);
  });

  it('fence waits for completion', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 64]
load sp[0], A[0 +: 1, 0 +: 64] fmt=fp32
fence
load sp[64], A[1 +: 1, 0 +: 64] fmt=fp32
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // The fence releases dispatch at 116; the second load is dispatched then and finishes 116 later.
    expect(result.cycles).toBe(116 + 116);
    expect(result.counters.units[4].stallCycles[STALL_INDEX.dependency]).toBe(116 - 2);
  });

  it('two cores share DRAM bandwidth', () => {
    const source = `
.tensor A fp32[16, 256]
load sp[0], A[core * 8 +: 8, 0 +: 256] fmt=fp32
halt
`;
    const oneCore = testArch({ cores: 1 });
    const two = testArch({ cores: 2 });

    const single = executeProgram(compile(source, oneCore), { arch: oneCore, values: 'off' });
    const shared = executeProgram(compile(source, two), { arch: two, values: 'off' });

    // 8 KiB per core at 16 bytes per cycle: 512 cycles alone; the second core waits 512 cycles for the port.
    expect(single.cycles).toBe(512 + 100);
    expect(shared.cycles).toBe(1024 + 100);
    const stalls = shared.counters.stallsByCause();
    expect(stalls.bandwidth).toBe(512);
  });

  it('bank conflicts stall the DMA', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[64, 1]
load sp[0], A[0 +: 64, 0 +: 1] fmt=fp32 stride=64
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // Off chip: 256 contiguous bytes, 16 cycles. On chip: rows 64 elements = 256 bytes = 16 words
    // apart, so all 64 words fall in bank 0 of 16 and take 64 cycles: 48 cycles past the transfer,
    // and 64 - ceil(64 / 16) = 60 cycles more than without conflicts.
    const load = result.counters.units[0];
    expect(load.busyCycles).toBe(16);
    expect(load.stallCycles[STALL_INDEX['bank-conflict']]).toBe(48);
    expect(result.counters.sram[0].conflictCycles).toBe(60);
    expect(result.cycles).toBe(64 + 100);
  });
});
