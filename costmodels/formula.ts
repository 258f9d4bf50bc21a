/**
 * Gate-count formulas: mathjs expressions, parsed by mathjs and then checked against a whitelist
 * before anything runs. Evaluation walks the checked syntax tree in this module. It never calls
 * mathjs's own evaluate, compile or function namespace, so a formula cannot reach `import`,
 * `createUnit`, `evaluate`, `parse`, `simplify`, `derivative`, `resolve`, object properties or
 * JavaScript functions.
 *
 * Accepted syntax: numbers; names of parameters and `let` values; parentheses; the operators
 * + - * / ^ % (mod), unary minus and plus, == != < > <= >=, and, or, not; `c ? a : b`; and calls
 * to the functions in FORMULA_FUNCTIONS.
 *
 * Only mathjs's parser is used, so the module imports the number-only build (`mathjs/number`).
 * Its parse trees equal the full build's for plain numbers. It loaded in 0.33 s against the full
 * build's 0.65 s (mathjs 15, Node 20, a shared 2-core machine).
 */
import { createRequire } from 'node:module';
import type { MathNode } from 'mathjs/number';

/**
 * mathjs's parser, loaded on the first formula: loading mathjs takes about 0.3 s, which every
 * command would otherwise pay at start-up, including those that never read a cost model. The
 * CommonJS build is loaded, because `require` is synchronous and formulas are parsed synchronously.
 */
let mathParse: ((text: string) => MathNode) | undefined;

function parse(text: string): MathNode {
  mathParse ??= (createRequire(import.meta.url)('mathjs/number') as typeof import('mathjs/number')).parse;
  return mathParse(text);
}

/** Functions a formula may call, with their arity (`undefined`: one or more arguments). */
export const FORMULA_FUNCTIONS: Readonly<Record<string, { readonly arity?: number; readonly fn: (...args: number[]) => number }>> = {
  log2: { arity: 1, fn: Math.log2 },
  ceil: { arity: 1, fn: Math.ceil },
  floor: { arity: 1, fn: Math.floor },
  round: { arity: 1, fn: Math.round },
  abs: { arity: 1, fn: Math.abs },
  sqrt: { arity: 1, fn: Math.sqrt },
  max: { fn: Math.max },
  min: { fn: Math.min },
};

const BINARY_OPERATORS: Readonly<Record<string, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => a / b,
  pow: (a, b) => a ** b,
  mod: (a, b) => a - b * Math.floor(a / b),
  equal: (a, b) => Number(a === b),
  unequal: (a, b) => Number(a !== b),
  smaller: (a, b) => Number(a < b),
  larger: (a, b) => Number(a > b),
  smallerEq: (a, b) => Number(a <= b),
  largerEq: (a, b) => Number(a >= b),
  and: (a, b) => Number(a !== 0 && b !== 0),
  or: (a, b) => Number(a !== 0 || b !== 0),
};

const UNARY_OPERATORS: Readonly<Record<string, (a: number) => number>> = {
  unaryMinus: (a) => -a,
  unaryPlus: (a) => a,
  not: (a) => Number(a === 0),
};

/** A formula that passed the whitelist, with the names it reads. */
export interface Formula {
  readonly text: string;
  readonly node: MathNode;
  /** Variable names the formula reads, in order of first use. */
  readonly symbols: readonly string[];
}

/** Reason a formula was rejected, with the character index in the formula text when known. */
export interface FormulaError {
  readonly message: string;
  readonly offset?: number;
}

/** Parses and checks a formula, returning it or the first reason it is rejected. */
export function parseFormula(text: string): { ok: true; formula: Formula } | { ok: false; error: FormulaError } {
  let node: MathNode;
  try {
    node = parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const charMatch = /\(char (\d+)\)/.exec(message);
    return { ok: false, error: { message: `formula syntax error: ${message}`, ...(charMatch ? { offset: Math.max(0, Number(charMatch[1]) - 1) } : {}) } };
  }

  const symbols: string[] = [];
  const problem = check(node, text, symbols);
  if (problem) return { ok: false, error: problem };
  return { ok: true, formula: { text, node, symbols } };
}

function locate(text: string, needle: string): number | undefined {
  const index = text.indexOf(needle);
  return index >= 0 ? index : undefined;
}

function rejected(text: string, message: string, needle?: string): FormulaError {
  const offset = needle === undefined ? undefined : locate(text, needle);
  return { message, ...(offset === undefined ? {} : { offset }) };
}

/** Walks the tree and returns the first construct outside the whitelist. */
function check(node: MathNode, text: string, symbols: string[]): FormulaError | undefined {
  const anyNode = node as MathNode & Record<string, unknown>;
  switch (node.type) {
    case 'ConstantNode': {
      const value = anyNode.value;
      if (typeof value !== 'number' || !Number.isFinite(value)) return rejected(text, `only numeric constants are allowed in formulas, found ${JSON.stringify(value)}`);
      return undefined;
    }
    case 'SymbolNode': {
      const name = anyNode.name as string;
      if (Object.hasOwn(FORMULA_FUNCTIONS, name)) return rejected(text, `function '${name}' used as a value`, name);
      if (!symbols.includes(name)) symbols.push(name);
      return undefined;
    }
    case 'ParenthesisNode':
      return check(anyNode.content as MathNode, text, symbols);
    case 'OperatorNode': {
      const fn = anyNode.fn as string;
      const args = anyNode.args as MathNode[];
      const allowed = args.length === 1 ? Object.hasOwn(UNARY_OPERATORS, fn) : args.length === 2 && Object.hasOwn(BINARY_OPERATORS, fn);
      if (!allowed) return rejected(text, `operator '${String(anyNode.op)}' is not allowed in formulas`, String(anyNode.op));
      for (const arg of args) {
        const problem = check(arg, text, symbols);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'ConditionalNode': {
      for (const part of [anyNode.condition, anyNode.trueExpr, anyNode.falseExpr] as MathNode[]) {
        const problem = check(part, text, symbols);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'FunctionNode': {
      const callee = anyNode.fn as MathNode & Record<string, unknown>;
      if (callee.type !== 'SymbolNode') return rejected(text, 'only calls of named functions are allowed in formulas, not of computed values', '(');
      const name = callee.name as string;
      const entry = Object.hasOwn(FORMULA_FUNCTIONS, name) ? FORMULA_FUNCTIONS[name] : undefined;
      if (!entry) {
        return rejected(text, `function '${name}' is not allowed in formulas (allowed: ${Object.keys(FORMULA_FUNCTIONS).join(', ')})`, name);
      }
      const args = anyNode.args as MathNode[];
      if (entry.arity !== undefined ? args.length !== entry.arity : args.length === 0) {
        return rejected(text, `function '${name}' takes ${entry.arity ?? 'one or more'} argument${entry.arity === 1 ? '' : 's'}, found ${args.length}`, name);
      }
      for (const arg of args) {
        const problem = check(arg, text, symbols);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'AccessorNode':
    case 'IndexNode':
      return rejected(text, 'property access and indexing are not allowed in formulas', text.includes('.') ? '.' : '[');
    case 'AssignmentNode':
    case 'FunctionAssignmentNode':
      return rejected(text, 'assignments are not allowed in formulas', '=');
    default:
      return rejected(text, `${node.type.replace(/Node$/, '').toLowerCase()} expressions are not allowed in formulas`);
  }
}

/**
 * Evaluates a checked formula with the given variable values. `lookup` returns the value of a
 * name; every name was checked when the file was loaded, so a missing one is a bug.
 */
export function evaluateFormula(formula: Formula, lookup: (name: string) => number): number {
  return evaluateNode(formula.node, lookup);
}

function evaluateNode(node: MathNode, lookup: (name: string) => number): number {
  const anyNode = node as MathNode & Record<string, unknown>;
  switch (node.type) {
    case 'ConstantNode':
      return anyNode.value as number;
    case 'SymbolNode':
      return lookup(anyNode.name as string);
    case 'ParenthesisNode':
      return evaluateNode(anyNode.content as MathNode, lookup);
    case 'OperatorNode': {
      const args = (anyNode.args as MathNode[]).map((arg) => evaluateNode(arg, lookup));
      const fn = anyNode.fn as string;
      return args.length === 1 ? UNARY_OPERATORS[fn](args[0]) : BINARY_OPERATORS[fn](args[0], args[1]);
    }
    case 'ConditionalNode':
      return evaluateNode(anyNode.condition as MathNode, lookup) !== 0
        ? evaluateNode(anyNode.trueExpr as MathNode, lookup)
        : evaluateNode(anyNode.falseExpr as MathNode, lookup);
    case 'FunctionNode': {
      const name = (anyNode.fn as unknown as { name: string }).name;
      const args = (anyNode.args as MathNode[]).map((arg) => evaluateNode(arg, lookup));
      return FORMULA_FUNCTIONS[name].fn(...args);
    }
    default:
      throw new Error(`unchecked formula node ${node.type}`);
  }
}
