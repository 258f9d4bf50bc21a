import { describe, expect, it } from 'vitest';
import { executeProgram, STALL_INDEX } from '../../sim/exec/index.js';
import { compile, testArch } from './helpers.js';

// A small load, then a large one, each sending one token to the compute queue. The compute queue
// must not start its preload before the large load has landed.
const LOADS = `
.tensor A e4m3[16, 16] init=ones
.tensor B e4m3[128, 128] init=ones
.tensor C fp32[16, 16] output
load sp[0], A[0 +: 16, 0 +: 16] signal=compute
load sp[256], B[0 +: 128, 0 +: 128] signal=compute
`;
const TAIL = `
preload sp[256] k=16 n=16
matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 signal=store
store C[0 +: 16, 0 +: 16], acc[0] wait=compute
halt
`;

function run(waits: string) {
  const arch = testArch();
  return executeProgram(compile(LOADS + waits + TAIL, arch), { arch, values: 'off' });
}

describe('repeated wait for one queue', () => {
  it('takes one token per wait', () => {
    const repeated = run('sync compute wait=load wait=load\n');
    const separate = run('sync compute wait=load\nsync compute wait=load\n');

    expect(repeated.cycles).toBe(separate.cycles);
    const load = repeated.counters.units.find((unit) => unit.unit === 'load')!;
    const compute = repeated.counters.units.find((unit) => unit.unit === 'compute')!;
    // The compute queue waits for the large load, which keeps the load unit busy far longer than the small one.
    expect(compute.stallCycles[STALL_INDEX.dma]).toBeGreaterThan(load.busyCycles / 2);
  });

  it('ends after the large load', () => {
    const repeated = run('sync compute wait=load wait=load\n');
    const single = run('sync compute wait=load\n');

    // With one wait the preload may start after the small load. Two waits hold it until the large one.
    expect(repeated.cycles).toBeGreaterThan(single.cycles);
  });
});

describe('sync after a load', () => {
  it('signals once the data has landed', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A e4m3[16, 16] init=ones
.tensor C fp32[16, 16] output
load sp[0], A[0 +: 16, 0 +: 16]
sync load signal=compute
preload sp[0] k=16 n=16 wait=load
matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 signal=store
store C[0 +: 16, 0 +: 16], acc[0] wait=compute
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // The preload reads the tile the load writes; a token sent before the data lands is a race.
    expect(result.hazards.count).toBe(0);
    const compute = result.counters.units.find((unit) => unit.unit === 'compute')!;
    // 256 bytes take 16 cycles on the DRAM port and land 100 cycles later.
    expect(compute.stallCycles[STALL_INDEX.dma]).toBeGreaterThanOrEqual(100);
  });
});
