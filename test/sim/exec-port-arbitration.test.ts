import { describe, expect, it } from 'vitest';
import { executeProgram, STALL_INDEX, UNIT_NAMES, type RunResult } from '../../sim/exec/index.js';
import { compile, testArch } from './helpers.js';

const LOAD = UNIT_NAMES.indexOf('load');

function loadUnit(result: RunResult, core: number) {
  return result.counters.units[core * UNIT_NAMES.length + LOAD];
}

// Core 0 runs a 992-cycle matmul (output-stationary 16×16, M = 256: 16 folds of 62 cycles) and then
// loads 1024 bytes (64 cycles on the 16-byte-per-cycle DRAM port) when the matmul's token arrives.
// Core 1 counts through a loop and then loads 8192 bytes (512 cycles). The scheduler processes core
// 0's instructions first, because it reaches its load in few dispatches, but core 1 requests the
// port earlier in simulated time.
function program(core1Sets: number, core0Sets: number): string {
  return `
.tensor A fp32[16, 16]
.tensor X fp32[128, 16]
bnez core, other
${'set r2, 1\n'.repeat(core0Sets)}preload sp[0] k=16 n=16
matmul acc[0], sp[256] m=256 k=16 n=16 method=exact in=e4m3 out=fp32 overwrite signal=load
set r2, 1
set r2, 1
load sp[8192], A[0 +: 16, 0 +: 16] fmt=e4m3 wait=compute
halt
other:
loop r, ${core1Sets}
  set r1, 1
endloop
load sp[8192], X[0 +: 128, 0 +: 16] fmt=e4m3
halt
`;
}

describe('shared port arbitration', () => {
  it('earlier request wins the port', () => {
    const arch = testArch({ cores: 2 });
    const result = executeProgram(compile(program(600, 0), arch), { arch, values: 'off' });

    // Core 1's load is dispatched at 1 + 1 + 600 = 602 and occupies the port over 602..1114. Core 0's
    // matmul, dispatched at cycle 2 after bnez and preload, runs 2..994, so its load requests the
    // port at 994 and waits 120 cycles; it ends at 1114 + 64 + 100 cycles of latency.
    expect(loadUnit(result, 1).stallCycles[STALL_INDEX.bandwidth]).toBe(0);
    expect(loadUnit(result, 0).stallCycles[STALL_INDEX.bandwidth]).toBe(120);
    expect(result.cycles).toBe(1114 + 64 + 100);
  });

  it('equal requests go by core index', () => {
    const arch = testArch({ cores: 2 });
    // Three sets on core 0 move its matmul to 5..997, so its load requests the port at 997, the
    // cycle at which core 1 dispatches its load after 1 + 1 + 995 dispatches. Core 1's load is
    // processed first, but core 0 has the lower index, so it gets the port first.
    const result = executeProgram(compile(program(995, 3), arch), { arch, values: 'off' });

    expect(loadUnit(result, 0).stallCycles[STALL_INDEX.bandwidth]).toBe(0);
    expect(loadUnit(result, 1).stallCycles[STALL_INDEX.bandwidth]).toBe(64);
    expect(result.cycles).toBe(997 + 64 + 512 + 100);
  });
});
