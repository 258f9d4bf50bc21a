import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StatementAst } from '../../isa/ast.js';
import { parseSource, programEntries } from '../../isa/parse.js';
import { validate } from '../../isa/validate.js';

/**
 * Lines with the same text share their parsed operands and options, lines with the same shape
 * (shapes.ts) share one tree, and the validator reuses what it resolved for earlier lines. These
 * tests compare against `parseSource(text, file, { reuseLines: false })`, which parses every line
 * into a tree of its own, as a reference.
 */

/**
 * Repeated lines put before every program checked, so that parseSource returns the compact form
 * (256 repeated lines or more) and looks for line shapes (a source of 16 384 characters or more).
 */
const FILLER = 'vadd v1, v2, v3  ; repeated line that makes the source long enough for line shapes\n'.repeat(300);

/**
 * Checks `text` against the reference parse: first validated in the compact form that parseSource
 * returns, then its statements, then validated again from the statements.
 */
function checkAgainstReference(program: string): void {
  const text = FILLER + program;
  const shared = parseSource(text, 'reuse.lasm');
  const reference = parseSource(text, 'reuse.lasm', { reuseLines: false });
  expect(shared.diagnostics).toEqual(reference.diagnostics);
  expect(programEntries(shared.ast!)).toBeDefined();

  const referenceResult = validate(reference.ast!);
  const compactResult = validate(shared.ast!);
  expect(compactResult.diagnostics).toEqual(referenceResult.diagnostics);
  expect(compactResult.program).toEqual(referenceResult.program);

  expect(shared.ast!.statements).toEqual(reference.ast!.statements);

  const expandedResult = validate(shared.ast!);
  expect(expandedResult.diagnostics).toEqual(referenceResult.diagnostics);
  expect(expandedResult.program).toEqual(referenceResult.program);
}

const PRELUDE = ['.const T = 16', '.tensor A e4m3[256, 256] init=uniform(-1, 1, seed=1)', '.tensor C fp32[256, 256] output'];

describe('repeated lines', () => {
  it('share operands and options', () => {
    const line = 'load sp[0], A[0 +: T, 0 +: T] fmt=e4m3 signal=compute';
    // The filler makes the source long enough for reuse.
    const { ast } = parseSource([...PRELUDE, line, 'halt', line].join('\n') + '\n' + FILLER, 'reuse.lasm');

    const [first, , second] = ast!.statements.slice(3) as Extract<StatementAst, { kind: 'instruction' }>[];
    expect(second.operands).toBe(first.operands);
    expect(second.options).toBe(first.options);
    expect(second.span).toEqual({ ...first.span, line: 6, endLine: 6 });
  });

  it('comments and blank lines of repeated blocks', () => {
    const block = ['; load a tile', 'load sp[0], A[0 +: T, 0 +: T] signal=compute  ; first', '', '    ; indented comment', 'preload sp[0] k=T n=T wait=load', ''];
    // 300 copies make the source long enough for reuse; the first three are compared.
    const { ast } = parseSource(Array<string[]>(300).fill(block).flat().join('\n'), 'reuse.lasm');

    const statements = ast!.statements;
    expect(statements).toHaveLength(1200);
    // A later copy starts after the blank line that ends the copy before it.
    const shifted = (statement: StatementAst, lines: number): unknown => ({
      ...statement,
      span: { ...statement.span, line: statement.span.line + lines, endLine: statement.span.line + lines },
      blankLineBefore: statement === statements[0] ? true : statement.blankLineBefore,
    });
    for (let i = 0; i < 4; i++) {
      expect(statements[i + 4]).toEqual(shifted(statements[i], 6));
      expect(statements[i + 8]).toEqual(shifted(statements[i], 12));
    }
    expect(statements.slice(0, 12).map((statement) => (statement.kind === 'comment' ? statement.text : statement.trailingComment))).toEqual([' load a tile', ' first', ' indented comment', undefined, ' load a tile', ' first', ' indented comment', undefined, ' load a tile', ' first', ' indented comment', undefined]);
  });

  it('NUL byte after repeated lines', () => {
    const line = 'vadd v1, v2, v3';
    const text = [line, line, line, 'loop i 4', line, `${line} ; a\u0000b`, line].join('\n');

    const { ast, diagnostics } = parseSource(text, 'reuse.lasm');

    expect(ast).toBeUndefined();
    expect(diagnostics).toEqual([{ severity: 'error', message: 'file contains NUL bytes; a .lasm program must be text', span: { file: 'reuse.lasm', line: 6, column: 20 } }]);
  });

  it('names of Object.prototype as lines', () => {
    const { ast, diagnostics } = parseSource('__proto__\n__proto__\nconstructor\nconstructor\n', 'reuse.lasm');

    expect(diagnostics).toEqual([]);
    expect(ast!.statements.map((statement) => (statement.kind === 'instruction' ? statement.mnemonic : statement.kind))).toEqual(['__proto__', '__proto__', 'constructor', 'constructor']);
  });

  it('matmul rechecked after a new preload', () => {
    const matmul = 'matmul acc[0], sp[0] m=T k=T n=T method=lmul';
    const text = [...PRELUDE, 'preload sp[0] k=T n=T', matmul, 'preload sp[0] k=8 n=T', matmul, 'preload sp[0] k=T n=T', matmul, 'halt'].join('\n');

    const { ast } = parseSource(text, 'reuse.lasm');
    expect(validate(ast!).diagnostics.map((d) => d.span?.line)).toEqual([7]);
    checkAgainstReference(text);
  });

  it('vector range rechecked after vsetlen', () => {
    const vload = 'vload v1, sp[262100]';
    const text = [...PRELUDE, 'vsetlen 16', vload, 'vsetlen 256', vload, 'halt'].join('\n');

    const { ast } = parseSource(text, 'reuse.lasm');
    expect(validate(ast!).diagnostics.map((d) => d.span?.line)).toEqual([7]);
    checkAgainstReference(text);
  });

  it('range rechecked in another loop', () => {
    const load = '    load sp[i * 256], A[i * T +: T, 0 +: T]';
    const text = [...PRELUDE, 'loop i, 4', load, 'endloop', 'loop i, 32', load, 'endloop', 'loop i, 4', load, 'endloop', 'halt'].join('\n');

    const { ast } = parseSource(text, 'reuse.lasm');
    expect(validate(ast!).diagnostics.map((d) => d.span?.line)).toEqual([8]);
    checkAgainstReference(text);
  });

  it('tokens counted on every copy', () => {
    const text = [...PRELUDE, 'load sp[0], A[0 +: T, 0 +: T] signal=compute', 'load sp[0], A[0 +: T, 0 +: T] signal=compute', 'preload sp[0] k=T n=T wait=load', 'halt'].join('\n');

    const { ast } = parseSource(text, 'reuse.lasm');
    expect(validate(ast!).diagnostics.map((d) => d.message)).toEqual(['the load queue signals 2 tokens to the compute queue, which waits for only 1']);
    checkAgainstReference(text);
  });

  it('random programs agree with the reference', () => {
    const pool = [
      'preload sp[0] k=T n=T wait=load',
      'preload sp[256] k=8 n=T',
      'matmul acc[0], sp[0] m=T k=T n=T method=lmul signal=load',
      'matmul acc[256], sp[0] m=T k=8 n=T accumulate',
      'load sp[0], A[j * T +: T, 0 +: T] fmt=e4m3 signal=compute',
      'load sp[j * 8192], A[0 +: T, j * T +: T] wait=compute',
      'store C[j * T +: T, 0 +: T], acc[0]',
      'vsetlen 64',
      'vsetlen 256',
      'vsetlen j + 1',
      'vload v1, sp[262100]',
      'vload v2, sp[j * 16]',
      'vmul v3, v1, v2 method=lmul fmt=bf16',
      'vstore sp[1024 + j], v3 fmt=bf16',
      'set r1, r1 + j * 64',
      'vadd v1, v2, x3',
      'halt',
    ];
    const line = fc.constantFrom(...pool);
    const block = fc.record({ count: fc.constantFrom(1, 4, 16, 300), body: fc.array(line, { maxLength: 8 }) });
    const program = fc.array(fc.oneof(line, block), { maxLength: 12 });

    fc.assert(
      fc.property(program, (parts) => {
        const lines = [...PRELUDE];
        for (const part of parts) {
          if (typeof part === 'string') lines.push(part.replaceAll('j', '0'));
          else lines.push(`loop j, ${part.count}`, ...part.body.map((inner) => `    ${inner}`), 'endloop');
        }
        checkAgainstReference(lines.join('\n'));
      }),
      { numRuns: 300 },
    );
  });
});
