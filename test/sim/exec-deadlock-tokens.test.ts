import { describe, expect, it } from 'vitest';
import { executeProgram } from '../../sim/exec/index.js';
import { compile, testArch, userErrorText } from './helpers.js';

// The branch stops the validator from counting tokens, so only a run finds these deadlocks.
const BRANCH = `.tensor A fp32[16, 16]
set r1, 0
beqz r1, go
go:
`;

function deadlockText(body: string): string {
  const arch = testArch();
  return userErrorText(() => executeProgram(compile(`${BRANCH}${body}halt\n`, arch), { arch, values: 'off' }));
}

describe('deadlock token counts', () => {
  it('two waits with one token there', () => {
    const text = deadlockText('load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute\nsync compute wait=load wait=load\n');

    expect(text).toContain(
      "6:1: deadlock on core 0: 'halt' waits for the queues to drain, but this sync at the head of the compute queue waits for 2 tokens from load, 1 of which is there, and no dispatched instruction will send the missing one",
    );
  });

  it('two waits with no token there', () => {
    const text = deadlockText('load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 wait=compute wait=compute\nsync compute wait=load signal=load\n');

    expect(text.trim().split('\n')).toEqual([
      "5:1: deadlock on core 0: 'halt' waits for the queues to drain, but this load at the head of the load queue waits for 2 tokens from compute, none of which is there, and no dispatched instruction will send the 2 missing ones",
      '6:1: in the same deadlock, the compute queue is blocked too: this sync at its head waits for a token from load',
    ]);
  });

  it('single wait keeps the short form', () => {
    const text = deadlockText('load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 wait=compute\n');

    expect(text).toContain('this load at the head of the load queue waits for a token from compute that no dispatched instruction will send');
  });
});
