import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastParseLine } from '../../isa/fastpath.js';
import { createLineParser } from '../../isa/grammar.js';
import { lasmTokens } from '../../isa/tokens.js';

const examplesDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
const exampleLines = fs
  .readdirSync(examplesDirectory)
  .filter((name) => name.endsWith('.lasm'))
  .flatMap((name) => fs.readFileSync(path.join(examplesDirectory, name), 'utf8').split('\n'));

const reference = createLineParser();

/** Parses one line with the chevrotain lexer and grammar; undefined when either reports an error. */
function referenceParse(text: string): { items: unknown; comment?: string } | undefined {
  const lexed = lasmTokens().lasmLexer.tokenize(text);
  if (lexed.errors.length > 0) return undefined;
  if (lexed.tokens.some((token) => token.tokenType.name === 'UnterminatedString' || token.tokenType.name === 'UnknownDirective')) return undefined;
  reference.file = 'l.lasm';
  reference.lineNumber = 7;
  reference.input = lexed.tokens;
  const items = reference.line();
  if (reference.errors.length > 0) return undefined;
  const comment = lexed.groups.comments?.[0]?.image;
  return comment === undefined ? { items } : { items, comment: comment.startsWith(';') ? comment.slice(1) : comment.slice(2) };
}

/** Asserts that whenever the fast path accepts a line, the chevrotain grammar gives the same result. */
function checkAgreement(text: string): boolean {
  const fast = fastParseLine(text, 'l.lasm', 7);
  if (!fast) return false;
  const slow = referenceParse(text);
  expect(slow, text).toBeDefined();
  expect(fast.items, text).toEqual(slow!.items);
  expect(fast.comment?.text, text).toEqual(slow!.comment);
  return true;
}

const pieces = [
  'loop', 'LOOP', 'endloop', 'loops', 'i', 'v0', 'sp', 'acc', 'A', 'lmul-formula', 'lmul-formulas', 'lmul', '-', 'formula',
  '.const', '.tensor', '.include', '.5', '0x1F', '0x', '1e5', '1e', '2.', '3.25E-2', '"s"', '"a\\"b"', '+:', '+', '*', '/', '%', ',', ':', '=', '[', ']', '(', ')',
  ';c', '//c', ' ', '\t', 'fmt', 'x=', 'init=uniform(1, seed=2)',
];

describe('fast path', () => {
  it('accepts every example line and agrees with chevrotain', () => {
    let accepted = 0;
    for (const line of exampleLines) if (checkAgreement(line)) accepted++;

    expect(accepted).toBe(exampleLines.length);
  });

  it('agrees with chevrotain on random token sequences', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 14 }), fc.array(fc.boolean(), { maxLength: 14 }), (parts, spaces) => {
        const text = parts.map((part, i) => (spaces[i] ? `${part} ` : part)).join('');
        if (checkAgreement(text)) accepted++;
      }),
      { numRuns: 3000 },
    );

    // Most random sequences are invalid; enough must be accepted for the comparison to mean something.
    expect(accepted).toBeGreaterThan(150);
  });

  it('declines what it does not handle', () => {
    expect(fastParseLine('vadd v0,, v1', 'l', 1)).toBeUndefined();
    expect(fastParseLine('.tensr A fp32[4]', 'l', 1)).toBeUndefined();
    expect(fastParseLine('.include "open', 'l', 1)).toBeUndefined();
    expect(fastParseLine('vadd v0 @', 'l', 1)).toBeUndefined();
    expect(fastParseLine(`.const X = ${'('.repeat(70)}1${')'.repeat(70)}`, 'l', 1)).toBeUndefined();
  });
});
