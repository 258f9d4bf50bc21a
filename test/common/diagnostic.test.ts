import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance, renderDiagnostic } from '../../common/diagnostic.js';

describe('closestMatch', () => {
  it('prefers an extension on ties', () => {
    expect(closestMatch('llama-2-70', ['llama-2-7b', 'llama-2-70b'])).toBe('llama-2-70b');
    expect(closestMatch('llama-2-70', ['llama-2-70b', 'llama-2-7b'])).toBe('llama-2-70b');
  });

  it('returns undefined when nothing is close', () => {
    expect(closestMatch('frobnicate', ['load', 'store', 'matmul'])).toBeUndefined();
  });

  it('ignores case', () => {
    expect(closestMatch('LOD', ['load', 'store'])).toBe('load');
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('45mn', '45nm')).toBe(1);
    expect(editDistance('lmlu', 'lmul')).toBe(1);
    // Optimal string alignment edits no substring twice: 'ca' to 'abc' needs 3.
    expect(editDistance('ca', 'abc')).toBe(3);
  });

  it('lets closestMatch suggest a swapped short name', () => {
    expect(closestMatch('7mn', ['45nm', '7nm'])).toBe('7nm');
  });
});

describe('renderDiagnostic', () => {
  it('puts the caret under the span', () => {
    const text = renderDiagnostic(
      { severity: 'error', message: 'unknown instruction', span: { file: 'k.lasm', line: 2, column: 3, endColumn: 6 } },
      'halt\n  lod sp[0]\n',
    );
    const lines = text.split('\n');

    expect(lines[0]).toBe('k.lasm:2:3: error: unknown instruction');
    expect(lines[1]).toBe('2 |   lod sp[0]');
    expect(lines[2]).toBe('  |   ^^^');
  });

  it('replaces control characters in the frame', () => {
    const text = renderDiagnostic({ severity: 'error', message: 'bad byte', span: { file: 'b', line: 1, column: 1 } }, '\u001b[2Jx');

    expect(text).not.toContain('\u001b');
  });
});
