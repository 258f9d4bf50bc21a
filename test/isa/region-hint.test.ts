import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-region-hint-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function checkText(text: string): Promise<string> {
  const file = join(directory, 'prog.lasm');
  writeFileSync(file, text);
  const result = await runCli(['check', file]);
  expect(result.code).toBe(2);
  return result.stderr;
}

describe('region out-of-range hint', () => {
  it('full-width region starts at 0', async () => {
    const stderr = await checkText('.tensor A fp32[16, 16]\nload sp[0], A[1 +: 16, 0 +: 16] fmt=e4m3\n');

    expect(stderr).toContain('a region of width 16 starts at 0 in this dimension');
    expect(stderr).not.toContain('starts at 0 to 0');
  });

  it('narrower region gives the range', async () => {
    const stderr = await checkText('.tensor A fp32[16, 64]\nload sp[0], A[0 +: 16, 60 +: 16] fmt=e4m3\n');

    expect(stderr).toContain('a region of width 16 starts at 0 to 48 in this dimension');
  });
});
