import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberValue } from '../../isa/grammar.js';
import { parseSource } from '../../isa/parse.js';
import { printProgram } from '../../isa/printer.js';
import { validate } from '../../isa/validate.js';

/** True for a field that records where a node is: `span`, `pos`, `end` and offsets such as `namePos`. */
function isPositionKey(key: string): boolean {
  return key.endsWith('pan') || key === 'pos' || key === 'end' || key.endsWith('Pos');
}

/** Removes spans and positions so that trees from different texts compare equal. */
function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !isPositionKey(key))
        .map(([key, inner]) => [key, stripSpans(inner)]),
    );
  }
  return value;
}

const KEYWORDS = new Set(['loop', 'endloop']);
const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/).filter((text) => !KEYWORDS.has(text));
const text = fc.string({ maxLength: 12 }).filter((s) => !/[\r\n\u0000]/.test(s));

const numberText = fc.oneof(
  fc.nat({ max: 100_000 }).map(String),
  fc.nat({ max: 0xffff }).map((n) => `0x${n.toString(16).toUpperCase()}`),
  fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${b}`),
  fc.tuple(fc.nat({ max: 9 }), fc.integer({ min: -9, max: 9 })).map(([a, e]) => `${a}e${e}`),
);

const expr = fc.letrec<{ expr: object }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberText.map((t) => ({ kind: 'number', value: numberValue(t), text: t })),
    name.map((n) => ({ kind: 'name', name: n })),
    fc.record({ kind: fc.constant('unary'), op: fc.constantFrom('-', '+'), operand: tie('expr') }),
    fc.record({ kind: fc.constant('binary'), op: fc.constantFrom('+', '-', '*', '/', '%'), left: tie('expr'), right: tie('expr') }),
  ),
})).expr;

const stringNode = text.map((value) => ({ kind: 'string', value }));
const index = fc.record({ start: expr, width: expr }, { requiredKeys: ['start'] });
const operand = fc.oneof(
  expr.map((e) => ({ kind: 'expr', expr: e })),
  fc.record({ kind: fc.constant('ref'), base: name, indices: fc.array(index, { minLength: 1, maxLength: 3 }) }),
  text.map((value) => ({ kind: 'string', value })),
);
const callArgument = fc.oneof(
  fc.record({ kind: fc.constant('positional'), value: fc.oneof(expr, stringNode) }),
  fc.record({ kind: fc.constant('named'), key: name, value: fc.oneof(expr, stringNode) }),
);
const optionValue = fc.oneof(expr, stringNode, fc.record({ kind: fc.constant('call'), name, args: fc.array(callArgument, { maxLength: 3 }) }));
const option = fc.record({ key: name, value: optionValue }, { requiredKeys: ['key'] });

const common = { blankLineBefore: fc.boolean(), trailingComment: text };
const commonKeys = ['blankLineBefore'] as const;

const instruction = fc
  .record({ kind: fc.constant('instruction'), mnemonic: name, operands: fc.array(operand, { maxLength: 3 }), options: fc.array(option, { maxLength: 3 }), ...common }, { requiredKeys: ['kind', 'mnemonic', 'operands', 'options', ...commonKeys] })
  // Without operands, a bare flag would read back as an operand, so the first option needs a value.
  .filter((s) => s.operands.length > 0 || s.options.length === 0 || s.options[0].value !== undefined);

const simple = fc.oneof(
  instruction,
  fc.record({ kind: fc.constant('label'), name, ...common }, { requiredKeys: ['kind', 'name', ...commonKeys] }),
  fc.record({ kind: fc.constant('const'), name, value: expr, ...common }, { requiredKeys: ['kind', 'name', 'value', ...commonKeys] }),
  fc.record(
    { kind: fc.constant('tensor'), name, format: fc.constantFrom('fp32', 'e4m3', 'bf16', 'e3m4'), shape: fc.array(expr, { minLength: 1, maxLength: 3 }), options: fc.array(option, { maxLength: 2 }), ...common },
    { requiredKeys: ['kind', 'name', 'format', 'shape', 'options', ...commonKeys] },
  ),
  fc.record({ kind: fc.constant('include'), path: text, ...common }, { requiredKeys: ['kind', 'path', ...commonKeys] }),
  fc.record({ kind: fc.constant('comment'), text, blankLineBefore: fc.boolean() }),
);

const statement = fc.letrec<{ statement: object }>((tie) => ({
  statement: fc.oneof(
    { depthSize: 'small' },
    simple,
    fc.record(
      { kind: fc.constant('loop'), variable: name, count: expr, body: fc.array(tie('statement'), { maxLength: 4 }), endComment: text, ...common },
      { requiredKeys: ['kind', 'variable', 'count', 'body', ...commonKeys] },
    ),
  ),
})).statement;

/** The first statement of a file cannot have a blank line before it. */
const program = fc.array(statement, { maxLength: 8 }).map((statements) => statements.map((s, i) => (i === 0 ? { ...s, blankLineBefore: false } : s)));

describe('printProgram', () => {
  it('printed form parses to the same tree', () => {
    fc.assert(
      fc.property(program, (statements) => {
        const ast = { file: 'p.lasm', statements } as never;

        const printed = printProgram(ast);
        const reparsed = parseSource(printed, 'p.lasm');

        expect(reparsed.diagnostics).toEqual([]);
        expect(stripSpans(reparsed.ast!.statements)).toEqual(stripSpans(statements));
      }),
      { numRuns: 300 },
    );
  });

  it('canonical form: lower case, indentation, spacing', () => {
    const source = 'LOOP i,4 ;c\n   VADD v0,v1,  v2 FMT=bf16\n\n\n  Loop j , (i+1)*2\nHALT\nEndLoop\nendloop\n';

    const printed = printProgram(parseSource(source, 'c.lasm').ast!);

    expect(printed).toBe('loop i, 4  ;c\n    vadd v0, v1, v2 fmt=bf16\n\n    loop j, (i + 1) * 2\n        halt\n    endloop\nendloop\n');
  });

  it('keyword option values in lower case', () => {
    const source = '.tensor A FP32[4, 4] init=Uniform(-1, 1, seed=2) place=HOST\nload sp[0], A[0 +: 4, 0 +: 4] FMT=E4M3 signal=VECTOR\nvmul v1, v2, v3 method=LMUL-FORMULA fmt=BF16 wait=Load\n';

    const printed = printProgram(parseSource(source, 'k.lasm').ast!);

    expect(printed).toBe('.tensor A fp32[4, 4] init=uniform(-1, 1, seed=2) place=host\nload sp[0], A[0 +: 4, 0 +: 4] fmt=e4m3 signal=vector\nvmul v1, v2, v3 method=lmul-formula fmt=bf16 wait=load\n');
    // Names that are not such words keep their spelling: A, v1, sp.
    expect(validate(parseSource(printed, 'k.lasm').ast!).diagnostics).toEqual(validate(parseSource(source, 'k.lasm').ast!).diagnostics);
  });

  it('formatting is idempotent', () => {
    const once = printProgram(parseSource('.tensor A FP32[4,4] init=uniform(-1,1,seed=2) output // t\n', 'i.lasm').ast!);

    const twice = printProgram(parseSource(once, 'i.lasm').ast!);

    expect(twice).toBe(once);
    expect(once).toBe('.tensor A fp32[4, 4] init=uniform(-1, 1, seed=2) output  ; t\n');
  });
});
