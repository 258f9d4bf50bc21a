import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic, splitLines, type Diagnostic } from '../../common/diagnostic.js';
import { parseSource } from '../../isa/parse.js';
import { validate } from '../../isa/validate.js';

const examplesDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
const examples = fs
  .readdirSync(examplesDirectory)
  .filter((name) => name.endsWith('.lasm'))
  .map((name) => fs.readFileSync(path.join(examplesDirectory, name), 'utf8'));

/** Parses and validates; asserts the results are well-formed diagnostics pointing inside the text. */
function checkNeverThrows(text: string): Diagnostic[] {
  const parsed = parseSource(text, 'fuzz.lasm');
  const diagnostics = [...parsed.diagnostics];
  if (parsed.ast) diagnostics.push(...validate(parsed.ast).diagnostics);

  const lineCount = splitLines(text).length;
  for (const diagnostic of diagnostics) {
    expect(['error', 'warning', 'note']).toContain(diagnostic.severity);
    expect(diagnostic.message.length).toBeGreaterThan(0);
    if (diagnostic.span) {
      expect(diagnostic.span.line).toBeGreaterThanOrEqual(1);
      expect(diagnostic.span.line).toBeLessThanOrEqual(lineCount);
      expect(diagnostic.span.column).toBeGreaterThanOrEqual(1);
    }
    renderDiagnostic(diagnostic, text);
  }
  return diagnostics;
}

/** Replaces, deletes or inserts characters of a valid program. */
const mutatedExample = fc
  .tuple(fc.constantFrom(...examples), fc.array(fc.tuple(fc.nat(), fc.constantFrom('replace', 'delete', 'insert'), fc.string({ minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 6 }))
  .map(([source, edits]) => {
    let text = source;
    for (const [position, kind, insert] of edits) {
      const at = position % (text.length + 1);
      if (kind === 'delete') text = text.slice(0, at) + text.slice(at + insert.length);
      else if (kind === 'insert') text = text.slice(0, at) + insert + text.slice(at);
      else text = text.slice(0, at) + insert + text.slice(at + insert.length);
    }
    return text;
  });

const lasmAlphabet = fc.constantFrom(...'loop endloop vadd sp acc [ ] ( ) +: + - * / % , = : ; " \n . 0x1 1e5 v1 r2 .const .tensor'.split(' '), ' ', '\n');

describe('fuzz', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => void checkNeverThrows(text)), { numRuns: 300 });
  });

  it('random token soup', () => {
    fc.assert(fc.property(fc.array(lasmAlphabet, { maxLength: 200 }), (parts) => void checkNeverThrows(parts.join(' '))), { numRuns: 300 });
  });

  it('random bytes decoded as UTF-8', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => void checkNeverThrows(Buffer.from(bytes).toString('utf8'))), { numRuns: 300 });
  });

  it('mutated example programs', () => {
    fc.assert(fc.property(mutatedExample, (text) => void checkNeverThrows(text)), { numRuns: 200 });
  });

  it('a 10 MB line is one bounded diagnostic', () => {
    const text = `vadd ${'v1, '.repeat(2_500_000)}v2\n`;

    const start = Date.now();
    const diagnostics = checkNeverThrows(text);

    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toMatch(/characters long; the limit is 65536/);
    expect(Date.now() - start).toBeLessThan(20_000);
  });

  it('deep parentheses are one diagnostic', () => {
    const diagnostics = checkNeverThrows(`.const X = ${'('.repeat(100_000)}1${')'.repeat(100_000)}\n`);

    expect(diagnostics).toHaveLength(1);
  });
});
