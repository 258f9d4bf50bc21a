import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkFiles } from '../../isa/files.js';

const directory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bad');
const fixtures = fs.readdirSync(directory).filter((name) => name.endsWith('.lasm')).sort();

/** Renders diagnostics in the `.expected` format: `line:column severity: message [hint: …]`. */
function describeDiagnostics(file: string): string[] {
  const [result] = checkFiles([file]);
  return result.diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.severity}: ${d.message}${d.hint ? ` [hint: ${d.hint}]` : ''}`);
}

describe('bad-input fixtures', () => {
  it('fixture folder is populated', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
  });

  for (const name of fixtures) {
    it(`diagnostics of ${name}`, () => {
      const file = path.join(directory, name);
      const expected = fs.readFileSync(file.replace(/\.lasm$/, '.expected'), 'utf8').trimEnd().split('\n');

      const actual = describeDiagnostics(file);

      expect(actual).toEqual(expected);
      expect(actual.length).toBeGreaterThan(0);
    });
  }
});
