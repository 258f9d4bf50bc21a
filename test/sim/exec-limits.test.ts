import { describe, expect, it } from 'vitest';
import { executeProgram } from '../../sim/exec/index.js';
import { compile, testArch, userErrorText } from './helpers.js';

describe('executor limits', () => {
  it('max cycles names the instruction', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 64]
loop i, 100
  load sp[0], A[0 +: 16, 0 +: 64] fmt=fp32
endloop
halt
`,
      arch,
    );

    const text = userErrorText(() => executeProgram(program, { arch, values: 'off', limits: { maxCycles: 1000 } }));

    expect(text).toMatch(/^4:3: .*cycle limit of 1000 cycles/m);
    expect(text).toContain('--max-cycles');
  });

  it('program that never halts', () => {
    const arch = testArch();
    const program = compile(
      `
top:
  set r0, r0 + 1
  jump top
`,
      arch,
    );

    const text = userErrorText(() => executeProgram(program, { arch, values: 'off', limits: { maxInstructions: 10_000 } }));

    expect(text).toMatch(/more than 10000 instructions without halting/);
    expect(text).toContain('--max-instructions');
  });

  it('address out of range at run time', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 16]
set r1, 100000
load sp[r1], A[0 +: 16, 0 +: 16] fmt=e4m3
halt
`,
      arch,
    );

    const text = userErrorText(() => executeProgram(program, { arch, values: 'off' }));

    // The scratchpad has room for 64 KiB / 2 bytes (its widest input format, bf16) = 32768 elements.
    expect(text).toMatch(/^4:1: scratchpad address out of range at run time: .*element 100000.*has room for 32768 elements \(core 0\)/m);
  });

  it('tensor index out of range at run time', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 16]
loop i, 3
  set r2, i * 8
  load sp[0], A[r2 +: 8, 0 +: 16] fmt=e4m3
endloop
halt
`,
      arch,
    );

    const text = userErrorText(() => executeProgram(program, { arch, values: 'off' }));

    expect(text).toMatch(/^5:3: tensor 'A' index out of range at run time: dimension 0 starts at 16 and spans 8, but its size is 16 \(core 0, loop indices 0:2\)/m);
  });

  it('tensor larger than memory', () => {
    const arch = testArch({ dramCapacity: '1 MiB' });
    const program = compile(
      `
.tensor A fp32[256, 512]
.tensor B fp32[256, 513]
halt
`,
      arch,
    );

    const text = userErrorText(() => executeProgram(program, { arch, values: 'off' }));

    // 256·512·4 = 524288 bytes fit; with B's 256·513·4 = 525312 bytes the total passes 1 MiB.
    expect(text).toMatch(/^3:9: DRAM tensors need 1049600 bytes up to 'B', more than the 1048576 bytes of ddr4 memory of machine 'test-machine'/m);
  });

  it('loop count cap', () => {
    const arch = testArch();
    const program = compile(
      `
set r3, 5000
loop i, r3
  set r0, i
endloop
halt
`,
      arch,
    );

    const text = userErrorText(() => executeProgram(program, { arch, values: 'off', limits: { maxLoopCount: 1000 } }));

    expect(text).toMatch(/^3:1: loop count 5000 exceeds the limit of 1000 iterations/m);
  });

  it('loop count below one at run time', () => {
    const arch = testArch();
    const program = compile(
      `
set r3, 0
loop i, r3
  set r0, i
endloop
halt
`,
      arch,
    );

    expect(userErrorText(() => executeProgram(program, { arch, values: 'off' }))).toMatch(/loop count 0 is invalid at run time/);
  });

  it('deadlock names the waiting instruction', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 16]
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 wait=compute signal=compute
sync compute wait=load signal=load
halt
`,
      arch,
    );

    const text = userErrorText(() => executeProgram(program, { arch, values: 'off' }));

    expect(text).toMatch(/^3:1: deadlock on core 0: .*load at the head of the load queue waits for a token from compute/m);
  });

  it('barrier with a halted core', () => {
    const arch = testArch({ cores: 2 });
    const program = compile(
      `
beqz core, skip
halt
skip:
barrier
halt
`,
      arch,
    );

    expect(userErrorText(() => executeProgram(program, { arch, values: 'off' }))).toMatch(/barrier can never complete: core 1 halted/);
  });

  it('windows limit', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 64]
load sp[0], A[0 +: 16, 0 +: 64] fmt=fp32
halt
`,
      arch,
    );

    expect(() => executeProgram(program, { arch, values: 'off', windowCycles: 1, limits: { maxWindows: 100 } })).toThrow(/more than 100 windows/);
  });
});
