import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AddressExpr } from '../../isa/ast.js';
import { compileExpr, evaluate } from '../../isa/expr.js';

const env = { indices: [2, 9, 4], regs: [-5, 13], core: 1, ncores: 3 };

const leaf: fc.Arbitrary<AddressExpr> = fc.oneof(
  fc.integer({ min: -50, max: 50 }).map((value) => ({ op: 'const', value }) as AddressExpr),
  fc.integer({ min: 0, max: 2 }).map((depth) => ({ op: 'index', depth }) as AddressExpr),
  fc.integer({ min: 0, max: 1 }).map((reg) => ({ op: 'reg', reg }) as AddressExpr),
  fc.constant({ op: 'core' } as AddressExpr),
  fc.constant({ op: 'ncores' } as AddressExpr),
);

const tree = fc.letrec<{ expr: AddressExpr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('expr').map((a) => ({ op: 'neg', a }) as AddressExpr),
    fc.record({ op: fc.constantFrom('add', 'sub', 'mul', 'div', 'mod'), a: tie('expr'), b: tie('expr') }).map((node) => node as AddressExpr),
  ),
})).expr;

describe('AddressExpr', () => {
  it('division truncates toward zero', () => {
    const expr: AddressExpr = { op: 'div', a: { op: 'const', value: -7 }, b: { op: 'const', value: 2 } };

    expect(evaluate(expr, env)).toBe(-3);
  });

  it('remainder takes the sign of the dividend', () => {
    const expr: AddressExpr = { op: 'mod', a: { op: 'const', value: -7 }, b: { op: 'const', value: 3 } };

    expect(evaluate(expr, env)).toBe(-1);
  });

  it('division by zero gives NaN', () => {
    expect(evaluate({ op: 'div', a: { op: 'const', value: 1 }, b: { op: 'reg', reg: 0 } }, { ...env, regs: [0] })).toBeNaN();
  });

  it('leaves read the environment', () => {
    expect(evaluate({ op: 'index', depth: 1 }, env)).toBe(9);
    expect(evaluate({ op: 'reg', reg: 1 }, env)).toBe(13);
    expect(evaluate({ op: 'core' }, env)).toBe(1);
    expect(evaluate({ op: 'ncores' }, env)).toBe(3);
  });

  it('compiled and interpreted agree', () => {
    fc.assert(
      fc.property(tree, (expr) => {
        const compiled = compileExpr(expr)(env);
        const interpreted = evaluate(expr, env);
        expect(Object.is(compiled, interpreted) || (Number.isNaN(compiled) && Number.isNaN(interpreted))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
