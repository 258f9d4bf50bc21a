import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFiles } from '../../isa/files.js';
import { parseSource } from '../../isa/parse.js';
import { printProgram } from '../../isa/printer.js';
import { validate } from '../../isa/validate.js';
import { runCli } from '../helpers.js';

/**
 * Checks `files['main.lasm']` as `lmulsim check` does, reading every file from `files`, and returns
 * each diagnostic as `file:line:column severity: message`.
 */
function check(files: Record<string, string>): string[] {
  const readText = (file: string): string => {
    const text = files[file];
    if (text === undefined) throw Object.assign(new Error(`no such file ${file}`), { code: 'ENOENT' });
    return text;
  };
  const [result] = checkFiles(['main.lasm'], {}, readText);
  return result.diagnostics.map((d) => `${d.span?.file}:${d.span?.line}:${d.span?.column} ${d.severity}: ${d.message}`);
}

/** Checks `text` as the only file, `main.lasm`. */
function checkText(text: string): string[] {
  return check({ 'main.lasm': text });
}

const TENSORS = '.tensor A e4m3[64, 64]\n.tensor C fp32[64, 64] output\n';
const BAD_REGISTER = "'x3' is not a vector register";
const NO_PRELOAD = "'matmul' comes before any 'preload', so the array holds no weights";
/**
 * A line with a validation error that cases end with, so that they show that validation ran: each
 * case with it fails both when validation is skipped and when it reports a follow-on error.
 */
const CONTROL = 'vsub v1, v2, x3\n';

describe('validation of files with syntax errors', () => {
  it('semantic error after a syntax error', () => {
    const text = `${TENSORS}load sp[0] A[0 +: 16, 0 +: 16]\nvadd v1, v2, x3\nhalt\n`;

    expect(checkText(text)).toEqual(["main.lasm:3:13 error: expected end of line but found '['", `main.lasm:4:14 error: ${BAD_REGISTER}`]);
  });

  it('semantic error 1,200 lines after a syntax error', () => {
    // Long enough for the compact form of repeated lines, which the validator reads differently.
    const filler = 'vadd v1, v2, v3\n'.repeat(1200);
    const text = `vadd v1, v2,\n${filler}vsub v1, v2, x3\nhalt\n`;

    expect(checkText(text)).toEqual(["main.lasm:1:13 error: expected name, string, '-', '+', number or '(' but found end of line", `main.lasm:1202:14 error: ${BAD_REGISTER}`]);
  });

  it('syntax errors come before validation errors', () => {
    const text = 'vadd v1, v2, x3\nhalt\nfence )\n';

    expect(checkText(text)).toEqual(["main.lasm:3:7 error: expected end of line but found ')'", `main.lasm:1:14 error: ${BAD_REGISTER}`]);
  });

  it('no program from a file with a syntax error', () => {
    const readText = (): string => 'halt\nfence )\n';

    const [result] = checkFiles(['main.lasm'], {}, readText);

    expect(result.diagnostics).toHaveLength(1);
    expect(result.program).toBeUndefined();
  });

  it('no program from validate on broken lines', () => {
    const { ast, diagnostics } = parseSource('halt\nfence )\n', 'main.lasm', { keepBrokenLines: true });

    const validated = validate(ast!);

    expect(diagnostics).toHaveLength(1);
    expect(validated.diagnostics).toEqual([]);
    expect(validated.program).toBeUndefined();
  });
});

describe('names a broken line may define', () => {
  it('constant on a broken .const line', () => {
    const text = `.const T = 16 +\n${TENSORS}load sp[0], A[0 +: T, 0 +: T]\nset r1, T\nset r2, U\nhalt\n`;

    expect(checkText(text)).toEqual(["main.lasm:1:16 error: expected '-', '+', number, name or '(' but found end of line", "main.lasm:6:9 error: 'U' is not defined"]);
  });

  it('constant used before its broken .const line', () => {
    const text = `${TENSORS}load sp[0], A[0 +: T, 0 +: 16]\n.const T = (16\n${CONTROL}`;

    expect(checkText(text)).toEqual(["main.lasm:4:15 error: expected ')' but found end of line", `main.lasm:5:14 error: ${BAD_REGISTER}`]);
  });

  it('tensor on a broken .tensor line', () => {
    const text = '.tensor A e4m3[64, 64) output\nload sp[0], A[0 +: 16, 0 +: 16]\nload sp[0], B[0 +: 16, 0 +: 16]\nhalt\n';

    expect(checkText(text)).toEqual(["main.lasm:1:22 error: expected ']' but found ')'", "main.lasm:3:13 error: tensor 'B' is not defined"]);
  });

  it('names hidden on broken declarations', () => {
    // The name the user meant is not a token of its own here, so any undefined name may be it.
    expect(checkText(`.tensor xfp32[16]\nload sp[0], x[0 +: 16]\n${CONTROL}halt\n`)).toEqual(["main.lasm:1:14 error: expected name but found '['", `main.lasm:3:14 error: ${BAD_REGISTER}`]);
    expect(checkText(`.tensor "A" fp32[4, 4]\nload sp[0], A[0 +: 4, 0 +: 4]\n${CONTROL}halt\n`)).toEqual([`main.lasm:1:9 error: expected name but found '"A"'`, `main.lasm:3:14 error: ${BAD_REGISTER}`]);
  });

  it('names hidden by an unexpected character', () => {
    expect(checkText(`.const T\u200bILE = 16\nset r1, TILE\n${CONTROL}halt\n`)).toEqual(['main.lasm:1:9 error: unexpected character U+200B', `main.lasm:3:14 error: ${BAD_REGISTER}`]);
  });

  it('options hidden by a // comment or an open string', () => {
    const body = (line: string) => `${TENSORS}sync compute signal=load\nloop i, 4\n${line}\n    preload sp[0] k=16 n=16 wait=load\n    matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 signal=load\nendloop\nsync load wait=compute\n${CONTROL}halt\n`;
    const slash = checkText(body('    load sp[0], A[i // 2 * 16 +: 16, 0 +: 16] wait=compute signal=compute'));
    const open = checkText(body('    load sp[0], A[0 +: 16, 0 +: 16] fmt="e4m3 wait=compute signal=compute'));

    expect(slash).toEqual(["main.lasm:5:20 error: expected ']' but found end of line", `main.lasm:10:14 error: ${BAD_REGISTER}`]);
    expect(open).toEqual(["main.lasm:5:41 error: unterminated string: add the closing '\"' on the same line", `main.lasm:10:14 error: ${BAD_REGISTER}`]);
  });

  it('tensor on a misspelt directive line', () => {
    const text = '.tensr B fp32[4, 4]\nload sp[0], B[0 +: 4, 0 +: 4]\nvadd v1, v2, x3\nhalt\n';

    expect(checkText(text)).toEqual(["main.lasm:1:1 error: unknown directive '.tensr'", `main.lasm:3:14 error: ${BAD_REGISTER}`]);
  });

  it('label on a broken line', () => {
    const text = 'top: vadd v1, v2,\njump top\njump elsewhere\n';

    expect(checkText(text)).toEqual([
      "main.lasm:1:18 error: expected name, string, '-', '+', number or '(' but found end of line",
      "main.lasm:3:6 error: label 'elsewhere' is not defined in this block",
    ]);
  });

  it('registers keep their meaning', () => {
    // `r20` is written on the broken line, yet its use below is still checked against the target.
    const text = 'set r20, 1 )\nset r1, r20 + 1\nhalt\n';

    expect(checkText(text)).toEqual(["main.lasm:1:12 error: expected end of line but found ')'", "main.lasm:2:9 error: scalar register 'r20' does not exist: the target has r0 to r15"]);
  });
});

describe('state a broken instruction may change', () => {
  it('matmul after a broken preload', () => {
    const text = `preload sp[0] k=16 n=16 (\nmatmul acc[0], sp[0] m=16 k=16 n=16\nmatmul acc[256], sp[0] m=16 k=8 n=16\n${CONTROL}`;

    expect(checkText(text)).toEqual(["main.lasm:1:25 error: expected end of line but found '('", `main.lasm:4:14 error: ${BAD_REGISTER}`]);
  });

  it('matmul after another broken instruction', () => {
    const text = 'vadd v1 v2, v3\nmatmul acc[0], sp[0] m=16 k=16 n=16\nhalt\n';

    expect(checkText(text)).toEqual(["main.lasm:1:11 error: expected end of line but found ','", `main.lasm:2:1 error: ${NO_PRELOAD}`]);
  });

  it('matmul after a broken misspelt preload', () => {
    const text = `prelod sp[0] k=16 n=16 (\nmatmul acc[0], sp[0] m=16 k=16 n=16\n${CONTROL}`;

    expect(checkText(text)).toEqual(["main.lasm:1:24 error: expected end of line but found '('", `main.lasm:3:14 error: ${BAD_REGISTER}`]);
  });

  it('matmul after a line with an unexpected character', () => {
    // The character may hide any word, such as the `preload` of `$preload sp[0] k=16 n=16`.
    const text = `$preload sp[0] k=16 n=16\nmatmul acc[0], sp[0] m=16 k=16 n=16\n${CONTROL}`;

    expect(checkText(text)).toEqual(["main.lasm:1:1 error: unexpected character '$'", `main.lasm:3:14 error: ${BAD_REGISTER}`]);
  });

  it('vload after a broken vsetlen', () => {
    const text = `vsetlen 300 )\nvload v1, sp[262100]\n${CONTROL}`;

    expect(checkText(text)).toEqual(["main.lasm:1:13 error: expected end of line but found ')'", `main.lasm:3:14 error: ${BAD_REGISTER}`]);
  });

  it('vload after a broken vadd', () => {
    const text = 'vadd v1, v2, v3 )\nvload v1, sp[262100]\nhalt\n';

    expect(checkText(text)).toEqual([
      "main.lasm:1:17 error: expected end of line but found ')'",
      'main.lasm:2:11 error: scratchpad tile of 1×256 at address 262100 ends at element 262355, past the scratchpad size of 262144 elements',
    ]);
  });

  it('line without a known keyword', () => {
    const text = `+ 3 )\nmatmul acc[0], sp[0] m=16 k=16 n=16\n${CONTROL}`;

    expect(checkText(text)).toEqual(["main.lasm:1:1 error: expected end of line but found '+'", `main.lasm:3:14 error: ${BAD_REGISTER}`]);
  });
});

describe('dependency tokens after a broken line', () => {
  const deadlock = 'the compute queue waits for 1 token from the load queue, but only 0 are signalled; the compute queue would deadlock';

  it('broken line with signal=', () => {
    const text = `${TENSORS}load sp[0], A[0 +: 16, 0 +: 16] signal=compute )\npreload sp[0] k=16 n=16 wait=load\n${CONTROL}`;

    expect(checkText(text)).toEqual(["main.lasm:3:48 error: expected end of line but found ')'", `main.lasm:5:14 error: ${BAD_REGISTER}`]);
  });

  it('broken line with a misspelt wait=', () => {
    const text = `${TENSORS}load sp[0], A[0 +: 16, 0 +: 16] signl=compute )\npreload sp[0] k=16 n=16 wait=load\n${CONTROL}`;

    expect(checkText(text)).toEqual(["main.lasm:3:47 error: expected end of line but found ')'", `main.lasm:5:14 error: ${BAD_REGISTER}`]);
  });

  it('broken line without tokens', () => {
    const text = `${TENSORS}load sp[0], A[0 +: 16, 0 +: 16] )\npreload sp[0] k=16 n=16 wait=load\nhalt\n`;

    expect(checkText(text)).toEqual(["main.lasm:3:33 error: expected end of line but found ')'", `main.lasm:4:1 error: ${deadlock}`]);
  });

  it('broken jump', () => {
    const text = `${TENSORS}jump (\npreload sp[0] k=16 n=16 wait=load\n${CONTROL}`;

    expect(checkText(text)).toEqual(["main.lasm:3:7 error: expected '-', '+', number, name or '(' but found end of line", `main.lasm:5:14 error: ${BAD_REGISTER}`]);
  });
});

describe('loops and reachability around broken lines', () => {
  it('body of a broken loop header', () => {
    const text = `${TENSORS}loop i 4\n    top: load sp[0], A[i * 16 +: 16, 64 +: 16]\n    vadd v1, v2, x3\nendloop\ntop: halt\n`;

    expect(checkText(text)).toEqual([
      "main.lasm:3:8 error: expected ',' but found '4'",
      "main.lasm:4:38 error: region of 'A' in dimension 2 spans 64 to 79, outside 0 to 63",
      `main.lasm:5:18 error: ${BAD_REGISTER}`,
    ]);
  });

  it('body of a broken loop header with only broken lines', () => {
    // No warning for an empty body: the broken line in it may have been an instruction.
    expect(checkText(`loop i 4\n    vadd v1, v2,\nendloop\n${CONTROL}`)).toEqual([
      "main.lasm:1:8 error: expected ',' but found '4'",
      "main.lasm:2:17 error: expected name, string, '-', '+', number or '(' but found end of line",
      `main.lasm:4:14 error: ${BAD_REGISTER}`,
    ]);
  });

  it('tokens in the body of a broken loop header', () => {
    // The loop count is unknown, so the balance of 1 signal against 4 waits is not checked.
    const text = `${TENSORS}load sp[0], A[0 +: 16, 0 +: 16] signal=compute\nloop i 4)\n    preload sp[0] k=16 n=16 wait=load\nendloop\n${CONTROL}`;

    expect(checkText(text)).toEqual(["main.lasm:4:8 error: expected ',' but found '4'", `main.lasm:7:14 error: ${BAD_REGISTER}`]);
  });

  it('code after a broken halt', () => {
    expect(checkText(`halt )\n${CONTROL}`)).toEqual(["main.lasm:1:6 error: expected end of line but found ')'", `main.lasm:2:14 error: ${BAD_REGISTER}`]);
  });

  it('code after halt and a broken line', () => {
    expect(checkText(`halt\nagain halt:\n${CONTROL}`)).toEqual(["main.lasm:2:11 error: expected end of line but found ':'", `main.lasm:3:14 error: ${BAD_REGISTER}`]);
  });

  it('code after halt is still unreachable', () => {
    expect(checkText('fence )\nhalt\nvadd v1, v2, v3\n')).toEqual([
      "main.lasm:1:7 error: expected end of line but found ')'",
      "main.lasm:3:1 warning: unreachable code: it follows 'halt' in the same block",
    ]);
  });

  // Without its partner, the extent of every loop body is unknown: which names are in scope and
  // which code is reachable. Only the loop error is reported.
  it('loop without endloop', () => {
    const text = 'loop i, 4\n    jump top\nvadd v1, v2, x3\ntop: halt\n';

    expect(checkText(text)).toEqual(["main.lasm:1:1 error: loop 'i' has no matching 'endloop'"]);
  });

  it('endloop without loop', () => {
    const text = `${TENSORS}load sp[0], A[0 +: 16, 0 +: 16] signal=compute\nendloop\nvadd v1, v2, x3\nhalt\n`;

    expect(checkText(text)).toEqual(["main.lasm:4:1 error: 'endloop' without a matching 'loop'"]);
  });

  it('forgotten endloop before a loop that reuses its variable', () => {
    const text = `loop i, 4\n    vadd v1, v2, v3\nloop i, 2\n    vadd v1, v2, v3\nendloop\nhalt\n`;

    expect(checkText(text)).toEqual(["main.lasm:1:1 error: loop 'i' has no matching 'endloop'"]);
  });

  it('unknown mnemonics are still named', () => {
    const text = `for i, 4\n    vadd v1, v2, x3\nendloop\nloop j, 2\n    vadd v1, v2, v3\nend\nhalt\n`;

    expect(checkText(text)).toEqual([
      "main.lasm:3:1 error: 'endloop' without a matching 'loop'",
      "main.lasm:4:1 error: loop 'j' has no matching 'endloop'",
      "main.lasm:1:1 error: unknown instruction 'for'",
      "main.lasm:6:1 error: unknown instruction 'end'",
    ]);
  });

  it('extra endloop after a loop', () => {
    const text = `${TENSORS}loop i, 4\n    load sp[0], A[i * 16 +: 16, 0 +: 16]\nendloop\nendloop\nload sp[0], A[0 +: 16, 0 +: 16]\nhalt\n`;

    expect(checkText(text)).toEqual(["main.lasm:6:1 error: 'endloop' without a matching 'loop'"]);
  });
});

describe('includes with errors', () => {
  it('broken .include line', () => {
    const text = '.include "other.lasm\nload sp[0], A[0 +: 16, 0 +: T]\nmatmul acc[0], sp[0] m=16 k=16 n=16\nvadd v1, v2, x3\nhalt\n';

    expect(checkText(text)).toEqual(["main.lasm:1:10 error: unterminated string: add the closing '\"' on the same line", `main.lasm:4:14 error: ${BAD_REGISTER}`]);
  });

  it('missing included file', () => {
    const text = '.include "absent.lasm"\nload sp[0], A[0 +: 16, 0 +: T]\nvadd v1, v2, x3\nhalt\n';

    expect(checkText(text)).toEqual(['main.lasm:1:1 error: file not found: absent.lasm', `main.lasm:3:14 error: ${BAD_REGISTER}`]);
  });

  it('included file with syntax errors', () => {
    const files = {
      'main.lasm': '.include "inc.lasm"\nload sp[0], A[0 +: 16, 0 +: T]\nmatmul acc[0], sp[0] m=16 k=16 n=16\nload sp[0], B[0 +: 16, 0 +: 16]\nhalt\n',
      'inc.lasm': '.const T = (16\n.tensor A e4m3[64, 64]\npreload sp[0] k=16 n=16 )\n',
    };

    expect(check(files)).toEqual([
      "inc.lasm:1:15 error: expected ')' but found end of line",
      "inc.lasm:3:25 error: expected end of line but found ')'",
      "main.lasm:4:13 error: tensor 'B' is not defined",
    ]);
  });
});

describe('one broken line in a valid program', () => {
  const directory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
  const examples = fs.readdirSync(directory).filter((name) => name.endsWith('.lasm'));

  it('every line of every example', () => {
    let broken = 0;
    for (const name of examples) {
      const lines = fs.readFileSync(path.join(directory, name), 'utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        // ` )` before any comment gives the line a syntax error and leaves its words as they are.
        const comment = lines[i].search(/;|\/\//);
        const code = comment < 0 ? lines[i] : lines[i].slice(0, comment);
        if (code.trim() === '') continue;
        const text = [...lines.slice(0, i), `${code} )`, ...lines.slice(i + 1)].join('\n');

        const diagnostics = checkText(text);

        expect(diagnostics, `${name} line ${i + 1}`).toHaveLength(1);
        expect(diagnostics[0], `${name} line ${i + 1}`).toMatch(new RegExp(`^main\\.lasm:${i + 1}:\\d+ error: expected `));
        broken++;
      }
    }
    expect(broken).toBeGreaterThan(200);
  });
});

describe('mutated examples', () => {
  const directory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
  const examples = fs
    .readdirSync(directory)
    .filter((name) => name.endsWith('.lasm'))
    .map((name) => fs.readFileSync(path.join(directory, name), 'utf8'));

  /** An example with up to four characters replaced by characters that often break a line. */
  const mutated = fc
    .tuple(fc.constantFrom(...examples), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...'()[],=:;."$ \n'.split(''))), { minLength: 1, maxLength: 4 }))
    .map(([source, edits]) => {
      let text = source;
      for (const [position, character] of edits) {
        const at = position % text.length;
        text = text.slice(0, at) + character + text.slice(at + 1);
      }
      return text;
    });

  it('checked without exceptions', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        const [result] = checkFiles(['main.lasm'], {}, () => text);
        const lineCount = text.split('\n').length;

        for (const diagnostic of result.diagnostics) {
          expect(diagnostic.span?.line).toBeGreaterThanOrEqual(1);
          expect(diagnostic.span?.line).toBeLessThanOrEqual(lineCount);
        }
        expect(result.program === undefined).toBe(result.diagnostics.some((d) => d.severity === 'error'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('invalid statements in the syntax tree', () => {
  it('kept in place with keyword and names', () => {
    const { ast } = parseSource('halt\nL: preload sp[0] k=16 n=16 (  ; weights\nloop i 4\n    fence\nendloop\n', 'x.lasm', { keepBrokenLines: true });

    const statements = ast!.statements;

    expect(statements.map((s) => s.kind)).toEqual(['instruction', 'invalid', 'invalid']);
    expect(statements[1]).toMatchObject({ keyword: 'preload', names: ['L', 'preload', 'sp', 'k', 'n'], text: 'L: preload sp[0] k=16 n=16 (' });
    expect(statements[2]).toMatchObject({ keyword: 'loop', variable: 'i', span: { line: 3, endLine: 5 } });
    expect(ast!.brokenLines).toEqual({ names: new Set(['L', 'preload', 'sp', 'k', 'n', 'i']), anyName: false, loopsUnmatched: false });
  });

  it('left out without keepBrokenLines', () => {
    const { ast } = parseSource('halt\nfence )\n', 'x.lasm');

    expect(ast!.statements.map((s) => s.kind)).toEqual(['instruction']);
    expect(ast!.brokenLines).toBeUndefined();
  });

  it('printed as written', () => {
    const { ast } = parseSource('HALT\nloop i 4\n    fence )\nendloop\n', 'x.lasm', { keepBrokenLines: true });

    expect(printProgram(ast!)).toBe('halt\nloop i 4\n    fence )\nendloop\n');
  });
});

describe('lmulsim with syntax and validation errors', () => {
  let directory = '';
  const text = `${TENSORS}load sp[0] A[0 +: 16, 0 +: 16]\nvadd v1, v2, x3\nhalt\n`;

  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lasm-recover-'));
  });

  afterAll(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('check lists both kinds', async () => {
    const file = path.join(directory, 'both.lasm');
    fs.writeFileSync(file, text);

    const result = await runCli(['check', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("both.lasm:3:13: error: expected end of line but found '['");
    expect(result.stderr).toContain(`both.lasm:4:14: error: ${BAD_REGISTER}`);
    expect(result.stderr).toContain('1 file checked: 2 errors, no warnings');
  });

  it('check --json lists both kinds', async () => {
    const file = path.join(directory, 'both-json.lasm');
    fs.writeFileSync(file, text);

    const result = await runCli(['check', '--json', file]);

    expect(result.code).toBe(2);
    const parsed = JSON.parse(result.stdout) as { diagnostics: { line: number; column: number; message: string }[] };
    expect(parsed.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [3, 13, "expected end of line but found '[' (operands are separated by commas: is a ',' missing before 'A' (column 12)?)"],
      [4, 14, `${BAD_REGISTER} (vector registers are v0, v1, …)`],
    ]);
  });

  it('run rejects a syntax error', async () => {
    const file = path.join(directory, 'syntax-only.lasm');
    fs.writeFileSync(file, `${TENSORS}halt )\n`);

    const result = await runCli(['run', file]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("syntax-only.lasm:3:6: error: expected end of line but found ')'");
  });
});
