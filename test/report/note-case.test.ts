import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'tile.lasm');

describe('compare notes', () => {
  it('start in lower case', async () => {
    const result = await runCli(['compare', FIXTURE]);

    expect(result.code).toBe(0);
    const notes = result.stdout.split('\n').filter((line) => line.startsWith('note: '));
    expect(notes.length).toBeGreaterThan(0);
    for (const note of notes) expect(note, note).toMatch(/^note: [a-z]/);
    for (const note of notes) expect(note, note).not.toMatch(/\.$/);
  });

  it('leakage note reads as one sentence', async () => {
    const result = await runCli(['compare', FIXTURE]);

    expect(result.stdout).toMatch(/^note: leakage is priced on [\d,]+ GE of logic \(.*multipliers, accumulators and vector lanes of every core, busy or idle\) and leaves out SRAM leakage$/m);
  });
});
