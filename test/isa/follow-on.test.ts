import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFiles } from '../../isa/files.js';
import { parseSource } from '../../isa/parse.js';
import { validate } from '../../isa/validate.js';

let directory = '';

beforeAll(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lasm-follow-on-'));
});

afterAll(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

/** Declarations and a preload that the cases below build on; lines 1 to 3. */
const PRELUDE = '.tensor A e4m3[64, 64]\n.tensor C fp32[64, 64] output\npreload sp[0] k=16 n=16\n';

/** Checks `text` as `lmulsim check` does and returns each diagnostic as `line:column severity: message [hint]`. */
function check(text: string): string[] {
  const file = path.join(directory, 'case.lasm');
  fs.writeFileSync(file, text);
  const [result] = checkFiles([file], {});
  return result.diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.severity}: ${d.message}${d.hint ? ` [${d.hint}]` : ''}`);
}

/** Validates `text` directly, as the workloads do, even when it has syntax errors. */
function validateOnly(text: string): string[] {
  const { ast } = parseSource(text, 'case.lasm');
  return validate(ast!).diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.severity}: ${d.message}`);
}

describe('one mistake gives one diagnostic', () => {
  it('misspelt mnemonic', () => {
    expect(check(`${PRELUDE}matmull acc[0], sp[0] m=16 k=16 n=16\nhalt\n`)).toEqual(["4:1 error: unknown instruction 'matmull' [did you mean 'matmul'?]"]);
  });

  it('misspelt mnemonic on a line with a syntax error', () => {
    // A line with a syntax error is left out of validation, so the mnemonic is not reported as well.
    expect(check(`${PRELUDE}matmull acc[0], sp[0] m=16 k=16 n=16 )\nhalt\n`)).toEqual(["4:38 error: expected end of line but found ')'"]);
  });

  it('misspelt mnemonic with a signal', () => {
    const text = `${PRELUDE}loadd sp[0], A[0 +: 16, 0 +: 16] signal=compute\npreload sp[0] k=16 n=16 wait=load\nhalt\n`;

    expect(check(text)).toEqual(["4:1 error: unknown instruction 'loadd' [did you mean 'load'?]"]);
  });

  it('misspelt token option', () => {
    const text = `${PRELUDE}load sp[0], A[0 +: 16, 0 +: 16] signl=compute\npreload sp[0] k=16 n=16 wait=load\nhalt\n`;

    expect(check(text)).toEqual(["4:33 error: unknown option 'signl' for 'load' [did you mean 'signal'?]"]);
  });

  it('misspelt option and flag', () => {
    expect(check(`${PRELUDE}matmul acc[0], sp[0] m=16 k=16 n=16 methd=lmul\nhalt\n`)).toEqual(["4:37 error: unknown option 'methd' for 'matmul' [did you mean 'method'?]"]);
    expect(check(`${PRELUDE}matmul acc[0], sp[0] m=16 k=16 n=16 acumulate\nhalt\n`)).toEqual(["4:37 error: unknown option 'acumulate' for 'matmul' [did you mean 'accumulate'?]"]);
  });

  it('misspelt option values', () => {
    expect(check(`${PRELUDE}matmul acc[0], sp[0] m=16 k=16 n=16 method=lmull\nhalt\n`)).toEqual([
      "4:44 error: method must be one of exact, lmul, lmul-formula, mitchell [did you mean 'lmul'?]",
    ]);
    expect(check(`${PRELUDE}load sp[0], A[0 +: 16, 0 +: 16] signal=computee\nhalt\n`)).toEqual(["4:40 error: signal must name a queue: load, compute, vector, store [did you mean 'compute'?]"]);
  });

  it('bad format name in a tensor', () => {
    const text = '.tensor A fp33[4, 4]\nload sp[0], A[0 +: 4, 0 +: 4]\nstore A[0 +: 4, 0 +: 4], acc[0]\nhalt\n';

    expect(check(text)).toEqual(["1:11 error: unknown number format 'fp33' [did you mean 'fp32'?]"]);
  });

  it('bad dimension in a tensor', () => {
    const text = `${PRELUDE}.tensor B fp32[4, Q]\nload sp[0], B[0 +: 4, 0 +: 4]\nvload v1, sp[0]\nset r1, B\nhalt\n`;

    expect(check(text)).toEqual(["4:19 error: 'Q' is not defined [define it with .const NAME = VALUE]"]);
  });

  it('constant with an undefined name', () => {
    const text = `${PRELUDE}.const Q = UNDEF * 2\nload sp[Q], A[0 +: 16, 0 +: 16]\nset r1, Q + UNDEF\nhalt\n`;

    expect(check(text)).toEqual(["4:12 error: 'UNDEF' is not defined [define it with .const NAME = VALUE]"]);
  });

  it('undefined name used twice', () => {
    expect(check(`${PRELUDE}load sp[0], A[0 +: TT, 0 +: TT]\nset r1, TT\nhalt\n`)).toEqual(["4:20 error: 'TT' is not defined [define it with .const NAME = VALUE]"]);
  });

  it('undefined tensor used twice', () => {
    const text = `${PRELUDE}load sp[0], AA[0 +: 16, 0 +: 16]\nstore AA[0 +: 16, 0 +: 16], acc[0]\nhalt\n`;

    expect(check(text)).toEqual(["4:13 error: tensor 'AA' is not defined [did you mean 'A'?]"]);
  });

  it('unknown directive', () => {
    const text = `${PRELUDE}.tensr B fp32[4, 4]\nload sp[0], B[0 +: 4, 0 +: 4]\nhalt\n`;

    expect(check(text)).toEqual(["4:1 error: unknown directive '.tensr' [did you mean '.tensor'?]"]);
  });

  it('unterminated string', () => {
    expect(check(`${PRELUDE}.include "other.lasm\nhalt\n`)).toEqual(['4:10 error: unterminated string: add the closing \'"\' on the same line']);
  });

  it('several bad characters on one line', () => {
    expect(check(`${PRELUDE}load sp[0], A[0 +: 16, 0 +: 16] $ @\nhalt\n`)).toEqual(['4:33 error: unexpected character \'$\' [the line has 1 more unexpected character after this one]']);
  });

  it('typographic quotes', () => {
    expect(check(`${PRELUDE}.include \u201cother.lasm\u201d\nhalt\n`)).toEqual(['4:10 error: unexpected character \'\u201c\' [strings take straight double quotes: "…"]']);
  });

  it('bad operand', () => {
    expect(check(`${PRELUDE}vadd v1, v2, x3\nhalt\n`)).toEqual(["4:14 error: 'x3' is not a vector register [vector registers are v0, v1, …]"]);
  });

  it('syntax error in a loop header', () => {
    const text = `${PRELUDE}loop i 4\n    vadd v1, v2, v3\nendloop\nhalt\n`;

    expect(check(text)).toEqual(["4:8 error: expected ',' but found '4'"]);
  });

  it('syntax error in an endloop line', () => {
    const text = `${PRELUDE}loop i, 4\n    vadd v1, v2, v3\nendloop i\nhalt\n`;

    expect(check(text)).toEqual(["6:9 error: expected end of line but found 'i'"]);
  });

  it('failed preload', () => {
    const text = '.tensor C fp32[64, 64] output\npreload sp[0] k=16 n=16 strid=32\nmatmul acc[0], sp[0] m=16 k=16 n=16\nhalt\n';

    expect(check(text)).toEqual(["2:25 error: unknown option 'strid' for 'preload' [did you mean 'stride'?]"]);
  });

  it('matmul before any preload, twice', () => {
    const text = '.tensor C fp32[64, 64] output\nmatmul acc[0], sp[0] m=16 k=16 n=16\nmatmul acc[256], sp[0] m=16 k=16 n=16\nhalt\n';

    expect(check(text)).toEqual([
      "2:1 error: 'matmul' comes before any 'preload', so the array holds no weights [load a k×n weight tile with preload sp[address] k=… n=… first]",
    ]);
  });

  it('matmul shape against the preload, twice', () => {
    const text = `${PRELUDE}preload sp[0] k=8 n=16\nmatmul acc[0], sp[0] m=16 k=16 n=16\nmatmul acc[256], sp[0] m=16 k=16 n=16\nhalt\n`;

    expect(check(text)).toEqual(["5:1 error: 'matmul' with k=16 n=16 does not match the 8×16 weight tile preloaded on line 4"]);
  });

  it('failed vsetlen', () => {
    const text = `${PRELUDE}vsetlen 300\nvload v1, sp[262000]\nhalt\n`;

    expect(check(text)).toEqual(['4:9 error: vector length must be 1 to 256, got 300']);
  });

  it('separate mistakes give one each', () => {
    const text = `${PRELUDE}vadd v1, v2, x3\nvsub v1, v2, y3\nhalt\n`;

    expect(check(text)).toEqual(["4:14 error: 'x3' is not a vector register [vector registers are v0, v1, …]", "5:14 error: 'y3' is not a vector register [vector registers are v0, v1, …]"]);
  });

  it('token imbalance is still reported', () => {
    const text = `${PRELUDE}load sp[0], A[0 +: 16, 0 +: 16]\npreload sp[0] k=16 n=16 wait=load\nhalt\n`;

    expect(check(text)).toEqual([
      '5:1 error: the compute queue waits for 1 token from the load queue, but only 0 are signalled; the compute queue would deadlock [add signal=compute to the load instruction that produces the data]',
    ]);
  });

  it('validate after a broken loop header', () => {
    // The loop body joins the enclosing block; its uses of `i` give one diagnostic, not one per use.
    const text = `${PRELUDE}loop i 4\n    set r1, i\n    set r2, i + 1\nendloop\nhalt\n`;

    expect(validateOnly(text)).toEqual(["5:13 error: 'i' is not defined"]);
  });
});
