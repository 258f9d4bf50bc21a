import { describe, expect, it } from 'vitest';
import { runCli, temporaryFiles } from '../helpers.js';

const writeFile = temporaryFiles('lmulsim-check-notes-');
const writeProgram = (text: string): string => writeFile('prog.lasm', text);

// The load waits for a token that the compute queue never sends, behind a branch, so only a run
// finds the deadlock.
const JUMPING_DEADLOCK = `.tensor X fp32[64, 256]
set r1, 0
beqz r1, go
go:
load sp[0], X[0, 0 +: 16] wait=compute
`;

const NOTE = "deadlock check skipped: the program jumps or branches (first on line 3), so the tokens each queue sends and takes are counted only at run time, and 'lmulsim run' reports a deadlock if one occurs";

describe('check notes on skipped checks', () => {
  it('names the first branch', async () => {
    const file = writeProgram(JUMPING_DEADLOCK);

    const result = await runCli(['check', file]);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`prog.lasm:3:1: note: ${NOTE}\n3 | beqz r1, go\n  | ^^^^^^^^^^^`);
    expect(result.stderr).toContain('1 file checked: no errors or warnings');
  });

  it('lists notes apart in --json', async () => {
    const file = writeProgram(JUMPING_DEADLOCK);

    const result = await runCli(['check', '--json', file]);

    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { diagnostics: unknown[]; notes: unknown[] };
    expect(output.diagnostics).toEqual([]);
    expect(output.notes).toEqual([{ file, line: 3, column: 1, severity: 'note', message: NOTE }]);
  });

  it('no notes key when every check ran', async () => {
    const counted = writeProgram('.tensor X fp32[64, 256]\nload sp[0], X[0, 0 +: 16] signal=compute\nsync compute wait=load\n');
    const countedResult = await runCli(['check', '--json', counted]);
    const jumping = writeProgram(JUMPING_DEADLOCK);
    const jumpingResult = await runCli(['check', '--json', jumping]);

    expect(countedResult.code).toBe(0);
    expect(Object.keys(JSON.parse(countedResult.stdout) as object)).toEqual(['diagnostics']);
    expect(Object.keys(JSON.parse(jumpingResult.stdout) as object)).toEqual(['diagnostics', 'notes']);
  });

  it('notes follow the errors of a file', async () => {
    const file = writeProgram(`${JUMPING_DEADLOCK}vsetlen 0\n`);

    const result = await runCli(['check', file]);

    expect(result.code).toBe(2);
    const errorAt = result.stderr.indexOf('prog.lasm:6:9: error: vector length must be 1 to 256, got 0');
    const noteAt = result.stderr.indexOf('prog.lasm:3:1: note: deadlock check skipped');
    expect(errorAt).toBeGreaterThanOrEqual(0);
    expect(noteAt).toBeGreaterThan(errorAt);
  });
});

describe('run deadlock report', () => {
  it('one error and a note per other blocked queue', async () => {
    // Compute and store each wait for the other, so neither ever sends its token.
    const file = writeProgram(`.tensor X fp32[16, 16] output
sync compute wait=store signal=store
sync store wait=compute signal=compute
`);

    const result = await runCli(['run', '--numerics', 'off', file]);

    expect(result.code).toBe(2);
    expect(result.stderr.match(/: error: /g)).toHaveLength(1);
    expect(result.stderr).toContain('prog.lasm:2:1: error: deadlock on core 0: the program ended, but this sync at the head of the compute queue waits for a token from store that no dispatched instruction will send');
    expect(result.stderr).toContain('prog.lasm:3:1: note: in the same deadlock, the store queue is blocked too: this sync at its head waits for a token from compute');
  });

  it('error goes to the head that waits for an idle queue', async () => {
    // The vector queue never runs anything, so the store queue's wait for it is the cause. The
    // compute queue only waits for the blocked store queue. The branch hides the deadlock from check.
    const file = writeProgram(`.tensor X fp32[16, 16] output
beqz 0, go
go:
sync compute wait=store
sync store wait=vector signal=compute
`);

    const result = await runCli(['run', '--numerics', 'off', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('prog.lasm:5:1: error: deadlock on core 0: the program ended, but this sync at the head of the store queue waits for a token from vector');
    expect(result.stderr).toContain('prog.lasm:4:1: note: in the same deadlock, the compute queue is blocked too: this sync at its head waits for a token from store');
  });
});
