import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { executeProgram } from '../../sim/exec/index.js';
import { runComparison } from '../../report/index.js';
import { estimateModel } from '../../workloads/llm/index.js';
import { accuracyTable } from '../../workloads/fashion-mnist/accuracy.js';
import { runCli } from '../helpers.js';

// Each slow step is wrapped in a spy that still runs the real code, so a test can tell whether a
// command reached it before failing.
vi.mock('../../sim/exec/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../sim/exec/index.js')>();
  return { ...original, executeProgram: vi.fn(original.executeProgram) };
});
vi.mock('../../report/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../report/index.js')>();
  return { ...original, runComparison: vi.fn(original.runComparison) };
});
vi.mock('../../workloads/llm/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../workloads/llm/index.js')>();
  return { ...original, estimateModel: vi.fn(original.estimateModel) };
});
vi.mock('../../workloads/fashion-mnist/accuracy.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../workloads/fashion-mnist/accuracy.js')>();
  return { ...original, accuracyTable: vi.fn(async () => []) };
});

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-validate-first-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A vector-only program, so that it runs on every preset whatever its matrix unit accumulates in. */
const PROGRAM = join('test', 'cli', 'fixtures', 'square.lasm');
const PLAIN_FILE = join(directory, 'plain.txt');
writeFileSync(PLAIN_FILE, 'x');
const MISSING_DIRECTORY = join(directory, 'missing');
const TRACE_DIRECTORY = join(directory, 'trace.json');
mkdirSync(TRACE_DIRECTORY);

beforeEach(() => {
  vi.mocked(executeProgram).mockClear();
  vi.mocked(runComparison).mockClear();
  vi.mocked(estimateModel).mockClear();
  vi.mocked(accuracyTable).mockClear();
});

describe('run checks options before simulating', () => {
  it('simulates with valid options', async () => {
    const result = await runCli(['run', PROGRAM, '--numerics', 'off', '--energy', '--node', '7nm']);

    expect(result.code, result.stderr).toBe(0);
    expect(executeProgram).toHaveBeenCalled();
  });

  const BAD: readonly [string, string[], RegExp][] = [
    ['unknown node', ['--energy', '--node', '9nm'], /unknown technology node '9nm'/],
    ['missing cost file', ['--energy', '--cost', join(directory, 'none.yaml')], /cannot read cost file/],
    ['out under a file', ['--out', join(PLAIN_FILE, 'out')], /cannot write output directory/],
    ['trace in a missing directory', ['--trace', join(MISSING_DIRECTORY, 't.json')], /cannot write trace file .*does not exist/],
    ['trace on a directory', ['--trace', TRACE_DIRECTORY], /cannot write trace file .*it is a directory/],
  ];
  for (const [name, args, message] of BAD) {
    it(name, async () => {
      const result = await runCli(['run', PROGRAM, ...args]);

      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(executeProgram).not.toHaveBeenCalled();
      expect(result.stdout).toBe('');
    });
  }

  it('out directory not created on failure', async () => {
    const out = join(directory, 'not-created');

    const result = await runCli(['run', PROGRAM, '--out', out, '--energy', '--node', '9nm']);

    expect(result.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe('compare checks options before simulating', () => {
  const REPORT_DIRECTORY = join(directory, 'taken.md');
  mkdirSync(REPORT_DIRECTORY);

  it('simulates with valid options', async () => {
    const result = await runCli(['compare', PROGRAM, '--node', '7nm', '--json']);

    expect(result.code, result.stderr).toBe(0);
    expect(runComparison).toHaveBeenCalledTimes(1);
  });

  const BAD: readonly [string, string[], RegExp][] = [
    ['report in a missing directory', ['--report', join(MISSING_DIRECTORY, 'r.html')], /cannot write report .*does not exist/],
    ['report on a directory', ['--report', REPORT_DIRECTORY], /cannot write report .*it is a directory/],
    ['unknown node', ['--node', '9nm'], /unknown technology node '9nm'/],
  ];
  for (const [name, args, message] of BAD) {
    it(name, async () => {
      const result = await runCli(['compare', PROGRAM, ...args]);

      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(runComparison).not.toHaveBeenCalled();
      expect(result.stdout).toBe('');
    });
  }

  it('no temporary files left', () => {
    expect(readdirSync(directory).filter((entry) => entry.endsWith('.tmp'))).toEqual([]);
  });
});

describe('model checks options before simulating', () => {
  it('unknown node', async () => {
    const result = await runCli(['model', 'gpt2', '--node', '9nm']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown technology node '9nm'");
    expect(estimateModel).not.toHaveBeenCalled();
  });

  it('bad cost file', async () => {
    const result = await runCli(['model', 'gpt2', '--node', join(directory, 'none.yaml')]);

    expect(result.code).toBe(2);
    expect(estimateModel).not.toHaveBeenCalled();
  });
});

describe('accuracy checks options before classifying', () => {
  it('unknown node', async () => {
    const result = await runCli(['accuracy', 'fashion-mnist', '--node', '9nm']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown technology node '9nm'");
    expect(accuracyTable).not.toHaveBeenCalled();
  });

  it('unknown machine', async () => {
    const result = await runCli(['accuracy', 'fashion-mnist', '--arch', 'edge-nup']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("machine 'edge-nup' not found");
    expect(accuracyTable).not.toHaveBeenCalled();
  });

  it('valid options reach the table', async () => {
    const result = await runCli(['accuracy', 'fashion-mnist', '--node', '7nm', '--json']);

    expect(result.code, result.stderr).toBe(0);
    expect(accuracyTable).toHaveBeenCalledTimes(1);
  });
});
