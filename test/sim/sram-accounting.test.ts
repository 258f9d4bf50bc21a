import { describe, expect, it } from 'vitest';
import { executeProgram, type RunResult } from '../../sim/exec/index.js';
import { compile, testArch, userErrorText } from './helpers.js';

// The test machine's scratchpad has 64 KiB in 16-byte words, and its widest matrix input format is
// bf16 (2 bytes), so it addresses 32,768 elements. Its accumulator contains fp32 in 64-byte words.
// Expected counts are bytes moved = elements × bytes of the data's format, and word accesses =
// contiguous bytes / 16 for the scratchpad.

function scratchpad(result: RunResult) {
  const slot = result.counters.sram.find((entry) => entry.buffer === 'core0.scratchpad');
  if (!slot) throw new Error('no scratchpad counters');
  return slot;
}

function run(source: string): RunResult {
  const arch = testArch();
  return executeProgram(compile(source, arch), { arch, values: 'off' });
}

describe('scratchpad bytes by data format', () => {
  it('store of e4m3 data', () => {
    const result = run(`
.tensor A fp32[16, 16]
.tensor C fp32[16, 16] output
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 signal=store
store C[0 +: 16, 0 +: 16], sp[0] wait=load
halt
`);

    expect(scratchpad(result).writeBytes).toBe(256);
    expect(scratchpad(result).readBytes).toBe(256);
    expect(scratchpad(result).readAccesses).toBe(16);
  });

  it('store of fp32 data', () => {
    const result = run(`
.tensor A fp32[16, 16]
.tensor C fp32[16, 16] output
load sp[0], A[0 +: 16, 0 +: 16] fmt=fp32 signal=store
store C[0 +: 16, 0 +: 16], sp[0] wait=load
halt
`);

    expect(scratchpad(result).writeBytes).toBe(1024);
    expect(scratchpad(result).readBytes).toBe(1024);
    expect(scratchpad(result).readAccesses).toBe(64);
  });

  it('vload of e4m3 data', () => {
    const result = run(`
.tensor A fp32[1, 64]
load sp[0], A[0 +: 1, 0 +: 64] fmt=e4m3 signal=vector
vload v0, sp[0] wait=load
halt
`);

    expect(scratchpad(result).readBytes).toBe(64);
    expect(scratchpad(result).readAccesses).toBe(4);
  });

  it('vload of fp32 data', () => {
    const result = run(`
.tensor A fp32[1, 64]
load sp[0], A[0 +: 1, 0 +: 64] fmt=fp32 signal=vector
vload v0, sp[0] wait=load
halt
`);

    expect(scratchpad(result).readBytes).toBe(256);
    expect(scratchpad(result).readAccesses).toBe(16);
  });

  it('vload of vstore fp32 data', () => {
    const result = run(`
vfill v0, 1
vstore sp[0], v0
vload v1, sp[0]
halt
`);

    expect(scratchpad(result).writeBytes).toBe(256);
    expect(scratchpad(result).readBytes).toBe(256);
    expect(scratchpad(result).readAccesses).toBe(16);
  });

  it('later write replaces the format', () => {
    const result = run(`
.tensor A fp32[1, 64]
load sp[0], A[0 +: 1, 0 +: 64] fmt=fp32 signal=vector
vfill v0, 1
vstore sp[0], v0 fmt=e5m2 wait=load
vload v1, sp[0]
halt
`);

    expect(scratchpad(result).readBytes).toBe(64);
  });

  it('mixed formats charge the widest', () => {
    const result = run(`
.tensor A fp32[1, 64]
load sp[0], A[0 +: 1, 0 +: 32] fmt=e4m3
load sp[32], A[0 +: 1, 32 +: 32] fmt=fp32 signal=vector
vload v0, sp[0] wait=load
halt
`);

    expect(scratchpad(result).writeBytes).toBe(32 + 128);
    expect(scratchpad(result).readBytes).toBe(64 * 4);
  });

  it('unwritten elements count as widest', () => {
    const result = run(`
vload v0, sp[100]
halt
`);

    expect(scratchpad(result).readBytes).toBe(64 * 2);
  });

  it('cores keep their own formats', () => {
    const arch = testArch({ cores: 2 });
    const program = compile(
      `
.tensor A fp32[2, 64]
bnez core, narrow
load sp[0], A[0 +: 1, 0 +: 64] fmt=fp32 signal=vector
jump read
narrow:
load sp[0], A[1 +: 1, 0 +: 64] fmt=e4m3 signal=vector
read:
vload v0, sp[0] wait=load
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    const reads = result.counters.sram.filter((slot) => slot.buffer.endsWith('scratchpad')).map((slot) => slot.readBytes);
    expect(reads).toEqual([256, 64]);
  });
});

describe('scratchpad byte range at run time', () => {
  it('fp32 load past the last byte', () => {
    const arch = testArch();
    // 16,200 + 256 elements stay below 32,768, but 16,456 fp32 elements end at byte 65,823.
    const program = compile(`.tensor A fp32[16, 16]\nset r0, 16200\nload sp[r0], A[0 +: 16, 0 +: 16] fmt=fp32\nhalt\n`, arch);

    const text = userErrorText(() => executeProgram(program, { arch, values: 'off' }));

    expect(text).toContain('3:1: scratchpad access out of range at run time: a 16×16 tile of fp32 at element 16200 covers bytes 64800 to 65823, but the scratchpad has 65536 bytes (core 0)');
  });

  it('fp32 load ending at the last byte', () => {
    const arch = testArch();
    const program = compile(`.tensor A fp32[16, 16]\nset r0, 16128\nload sp[r0], A[0 +: 16, 0 +: 16] fmt=fp32\nhalt\n`, arch);

    const result = executeProgram(program, { arch, values: 'hardware' });

    expect(scratchpad(result).writeBytes).toBe(1024);
  });

  it('e4m3 load at the same address fits', () => {
    const arch = testArch();
    const program = compile(`.tensor A fp32[16, 16]\nset r0, 16200\nload sp[r0], A[0 +: 16, 0 +: 16] fmt=e4m3\nhalt\n`, arch);

    const result = executeProgram(program, { arch, values: 'off' });

    expect(scratchpad(result).writeBytes).toBe(256);
  });

  it('fp32 vstore past the last byte', () => {
    const arch = testArch();
    const program = compile(`set r0, 16380\nvsetlen 5\nvstore sp[r0], v0\nhalt\n`, arch);

    const text = userErrorText(() => executeProgram(program, { arch, values: 'off' }));

    expect(text).toContain('3:1: scratchpad access out of range at run time: 5 elements of fp32 at element 16380 cover bytes 65520 to 65539, but the scratchpad has 65536 bytes (core 0)');
  });

  it('fp32 vstore ending at the last byte', () => {
    const arch = testArch();
    const program = compile(`set r0, 16380\nvsetlen 4\nvstore sp[r0], v0\nhalt\n`, arch);

    const result = executeProgram(program, { arch, values: 'off' });

    expect(scratchpad(result).writeBytes).toBe(16);
  });
});

describe('accumulator bytes by data format', () => {
  it('store of fp16 data', () => {
    const result = run(`
.tensor A fp32[16, 16]
.tensor C fp32[16, 16] output
load acc[0], A[0 +: 16, 0 +: 16] fmt=fp16 signal=store
store C[0 +: 16, 0 +: 16], acc[0] wait=load
halt
`);

    const accumulator = result.counters.sram.find((slot) => slot.buffer === 'core0.accumulator')!;
    expect(accumulator.writeBytes).toBe(512);
    expect(accumulator.readBytes).toBe(512);
  });

  it('store of matmul results', () => {
    const result = run(`
.tensor C fp32[16, 16] output
preload sp[0] k=16 n=16
matmul acc[0], sp[256] m=16 k=16 n=16 in=e4m3 out=fp32 signal=store
store C[0 +: 16, 0 +: 16], acc[0] wait=compute
halt
`);

    const accumulator = result.counters.sram.find((slot) => slot.buffer === 'core0.accumulator')!;
    expect(accumulator.readBytes).toBe(1024);
  });

  it('vload of bf16 data', () => {
    const result = run(`
vfill v0, 1
vstore acc[0], v0 fmt=bf16
vload v1, acc[0]
halt
`);

    const accumulator = result.counters.sram.find((slot) => slot.buffer === 'core0.accumulator')!;
    expect(accumulator.writeBytes).toBe(128);
    expect(accumulator.readBytes).toBe(128);
    expect(accumulator.readAccesses).toBe(2);
  });
});
