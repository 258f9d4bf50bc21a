import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countOf } from '../../common/plural.js';
import { runCli } from '../helpers.js';

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-sweep-plural-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('countOf', () => {
  it('singular only for one', () => {
    expect(countOf(1, 'point')).toBe('1 point');
    expect(countOf(0, 'point')).toBe('0 points');
    expect(countOf(2, 'point')).toBe('2 points');
    expect(countOf(2, 'matrix', 'matrices')).toBe('2 matrices');
  });
});

describe('sweep messages for one point', () => {
  const spec = join(directory, 'one.yaml');
  const out = join(directory, 'one.jsonl');
  writeFileSync(spec, 'workloads:\n  g: { gemm: { m: 4, k: 4, n: 4 } }\ngrid:\n  method: [exact]\n');

  it('front of one point', async () => {
    const result = await runCli(['sweep', spec, '--out', out, '--workers', '1']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^1 point, 0 failed; Pareto front of energyPj, cycles: 1 point\n/);
  });

  it('resume with nothing left', async () => {
    const result = await runCli(['sweep', spec, '--out', out, '--workers', '1']);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`1 point already in ${out}, so none is left to run`);
    expect(result.stderr).not.toContain('running the other 0');
  });
});
