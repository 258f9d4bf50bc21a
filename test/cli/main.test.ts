import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

describe('cli main', () => {
  it('prints help with exit 0', async () => {
    const result = await runCli(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: lmulsim');
  });

  it('rejects an unknown command as a usage error', async () => {
    const result = await runCli(['frobnicate']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('frobnicate');
  });
});

describe('cli file errors', () => {
  it('reports an unwritable trace path without a stack trace', async () => {
    const result = await runCli(['run', 'examples/dot.lasm', '--numerics', 'off', '--trace', '/nonexistent-lmulsim-dir/t.json']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot write trace file '/nonexistent-lmulsim-dir/t.json'");
    expect(result.stderr).not.toContain('    at ');
  });
});
