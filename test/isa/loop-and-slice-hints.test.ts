import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../common/diagnostic.js';
import { parseSource } from '../../isa/parse.js';
import { validate } from '../../isa/validate.js';

const TENSORS = '.tensor X fp32[64, 256]\n';

const LOOP_HINT = "counted loops are written 'loop i, COUNT' and closed by a line 'endloop', with i = 0 to COUNT - 1; loop on a condition with a label and beqz or bnez";

/** Returns the syntax errors of `text`. */
function syntaxErrors(text: string): Diagnostic[] {
  return parseSource(text, 'hints.lasm', { keepBrokenLines: true }).diagnostics;
}

/** Parses `text`, which must parse, and returns the errors of validation. */
function validationErrors(text: string): Diagnostic[] {
  const parsed = parseSource(text, 'hints.lasm');
  expect(parsed.diagnostics).toEqual([]);
  return validate(parsed.ast!, {}).diagnostics.filter((d) => d.severity === 'error');
}

describe('loop keywords as instructions', () => {
  it.each(['do', 'end', 'until r1', 'top: do'])('%s gets the loop hint', (line) => {
    const errors = validationErrors(`${TENSORS}${line}\n`);
    const mnemonic = line.replace(/^top: /, '').split(' ')[0];

    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe(`unknown instruction '${mnemonic}'`);
    expect(errors[0].hint).toBe(LOOP_HINT);
  });

  it('until line with a syntax error', () => {
    const errors = syntaxErrors(`${TENSORS}until r1 == 0\n`);

    expect(errors).toHaveLength(1);
    expect(errors[0].hint).toBe(LOOP_HINT);
  });
});

describe('combining marks in unexpected-character errors', () => {
  it.each([
    ['U+0301', '\u0301'],
    ['U+20DD', '\u20dd'],
  ])('lone %s shown as code point', (shown, mark) => {
    const errors = syntaxErrors(`halt ${mark}\n`);

    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe(`unexpected character ${shown}`);
    expect(errors[0].span?.column).toBe(6);
  });

  it('visible letter still quoted', () => {
    const errors = syntaxErrors('halt é\n');

    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe("unexpected character 'é'");
  });
});

describe('ascending START:END slice', () => {
  it.each([
    ['X[0:15, 0 +: 16]', 'write 0 +: 15 for elements 0 to 14, or 0 +: 16 to include 15 as Verilog does'],
    ['X[0, 0:256]', 'write 0 +: 256 for elements 0 to 255, or 0 +: 257 to include 256 as Verilog does'],
    ['X[0, 16:32]', 'write 16 +: 16 for elements 16 to 31, or 16 +: 17 to include 32 as Verilog does'],
  ])('%s gets both readings', (region, start) => {
    const errors = syntaxErrors(`${TENSORS}load sp[0], ${region}\n`);

    expect(errors).toHaveLength(1);
    expect(errors[0].hint).toBe(`${start}, because regions are written START +: WIDTH in each dimension, not START:END`);
  });

  it('descending range keeps the Verilog reading', () => {
    const errors = syntaxErrors(`${TENSORS}load sp[0], X[0, 15:0]\n`);

    expect(errors).toHaveLength(1);
    expect(errors[0].hint).toBe('write 0 +: 16 for elements 0 to 15, because regions are written START +: WIDTH in each dimension, not HIGH:LOW');
  });
});
