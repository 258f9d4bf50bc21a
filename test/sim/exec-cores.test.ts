import { describe, expect, it } from 'vitest';
import { executeProgram, STALL_INDEX, UNIT_NAMES } from '../../sim/exec/index.js';
import { compile, testArch } from './helpers.js';

// Phase 1: core c computes rows [8c, 8c + 8) of C = A·B. Phase 2, after the barrier: core c copies
// the rows the other core computed into its own half of D. D is C with its halves swapped only if
// the barrier keeps phase 2 waiting until both cores have stored their part of C.
const SPLIT = `
.tensor A fp32[16, 8] init=uniform(-1, 1, seed=5)
.tensor B fp32[8, 8] init=uniform(-1, 1, seed=6)
.tensor C fp32[16, 8] output
.tensor D fp32[16, 8] output
load sp[0], A[core * 8 +: 8, 0 +: 8] fmt=e4m3
load sp[64], B[0 +: 8, 0 +: 8] fmt=e4m3 signal=compute
preload sp[64] k=8 n=8 wait=load
matmul acc[0], sp[0] m=8 k=8 n=8 method=lmul in=e4m3 out=fp32 overwrite signal=store
store C[core * 8 +: 8, 0 +: 8], acc[0] wait=compute
bnez core, done
loop r, 20
  load sp[128], A[0 +: 8, 0 +: 8] fmt=e4m3
endloop
done:
barrier
load acc[64], C[(1 - core) * 8 +: 8, 0 +: 8] fmt=fp32 signal=store
store D[core * 8 +: 8, 0 +: 8], acc[64] wait=load
halt
`;

describe('executor cores', () => {
  it('split gemm with barrier', () => {
    const two = testArch({ cores: 2, rows: 8, cols: 8 });
    const single = testArch({ cores: 1, rows: 8, cols: 8 });

    const split = executeProgram(compile(SPLIT, two), { arch: two });
    const whole = executeProgram(compile(SPLIT.replaceAll('core * 8', '0').replace('(1 - core) * 8', '0'), single), { arch: single });

    const values = (name: string) => Array.from(split.tensors.find((t) => t.name === name)?.values ?? []);
    const c = values('C');
    const d = values('D');
    expect(d.slice(0, 64)).toEqual(c.slice(64));
    expect(d.slice(64)).toEqual(c.slice(0, 64));
    // Core 0's half of C equals the one-core run's first rows, computed from the same A rows.
    expect(c.slice(0, 64)).toEqual(Array.from(whole.tensors.find((t) => t.name === 'C')?.values ?? []).slice(0, 64));
    expect(split.macs).toBe(2 * 8 * 8 * 8);
  });

  it('barrier stall on the early core', () => {
    const arch = testArch({ cores: 2, rows: 8, cols: 8 });

    const result = executeProgram(compile(SPLIT, arch), { arch, values: 'off' });

    const control = UNIT_NAMES.indexOf('control');
    const core0 = result.counters.units[control];
    const core1 = result.counters.units[UNIT_NAMES.length + control];
    // Core 0 loads 20 extra tiles before the barrier, so core 1 waits for it there.
    expect(core0.stallCycles[STALL_INDEX.barrier]).toBe(0);
    expect(core1.stallCycles[STALL_INDEX.barrier]).toBeGreaterThan(0);
    expect(result.counters.units[1].busyCycles).toBe(result.counters.units[UNIT_NAMES.length + 1].busyCycles);
  });

  it('activity record and windows', () => {
    const arch = testArch({ cores: 2, rows: 8, cols: 8 });

    const result = executeProgram(compile(SPLIT, arch), { arch, windowCycles: 100 });
    const activity = result.activity();

    expect(activity.cycles).toBe(result.cycles);
    expect(activity.clockMhz).toBe(1000);
    expect(activity.macs).toEqual([{ method: 'lmul', format: 'e4m3', accumulator: 'fp32', count: 1024 }]);
    expect(activity.sram.map((slot) => slot.buffer)).toEqual(['core0.scratchpad', 'core0.accumulator', 'core1.scratchpad', 'core1.accumulator']);
    const dram = activity.memories.find((memory) => memory.name === 'dram');
    // Every transfer is 8 rows × 32 bytes, contiguous in its tensor, so 256 bytes in 4 whole bursts.
    // Reads are the A halves, B on each core, core 0's 20 extra A tiles and the C halves. Writes are
    // the C and D halves.
    expect(dram?.readBytes).toBe((2 + 2 + 20 + 2) * 256);
    expect(dram?.writeBytes).toBe(4 * 256);

    const windows = result.counters.windows;
    expect(windows?.rows.length).toBe(Math.ceil(result.cycles / 100));
    const macsInWindows = (windows?.rows ?? []).reduce((sum, row) => sum + row[0], 0);
    expect(macsInWindows).toBe(1024);
    const busyColumns = result.counters.units.length;
    const computeBusy = (windows?.rows ?? []).reduce((sum, row) => sum + row[3 + 1], 0);
    expect(computeBusy).toBe(result.counters.units[1].busyCycles);
    expect(busyColumns).toBe(10);
  });
});
