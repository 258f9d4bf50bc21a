import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors.js';
import { makeDirectory } from '../../common/file-system.js';
import { checkOutputDirectory } from '../../cli/options.js';
import { loadCostModel } from '../../costmodels/index.js';
import { runComparison } from '../../report/index.js';
import { writeReport } from '../../report/write.js';
import { loadArch } from '../../sim/arch/index.js';
import { readBinaryFile } from '../../sim/io/raw.js';
import { readNpyFile } from '../../sim/io/npy.js';
import { runCli } from '../helpers.js';
import { compile } from '../sim/helpers.js';

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-output-paths-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const PROGRAM = join('test', 'cli', 'fixtures', 'square.lasm');
const SCALESIM = join('examples', 'scalesim');
const PLAIN_FILE = join(directory, 'plain.txt');
writeFileSync(PLAIN_FILE, 'x');
const DANGLING = join(directory, 'dangling');
symlinkSync(join(directory, 'no-such-target'), DANGLING);

const isRoot = process.getuid?.() === 0;
/** Errno names that must not reach a user-facing message. */
const ERRNO_CODE = /\bE[A-Z]{3,}\b/;

/** Runs `action` and returns the UserError it throws, failing the test when it throws nothing else. */
function userErrorOf(action: () => void): UserError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError, but nothing was thrown');
}

describe('makeDirectory', () => {
  it('creates missing parents', () => {
    const target = join(directory, 'a', 'b', 'c');

    makeDirectory(target);

    expect(statSync(target).isDirectory()).toBe(true);
  });

  it('accepts an existing directory', () => {
    expect(() => makeDirectory(directory)).not.toThrow();
  });

  it('rejects a dangling symbolic link', () => {
    const error = userErrorOf(() => makeDirectory(join(DANGLING, 'sub')));

    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`'${DANGLING}' is a symbolic link to a missing target`);
    expect(existsSync(join(directory, 'no-such-target'))).toBe(false);
  });

  it('rejects a path under a regular file', () => {
    const error = userErrorOf(() => makeDirectory(join(PLAIN_FILE, 'sub', 'deeper')));

    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`'${PLAIN_FILE}' is not a directory`);
  });

  it.runIf(isRoot)('fails under /proc with a plain reason', () => {
    const error = userErrorOf(() => makeDirectory('/proc/lmulsim-test-xx/sub'));

    expect(error.message).toContain('no such file or directory');
    expect(error.message).not.toMatch(ERRNO_CODE);
  });
});

describe('checkOutputDirectory', () => {
  it('accepts a missing directory in a writable one', () => {
    expect(() => checkOutputDirectory('output directory', join(directory, 'new', 'deeper'))).not.toThrow();
  });

  it('rejects a dangling symbolic link', () => {
    const error = userErrorOf(() => checkOutputDirectory('output directory', join(DANGLING, 'sub')));

    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('symbolic link to a missing target');
  });

  it('rejects a path under a regular file', () => {
    const error = userErrorOf(() => checkOutputDirectory('output directory', join(PLAIN_FILE, 'sub')));

    expect(error.message).toContain(`'${PLAIN_FILE}' is not a directory`);
  });

  it.runIf(isRoot)('rejects /proc and /sys', () => {
    expect(userErrorOf(() => checkOutputDirectory('output directory', '/proc/xx')).message).toContain('procfs');
    expect(userErrorOf(() => checkOutputDirectory('output directory', '/sys/xx/yy')).message).toContain('sysfs');
  });
});

describe('commands with a bad output directory', () => {
  it('run rejects a dangling symbolic link', async () => {
    const result = await runCli(['run', PROGRAM, '--out', join(DANGLING, 'out')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('symbolic link to a missing target');
    expect(result.stdout).toBe('');
  });

  it('scalesim rejects a dangling symbolic link', async () => {
    const result = await runCli(['scalesim', '-c', join(SCALESIM, 'ws_12x14.cfg'), '-t', join(SCALESIM, 'mlp_gemm.csv'), '--gemm', '-o', join(DANGLING, 'sc')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('symbolic link to a missing target');
    expect(result.stderr).not.toMatch(ERRNO_CODE);
  });

  it.runIf(isRoot)('run rejects /proc without hanging', async () => {
    const result = await runCli(['run', PROGRAM, '--out', '/proc/xx']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('procfs');
  });

  it.runIf(isRoot)('scalesim rejects /proc without hanging', async () => {
    const result = await runCli(['scalesim', '-c', join(SCALESIM, 'ws_12x14.cfg'), '-t', join(SCALESIM, 'mlp_gemm.csv'), '--gemm', '-o', '/proc/xx']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('procfs');
  });
});

describe('file errors in plain words', () => {
  it('scalesim names a missing topology plainly', async () => {
    const result = await runCli(['scalesim', '-c', join(SCALESIM, 'ws_12x14.cfg'), '-t', join(directory, 'none.csv'), '--gemm', '-o', join(directory, 'sc')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no such file or directory');
    expect(result.stderr).not.toMatch(ERRNO_CODE);
  });

  it('compare rejects a report name ending in a slash', async () => {
    const result = await runCli(['compare', PROGRAM, '--report', join(directory, 'missing.html') + '/']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the name ends with a slash');
    expect(result.stderr).not.toMatch(ERRNO_CODE);
  });

  it('writeReport names a file in the path plainly', async () => {
    const arch = loadArch('edge-npu');
    const program = compile(readFileSync(PROGRAM, 'utf8'), arch, PROGRAM);
    const report = runComparison({ file: PROGRAM, program, arch, methods: ['exact'], model: loadCostModel('45nm') });
    const target = join(PLAIN_FILE, 'report.md');

    const error = await writeReport(target, report).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(`cannot write report '${target}': a component of the path is not a directory; choose a writable --report path`);
  });

  it('raw and npy readers name a missing file plainly', () => {
    const missing = join(directory, 'missing.bin');

    expect(userErrorOf(() => readBinaryFile(missing)).message).toBe(`cannot read '${missing}': no such file or directory`);
    expect(userErrorOf(() => readNpyFile(missing)).message).toBe(`cannot read '${missing}': no such file or directory`);
  });
});
