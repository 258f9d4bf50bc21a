/**
 * A hand-written scanner and recursive-descent parser for well-formed lines, about 20 times faster
 * than the chevrotain lexer and parser. It accepts a subset of what grammar.ts accepts and builds
 * the same LineItem, positions included. On anything unusual (a syntax error, an unknown directive,
 * an unterminated string, deep nesting) it declines and parse.ts runs the chevrotain grammar on that
 * line, which stays the reference for the language and produces the error messages.
 * test/isa/fastpath.test.ts checks that both parsers agree.
 *
 * The scanner reads the line in place inside the whole source text (no per-line substring), keeps
 * its tokens in preallocated typed arrays, and interns names without slicing them first, so a
 * well-formed line allocates only the nodes of its tree.
 */
import type { BinaryOperator, CallArgumentAst, ExprAst, IndexAst, OperandAst, OptionAst, OptionValueAst, SourceSpan, StringAst } from './ast.js';
import { findSharedLeaf, NO_NODES, numberValue, sharedName, sharedNumber, unquote, type LineItem } from './grammar.js';
import { MAX_LINE_TOKENS, MAX_NESTING } from './limits.js';
import { ACCUMULATE_FORMATS, MULTIPLIER_METHODS, QUEUES, DEFAULT_TARGET } from './ast.js';
import { SIGNATURES } from './signatures.js';

/** Token kinds of the fast path's scanner (`FastLineParser.kinds`). */
export const enum K {
  Ident,
  Number,
  String,
  Loop,
  EndLoop,
  LmulFormula,
  Const,
  Tensor,
  Include,
  PlusColon,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Comma,
  Colon,
  Equals,
  LBracket,
  RBracket,
  LParen,
  RParen,
  End,
}

/** Result of parsing one line with `fastParseLine`. */
export interface ScannedLine {
  readonly items: LineItem[];
  /** Comment text without its `;` or `//`, and its columns (1-based, end exclusive). */
  readonly comment?: { readonly text: string; readonly column: number; readonly endColumn: number };
}

/** Deepest recursion the fast path follows before handing the line to chevrotain, which reports it. */
const MAX_DEPTH = MAX_NESTING;

class Bail extends Error {}
const BAIL = new Bail();

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

export function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** True when `text[start, start + word.length)` equals the lower-case `word`, ignoring ASCII case. */
export function matchesWord(text: string, start: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    if ((text.charCodeAt(start + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** Roles of a token in a line's shape; see `FastLineParser.holeClass`. */
export const FIXED = 0;
export const HOLE_NUMBER = 1;
export const HOLE_REGISTER = 2;

/** True when `text[start, end)` is `r` or `v`, in either case, followed by one or more decimal digits. */
function isRegisterSpelling(text: string, start: number, end: number): boolean {
  if (end - start < 2) return false;
  const first = text.charCodeAt(start) | 0x20;
  if (first !== 114 && first !== 118) return false;
  for (let i = start + 1; i < end; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** Mirrors the Number token's pattern: hex, or decimal with optional fraction and exponent. */
export function scanNumber(text: string, i: number, limit: number): number {
  if (text.charCodeAt(i) === 48 && i + 2 < limit && (text.charCodeAt(i + 1) === 120 || text.charCodeAt(i + 1) === 88) && isHexDigit(text.charCodeAt(i + 2))) {
    i += 2;
    while (i < limit && isHexDigit(text.charCodeAt(i))) i++;
    return i;
  }
  if (text.charCodeAt(i) === 46) {
    i++;
    while (i < limit && isDigit(text.charCodeAt(i))) i++;
  } else {
    while (i < limit && isDigit(text.charCodeAt(i))) i++;
    if (i < limit && text.charCodeAt(i) === 46) {
      i++;
      while (i < limit && isDigit(text.charCodeAt(i))) i++;
    }
  }
  if (i < limit) {
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      let j = i + 1;
      const sign = j < limit ? text.charCodeAt(j) : 0;
      if (sign === 43 || sign === 45) j++;
      if (j < limit && isDigit(text.charCodeAt(j))) {
        while (j < limit && isDigit(text.charCodeAt(j))) j++;
        i = j;
      }
    }
  }
  return i;
}

/**
 * Interned token texts in an open-addressing hash table that hashes and compares the characters in
 * place, so a name seen before costs no substring. Programs repeat a few names thousands of times,
 * and one copy of each also keeps the tree small. Bounded, so that a program of random names cannot
 * grow it without limit.
 */
class Interner {
  private table: (string | undefined)[] = new Array<string | undefined>(4096).fill(undefined);
  private mask = 4095;
  private size = 0;
  private static readonly MAX_SIZE = 65_536;

  /** Adds `words` as they are; used at start-up for the language's vocabulary. */
  seed(words: readonly string[]): void {
    for (const word of words) this.intern(word, 0, word.length, word);
  }

  /** Returns the interned copy of `text[start, end)`; `whole`, when given, is that substring already. */
  intern(text: string, start: number, end: number, whole?: string): string {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    const length = end - start;
    let slot = hash & this.mask;
    for (;;) {
      const candidate = this.table[slot];
      if (candidate === undefined) break;
      if (candidate.length === length && text.startsWith(candidate, start)) return candidate;
      slot = (slot + 1) & this.mask;
    }
    const copy = whole ?? text.slice(start, end);
    if (this.size >= Interner.MAX_SIZE) return copy;
    this.table[slot] = copy;
    this.size++;
    if (this.size * 2 > this.table.length) this.grow();
    return copy;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Array<string | undefined>(old.length * 2).fill(undefined);
    this.mask = this.table.length - 1;
    for (const entry of old) {
      if (entry === undefined) continue;
      let hash = 0x811c9dc5;
      for (let i = 0; i < entry.length; i++) hash = Math.imul(hash ^ entry.charCodeAt(i), 0x01000193);
      let slot = hash & this.mask;
      while (this.table[slot] !== undefined) slot = (slot + 1) & this.mask;
      this.table[slot] = entry;
    }
  }
}

/**
 * Returns `words` as V8-internalized strings (property keys are internalized). The validator looks
 * names up in object tables such as SIGNATURES and compares them in `switch` statements, and an
 * internalized string makes both a pointer comparison instead of a string-table lookup.
 */
function internalized(words: readonly string[]): string[] {
  const table: Record<string, true> = {};
  for (const word of words) table[word] = true;
  return Object.keys(table);
}

/** Names that programs use on almost every line: mnemonics, option keys and values, buffers and registers. */
function vocabulary(): string[] {
  const words: string[] = [];
  for (const [mnemonic, signature] of Object.entries(SIGNATURES)) words.push(mnemonic, ...Object.keys(signature.options));
  words.push(...QUEUES, ...MULTIPLIER_METHODS, ...ACCUMULATE_FORMATS, 'e4m3', 'e5m2', 'e4m3fnuz', 'e5m2fnuz');
  words.push('sp', 'acc', 'core', 'ncores', 'init', 'output', 'place', 'dram', 'host', 'zeros', 'ones', 'const', 'uniform', 'normal', 'file', 'seed');
  for (let i = 0; i < DEFAULT_TARGET.vectorRegisters; i++) words.push(`v${i}`);
  for (let i = 0; i < DEFAULT_TARGET.scalarRegisters; i++) words.push(`r${i}`);
  return internalized(words);
}

const interner = new Interner();
interner.seed(vocabulary());

/** Returns the interned copy of `text[start, end)`: one string per spelling, as the parser's names have. */
export function internSpelling(text: string, start: number, end: number): string {
  return interner.intern(text, start, end);
}

/** Computes the value of a decimal integer literal without exponent; returns NaN for any other spelling. */
export function smallDecimal(text: string, start: number, end: number): number {
  if (end - start > 15) return NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
    value = value * 10 + (c - 48);
  }
  return value;
}

const BINARY: readonly (BinaryOperator | undefined)[] = (() => {
  const table: (BinaryOperator | undefined)[] = [];
  table[K.Plus] = '+';
  table[K.Minus] = '-';
  table[K.Star] = '*';
  table[K.Slash] = '/';
  table[K.Percent] = '%';
  return table;
})();

/**
 * The scanner and parser. One instance is reused for every line: `kinds`, `starts` and `ends` hold
 * the tokens of the current line, with offsets into the whole text.
 */
class FastLineParser {
  /** Tokens of the line scanned last: kinds (`K`), and start and end offsets in the whole text. */
  readonly kinds = new Int32Array(MAX_LINE_TOKENS + 1);
  readonly starts = new Int32Array(MAX_LINE_TOKENS + 1);
  readonly ends = new Int32Array(MAX_LINE_TOKENS + 1);
  /** Number of tokens of the line scanned last. */
  count = 0;
  private position = 0;
  private depth = 0;
  private text = '';
  /** Offset of the line in `text`; node positions are relative to it. */
  private lineStart = 0;
  private file = '';
  private lineNumber = 0;

  /**
   * Stack of list elements under construction (operands, indices, options, shape dimensions, call
   * arguments). A list is copied off it with `slice`, which allocates exactly its length, where
   * `push` onto a fresh array would reserve 17 slots for a list that usually has one to three.
   */
  private readonly stack: unknown[] = [];
  private top = 0;
  /** Position of the expression or value parsed last, without enclosing parentheses. */
  private exprPos = 0;
  private exprEnd = 0;

  /**
   * When true, `primary` gives every number and every name spelled like a register a node of its
   * own, positioned, and records it with its token in `holeNodes` and `holeTokens` (see shapes.ts).
   */
  private templateMode = false;
  readonly holeNodes: ExprAst[] = [];
  readonly holeTokens: number[] = [];

  /** Comment of the last line parsed: offsets in the line (0-based), or -1 for none. */
  commentPos = -1;
  commentEnd = -1;
  commentText = '';

  /**
   * Parses `text[from, to)` as line `lineNumber` of `file` and appends its items to `items`.
   * Returns false, leaving `items` unchanged, when the line must go to the chevrotain parser.
   */
  parseLine(text: string, from: number, to: number, file: string, lineNumber: number, items: LineItem[]): boolean {
    this.commentPos = -1;
    if (!this.scan(text, from, to)) return false;
    this.text = text;
    this.lineStart = from;
    this.file = file;
    this.lineNumber = lineNumber;
    this.position = 0;
    this.depth = 0;
    this.top = 0;
    try {
      this.line(items);
      return true;
    } catch (error) {
      if (error === BAIL) return false;
      throw error;
    }
  }

  /**
   * Scans `text[from, to)` into `kinds`, `starts` and `ends` without parsing it, and sets the
   * comment fields. Returns false when `parseLine` would decline the line at its scanner.
   */
  scanLine(text: string, from: number, to: number): boolean {
    this.commentPos = -1;
    this.text = text;
    return this.scan(text, from, to);
  }

  /**
   * Parses `text[from, to)` as `parseLine` does, except that every number and every name spelled
   * like a register gets a positioned node of its own, listed in `holeNodes` and `holeTokens`.
   */
  parseTemplate(text: string, from: number, to: number, file: string, lineNumber: number, items: LineItem[]): boolean {
    this.templateMode = true;
    this.holeNodes.length = 0;
    this.holeTokens.length = 0;
    try {
      return this.parseLine(text, from, to, file, lineNumber, items);
    } finally {
      this.templateMode = false;
    }
  }

  /** Fills the token arrays; returns false on a character or token the fast path does not handle. */
  private scan(text: string, from: number, to: number): boolean {
    const kinds = this.kinds;
    const starts = this.starts;
    const ends = this.ends;
    let count = 0;
    let i = from;

    while (i < to) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 12 || c === 11) {
        i++;
        continue;
      }
      const start = i;
      let kind: number;
      if (c === 59 || (c === 47 && i + 1 < to && text.charCodeAt(i + 1) === 47)) {
        const skip = c === 59 ? 1 : 2;
        this.commentPos = i - from;
        this.commentEnd = to - from;
        this.commentText = text.slice(i + skip, to);
        break;
      } else if (isIdentStart(c)) {
        if ((c === 108 || c === 76) && i + 12 <= to && matchesWord(text, i, 'lmul-formula')) {
          i += 12;
          kind = K.LmulFormula;
        } else {
          i++;
          while (i < to && isIdentPart(text.charCodeAt(i))) i++;
          kind = K.Ident;
          const wordLength = i - start;
          if (wordLength === 4 && matchesWord(text, start, 'loop')) kind = K.Loop;
          else if (wordLength === 7 && matchesWord(text, start, 'endloop')) kind = K.EndLoop;
        }
      } else if (isDigit(c) || (c === 46 && i + 1 < to && isDigit(text.charCodeAt(i + 1)))) {
        i = scanNumber(text, i, to);
        kind = K.Number;
      } else if (c === 46) {
        i++;
        while (i < to && isIdentPart(text.charCodeAt(i))) i++;
        const wordLength = i - start;
        if (wordLength === 6 && matchesWord(text, start, '.const')) kind = K.Const;
        else if (wordLength === 7 && matchesWord(text, start, '.tensor')) kind = K.Tensor;
        else if (wordLength === 8 && matchesWord(text, start, '.include')) kind = K.Include;
        else return false;
      } else if (c === 34) {
        i++;
        while (i < to) {
          const d = text.charCodeAt(i);
          if (d === 34) break;
          if (d === 92) i++;
          i++;
        }
        if (i >= to) return false;
        i++;
        kind = K.String;
      } else {
        i++;
        switch (c) {
          case 43:
            if (i < to && text.charCodeAt(i) === 58) {
              i++;
              kind = K.PlusColon;
            } else kind = K.Plus;
            break;
          case 45:
            kind = K.Minus;
            break;
          case 42:
            kind = K.Star;
            break;
          case 47:
            kind = K.Slash;
            break;
          case 37:
            kind = K.Percent;
            break;
          case 44:
            kind = K.Comma;
            break;
          case 58:
            kind = K.Colon;
            break;
          case 61:
            kind = K.Equals;
            break;
          case 91:
            kind = K.LBracket;
            break;
          case 93:
            kind = K.RBracket;
            break;
          case 40:
            kind = K.LParen;
            break;
          case 41:
            kind = K.RParen;
            break;
          default:
            return false;
        }
      }
      // Lines with more tokens go to chevrotain, which reports MAX_LINE_TOKENS.
      if (count >= MAX_LINE_TOKENS) return false;
      kinds[count] = kind;
      starts[count] = start;
      ends[count] = i;
      count++;
    }
    kinds[count] = K.End;
    this.count = count;
    return true;
  }

  /** Records a hole of a template line (see `templateMode`). */
  private hole(token: number, node: ExprAst): ExprAst {
    this.holeNodes.push(node);
    this.holeTokens.push(token);
    return node;
  }

  /**
   * Returns how token `k` of the line scanned last takes part in its shape (see shapes.ts):
   * HOLE_NUMBER for a number, HOLE_REGISTER for a name spelled like a register, else FIXED.
   */
  holeClass(k: number): number {
    const kind = this.kinds[k];
    if (kind === K.Number) return HOLE_NUMBER;
    if (kind === K.Ident && isRegisterSpelling(this.text, this.starts[k], this.ends[k])) return HOLE_REGISTER;
    return FIXED;
  }

  /**
   * Hashes the shape of the line scanned last: token kinds, and the text of every token except
   * numbers and the digits of register names. The comment is not part of it.
   */
  shapeHash(): number {
    const text = this.text;
    let hash = 0x811c9dc5 | 0;
    for (let k = 0; k < this.count; k++) {
      const kind = this.kinds[k];
      hash = Math.imul(hash ^ kind, 0x01000193);
      if (kind === K.Number) continue;
      const start = this.starts[k];
      const end = this.ends[k];
      if (kind === K.Ident && isRegisterSpelling(text, start, end)) {
        hash = Math.imul(hash ^ text.charCodeAt(start), 0x01000193);
        continue;
      }
      for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    }
    return hash;
  }

  private push(element: unknown): void {
    this.stack[this.top++] = element;
  }

  /** Removes the elements pushed since `mark` and returns them as an array of exactly their number. */
  private popList<T>(mark: number): T[] {
    const list = this.stack.slice(mark, this.top) as T[];
    this.top = mark;
    return list;
  }

  private peek(offset = 0): number {
    const index = this.position + offset;
    return index < this.count ? this.kinds[index] : K.End;
  }

  private expect(kind: number): number {
    if (this.peek() !== kind) throw BAIL;
    return this.position++;
  }

  private image(token: number): string {
    return interner.intern(this.text, this.starts[token], this.ends[token]);
  }

  private pos(token: number): number {
    return this.starts[token] - this.lineStart;
  }

  private end(token: number): number {
    return this.ends[token] - this.lineStart;
  }

  private lineSpan(pos: number, end: number): SourceSpan {
    return { file: this.file, line: this.lineNumber, column: pos + 1, endLine: this.lineNumber, endColumn: end + 1 };
  }

  /**
   * Returns `node` with its own position: a shared leaf is copied, positioned at the expression
   * just parsed. Used where a leaf's position cannot follow from its parent (see `SHARED_POSITION`).
   */
  private positioned(node: ExprAst): ExprAst {
    if (node.pos >= 0) return node;
    if (node.kind === 'name') return { kind: 'name', name: node.name, pos: this.exprPos, end: this.exprEnd };
    if (node.kind === 'number') return { kind: 'number', value: node.value, text: node.text, pos: this.exprPos, end: this.exprEnd };
    return node;
  }

  private line(items: LineItem[]): void {
    let first: LineItem | undefined;
    let second: LineItem | undefined;
    switch (this.peek()) {
      case K.End:
        break;
      case K.Const:
        first = this.constDirective();
        break;
      case K.Tensor:
        first = this.tensorDirective();
        break;
      case K.Include: {
        const directive = this.position++;
        const path = this.expect(K.String);
        first = { kind: 'include', path: unquote(this.image(path)), span: this.lineSpan(this.pos(directive), this.end(path)), blankLineBefore: false, trailingComment: undefined };
        break;
      }
      case K.Loop: {
        const keyword = this.position++;
        const variable = this.expect(K.Ident);
        this.expect(K.Comma);
        const count = this.positioned(this.expression());
        first = { kind: 'loopStart', variable: this.image(variable), variablePos: this.pos(variable), count, span: this.lineSpan(this.pos(keyword), this.exprEnd) };
        break;
      }
      case K.EndLoop: {
        const keyword = this.position++;
        first = { kind: 'loopEnd', span: this.lineSpan(this.pos(keyword), this.end(keyword)) };
        break;
      }
      case K.Ident:
        if (this.peek(1) === K.Colon) {
          const name = this.position;
          const colon = this.position + 1;
          this.position += 2;
          first = { kind: 'label', name: this.image(name), span: this.lineSpan(this.pos(name), this.end(colon)), blankLineBefore: false, trailingComment: undefined };
          if (this.peek() === K.Ident) second = this.instruction();
        } else {
          first = this.instruction();
        }
        break;
      default:
        throw BAIL;
    }
    if (this.peek() !== K.End) throw BAIL;
    if (first) items.push(first);
    if (second) items.push(second);
  }

  private constDirective(): LineItem {
    const directive = this.position++;
    const name = this.expect(K.Ident);
    this.expect(K.Equals);
    const value = this.positioned(this.expression());
    return { kind: 'const', name: this.image(name), namePos: this.pos(name), value, span: this.lineSpan(this.pos(directive), this.exprEnd), blankLineBefore: false, trailingComment: undefined };
  }

  private tensorDirective(): LineItem {
    const directive = this.position++;
    const name = this.expect(K.Ident);
    const format = this.expect(K.Ident);
    this.expect(K.LBracket);
    const mark = this.top;
    this.push(this.positioned(this.expression()));
    while (this.peek() === K.Comma) {
      this.position++;
      this.push(this.positioned(this.expression()));
    }
    const shape = this.popList<ExprAst>(mark);
    const last = this.expect(K.RBracket);
    const options = this.options();
    const end = options.length > 0 ? options[options.length - 1].end : this.end(last);
    return {
      kind: 'tensor',
      name: this.image(name),
      namePos: this.pos(name),
      format: this.image(format),
      formatPos: this.pos(format),
      shape,
      options,
      span: this.lineSpan(this.pos(directive), end),
      blankLineBefore: false,
      trailingComment: undefined,
    };
  }

  private instruction(): LineItem {
    const mnemonic = this.expect(K.Ident);
    let operands: readonly OperandAst[] = NO_NODES;
    const next = this.peek();
    if (next !== K.End && !(next === K.Ident && this.peek(1) === K.Equals)) {
      const mark = this.top;
      this.push(this.operand());
      while (this.peek() === K.Comma) {
        this.position++;
        this.push(this.operand());
      }
      operands = this.popList<OperandAst>(mark);
    }
    const options = this.options();
    let end = this.end(mnemonic);
    if (operands.length > 0) end = operands[operands.length - 1].end;
    if (options.length > 0) end = options[options.length - 1].end;
    return { kind: 'instruction', mnemonic: this.image(mnemonic), operands, options, span: this.lineSpan(this.pos(mnemonic), end), blankLineBefore: false, trailingComment: undefined };
  }

  private operand(): OperandAst {
    const kind = this.peek();
    if (kind === K.Ident && this.peek(1) === K.LBracket) {
      const base = this.position;
      this.position += 2;
      const mark = this.top;
      this.push(this.index());
      while (this.peek() === K.Comma) {
        this.position++;
        this.push(this.index());
      }
      const indices = this.popList<IndexAst>(mark);
      const close = this.expect(K.RBracket);
      return { kind: 'ref', base: this.image(base), indices, pos: this.pos(base), end: this.end(close) };
    }
    if (kind === K.String) {
      const token = this.position++;
      return { kind: 'string', value: unquote(this.image(token)), pos: this.pos(token), end: this.end(token) };
    }
    const expr = this.expression();
    return { kind: 'expr', expr, pos: this.exprPos, end: this.exprEnd };
  }

  private index(): IndexAst {
    const start = this.expression();
    const pos = this.exprPos;
    if (this.peek() !== K.PlusColon) return { start, width: undefined, pos, end: this.exprEnd };
    this.position++;
    const width = this.expression();
    return { start, width, pos, end: this.exprEnd };
  }

  private options(): readonly OptionAst[] {
    const mark = this.top;
    while (this.peek() === K.Ident || this.peek() === K.LmulFormula) {
      const key = this.position++;
      let option: OptionAst;
      if (this.peek() !== K.Equals) {
        option = { key: this.image(key), value: undefined, pos: this.pos(key), end: this.end(key) };
      } else {
        this.position++;
        const value = this.optionValue();
        option = { key: this.image(key), value, pos: this.pos(key), end: this.exprEnd };
      }
      this.push(option);
    }
    return this.top > mark ? this.popList<OptionAst>(mark) : NO_NODES;
  }

  /** Parses an option value; sets `exprPos` and `exprEnd` to its position, as `expression` does. */
  private optionValue(): OptionValueAst {
    const kind = this.peek();
    if (kind === K.String) return this.stringValue();
    if (kind === K.Ident && this.peek(1) === K.LParen) {
      const name = this.position;
      this.position += 2;
      const mark = this.top;
      if (this.peek() !== K.RParen) {
        this.push(this.callArgument());
        while (this.peek() === K.Comma) {
          this.position++;
          this.push(this.callArgument());
        }
      }
      const args = this.popList<CallArgumentAst>(mark);
      const close = this.expect(K.RParen);
      this.exprPos = this.pos(name);
      this.exprEnd = this.end(close);
      return { kind: 'call', name: this.image(name), args, pos: this.exprPos, end: this.exprEnd };
    }
    if (kind === K.LmulFormula) {
      const token = this.position++;
      this.exprPos = this.pos(token);
      this.exprEnd = this.end(token);
      return sharedName(this.image(token));
    }
    return this.expression();
  }

  private callArgument(): CallArgumentAst {
    if (this.peek() === K.Ident && this.peek(1) === K.Equals) {
      const key = this.position;
      this.position += 2;
      const value = this.argumentValue();
      return { kind: 'named', key: this.image(key), value, pos: this.pos(key), end: value.end };
    }
    const value = this.argumentValue();
    return { kind: 'positional', value, pos: value.pos, end: value.end };
  }

  private argumentValue(): ExprAst | StringAst {
    return this.peek() === K.String ? this.stringValue() : this.positioned(this.expression());
  }

  private stringValue(): StringAst {
    const token = this.position++;
    this.exprPos = this.pos(token);
    this.exprEnd = this.end(token);
    return { kind: 'string', value: unquote(this.image(token)), pos: this.exprPos, end: this.exprEnd };
  }

  /**
   * Parses an expression. Leaves come back shared, so each parse function leaves the position of
   * what it parsed in `exprPos` and `exprEnd`, without the parentheses around it.
   */
  private expression(): ExprAst {
    if (++this.depth > MAX_DEPTH) throw BAIL;
    let left = this.term();
    const pos = this.exprPos;
    for (;;) {
      const kind = this.peek();
      if (kind !== K.Plus && kind !== K.Minus) break;
      this.position++;
      const right = this.term();
      left = { kind: 'binary', op: BINARY[kind]!, left, right, pos, end: this.exprEnd };
    }
    this.exprPos = pos;
    this.depth--;
    return left;
  }

  private term(): ExprAst {
    let left = this.unary();
    const pos = this.exprPos;
    for (;;) {
      const kind = this.peek();
      if (kind !== K.Star && kind !== K.Slash && kind !== K.Percent) break;
      this.position++;
      const right = this.unary();
      left = { kind: 'binary', op: BINARY[kind]!, left, right, pos, end: this.exprEnd };
    }
    this.exprPos = pos;
    return left;
  }

  private unary(): ExprAst {
    const kind = this.peek();
    if (kind === K.Minus || kind === K.Plus) {
      if (++this.depth > MAX_DEPTH) throw BAIL;
      const op = this.position++;
      const operand = this.unary();
      this.depth--;
      this.exprPos = this.pos(op);
      return { kind: 'unary', op: kind === K.Minus ? '-' : '+', operand, pos: this.exprPos, end: this.exprEnd };
    }
    return this.primary();
  }

  private primary(): ExprAst {
    const kind = this.peek();
    if (kind === K.Number) {
      const token = this.position++;
      this.exprPos = this.pos(token);
      this.exprEnd = this.end(token);
      if (this.templateMode) {
        const text = this.text.slice(this.starts[token], this.ends[token]);
        return this.hole(token, { kind: 'number', value: numberValue(text), text, pos: this.exprPos, end: this.exprEnd });
      }
      const text = this.image(token);
      const known = findSharedLeaf(text);
      if (known !== undefined) return known;
      const decimal = smallDecimal(this.text, this.starts[token], this.ends[token]);
      return sharedNumber(text, Number.isNaN(decimal) ? numberValue(text) : decimal);
    }
    if (kind === K.Ident) {
      const token = this.position++;
      this.exprPos = this.pos(token);
      this.exprEnd = this.end(token);
      if (this.templateMode && isRegisterSpelling(this.text, this.starts[token], this.ends[token])) {
        return this.hole(token, { kind: 'name', name: this.image(token), pos: this.exprPos, end: this.exprEnd });
      }
      return sharedName(this.image(token));
    }
    if (kind === K.LParen) {
      this.position++;
      const inner = this.expression();
      this.expect(K.RParen);
      return inner;
    }
    throw BAIL;
  }
}

/** The shared fast parser; parse.ts calls its `parseLine` for every line. */
export const fastLineParser = new FastLineParser();

/**
 * Parses one line (without its line break) on its own. Returns undefined when the line must go to
 * the chevrotain parser.
 */
export function fastParseLine(text: string, file: string, line: number): ScannedLine | undefined {
  const items: LineItem[] = [];
  if (!fastLineParser.parseLine(text, 0, text.length, file, line, items)) return undefined;
  if (fastLineParser.commentPos < 0) return { items };
  return { items, comment: { text: fastLineParser.commentText, column: fastLineParser.commentPos + 1, endColumn: fastLineParser.commentEnd + 1 } };
}
