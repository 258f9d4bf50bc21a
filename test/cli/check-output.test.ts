import { describe, expect, it } from 'vitest';
import { checkSummary } from '../../cli/commands/check.js';
import { runCli, temporaryFiles } from '../helpers.js';

const writeProgram = temporaryFiles('lmulsim-check-output-');

// A branch makes check skip the deadlock check and print a note.
const BRANCHING = `.tensor X fp32[64, 256]
set r1, 0
beqz r1, go
go:
load sp[0], X[0, 0 +: 16] signal=compute
sync compute wait=load
`;

const INVALID = 'vsetlen 0\n';

describe('check text output', () => {
  it('quiet drops skipped-check notes', async () => {
    const file = writeProgram('branching.lasm', BRANCHING);

    const loud = await runCli(['check', file]);
    const quiet = await runCli(['-q', 'check', file]);

    expect(loud.code).toBe(0);
    expect(loud.stderr).toContain('note: deadlock check skipped');
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it('quiet keeps errors', async () => {
    const file = writeProgram('invalid.lasm', INVALID);

    const result = await runCli(['-q', 'check', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid.lasm:1:9: error: vector length must be 1 to 256, got 0');
  });

  it('notes follow their own file', async () => {
    const first = writeProgram('branching.lasm', BRANCHING);
    const second = writeProgram('invalid.lasm', INVALID);

    const result = await runCli(['check', first, second]);

    expect(result.code).toBe(2);
    const noteAt = result.stderr.indexOf('branching.lasm:3:1: note: deadlock check skipped');
    const errorAt = result.stderr.indexOf('invalid.lasm:1:9: error:');
    expect(noteAt).toBeGreaterThanOrEqual(0);
    expect(errorAt).toBeGreaterThan(noteAt);
  });

  it('summary names the files checked', async () => {
    const first = writeProgram('a.lasm', 'halt\n');
    const second = writeProgram('b.lasm', 'halt\n');

    const result = await runCli(['check', first, second]);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('2 files checked: no errors or warnings');
  });
});

describe('checkSummary', () => {
  it('wording for each count', () => {
    expect(checkSummary(8, 0, 0)).toBe('8 files checked: no errors or warnings');
    expect(checkSummary(1, 1, 0)).toBe('1 file checked: 1 error, no warnings');
    expect(checkSummary(2, 0, 3)).toBe('2 files checked: no errors, 3 warnings');
    expect(checkSummary(3, 2, 1)).toBe('3 files checked: 2 errors, 1 warning');
  });
});
