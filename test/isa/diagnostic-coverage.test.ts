/**
 * One case for each diagnostic of the `.lasm` checker and the machine check that no other test in
 * test/ triggers. Each case checks that the diagnostic is the only one, with its line, column,
 * severity, message and hint.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../common/diagnostic.js';
import type { TargetLimits } from '../../isa/ast.js';
import { capDiagnostics } from '../../isa/diagnostics.js';
import { checkFiles, type ReadText } from '../../isa/files.js';
import { MAX_SOURCE_CHARS, parseSource } from '../../isa/parse.js';
import { validate } from '../../isa/validate.js';
import { loadArch } from '../../sim/arch/index.js';
import { checkProgramOnMachine } from '../../sim/exec/arch-check.js';
import { compile, testArch } from '../sim/helpers.js';

/** An expected diagnostic. `message` and `hint` are substrings of its texts, and a missing `hint` means it has none. */
interface Expected {
  readonly line: number;
  readonly column: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly hint?: string;
}

/** A source and the one diagnostic it must produce. */
type Case = readonly [name: string, source: string, expected: Expected];

/** Returns the diagnostics of `parseSource`, then those of `validate` when the source has no syntax error. */
function diagnosticsOf(source: string, target?: TargetLimits): Diagnostic[] {
  const { ast, diagnostics } = parseSource(source, 'case.lasm');
  if (ast === undefined || diagnostics.some((d) => d.severity === 'error')) return diagnostics;
  return [...diagnostics, ...validate(ast, target).diagnostics];
}

function expectDiagnostic(diagnostic: Diagnostic, expected: Expected): void {
  expect(diagnostic.message).toContain(expected.message);
  expect(diagnostic.severity).toBe(expected.severity);
  expect(diagnostic.span?.line).toBe(expected.line);
  expect(diagnostic.span?.column).toBe(expected.column);
  if (expected.hint === undefined) expect(diagnostic.hint).toBeUndefined();
  else expect(diagnostic.hint).toContain(expected.hint);
}

/** Adds one test per case, which checks that the source produces exactly the expected diagnostic. */
function checkCases(cases: readonly Case[]): void {
  for (const [name, source, expected] of cases) {
    it(name, () => {
      const diagnostics = diagnosticsOf(source);

      expect(diagnostics.map((d) => d.message)).toHaveLength(1);
      expectDiagnostic(diagnostics[0], expected);
    });
  }
}

/** Builds the expectation of an error diagnostic. */
const expectedError = (line: number, column: number, message: string, hint?: string): Expected => ({ line, column, severity: 'error', message, ...(hint === undefined ? {} : { hint }) });

describe('lexer and parser diagnostics', () => {
  checkCases([
    ['run of unexpected characters', 'halt @@ $\n', expectedError(1, 6, "unexpected characters starting with '@'", 'the line has 1 more unexpected character after these')],
    ['control character shown as code point', 'halt \u0001\n', expectedError(1, 6, 'unexpected character U+0001')],
    ['emoji shown whole', 'halt \u{1f600}\n', expectedError(1, 6, "unexpected character '\u{1f600}'")],
    ['two emoji counted as two characters', 'halt \u{1f600}\u{1f600} x\n', expectedError(1, 6, "unexpected characters starting with '\u{1f600}'")],
    ['no-break space shown as code point', 'set r1, 1 \u00a0\n', expectedError(1, 11, 'unexpected character U+00A0', 'looks like a space or is invisible')],
    ['zero-width space shown as code point', 'halt \u200b\n', expectedError(1, 6, 'unexpected character U+200B', 'replace it with a plain space, or delete it')],
    ['unknown directive far from any', '.frobnicate 1\n', expectedError(1, 1, "unknown directive '.frobnicate'", 'directives are .const, .tensor, .include')],
    ['empty list of dimensions', '.tensor A fp32[]\n', expectedError(1, 16, "expected '-', '+', number, name or '(' but found ']'")],
    ['long token shortened in message', 'loop i 123456789012345678901234567890\n', expectedError(1, 8, "expected ',' but found '123456789012345678901234…'")],
  ]);

  it('source over the size limit', () => {
    const { ast, diagnostics } = parseSource('a'.repeat(MAX_SOURCE_CHARS + 1), 'huge.lasm');

    expect(ast).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expectDiagnostic(diagnostics[0], expectedError(1, 1, `file is too large: ${MAX_SOURCE_CHARS + 1} characters, the limit is ${MAX_SOURCE_CHARS}`));
  });
});

describe('expression diagnostics', () => {
  checkCases([
    ['number literal out of range', '.const X = 1e999\n', expectedError(1, 12, "number '1e999' is out of range")],
    ['constant product overflows', '.const X = 1e300 * 1e300\n', expectedError(1, 12, 'constant expression overflows')],
    ['tensor used as a number', '.tensor A fp32[4]\n.const X = A\n', expectedError(2, 12, "'A' is a tensor, not a number", 'write a region such as A[0 +: 16, 0 +: 16]')],
    ['scalar register in a constant', '.const X = r1\n', expectedError(1, 12, "'r1' is a scalar register, known only at run time; a constant is required here")],
    ['core number in a constant', '.const X = core\n', expectedError(1, 12, "'core' is a core number, known only at run time; a constant is required here")],
    ['missing register in an expression', 'set r1, r99 + 1\n', expectedError(1, 9, "scalar register 'r99' does not exist: the target has r0 to r15")],
    ['vector register as a number', '.const X = v1\n', expectedError(1, 12, "'v1' is a vector register, not a number")],
    ['buffer as a number', '.const X = sp\n', expectedError(1, 12, "'sp' is a buffer; write sp[address]")],
  ]);
});

describe('tensor declaration diagnostics', () => {
  checkCases([
    ['five dimensions', '.tensor A fp32[1, 1, 1, 1, 1]\n', expectedError(1, 28, "tensor 'A' has 5 dimensions; at most 4 are supported")],
    ['zero dimension', '.tensor A fp32[0]\n', expectedError(1, 16, 'tensor dimension must be at least 1, got 0')],
    ['fractional dimension', '.tensor A fp32[2.5]\n', expectedError(1, 16, 'tensor dimension must be an integer, got 2.5')],
    ['dimension past 2^53', '.tensor A fp32[1e20]\n', expectedError(1, 16, 'tensor dimension 100000000000000000000 is too large: integers above 2^53 - 1')],
    ['option given twice', '.tensor A fp32[4] output output\n', expectedError(1, 26, "option 'output' is given twice")],
    ['init without a value', '.tensor A fp32[4] init\n', expectedError(1, 19, "'init' needs a value, such as init=zeros")],
    ['unknown placement', '.tensor A fp32[4] place=ssd\n', expectedError(1, 25, 'place must be dram or host')],
    ['unknown option far from any', '.tensor A fp32[4] colour=red\n', expectedError(1, 19, "unknown option 'colour' for .tensor", 'options are init=…, output and place=dram|host')],
    ['init naming no initialiser', '.tensor A fp32[4] init=foo\n', expectedError(1, 24, 'init must be zeros, ones, a number, const(v)')],
    ['unknown initialiser argument', '.tensor A fp32[4] init=uniform(0, 1, sed=3)\n', expectedError(1, 38, "unknown argument 'sed' for uniform()")],
    ['string where a number goes', '.tensor A fp32[4] init=const("x")\n', expectedError(1, 30, 'const() takes numbers, not strings')],
    ['string seed', '.tensor A fp32[4] init=uniform(0, 1, seed="x")\n', expectedError(1, 38, 'seed must be an integer')],
    ['negative standard deviation', '.tensor A fp32[4] init=normal(0, -1)\n', expectedError(1, 24, 'normal(mean, std) needs std >= 0, got -1')],
    ['file without a path string', '.tensor A fp32[4] init=file(1)\n', expectedError(1, 24, 'file() takes one string: file("weights.npy")')],
  ]);
});

describe('block and control-flow diagnostics', () => {
  checkCases([
    ['include left unexpanded', '.include "other.lasm"\n', expectedError(1, 1, '.include was not expanded; check the program with checkFiles or `lmulsim check`')],
    ['label with a register name', 'r1: halt\n', expectedError(1, 1, "label name 'r1' is reserved for a register, buffer or builtin")],
    ['run-time loop count below 1', 'loop i, core - ncores\nhalt\nendloop\n', expectedError(1, 9, 'loop count is at most -1; it must be at least 1')],
    ['fractional loop count', 'loop i, 2.5\nhalt\nendloop\n', expectedError(1, 9, 'loop count must be an integer, got 2.5')],
  ]);
});

describe('instruction and operand diagnostics', () => {
  checkCases([
    ['mnemonic far from any', 'foo 1\n', expectedError(1, 1, "unknown instruction 'foo'", 'docs/isa.md lists every instruction')],
    ['one operand missing', 'jump\n', expectedError(1, 1, "'jump' takes 1 operand but got 0", 'usage: jump label')],
    ['sync without tokens', 'sync load\n', { line: 1, column: 1, severity: 'warning', message: "'sync' without wait= or signal= does nothing" }],
    ['sync on an unknown queue', 'sync bogus\n', expectedError(1, 6, "'bogus' is not a queue", 'queues are load, compute, vector, store')],
    ['name where a scalar register goes', 'set x1, 1\n', expectedError(1, 5, "'x1' is not a scalar register", 'scalar registers are r0, r1, …')],
  ]);
});

describe('instruction option diagnostics', () => {
  checkCases([
    ['option given twice', 'preload sp[0] k=4 k=4 n=4\n', expectedError(1, 19, "option 'k' is given twice")],
    ['flag with a value', 'preload sp[0] k=4 n=4\nmatmul acc[0], sp[0] m=4 k=4 n=4 accumulate=1\n', expectedError(2, 34, "'accumulate' is a flag and takes no value")],
    ['option without a value', 'preload sp[0] k n=4\n', expectedError(1, 15, "option 'k' needs a value: k=…")],
    ['format given as a string', 'vmul v1, v2, v3 fmt="x"\n', expectedError(1, 21, 'fmt must be a format name such as e4m3')],
    ['accumulation format not allowed', 'preload sp[0] k=4 n=4\nmatmul acc[0], sp[0] m=4 k=4 n=4 out=e4m3\n', expectedError(2, 38, 'out must be one of fp32, fp16, bf16')],
    ['queue far from any', 'vadd v1, v2, v3 wait=bogus\n', expectedError(1, 22, 'wait must name a queue: load, compute, vector, store')],
    ['integer given as a string', 'preload sp[0] k="4" n=4\n', expectedError(1, 17, 'k must be an integer')],
  ]);
});

describe('on-chip address and tile diagnostics', () => {
  checkCases([
    ['tile width in an on-chip address', 'preload sp[0 +: 4] k=4 n=4\n', expectedError(1, 9, 'sp[…] takes one element address', 'write sp[address]; the tile shape comes from the instruction')],
    ['constant address below 0', 'preload sp[0 - 5] k=4 n=4\n', expectedError(1, 9, 'scratchpad address can be -5, below 0')],
    ['loop address below 0', 'loop i, 4\npreload sp[i * 4 - 8] k=4 n=4\nendloop\n', expectedError(2, 9, 'scratchpad address can be -8, below 0', 'check the address expression over the whole range of the loop indices')],
    [
      'loop address past the buffer',
      'loop i, 4\npreload sp[262000 + i * 64] k=4 n=4\nendloop\n',
      expectedError(2, 9, 'scratchpad tile of 4×4 at address up to 262192 ends at element 262207, past the scratchpad size of 262144 elements', 'check the address expression over the whole range of the loop indices'),
    ],
    ['weight tile wider than the array', 'preload sp[0] k=4 n=32\n', expectedError(1, 19, 'n=32 exceeds the 16 columns of the systolic array', 'split the output columns into tiles')],
    ['narrow vstore into the accumulator', 'vstore acc[0], v1 fmt=e4m3\n', expectedError(1, 19, "the accumulator holds fp32, fp16, bf16 elements; 'e4m3' cannot be stored into it", 'use fmt=fp32, fmt=fp16 or fmt=bf16')],
  ]);
});

describe('file diagnostics', () => {
  let directory = '';

  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lasm-coverage-'));
  });

  afterAll(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /** Returns a reader that serves `/virtual/main.lasm` from `main` and throws `failure` for any other file. */
  function readerWith(main: string, failure: Error): ReadText {
    return (file) => {
      if (file === '/virtual/main.lasm') return main;
      throw failure;
    };
  }

  it('directory given as the program', () => {
    const [result] = checkFiles([directory]);

    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toEqual({ severity: 'error', message: `${directory} is a directory, not a .lasm file` });
  });

  it('file over the size limit', () => {
    // A sparse file has a size past the limit without taking disk space, and the check rejects it before reading it.
    const file = path.join(directory, 'huge.lasm');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, MAX_SOURCE_CHARS + 1);

    const [result] = checkFiles([file]);

    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toEqual({ severity: 'error', message: `cannot read ${file}: file is too large: ${MAX_SOURCE_CHARS + 1} bytes, the limit is ${MAX_SOURCE_CHARS}` });
  });

  it('unreadable included file', () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });

    const [result] = checkFiles(['/virtual/main.lasm'], undefined, readerWith('halt\n  .include "sub/denied.lasm"\n', denied));

    expect(result.diagnostics).toHaveLength(1);
    expectDiagnostic(result.diagnostics[0], expectedError(2, 3, 'permission denied reading /virtual/sub/denied.lasm'));
  });

  it('included file failing otherwise', () => {
    const failure = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });

    const [result] = checkFiles(['/virtual/main.lasm'], undefined, readerWith('.include "broken.lasm"\n', failure));

    expect(result.diagnostics).toHaveLength(1);
    expectDiagnostic(result.diagnostics[0], expectedError(1, 1, 'cannot read /virtual/broken.lasm: EIO: i/o error, read'));
  });
});

describe('diagnostic cap', () => {
  it('counts left-out errors and warnings', () => {
    const source = '.tensor A fp32[4]\nfoo1\nfoo2\nfoo3\nfoo4\nload sp[0], A[0 +: 4] signal=compute\nhalt\n';
    const diagnostics = diagnosticsOf(source);
    expect(diagnostics.map((d) => d.severity)).toEqual(['error', 'error', 'error', 'error', 'warning']);

    const capped = capDiagnostics(diagnostics, 2);

    expect(capped.slice(0, 2)).toEqual(diagnostics.slice(0, 2));
    expect(capped).toHaveLength(3);
    expect(capped[2]).toEqual({ severity: 'note', message: '2 more errors and 1 more warning not shown' });
  });

  it('counts left-out notes', () => {
    const notes: Diagnostic[] = [1, 2, 3].map((n) => ({ severity: 'note', message: `note ${n}` }));

    const capped = capDiagnostics(notes, 1);

    expect(capped).toEqual([notes[0], { severity: 'note', message: '2 more notes not shown' }]);
  });
});

describe('machine check diagnostics', () => {
  it('host tensors past the host memory', () => {
    const base = testArch();
    const link = loadArch('tpu-v1').hostLink!;
    const arch = { ...base, hostLink: { ...link, hostCapacityBytes: 2048 } };
    const program = compile('.tensor A fp32[16, 16] place=host\n.tensor B fp32[16, 16] place=host\n.tensor C fp32[16, 16] place=host\n', arch);

    const diagnostics = checkProgramOnMachine(program, arch);

    expect(diagnostics).toHaveLength(1);
    expectDiagnostic(diagnostics[0], expectedError(3, 9, "host tensors need 3072 bytes up to 'C', more than the 2048 bytes of host memory of machine 'test-machine'"));
  });
});
