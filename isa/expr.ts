/**
 * Evaluation of run-time integer expressions (`AddressExpr`): an interpreter for occasional use
 * and a compiler to closures for the simulator's inner loops.
 */
import type { AddressExpr, EvalEnv } from './ast.js';

/** Evaluates `expr`; division by zero returns NaN, which callers report as a run-time error. */
export function evaluate(expr: AddressExpr, env: EvalEnv): number {
  switch (expr.op) {
    case 'const':
      return expr.value;
    case 'index':
      return env.indices[expr.depth];
    case 'reg':
      return env.regs[expr.reg];
    case 'core':
      return env.core;
    case 'ncores':
      return env.ncores;
    case 'neg':
      return -evaluate(expr.a, env);
    default:
      return applyBinary(expr.op, evaluate(expr.a, env), evaluate(expr.b, env));
  }
}

/** Applies a binary operator to integers: `/` truncates toward zero and `%` takes the dividend's sign. */
export function applyBinary(op: 'add' | 'sub' | 'mul' | 'div' | 'mod', a: number, b: number): number {
  switch (op) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return b === 0 ? NaN : Math.trunc(a / b);
    case 'mod':
      return b === 0 ? NaN : a % b;
  }
}

/** A compiled expression. */
export type CompiledExpr = (env: EvalEnv) => number;

/**
 * Compiles `expr` to a closure tree. Constants return directly, and `index * const + const`
 * shapes, the common address form, cost two closure calls.
 */
export function compileExpr(expr: AddressExpr): CompiledExpr {
  switch (expr.op) {
    case 'const': {
      const value = expr.value;
      return () => value;
    }
    case 'index': {
      const depth = expr.depth;
      return (env) => env.indices[depth];
    }
    case 'reg': {
      const reg = expr.reg;
      return (env) => env.regs[reg];
    }
    case 'core':
      return (env) => env.core;
    case 'ncores':
      return (env) => env.ncores;
    case 'neg': {
      const a = compileExpr(expr.a);
      return (env) => -a(env);
    }
    default:
      return compileBinary(expr.op, expr.a, expr.b);
  }
}

function compileBinary(op: 'add' | 'sub' | 'mul' | 'div' | 'mod', left: AddressExpr, right: AddressExpr): CompiledExpr {
  const a = compileExpr(left);
  if (right.op === 'const') {
    const b = right.value;
    switch (op) {
      case 'add':
        return (env) => a(env) + b;
      case 'sub':
        return (env) => a(env) - b;
      case 'mul':
        return (env) => a(env) * b;
      default:
        return (env) => applyBinary(op, a(env), b);
    }
  }
  const b = compileExpr(right);
  switch (op) {
    case 'add':
      return (env) => a(env) + b(env);
    case 'sub':
      return (env) => a(env) - b(env);
    case 'mul':
      return (env) => a(env) * b(env);
    default:
      return (env) => applyBinary(op, a(env), b(env));
  }
}

/** Returns the value of `expr` when it reads no index, register or core, else undefined. */
export function constantValue(expr: AddressExpr): number | undefined {
  return expr.op === 'const' ? expr.value : undefined;
}
