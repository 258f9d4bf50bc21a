import { describe, expect, it } from 'vitest';
import { SHARED_POSITION, spanAt, type StatementAst } from '../../isa/ast.js';
import { MAX_NESTING, parseSource } from '../../isa/parse.js';

function parseOk(text: string): readonly StatementAst[] {
  const { ast, diagnostics } = parseSource(text, 'test.lasm');
  expect(diagnostics).toEqual([]);
  return ast!.statements;
}

describe('parseSource', () => {
  it('literals: decimal, hex, scientific', () => {
    const statements = parseOk('.const A = 0x1F\n.const B = 1.5e-3\n.const C = 42\n');

    const values = statements.map((s) => (s.kind === 'const' && s.value.kind === 'number' ? [s.value.value, s.value.text] : undefined));

    expect(values).toEqual([
      [31, '0x1F'],
      [0.0015, '1.5e-3'],
      [42, '42'],
    ]);
  });

  it('operator precedence and associativity', () => {
    const [statement] = parseOk('.const X = 10 - 4 - 2 * 3 % 4\n');

    expect(statement.kind).toBe('const');
    const value = statement.kind === 'const' ? statement.value : undefined;
    // ((10 - 4) - ((2 * 3) % 4))
    expect(value).toMatchObject({ kind: 'binary', op: '-', left: { kind: 'binary', op: '-' }, right: { kind: 'binary', op: '%', left: { kind: 'binary', op: '*' } } });
  });

  it('mnemonics keep their case', () => {
    const [statement] = parseOk('VADD v0, v1, v2\n');

    expect(statement).toMatchObject({ kind: 'instruction', mnemonic: 'VADD' });
  });

  it('keywords are case-insensitive', () => {
    const [statement] = parseOk('LOOP i, 2\n  halt\nEndLoop\n');

    expect(statement.kind).toBe('loop');
  });

  it('operands, part-selects and options', () => {
    const [statement] = parseOk('load sp[i * 16], A[i +: 16, 0 +: 8] fmt=e4m3 sat wait=compute\n');

    expect(statement).toMatchObject({
      kind: 'instruction',
      operands: [
        { kind: 'ref', base: 'sp', indices: [{ start: { kind: 'binary' } }] },
        { kind: 'ref', base: 'A', indices: [{ width: { value: 16 } }, { width: { value: 8 } }] },
      ],
      options: [{ key: 'fmt', value: { kind: 'name', name: 'e4m3' } }, { key: 'sat' }, { key: 'wait', value: { name: 'compute' } }],
    });
  });

  it('lmul-formula is one name', () => {
    const [statement] = parseOk('matmul acc[0], sp[0] m=1 k=1 n=1 method=lmul-formula\n');

    const options = statement.kind === 'instruction' ? statement.options : [];
    expect(options[3]).toMatchObject({ key: 'method', value: { kind: 'name', name: 'lmul-formula' } });
  });

  it('spans are 1-based with exclusive end', () => {
    const [statement] = parseOk('  halt\n');

    expect(statement.span).toMatchObject({ file: 'test.lasm', line: 1, column: 3, endColumn: 7 });
  });

  it('nested loops become nested bodies', () => {
    const statements = parseOk('loop i, 2\n  loop j, 3\n    halt\n  endloop\nendloop\n');

    expect(statements).toHaveLength(1);
    const outer = statements[0];
    const inner = outer.kind === 'loop' ? outer.body[0] : undefined;
    expect(inner?.kind).toBe('loop');
    expect(inner?.kind === 'loop' ? inner.body[0].kind : undefined).toBe('instruction');
  });

  it('comments: standalone, trailing and endloop', () => {
    const statements = parseOk('; head\nloop i, 2  ; outer\n  // inside\n  halt ; stop\nendloop ; done\n');

    expect(statements[0]).toMatchObject({ kind: 'comment', text: ' head' });
    const loop = statements[1];
    expect(loop).toMatchObject({ kind: 'loop', trailingComment: ' outer', endComment: ' done' });
    const body = loop.kind === 'loop' ? loop.body : [];
    expect(body[0]).toMatchObject({ kind: 'comment', text: ' inside' });
    expect(body[1]).toMatchObject({ kind: 'instruction', trailingComment: ' stop' });
  });

  it('blank lines are recorded', () => {
    const statements = parseOk('halt\n\n\nfence\nbarrier\n');

    expect(statements.map((s) => s.blankLineBefore)).toEqual([false, true, false]);
  });

  it('label before an instruction on one line', () => {
    const statements = parseOk('top: halt\n');

    expect(statements.map((s) => s.kind)).toEqual(['label', 'instruction']);
  });

  it('string escapes', () => {
    const [statement] = parseOk('.include "a\\"b\\\\c.lasm"\n');

    expect(statement).toMatchObject({ kind: 'include', path: 'a"b\\c.lasm' });
  });

  it('CRLF and CR line endings', () => {
    const statements = parseOk('halt\r\nfence\rbarrier');

    expect(statements.map((s) => s.span.line)).toEqual([1, 2, 3]);
  });

  it('empty file gives an empty program', () => {
    const { ast, diagnostics } = parseSource('', 'empty.lasm');

    expect(diagnostics).toEqual([]);
    expect(ast?.statements).toEqual([]);
  });

  it('one error per bad line, other lines kept', () => {
    const { ast, diagnostics } = parseSource('halt\nvadd v0,, v1\nfence\nload (\nbarrier\n', 'x.lasm');

    expect(diagnostics.map((d) => d.span?.line)).toEqual([2, 4]);
    expect(ast?.statements.map((s) => (s.kind === 'instruction' ? s.mnemonic : s.kind))).toEqual(['halt', 'fence', 'barrier']);
  });

  it('syntax error names expected tokens by label', () => {
    const { diagnostics } = parseSource('loop i 4\n', 'x.lasm');

    expect(diagnostics[0].message).toBe("expected ',' but found '4'");
    expect(diagnostics[0].span).toMatchObject({ line: 1, column: 8 });
  });

  it('error at end of line points past the last token', () => {
    const { diagnostics } = parseSource('set r1,\n', 'x.lasm');

    expect(diagnostics[0].message).toContain('but found end of line');
    expect(diagnostics[0].span).toMatchObject({ line: 1, column: 8 });
  });

  it('NUL bytes reject the file', () => {
    const { ast, diagnostics } = parseSource('halt\n\u0000\u0001', 'bin.lasm');

    expect(ast).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toContain('NUL');
    expect(diagnostics[0].span).toMatchObject({ line: 2, column: 1 });
  });

  it('loops nested too deep are rejected', () => {
    const depth = MAX_NESTING + 5;
    const text = 'loop i, 1\n'.repeat(depth) + 'halt\n' + 'endloop\n'.repeat(depth);

    const { ast, diagnostics } = parseSource(text, 'deep.lasm');

    expect(ast).toBeUndefined();
    expect(diagnostics[0].message).toBe(`loops nested more than ${MAX_NESTING} levels deep`);
    expect(diagnostics[0].span?.line).toBe(MAX_NESTING + 1);
  });

  it('long operator chains are rejected, not overflowing the stack', () => {
    const text = `.const X = ${'1+'.repeat(3000)}1\n`;

    const { diagnostics } = parseSource(text, 'long.lasm');

    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toBe('line has 6004 tokens; the limit is 4096');
    // `.const X = ` is three tokens, then `1` and `+` alternate, so token 4097 is a `+` at column 4105.
    expect(diagnostics[0].span).toMatchObject({ line: 1, column: 4105, endColumn: 4106 });
  });

  it('many unary signs are rejected', () => {
    const { diagnostics } = parseSource(`.const X = ${'-'.repeat(1000)}1\n`, 'signs.lasm');

    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toBe("more than 64 '+' or '-' signs in a row; each nests the expression one level, and the limit is 64");
  });

  it('node positions are offsets in the line', () => {
    const [, statement] = parseOk('halt\r\n\t load sp[i * 16], A[j +: 4] fmt=e4m3\n');

    if (statement.kind !== 'instruction') throw new Error(`expected an instruction, got ${statement.kind}`);
    const [scratchpad, tensor] = statement.operands;
    expect(statement.span).toEqual({ file: 'test.lasm', line: 2, column: 3, endLine: 2, endColumn: 38 });
    expect([scratchpad.pos, scratchpad.end]).toEqual([7, 17]);
    expect([tensor.pos, tensor.end]).toEqual([19, 28]);
    expect([statement.options[0].pos, statement.options[0].end]).toEqual([29, 37]);
    const index = tensor.kind === 'ref' ? tensor.indices[0] : undefined;
    expect([index?.pos, index?.end]).toEqual([21, 27]);
    expect(index?.width).toMatchObject({ kind: 'number', text: '4', pos: SHARED_POSITION });
  });

  it('leaves are shared by spelling', () => {
    const [first, second] = parseOk('vload v1, sp[j * 4]\nvload v2, sp[j * 4] fmt=bf16\n.const K = j\n');

    if (first.kind !== 'instruction' || second.kind !== 'instruction') throw new Error('expected two instructions');
    expect(second.operands[0]).toMatchObject({ kind: 'expr', pos: 6, end: 8, expr: { kind: 'name', name: 'v2', pos: SHARED_POSITION } });
    const [firstAddress, secondAddress] = [first.operands[1], second.operands[1]];
    if (firstAddress.kind !== 'ref' || secondAddress.kind !== 'ref') throw new Error('expected memory operands');
    const [firstStart, secondStart] = [firstAddress.indices[0].start, secondAddress.indices[0].start];
    // Operator nodes keep their own position, which locates their operands.
    expect(secondStart).not.toBe(firstStart);
    expect(secondStart).toMatchObject({ kind: 'binary', pos: 13, end: 18, left: { name: 'j', pos: SHARED_POSITION } });
    expect(secondStart.kind === 'binary' ? secondStart.left : undefined).toBe(firstStart.kind === 'binary' ? firstStart.left : undefined);
    expect(second.options[0].value).toMatchObject({ kind: 'name', name: 'bf16', pos: SHARED_POSITION });
  });

  it('spanAt gives the line and columns of a node', () => {
    const [, loop] = parseOk('.const N = 4\n\nloop i, N * 2\n  halt\nendloop\n');

    if (loop.kind !== 'loop') throw new Error(`expected a loop, got ${loop.kind}`);
    expect(spanAt(loop.span, loop.count)).toEqual({ file: 'test.lasm', line: 3, column: 9, endLine: 3, endColumn: 14 });
    expect(spanAt(loop.span, { pos: loop.variablePos, end: loop.variablePos + loop.variable.length })).toMatchObject({ line: 3, column: 6, endColumn: 7 });
  });
});
