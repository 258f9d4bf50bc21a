/**
 * Name resolution and constant folding of expressions, and interval bounds of run-time
 * expressions for static range checks.
 */
import { closestMatch } from '../common/diagnostic.js';
import { tryParseFormat } from '../sim/numerics/index.js';
import { leafLength, MULTIPLIER_METHODS, QUEUES, type AddressExpr, type ExprAst, type Positioned } from './ast.js';
import { applyBinary } from './expr.js';

/** Names that no constant, tensor, loop variable or label may take. */
export const BUILTIN_NAMES = ['core', 'ncores', 'sp', 'acc'] as const;

/**
 * Returns N when `name` is `prefix` (a lower-case letter, matched in either case) followed by one
 * or more decimal digits, else undefined. Same result as the pattern /^p([0-9]+)$/i with Number().
 */
function registerNumber(name: string, prefix: number): number | undefined {
  const length = name.length;
  if (length < 2 || (name.charCodeAt(0) | 0x20) !== prefix) return undefined;
  let value = 0;
  for (let i = 1; i < length; i++) {
    const c = name.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    value = value * 10 + (c - 48);
  }
  // Past 15 digits the running sum can round differently from Number's correctly rounded parse.
  return length > 16 ? Number(name.slice(1)) : value;
}

/** Returns the register number of `rN`, or undefined. */
export function scalarRegister(name: string): number | undefined {
  return registerNumber(name, 114);
}

/** Returns the register number of `vN`, or undefined. */
export function vectorRegister(name: string): number | undefined {
  return registerNumber(name, 118);
}

/** True for names reserved by the language: registers, buffers and builtins. */
export function isReservedName(name: string): boolean {
  const lower = name.toLowerCase();
  return (BUILTIN_NAMES as readonly string[]).includes(lower) || scalarRegister(name) !== undefined || vectorRegister(name) !== undefined;
}

/** A folded constant; `float` is true when a non-integer literal took part, which changes `/`. */
export interface ConstValue {
  readonly value: number;
  readonly float: boolean;
}

/** Meaning of a name inside an expression. */
export type NameMeaning =
  | { readonly kind: 'const'; readonly resolved: Resolved }
  | { readonly kind: 'index'; readonly depth: number }
  | { readonly kind: 'tensor' }
  /** A name whose declaration failed, or that was already reported as not defined. */
  | { readonly kind: 'invalid' };

/** The scope an expression is resolved in. */
export interface ExprScope {
  readonly lookup: (name: string) => NameMeaning | undefined;
  /** Candidate names for "did you mean". */
  readonly names: () => Iterable<string>;
  readonly scalarRegisters: number;
  /** Reports an error at `node`, a position in the line of the statement being checked. */
  readonly report: (message: string, node: Positioned, hint?: string) => void;
  /** Marks `name` as reported, so that later lookups return the 'invalid' meaning. */
  readonly invalidate: (name: string) => void;
  /** Canonical run-time trees, shared between all expressions of one program. */
  readonly addresses: AddressTable;
}

/** A run-time value: `expr` is canonical in its `AddressTable`, and `id` numbers it there (-1 when the table is full). */
export interface DynamicValue {
  readonly kind: 'dynamic';
  readonly expr: AddressExpr;
  readonly id: number;
}

/** Result of resolving an expression: a constant or a run-time tree. */
export type Resolved = { readonly kind: 'const'; readonly value: ConstValue } | DynamicValue;

const OPS = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod' } as const;
type AddressOp = 'add' | 'sub' | 'mul' | 'div' | 'mod';
const OP_CODES: Readonly<Record<AddressOp | 'neg', number>> = { add: 0, sub: 1, mul: 2, div: 3, mod: 4, neg: 5 };

/** Most distinct nodes an `AddressTable` numbers; keeps every lookup key a small integer. */
const MAX_ADDRESS_IDS = 1 << 20;

/**
 * Hash-consing of run-time expressions: structurally equal trees resolve to one shared, immutable
 * `AddressExpr`. Programs repeat the same address arithmetic on thousands of lines, and sharing
 * keeps the resolved program small. A constant child is keyed by its value, a run-time child by
 * its id.
 */
export class AddressTable {
  private nextId = 0;
  private readonly indexLeaves: DynamicValue[] = [];
  private readonly registerLeaves: DynamicValue[] = [];
  private coreLeaf: DynamicValue | undefined;
  private ncoresLeaf: DynamicValue | undefined;
  /** Ids of the small integer constants by value, -1 for none yet; grown on demand, because most programs use few. */
  private constantIds = new Int32Array(0);
  /** Key `op + 8 * leftKey` to a map from `rightKey` to the node. */
  private readonly nodes = new Map<number, Map<number, DynamicValue>>();

  private make(expr: AddressExpr): DynamicValue {
    const id = this.nextId < MAX_ADDRESS_IDS ? this.nextId++ : -1;
    return { kind: 'dynamic', expr, id };
  }

  index(depth: number): DynamicValue {
    return (this.indexLeaves[depth] ??= this.make({ op: 'index', depth }));
  }

  register(reg: number): DynamicValue {
    return (this.registerLeaves[reg] ??= this.make({ op: 'reg', reg }));
  }

  core(): DynamicValue {
    return (this.coreLeaf ??= this.make({ op: 'core' }));
  }

  ncores(): DynamicValue {
    return (this.ncoresLeaf ??= this.make({ op: 'ncores' }));
  }

  /**
   * Returns the key of an operand: a run-time node's id or a constant's own id. Returns -1 when the
   * table is full, and for a constant other than a small integer: generated code spells a different
   * offset on every line, and numbering each would grow the table without sharing anything.
   */
  private keyOf(operand: Resolved): number {
    if (operand.kind === 'dynamic') return operand.id;
    const value = operand.value.value;
    if (!(value >= 0 && value < SMALL_INTEGERS && Number.isInteger(value))) return -1;
    if (value >= this.constantIds.length) {
      const larger = new Int32Array(Math.min(SMALL_INTEGERS, Math.max(64, 2 ** Math.ceil(Math.log2(value + 1))))).fill(-1);
      larger.set(this.constantIds);
      this.constantIds = larger;
    }
    let id = this.constantIds[value];
    if (id < 0) {
      if (this.nextId >= MAX_ADDRESS_IDS) return -1;
      id = this.nextId++;
      this.constantIds[value] = id;
    }
    return id;
  }

  /** Returns the canonical node `op(a)` or `op(a, b)`; `b` is undefined for `neg`. */
  node(op: AddressOp | 'neg', a: Resolved, b: Resolved | undefined): DynamicValue {
    const leftKey = this.keyOf(a);
    const rightKey = b === undefined ? 0 : this.keyOf(b);
    // A node outside the table has no id, so that no node built on it enters the table either.
    if (leftKey < 0 || rightKey < 0) return { kind: 'dynamic', expr: buildNode(op, a, b), id: -1 };
    const outerKey = OP_CODES[op] + 8 * leftKey;
    let inner = this.nodes.get(outerKey);
    if (!inner) {
      inner = new Map();
      this.nodes.set(outerKey, inner);
    }
    let value = inner.get(rightKey);
    if (!value) {
      value = this.make(buildNode(op, a, b));
      inner.set(rightKey, value);
    }
    return value;
  }
}

function buildNode(op: AddressOp | 'neg', a: Resolved, b: Resolved | undefined): AddressExpr {
  return op === 'neg' ? { op, a: toAddress(a) } : { op, a: toAddress(a), b: toAddress(b!) };
}

/** True for a number literal with a fraction or an exponent (hexadecimal literals have neither). */
function isFloatLiteral(text: string): boolean {
  if (text.length > 1 && (text.charCodeAt(1) === 120 || text.charCodeAt(1) === 88)) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 || c === 101 || c === 69) return true;
  }
  return false;
}

function error(scope: ExprScope, message: string, node: Positioned, hint?: string): undefined {
  scope.report(message, node, hint);
  return undefined;
}

/** Returns the position of a leaf: its own, or for a shared leaf the one that starts at `rootPos`. */
export function leafAt(node: Positioned & { readonly kind: string; readonly name?: string; readonly text?: string }, rootPos: number): Positioned {
  return node.pos >= 0 ? node : { pos: rootPos, end: rootPos + leafLength(node) };
}

/**
 * Resolves `expr`. With `runtime` false, only constants are accepted (for shapes, tile widths and
 * immediates); with `runtime` true, loop indices, scalar registers and `core`/`ncores` may appear.
 * Reports problems through `scope.report` and returns undefined after an error. `rootPos` is where
 * `expr` starts in the line when it is a shared leaf (see `SHARED_POSITION`).
 */
export function resolveExpr(expr: ExprAst, scope: ExprScope, runtime: boolean, rootPos: number = expr.pos): Resolved | undefined {
  switch (expr.kind) {
    case 'number': {
      if (!Number.isFinite(expr.value)) return error(scope, `number '${expr.text}' is out of range`, leafAt(expr, rootPos));
      const float = isFloatLiteral(expr.text);
      if (!float && expr.value < SMALL_INTEGERS) return smallInteger(expr.value);
      // A double represents every integer up to 2^53 exactly; a larger integer literal would silently change.
      if (!float && expr.value > Number.MAX_SAFE_INTEGER) {
        return error(scope, `integer '${expr.text}' is too large: integers above 2^53 - 1 = ${Number.MAX_SAFE_INTEGER} cannot be represented exactly`, leafAt(expr, rootPos));
      }
      return { kind: 'const', value: { value: expr.value, float } };
    }
    case 'name':
      return resolveName(expr, rootPos, scope, runtime);
    case 'unary': {
      const operand = resolveExpr(expr.operand, scope, runtime, expr.end - leafLength(expr.operand));
      if (!operand) return undefined;
      if (expr.op === '+') return operand;
      if (operand.kind === 'const') return { kind: 'const', value: { value: -operand.value.value, float: operand.value.float } };
      return scope.addresses.node('neg', operand, undefined);
    }
    case 'binary': {
      const left = resolveExpr(expr.left, scope, runtime, expr.pos);
      const right = resolveExpr(expr.right, scope, runtime, expr.end - leafLength(expr.right));
      if (!left || !right) return undefined;
      const op = OPS[expr.op];
      if (left.kind === 'const' && right.kind === 'const') return foldBinary(op, left.value, right.value, expr, scope);
      if (right.kind === 'const' && (op === 'div' || op === 'mod') && right.value.value === 0) return error(scope, 'division by zero', leafAt(expr.right, expr.end - leafLength(expr.right)));
      return scope.addresses.node(op, left, right);
    }
  }
}

function foldBinary(op: AddressOp, a: ConstValue, b: ConstValue, node: Positioned, scope: ExprScope): Resolved | undefined {
  const float = a.float || b.float;
  if ((op === 'div' || op === 'mod') && b.value === 0) return error(scope, 'division by zero', node);
  let value: number;
  if (float && op === 'div') value = a.value / b.value;
  else if (float && op === 'mod') value = a.value % b.value;
  else value = applyBinary(op, a.value, b.value);
  if (!Number.isFinite(value)) return error(scope, 'constant expression overflows', node);
  if (!float && Number.isInteger(value) && value >= 0 && value < SMALL_INTEGERS) return smallInteger(value);
  return { kind: 'const', value: { value, float } };
}

/** Converts a resolved value to a run-time expression tree. */
export function toAddress(resolved: Resolved): AddressExpr {
  if (resolved.kind !== 'const') return resolved.expr;
  const value = resolved.value.value;
  if (Number.isInteger(value) && value >= 0 && value < SMALL_INTEGERS) return smallAddresses[value] ?? (smallAddresses[value] = { op: 'const', value });
  return { op: 'const', value };
}

/** Integer literals below this share one immutable node each, because programs repeat them constantly. */
const SMALL_INTEGERS = 4096;
const smallResolved: Resolved[] = [];
const smallAddresses: AddressExpr[] = [];

function smallInteger(value: number): Resolved {
  return smallResolved[value] ?? (smallResolved[value] = Object.freeze({ kind: 'const', value: Object.freeze({ value, float: false }) }));
}

function resolveName(expr: Extract<ExprAst, { kind: 'name' }>, rootPos: number, scope: ExprScope, runtime: boolean): Resolved | undefined {
  const name = expr.name;
  const meaning = scope.lookup(name);
  if (meaning?.kind === 'const') return meaning.resolved;
  if (meaning?.kind === 'invalid') return undefined;
  if (meaning?.kind === 'tensor') return error(scope, `'${name}' is a tensor, not a number`, leafAt(expr, rootPos), `write a region such as ${name}[0 +: 16, 0 +: 16] where an operand takes a tensor`);

  const register = scalarRegister(name);
  const lower = register === undefined ? name.toLowerCase() : '';
  let dynamicKind: string | undefined;
  if (meaning?.kind === 'index') dynamicKind = 'loop index';
  else if (register !== undefined) dynamicKind = 'scalar register';
  else if (lower === 'core' || lower === 'ncores') dynamicKind = 'core number';
  if (dynamicKind && !runtime) return error(scope, `'${name}' is a ${dynamicKind}, known only at run time; a constant is required here`, leafAt(expr, rootPos));

  if (meaning?.kind === 'index') return scope.addresses.index(meaning.depth);
  if (register !== undefined) {
    if (register >= scope.scalarRegisters) return error(scope, `scalar register '${name}' does not exist: the target has r0 to r${scope.scalarRegisters - 1}`, leafAt(expr, rootPos));
    return scope.addresses.register(register);
  }
  if (lower === 'core') return scope.addresses.core();
  if (lower === 'ncores') return scope.addresses.ncores();
  if (vectorRegister(name) !== undefined) return error(scope, `'${name}' is a vector register, not a number`, leafAt(expr, rootPos));
  if (lower === 'sp' || lower === 'acc') return error(scope, `'${name}' is a buffer; write ${lower}[address]`, leafAt(expr, rootPos));

  const keyword = optionKeyword(lower);
  if (keyword !== undefined) {
    scope.invalidate(name);
    return error(scope, `'${name}' is ${keyword.what}, not a number`, leafAt(expr, rootPos), keyword.hint);
  }
  const suggestion = closestMatch(name, scope.names());
  scope.invalidate(name);
  return error(scope, `'${name}' is not defined`, leafAt(expr, rootPos), suggestion ? `did you mean '${suggestion}'?` : 'define it with .const NAME = VALUE');
}

/** Closed integer interval; `undefined` stands for "unknown at compile time". */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Bounds on the variables of a run-time expression. */
export interface IntervalEnv {
  /** Index range per loop depth, undefined when the loop count is not a constant. */
  readonly indices: readonly (Interval | undefined)[];
  readonly cores: number;
}

/**
 * Returns bounds that contain every value `expr` can take, or undefined when they are unknown
 * (scalar registers, or a division whose sign is unknown). Affine expressions in which each
 * index appears once get exact bounds.
 */
export function bounds(expr: AddressExpr, env: IntervalEnv): Interval | undefined {
  const slot: IntervalSlot = { low: 0, high: 0 };
  return boundsInto(expr, env, slot) ? slot : undefined;
}

/** A caller-owned interval that `boundsInto` overwrites. */
export interface IntervalSlot {
  low: number;
  high: number;
}

/**
 * Computes `bounds(expr, env)` into `out` without allocating, which matters for the range checks
 * of every memory operand. Returns false where `bounds` returns undefined; `out` is then garbage.
 */
export function boundsInto(expr: AddressExpr, env: IntervalEnv, out: IntervalSlot): boolean {
  switch (expr.op) {
    case 'const':
      out.low = expr.value;
      out.high = expr.value;
      return true;
    case 'index': {
      const interval = env.indices[expr.depth];
      if (!interval) return false;
      out.low = interval.low;
      out.high = interval.high;
      return true;
    }
    case 'reg':
      return false;
    case 'core':
      out.low = 0;
      out.high = env.cores - 1;
      return true;
    case 'ncores':
      out.low = env.cores;
      out.high = env.cores;
      return true;
    case 'neg': {
      if (!boundsInto(expr.a, env, out)) return false;
      const low = -out.high;
      out.high = -out.low;
      out.low = low;
      return true;
    }
    default: {
      if (!boundsInto(expr.a, env, out)) return false;
      const aLow = out.low;
      const aHigh = out.high;
      if (!boundsInto(expr.b, env, out)) return false;
      const bLow = out.low;
      const bHigh = out.high;
      switch (expr.op) {
        case 'add':
          out.low = aLow + bLow;
          out.high = aHigh + bHigh;
          return true;
        case 'sub':
          out.low = aLow - bHigh;
          out.high = aHigh - bLow;
          return true;
        case 'mul': {
          const p1 = aLow * bLow;
          const p2 = aLow * bHigh;
          const p3 = aHigh * bLow;
          const p4 = aHigh * bHigh;
          out.low = Math.min(p1, p2, p3, p4);
          out.high = Math.max(p1, p2, p3, p4);
          return true;
        }
        case 'div':
          if (bLow === bHigh && bLow > 0) {
            out.low = Math.trunc(aLow / bLow);
            out.high = Math.trunc(aHigh / bLow);
            return true;
          }
          return false;
        case 'mod':
          if (bLow === bHigh && bLow > 0 && aLow >= 0) {
            out.low = 0;
            out.high = Math.min(aHigh, bLow - 1);
            return true;
          }
          return false;
      }
    }
  }
}

/**
 * Describes `lower`, a name in lower case, when it is the value of an option rather than a
 * number: a format, a multiplier method or a queue. Such names cannot be constants, which hold
 * numbers only.
 */
function optionKeyword(lower: string): { what: string; hint: string } | undefined {
  const format = tryParseFormat(lower);
  if (format) return { what: 'a number format', hint: `formats cannot be constants or expressions; write the format where it is used, as an option value such as fmt=${format.name} or in=${format.name}, or as the format of a .tensor` };
  if ((MULTIPLIER_METHODS as readonly string[]).includes(lower)) return { what: 'a multiplier method', hint: `methods cannot be constants or expressions; write the method where it is used, as the option method=${lower}` };
  if ((QUEUES as readonly string[]).includes(lower)) return { what: 'a queue', hint: `queues cannot be constants or expressions; write the queue where it is used, as an option such as wait=${lower} or signal=${lower}, or as the operand of sync` };
  return undefined;
}
