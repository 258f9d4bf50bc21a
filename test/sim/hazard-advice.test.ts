import { describe, expect, it } from 'vitest';
import { executeProgram } from '../../sim/exec/index.js';
import { compile, testArch } from './helpers.js';

function hazardMessages(source: string): string[] {
  const arch = testArch();
  const result = executeProgram(compile(source, arch), { arch, values: 'off' });
  return result.hazards.first.map((hazard) => hazard.message);
}

describe('data race advice', () => {
  it('names both options when both are missing', () => {
    const messages = hazardMessages(`
.tensor A fp32[16, 16]
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3
preload sp[0] k=16 n=16
halt
`);

    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/; add wait=load to the compute instruction and signal=compute to the load instruction$/);
  });

  it('names only the missing signal', () => {
    // The preload takes the token of the first load, so the second load's tile may still be in flight.
    const messages = hazardMessages(`
.tensor A fp32[16, 16]
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute
load sp[256], A[0 +: 16, 0 +: 16] fmt=e4m3
preload sp[256] k=16 n=16 wait=load
halt
`);

    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('load at /virtual/test.lasm:4:1');
    expect(messages[0]).toMatch(/; add signal=compute to the load instruction$/);
    expect(messages[0]).not.toContain('wait=load to');
  });

  it('names only the missing wait', () => {
    const messages = hazardMessages(`
.tensor A fp32[16, 16]
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute
preload sp[0] k=16 n=16
sync compute wait=load
halt
`);

    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/; add wait=load to the compute instruction$/);
    expect(messages[0]).not.toContain('signal=compute to');
  });

  it('explains token order when both are present', () => {
    // Both loads signal and both compute instructions wait, but the preload takes the first load's token.
    const messages = hazardMessages(`
.tensor A fp32[16, 16]
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute
load sp[256], A[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute
preload sp[256] k=16 n=16 wait=load
matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 wait=load
halt
`);

    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('load at /virtual/test.lasm:4:1');
    expect(messages[0]).toContain('the compute instruction already has wait=load and the load instruction signal=compute, but it takes the token of an earlier load instruction');
    expect(messages[0]).not.toMatch(/add (wait|signal)=/);
  });
});
