import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-json-report-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('json report without outputs', () => {
  it('gives null for every relative error', async () => {
    const program = join(directory, 'no-output.lasm');
    writeFileSync(program, '.tensor A fp32[4, 4] init=ones\nhalt\n');
    const report = join(directory, 'report.json');

    const result = await runCli(['compare', program, '--report', report]);

    expect(result.code).toBe(0);
    const methods = JSON.parse(readFileSync(report, 'utf8')).methods as Record<string, unknown>[];
    expect(methods.length).toBeGreaterThan(0);
    for (const entry of methods) {
      expect(entry.errorElements).toBe(0);
      expect(entry.maxRelError).toBeNull();
      expect(entry.meanRelError).toBeNull();
      expect(entry.medianRelError).toBeNull();
    }
  });
});
