import { describe, expect, it } from 'vitest';
import { executeProgram } from '../../sim/exec/index.js';
import { compile, testArch, userErrorText } from './helpers.js';

describe('run-time error location', () => {
  it('instruction limit names the core once', () => {
    const arch = testArch();
    const program = compile(
      `
top:
  jump top
`,
      arch,
    );

    const text = userErrorText(() => executeProgram(program, { arch, values: 'off', limits: { maxInstructions: 100 } }));

    expect(text).toContain('core 0 dispatched more than 100 instructions without halting');
    expect(text.match(/core 0/g)).toHaveLength(1);
  });

  it('instruction limit keeps loop indices', () => {
    const arch = testArch();
    const program = compile(
      `
loop i, 1000
  set r0, r0 + 1
endloop
halt
`,
      arch,
    );

    const text = userErrorText(() => executeProgram(program, { arch, values: 'off', limits: { maxInstructions: 100 } }));

    expect(text).toMatch(/core 0 dispatched more than 100 instructions without halting; .* \(loop indices 0:\d+\)/);
    expect(text.match(/core 0/g)).toHaveLength(1);
  });

  it('other errors still name the core', () => {
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

    expect(text).toMatch(/scratchpad address out of range at run time: .* \(core 0\)$/m);
  });
});
