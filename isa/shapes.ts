/**
 * Line shapes. Generated code, unrolled loops in particular, repeats a few instruction lines with
 * different numbers: `load sp[4096], A[32 +: 16, 0 +: 16]` then `load sp[4352], A[48 +: 16, 0 +: 16]`.
 * Two instruction lines have the same shape when their tokens have the same kinds and the same
 * text, except numbers and the digits of register names (`v3`, `r12`). Spacing and comments do not
 * count. The first line of a shape is parsed into a tree of its own whose numbers and registers are
 * holes. A later line of that shape is stored as its line number and offsets only. When the
 * validator reads the line, `fill` writes its numbers, registers and positions into the holes of
 * the shape's tree, so no tree is built for the line.
 */
import type { CallArgumentAst, ExprAst, IndexAst, OperandAst, OptionAst, OptionValueAst, StringAst } from './ast.js';
import { fastLineParser, FIXED, HOLE_NUMBER, HOLE_REGISTER, internSpelling, isDigit, isIdentPart, K, matchesWord, scanNumber, smallDecimal } from './fastpath.js';
import { MAX_LINE_CHARS, MAX_TABLE_PROBES } from './limits.js';
import { numberValue, type LineItem } from './grammar.js';

type InstructionItem = Extract<LineItem, { kind: 'instruction' }>;

/** Maximum number of shapes kept per file; lines of later new shapes are parsed line by line. */
export const MAX_LINE_SHAPES = 4096;

/** Maximum number of tokens of a line that becomes a shape; generated instruction lines have a few dozen. */
const MAX_SHAPE_TOKENS = 256;

/** A node whose position `fill` rewrites. */
interface MovableNode {
  pos: number;
  end: number;
}

/** A number or register-name leaf of a shape's tree, rewritten by `fill`. */
interface HoleLeaf {
  kind: 'number' | 'name';
  value?: number;
  text?: string;
  name?: string;
}

/** One shape: the tree of its first line, with holes, and what `fill` needs to rewrite it. */
export class LineShape {
  /** Kinds of the tokens of the first line, and how each takes part in the shape. */
  private readonly kinds: Int32Array;
  private readonly classes: Uint8Array;
  /** The source that contains the first line, and the offsets of the first line's tokens in it. */
  private readonly text: string;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** Hole leaves and their token indices. */
  private readonly holes: readonly HoleLeaf[];
  private readonly holeTokens: Int32Array;
  /** Nodes with a position of their own, and the tokens where they start and end. */
  private readonly movable: readonly MovableNode[];
  private readonly movableStarts: Int32Array;
  private readonly movableEnds: Int32Array;
  /** Text of each fixed token, '' for a hole. */
  private readonly fixedTexts: readonly string[];
  /** Spacing of the first line: characters before each token since the end of the one before it, or the line's start. */
  private readonly gaps: Int32Array;
  /** Offset of the first line in `text`. */
  private readonly lineStart: number;
  /** Length of each hole in the first line. */
  private readonly holeLengths: Int32Array;
  /** Positions of the movable nodes in the first line, and the number of holes before each start and up to each end. */
  private readonly movablePos: Int32Array;
  private readonly movableEnd: Int32Array;
  private readonly movableStartHoles: Int32Array;
  private readonly movableEndHoles: Int32Array;
  /** Number of holes before the start and up to the end of the instruction's span. */
  private readonly spanStartHoles: number;
  private readonly spanEndHoles: number;
  /** How far the line filled last moved after each hole, as `fillFromHoles` placed the nodes. */
  private readonly shifts: Int32Array;
  /** True when the nodes are placed as `shifts` records, false at first and after `fill`. */
  private placedByShifts = false;
  /** True when no hole is in an option, so the options are the same on every line of the shape. */
  readonly optionsFixed: boolean;
  /** Tokens where the instruction's span starts and ends. */
  private readonly spanStart: number;
  private readonly spanEnd: number;

  constructor(
    readonly id: number,
    readonly mnemonic: string,
    readonly operands: InstructionItem['operands'],
    readonly options: InstructionItem['options'],
    parts: {
      text: string;
      kinds: Int32Array;
      classes: Uint8Array;
      starts: Int32Array;
      ends: Int32Array;
      holes: readonly HoleLeaf[];
      holeTokens: Int32Array;
      movable: readonly MovableNode[];
      movableStarts: Int32Array;
      movableEnds: Int32Array;
      spanStart: number;
      spanEnd: number;
      optionsFixed: boolean;
      lineStart: number;
    },
  ) {
    this.text = parts.text;
    this.kinds = parts.kinds;
    this.classes = parts.classes;
    this.starts = parts.starts;
    this.ends = parts.ends;
    this.holes = parts.holes;
    this.holeTokens = parts.holeTokens;
    this.movable = parts.movable;
    this.movableStarts = parts.movableStarts;
    this.movableEnds = parts.movableEnds;
    this.spanStart = parts.spanStart;
    this.spanEnd = parts.spanEnd;
    this.optionsFixed = parts.optionsFixed;
    this.lineStart = parts.lineStart;
    const holeTokens = this.holeTokens;
    this.holeLengths = holeTokens.map((token) => this.ends[token] - this.starts[token]);
    // holesUpTo[k] is the number of holes among tokens 0 to k - 1.
    const holesUpTo = new Int32Array(this.kinds.length + 1);
    for (let k = 0; k < this.kinds.length; k++) holesUpTo[k + 1] = holesUpTo[k] + (this.classes[k] === FIXED ? 0 : 1);
    const holesBefore = (token: number): number => holesUpTo[token];
    this.movablePos = this.movableStarts.map((token) => this.starts[token] - this.lineStart);
    this.movableEnd = this.movableEnds.map((token) => this.ends[token] - this.lineStart);
    this.movableStartHoles = this.movableStarts.map((token) => holesBefore(token));
    this.movableEndHoles = this.movableEnds.map((token) => holesBefore(token + 1));
    this.spanStartHoles = holesBefore(this.spanStart);
    this.spanEndHoles = holesBefore(this.spanEnd + 1);
    this.shifts = new Int32Array(holeTokens.length + 1);
    this.holeOffsets = new Int32Array(2 * holeTokens.length);
    this.fixedTexts = Array.from(this.kinds, (_, k) => (this.classes[k] === FIXED ? this.text.slice(this.starts[k], this.ends[k]) : ''));
    this.gaps = this.starts.map((start, k) => start - (k === 0 ? this.lineStart : this.ends[k - 1]));
  }

  /**
   * Reads the line that starts at `lineStart` in `text` as a line of this shape, without the
   * scanner. Returns the offset where the line ends. Returns -1 when the line does not have this
   * shape, is longer than MAX_LINE_CHARS, or has a character or token boundary that the scanner
   * could read otherwise, and the caller then scans the line. On success, `holeOffsets`,
   * `sameLayout` and `hasComment` describe the line.
   */
  matchAt(text: string, lineStart: number): number {
    const length = text.length;
    const count = this.kinds.length;
    const holeOffsets = this.holeOffsets;
    let i = lineStart;
    let previousEnd = lineStart;
    let sameLayout = true;
    let h = 0;
    for (let k = 0; k < count; k++) {
      let c = text.charCodeAt(i);
      while (c === 32 || c === 9 || c === 12 || c === 11) c = text.charCodeAt(++i);
      if (i - previousEnd !== this.gaps[k]) sameLayout = false;
      const tokenStart = i;
      const holeClass = this.classes[k];
      if (holeClass === HOLE_NUMBER) {
        if (!isDigit(c) && !(c === 46 && isDigit(text.charCodeAt(i + 1)))) return -1;
        i = scanNumber(text, i, length);
      } else if (holeClass === HOLE_REGISTER) {
        if (c !== this.text.charCodeAt(this.starts[k]) || !isDigit(text.charCodeAt(i + 1))) return -1;
        i += 2;
        while (isDigit(text.charCodeAt(i))) i++;
        if (isIdentPart(text.charCodeAt(i))) return -1;
      } else {
        const fixed = this.fixedTexts[k];
        if (fixed.length === 1 ? c !== fixed.charCodeAt(0) : !text.startsWith(fixed, i)) return -1;
        i += fixed.length;
        const kind = this.kinds[k];
        const next = text.charCodeAt(i);
        // Where the scanner would have read a longer token: a longer name, `lmul-formula`, `+:`
        // or a `//` comment.
        if (kind === K.Ident && (isIdentPart(next) || ((c | 0x20) === 108 && matchesWord(text, tokenStart, 'lmul-formula')))) return -1;
        if ((kind === K.Plus && next === 58) || (kind === K.Slash && next === 47)) return -1;
      }
      if (holeClass !== FIXED) {
        holeOffsets[2 * h] = tokenStart;
        holeOffsets[2 * h + 1] = i;
        h++;
      }
      previousEnd = i;
    }

    let c = text.charCodeAt(i);
    while (c === 32 || c === 9 || c === 12 || c === 11) c = text.charCodeAt(++i);
    this.hasComment = c === 59 || (c === 47 && text.charCodeAt(i + 1) === 47);
    if (this.hasComment) {
      for (; i < length; i++) {
        c = text.charCodeAt(i);
        if (c === 10 || c === 13) break;
        // A NUL byte makes the whole file an error, which the general route reports.
        if (c === 0) return -1;
      }
    } else if (i < length && c !== 10 && c !== 13) {
      return -1;
    }
    if (i - lineStart > MAX_LINE_CHARS) return -1;
    this.sameLayout = sameLayout;
    return i;
  }

  /** Number of holes. */
  get holeCount(): number {
    return this.holeTokens.length;
  }

  /** Offsets of the holes of the line that `matchAt` read last, start and end of each. */
  readonly holeOffsets: Int32Array;
  /** Whether the line that `matchAt` read last is spaced as the first line, and has a comment. */
  sameLayout = false;
  hasComment = false;
  /** The shape of the line that followed a line of this shape most recently. */
  next: LineShape | undefined = undefined;

  /**
   * Writes the holes and positions of a line of this shape that is spaced as its first line into
   * the shape's tree. The hole offsets are read from `offsets` at `at`, where they were copied from
   * `holeOffsets`. The columns of the instruction's span (1-based, end exclusive) go to `columns`.
   */
  fillFromHoles(text: string, offsets: Int32Array, at: number, columns: { column: number; endColumn: number }): void {
    const holeCount = this.holes.length;
    const shifts = this.shifts;
    let moved = !this.placedByShifts;
    for (let h = 0; h < holeCount; h++) {
      const start = offsets[at + 2 * h];
      const end = offsets[at + 2 * h + 1];
      this.writeHole(h, text, start, end);
      const shift = shifts[h] + (end - start) - this.holeLengths[h];
      if (shift !== shifts[h + 1]) {
        shifts[h + 1] = shift;
        moved = true;
      }
    }
    // Consecutive lines of a shape usually have numbers of the same lengths, and then the nodes
    // are already where they belong.
    if (moved) {
      for (let m = 0; m < this.movable.length; m++) {
        const node = this.movable[m];
        node.pos = this.movablePos[m] + shifts[this.movableStartHoles[m]];
        node.end = this.movableEnd[m] + shifts[this.movableEndHoles[m]];
      }
      this.placedByShifts = true;
    }
    columns.column = this.starts[this.spanStart] - this.lineStart + 1 + shifts[this.spanStartHoles];
    columns.endColumn = this.ends[this.spanEnd] - this.lineStart + 1 + shifts[this.spanEndHoles];
  }

  private writeHole(h: number, text: string, start: number, end: number): void {
    const leaf = this.holes[h];
    if (leaf.kind === 'name') {
      leaf.name = internSpelling(text, start, end);
      return;
    }
    const spelling = text.slice(start, end);
    if (spelling !== leaf.text) {
      leaf.text = spelling;
      const decimal = smallDecimal(text, start, end);
      leaf.value = Number.isNaN(decimal) ? numberValue(spelling) : decimal;
    }
  }

  /**
   * Writes the numbers, registers and positions of the line that `fastLineParser` scanned last,
   * which has this shape and starts at `lineStart` in `text`, into the shape's tree, and the
   * columns of its instruction's span (1-based, end exclusive) into `columns`.
   */
  fill(text: string, lineStart: number, columns: { column: number; endColumn: number }): void {
    const parser = fastLineParser;
    const starts = parser.starts;
    const ends = parser.ends;
    for (let h = 0; h < this.holes.length; h++) {
      const token = this.holeTokens[h];
      this.writeHole(h, text, starts[token], ends[token]);
    }
    for (let m = 0; m < this.movable.length; m++) {
      const node = this.movable[m];
      node.pos = starts[this.movableStarts[m]] - lineStart;
      node.end = ends[this.movableEnds[m]] - lineStart;
    }
    columns.column = starts[this.spanStart] - lineStart + 1;
    columns.endColumn = ends[this.spanEnd] - lineStart + 1;
    this.placedByShifts = false;
  }
}

/** The shapes of one file, in an open-addressing hash table keyed by `shapeHash`. */
export class LineShapes {
  private readonly hashes = new Int32Array(2 * MAX_LINE_SHAPES);
  private readonly entries: (LineShape | undefined)[] = new Array<LineShape | undefined>(2 * MAX_LINE_SHAPES).fill(undefined);
  private readonly mask = 2 * MAX_LINE_SHAPES - 1;
  /** Shapes by id. */
  readonly list: LineShape[] = [];

  /**
   * Returns the shape of the line `text[lineStart, lineEnd)`, which `fastLineParser` scanned last,
   * if the table has it. The shape's `matchAt` has then read the line.
   */
  find(text: string, lineStart: number, lineEnd: number): LineShape | undefined {
    const hash = fastLineParser.shapeHash();
    for (let probe = 0, slot = hash & this.mask; probe < MAX_TABLE_PROBES; probe++, slot = (slot + 1) & this.mask) {
      const entry = this.entries[slot];
      if (entry === undefined) return undefined;
      if (this.hashes[slot] === hash && entry.matchAt(text, lineStart) === lineEnd) return entry;
    }
    return undefined;
  }

  /**
   * Makes the instruction line `text[from, to)` a shape and returns it; the fast path must accept
   * the line. Returns undefined and makes no shape when the table is full or has no free slot near
   * the line's hash, or when the line has more than MAX_SHAPE_TOKENS tokens or is not one
   * instruction alone. It does the same when the line's tree has a number or register that is not
   * a leaf of an expression (such as a register name used as a buffer), or a node whose position
   * does not fall on token boundaries.
   */
  add(text: string, from: number, to: number, file: string, lineNumber: number): LineShape | undefined {
    if (this.list.length >= MAX_LINE_SHAPES) return undefined;
    const parser = fastLineParser;
    // A free slot near the home slot of the line's hash comes first, before the cost of the parse.
    if (!parser.scanLine(text, from, to) || parser.count > MAX_SHAPE_TOKENS) return undefined;
    const hash = parser.shapeHash();
    let slot = hash & this.mask;
    for (let probe = 0; this.entries[slot] !== undefined; probe++, slot = (slot + 1) & this.mask) {
      if (probe + 1 >= MAX_TABLE_PROBES) return undefined;
    }
    const items: LineItem[] = [];
    if (!parser.parseTemplate(text, from, to, file, lineNumber, items)) return undefined;
    const item = items[0];
    if (items.length !== 1 || item.kind !== 'instruction') return undefined;

    const count = parser.count;
    const classes = new Uint8Array(count);
    let holeCount = 0;
    for (let k = 0; k < count; k++) {
      classes[k] = parser.holeClass(k);
      if (classes[k] !== FIXED) holeCount++;
    }
    // Every number and register token must have become a hole leaf, and in token order.
    if (parser.holeTokens.length !== holeCount) return undefined;
    for (let h = 1; h < holeCount; h++) if (parser.holeTokens[h] <= parser.holeTokens[h - 1]) return undefined;

    const starts = parser.starts.slice(0, count);
    const ends = parser.ends.slice(0, count);
    const tokensByStart = new Map<number, number>();
    const tokensByEnd = new Map<number, number>();
    for (let k = 0; k < count; k++) {
      tokensByStart.set(starts[k] - from, k);
      tokensByEnd.set(ends[k] - from, k);
    }
    const tokenStarting = (pos: number): number => tokensByStart.get(pos) ?? -1;
    const tokenEnding = (end: number): number => tokensByEnd.get(end) ?? -1;

    const movable: MovableNode[] = [];
    const movableStarts: number[] = [];
    const movableEnds: number[] = [];
    let placeable = true;
    const visit = (node: MovableNode): void => {
      if (node.pos < 0) return;
      const startToken = tokenStarting(node.pos);
      const endToken = tokenEnding(node.end);
      if (startToken < 0 || endToken < 0) placeable = false;
      movable.push(node);
      movableStarts.push(startToken);
      movableEnds.push(endToken);
    };
    for (const operand of item.operands) visitOperand(operand, visit);
    const holesBeforeOptions = parser.holeTokens.length === 0 || item.options.length === 0 ? holeCount : countBelow(parser.holeTokens, tokenStarting(item.options[0].pos));
    const optionsFixed = holesBeforeOptions === holeCount;
    for (const option of item.options) visitOption(option, visit);
    const spanStart = tokenStarting(item.span.column - 1);
    const spanEnd = tokenEnding((item.span.endColumn ?? item.span.column) - 1);
    if (!placeable || spanStart < 0 || spanEnd < 0) return undefined;

    const shape = new LineShape(this.list.length, item.mnemonic, item.operands, item.options, {
      text,
      kinds: parser.kinds.slice(0, count),
      classes,
      starts,
      ends,
      holes: parser.holeNodes.slice() as unknown as HoleLeaf[],
      holeTokens: Int32Array.from(parser.holeTokens),
      movable,
      movableStarts: Int32Array.from(movableStarts),
      movableEnds: Int32Array.from(movableEnds),
      spanStart,
      spanEnd,
      optionsFixed,
      lineStart: from,
    });
    this.hashes[slot] = hash;
    this.entries[slot] = shape;
    this.list.push(shape);
    return shape;
  }
}

/** Number of entries of the ascending list `values` below `limit`. */
function countBelow(values: readonly number[], limit: number): number {
  let count = 0;
  while (count < values.length && values[count] < limit) count++;
  return count;
}

function visitExpr(expr: ExprAst | StringAst, visit: (node: MovableNode) => void): void {
  visit(expr as MovableNode);
  if (expr.kind === 'unary') visitExpr(expr.operand, visit);
  else if (expr.kind === 'binary') {
    visitExpr(expr.left, visit);
    visitExpr(expr.right, visit);
  }
}

function visitOperand(operand: OperandAst, visit: (node: MovableNode) => void): void {
  visit(operand as MovableNode);
  if (operand.kind === 'expr') visitExpr(operand.expr, visit);
  else if (operand.kind === 'ref') {
    for (const index of operand.indices) visitIndex(index, visit);
  }
}

function visitIndex(index: IndexAst, visit: (node: MovableNode) => void): void {
  visit(index as MovableNode);
  visitExpr(index.start, visit);
  if (index.width) visitExpr(index.width, visit);
}

function visitOption(option: OptionAst, visit: (node: MovableNode) => void): void {
  visit(option as MovableNode);
  if (option.value) visitValue(option.value, visit);
}

function visitValue(value: OptionValueAst, visit: (node: MovableNode) => void): void {
  if (value.kind !== 'call') {
    visitExpr(value, visit);
    return;
  }
  visit(value as MovableNode);
  for (const argument of value.args as readonly CallArgumentAst[]) {
    visit(argument as MovableNode);
    visitExpr(argument.value, visit);
  }
}
