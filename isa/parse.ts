/**
 * `parseSource`: text to `ProgramAst` with diagnostics. Splits the text into lines, parses each
 * with the fast path (fastpath.ts) or, for the lines it declines, with the chevrotain grammar,
 * and nests `loop` blocks while it goes. A line with the same text as an earlier one reuses that
 * line's parse. Comments are attached for the formatter when `statements` is first read.
 */
import type { IToken } from 'chevrotain';
import type { Diagnostic } from '../common/diagnostic.js';
import { closestMatch } from '../common/diagnostic.js';
import type { BrokenLines, OperandAst, OptionAst, ProgramAst, SourceSpan, StatementAst } from './ast.js';
import { fastLineParser } from './fastpath.js';
import { LOOP_HINT } from './foreign.js';
import { MAX_LINE_CHARS, MAX_LINE_TOKENS, MAX_NESTING, MAX_SOURCE_CHARS, MAX_TABLE_PROBES } from './limits.js';
import { createLineParser, type LineItem, type LineParser } from './grammar.js';
import { LineShapes, type LineShape } from './shapes.js';
import { SIGNATURES } from './signatures.js';
import { foreignSyntaxHint, startsWithForeignLoop } from './syntax-hints.js';
import { lasmTokens } from './tokens.js';

export { MAX_LINE_CHARS, MAX_LINE_TOKENS, MAX_NESTING, MAX_SOURCE_CHARS };

/** Most lines of one file whose parse is kept for later lines with the same text. */
export const MAX_LINE_TEMPLATES = 8192;

const DIRECTIVES = ['.const', '.tensor', '.include'];

/** Quotation marks that word processors substitute for `"` and `'`. */
const TYPOGRAPHIC_QUOTES = '\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb';

let sharedParser: LineParser | undefined;

function parser(): LineParser {
  sharedParser ??= createLineParser();
  return sharedParser;
}

/** A statement under construction; the finished tree is exposed as readonly `StatementAst`. */
interface MutableStatement {
  kind: string;
  span: SourceSpan;
  blankLineBefore: boolean;
  trailingComment?: string;
  endComment?: string;
  body?: Entry[];
  [field: string]: unknown;
}

interface OpenLoop {
  /** The header, or undefined for a header with a syntax error. */
  readonly item: Extract<LineItem, { kind: 'loopStart' }> | undefined;
  /** The invalid statement of a header with a syntax error, when broken lines are kept. */
  readonly invalid?: MutableStatement;
  readonly body: Entry[];
}

interface CommentToken {
  readonly text: string;
  readonly line: number;
  readonly span: SourceSpan;
}

/** A comment, or the `RepeatedLines` entry of a repeated line that has one (see `Entry`). */
type CommentEntry = CommentToken | number;

function tokenSpan(file: string, line: number, token: IToken): SourceSpan {
  const column = token.startColumn ?? 1;
  return { file, line, column, endLine: line, endColumn: (token.endColumn ?? column) + 1 };
}

/**
 * Parses one `.lasm` source. Every problem in the input becomes a diagnostic rather than an
 * exception (test/isa/fuzz.test.ts checks this on random input). The AST is undefined only for NUL
 * bytes, a source over MAX_SOURCE_CHARS or loops nested deeper than MAX_NESTING. Lines with syntax
 * errors are left out of it, or kept as invalid statements with `keepBrokenLines`. The statements
 * of repeated lines are built when `statements` is first read, and `validate` reads the program
 * without building them (see `programEntries`).
 */
export function parseSource(text: string, file: string, options: ParseOptions = {}): { ast: ProgramAst | undefined; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];

  if (text.length > MAX_SOURCE_CHARS) {
    diagnostics.push({ severity: 'error', message: `file is too large: ${text.length} characters, the limit is ${MAX_SOURCE_CHARS}`, span: { file, line: 1, column: 1 } });
    return { ast: undefined, diagnostics };
  }

  const comments: CommentEntry[] = [];
  const nester = new LoopNester(options.keepBrokenLines ?? false);
  const repeats = new RepeatedLines(file, text);
  // Reuse pays for its bookkeeping (a copy of each new line, a second parse for each new shape) only
  // when later lines use it, which needs a long file.
  const reuseLines = (options.reuseLines ?? true) && text.length >= MIN_REUSE_SOURCE_CHARS;
  const nul = parseLines(text, file, diagnostics, comments, nester, repeats, reuseLines);
  if (nul >= 0) {
    // A NUL byte means the file is not text, and the errors of the lines before it are not shown.
    return { ast: undefined, diagnostics: [{ severity: 'error', message: 'file contains NUL bytes; a .lasm program must be text', span: positionOf(text, nul, file) }] };
  }
  const root = nester.finish();
  for (const diagnostic of nester.diagnostics) diagnostics.push(diagnostic);
  if (!root) return { ast: undefined, diagnostics };

  // The compact form pays off only for many repeated lines; a small program gets its tree at once.
  const brokenLines = nester.brokenLines();
  if (repeats.count < MIN_COMPACT_LINES) {
    const statements = expandProgram(root, repeats, comments);
    return { ast: brokenLines === undefined ? { file, statements } : { file, statements, brokenLines }, diagnostics };
  }
  const ast = compactProgram(file, root, repeats, comments);
  if (brokenLines !== undefined) (ast as { brokenLines?: BrokenLines }).brokenLines = brokenLines;
  return { ast, diagnostics };
}

/** Options of `parseSource`. */
export interface ParseOptions {
  /**
   * When false, every line is parsed into a tree of its own, as if no two lines were alike: no
   * line reuses the parse of an earlier line with the same text or shape. Slower; tests use it as
   * the reference for the reuse. Default true.
   */
  readonly reuseLines?: boolean;
  /**
   * When true, each line with a syntax error stays in the tree as an invalid statement (see
   * `InvalidStatement`), and a `loop` header with an error keeps its body. The program then carries
   * `brokenLines`, so that the validator can check the other lines. Default false: those lines are
   * left out, and the body of a broken `loop` header joins the enclosing block.
   */
  readonly keepBrokenLines?: boolean;
}

/**
 * A block of a program as `parseSource` builds it: a statement, or for a line that repeats an
 * earlier instruction line or has the shape of one (shapes.ts), the index of that line in the
 * program's `RepeatedLines`. These lines become statements only when `statements` is first read,
 * so a program that is only validated never allocates a statement for them.
 */
type Entry = MutableStatement | number;

/** Shortest source, in characters, whose lines `parseSource` reuses: repeated lines and line shapes (see shapes.ts). */
const MIN_REUSE_SOURCE_CHARS = 16_384;

/** Fewest repeated lines for which `parseSource` returns the compact form. */
const MIN_COMPACT_LINES = 256;

/** The parts of a program that `statements` is built from, until it is first read. */
interface CompactProgram {
  readonly root: Entry[];
  readonly repeats: RepeatedLines;
  readonly comments: CommentEntry[];
  /** True once `statements` was read and the entries were replaced by statements. */
  expanded: boolean;
}

/** Programs returned by `parseSource`, to the parts their statements are built from. */
const compactPrograms = new WeakMap<ProgramAst, CompactProgram>();

/**
 * Returns the program with `statements` as an enumerable getter that builds the statements of the
 * repeated lines and attaches the comments on first use, then keeps the result.
 */
function compactProgram(file: string, root: Entry[], repeats: RepeatedLines, comments: CommentEntry[]): ProgramAst {
  const compact: CompactProgram = { root, repeats, comments, expanded: false };
  const ast = { file } as { file: string; statements: readonly StatementAst[] };
  Object.defineProperty(ast, 'statements', {
    enumerable: true,
    configurable: true,
    get: () => {
      compact.expanded = true;
      compactPrograms.delete(ast);
      const statements = expandProgram(root, repeats, comments);
      Object.defineProperty(ast, 'statements', { value: statements, enumerable: true, writable: false, configurable: false });
      return statements;
    },
  });
  compactPrograms.set(ast, compact);
  return ast;
}

/** Replaces every repeated-line entry by its statement or comment, attaches the comments, and returns the statements. */
function expandProgram(root: Entry[], repeats: RepeatedLines, comments: CommentEntry[]): StatementAst[] {
  expandBlock(root, repeats);
  for (let i = 0; i < comments.length; i++) {
    const comment = comments[i];
    if (typeof comment === 'number') comments[i] = repeats.comment(comment);
  }
  const statements = root as unknown as StatementAst[];
  attachComments(statements, comments as CommentToken[]);
  return statements;
}

/** Replaces the repeated-line entries of `block` and of the loops inside it by their statements. */
function expandBlock(block: Entry[], repeats: RepeatedLines): void {
  for (let i = 0; i < block.length; i++) {
    const entry = block[i];
    if (typeof entry === 'number') block[i] = repeats.statement(entry) as unknown as MutableStatement;
    else if (entry.kind === 'loop') expandBlock(entry.body as Entry[], repeats);
    else if (entry.kind === 'invalid' && entry.body !== undefined) expandBlock(entry.body, repeats);
  }
}

/**
 * Read access to a program's blocks without building statements for repeated lines; the validator
 * uses it. Undefined for a program whose `statements` were already read, or that `parseSource` did
 * not return; its statements are then the blocks.
 */
export interface ProgramEntries {
  /** Top-level block. Loop statements in it have bodies of the same form. */
  readonly root: readonly (StatementAst | number)[];
  /**
   * Returns the statement of a repeated-line entry in `view`, which the caller owns. Every call
   * overwrites `view` and gives it a new span object, so the caller may keep the span.
   */
  statement(entry: number, view: InstructionView): Extract<StatementAst, { kind: 'instruction' }>;
}

/** A reusable instruction statement that `ProgramEntries.statement` fills in. */
export interface InstructionView {
  kind: 'instruction';
  mnemonic: string;
  operands: readonly OperandAst[];
  options: readonly OptionAst[];
  span: SourceSpan;
  blankLineBefore: boolean;
  trailingComment: string | undefined;
  /**
   * Id of the line shape (shapes.ts) whose `operands` and `options` the view holds, or -1. A shape's
   * lists are rewritten for each of its lines: the caller must not keep them or key anything on them.
   */
  shapeId: number;
  /** True when the options of the view's shape have no holes, so they are the same on all its lines. */
  optionsFixed: boolean;
}

/** Returns the entries of `ast` when its statements have not been built yet (see `ProgramEntries`). */
export function programEntries(ast: ProgramAst): ProgramEntries | undefined {
  const compact = compactPrograms.get(ast);
  if (compact === undefined || compact.expanded) return undefined;
  return { root: compact.root as unknown as readonly (StatementAst | number)[], statement: (entry, view) => compact.repeats.fill(entry, view) };
}

function positionOf(text: string, offset: number, file: string): SourceSpan {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { file, line, column: offset - lineStart + 1 };
}

/**
 * Splits the text into lines (\n, \r\n or \r) and parses each into `nester` and `comments`. A
 * line with the text of an earlier one reuses its parse (see `LineTemplate`), and a line with the
 * shape of an earlier one is only read by that shape's matcher (see shapes.ts). Other lines go
 * first to the fast path, which reads the line in place, then, when the fast path declines, to the
 * chevrotain lexer and grammar, which report the errors. Returns the offset of the first NUL
 * character, where it stops, or -1 when the text has none.
 */
function parseLines(text: string, file: string, diagnostics: Diagnostic[], comments: CommentEntry[], nester: LoopNester, repeats: RepeatedLines, reuseLines: boolean): number {
  /** Items of the current line; a line has at most two (a label and an instruction). */
  const items: LineItem[] = [];
  const templates = reuseLines ? new LineTemplates(text.length) : undefined;
  const shapes = reuseLines ? new LineShapes() : undefined;
  const length = text.length;
  let lineNumber = 0;
  let start = 0;

  /** Template of the previous line, when it had one. */
  let previous: LineTemplate | undefined;
  /** Shape of the previous line, when it had one. */
  let previousShape: LineShape | undefined;

  /** Records a line that the `matchAt` of `shape` has just read as an entry. */
  const addShapedLine = (shape: LineShape, lineNumber: number, start: number, end: number): void => {
    const entry = repeats.addShaped(shape, lineNumber, start, end);
    nester.addEntry(entry);
    if (shape.hasComment) comments.push(entry);
  };

  while (start <= length) {
    lineNumber++;
    let end: number;
    let template: LineTemplate | undefined;
    // Repeated code repeats whole sequences of lines, so the line that followed the previous line's
    // template last time is tried first. A match costs one comparison and no hash. Generated code
    // repeats sequences of shapes (see shapes.ts), so the shape that followed the previous line's
    // shape is tried next, and read without the scanner.
    const predicted = previous?.next;
    const predictedShape = previousShape?.next;
    if (predicted !== undefined && isLineAt(text, start, predicted)) {
      template = predicted;
      end = start + predicted.text.length;
    } else if (predictedShape !== undefined && (end = predictedShape.matchAt(text, start)) >= 0) {
      addShapedLine(predictedShape, lineNumber, start, end);
      previous = undefined;
      previousShape = predictedShape;
    } else {
      // The line's hash, when templates are kept, is computed while looking for its end. Every line
      // passes through one of these loops before it is parsed or becomes a template, so they also
      // find NUL characters. A line that matches a template or a shape has none.
      end = start;
      let hash = FNV_OFFSET;
      const hashing = templates !== undefined;
      while (end < length) {
        const c = text.charCodeAt(end);
        if (c === 10 || c === 13) break;
        if (c === 0) return end;
        if (hashing) hash = Math.imul(hash ^ c, FNV_PRIME);
        end++;
      }
      template = templates?.find(text, start, end, hash);
      // A line with the shape of an earlier one (see shapes.ts) is recorded without a tree.
      const shape = shapes !== undefined && template === undefined && shapes.list.length > 0 && end - start <= MAX_LINE_CHARS && fastLineParser.scanLine(text, start, end) ? shapes.find(text, start, end) : undefined;
      if (shape !== undefined) {
        addShapedLine(shape, lineNumber, start, end);
        if (previousShape !== undefined) previousShape.next = shape;
        previous = undefined;
        previousShape = shape;
      } else if (template === undefined) {
        const outcome = parseLine(text, start, end, file, lineNumber, items, diagnostics, comments);
        let added: LineTemplate | undefined;
        let addedShape: LineShape | undefined;
        if (templates !== undefined && outcome === LineOutcome.Fast) {
          if (items.length === 0) added = templates.add(text, start, end, hash, undefined, fastLineParser);
          else if (items.length === 1 && items[0].kind === 'instruction') {
            added = templates.add(text, start, end, hash, items[0], fastLineParser);
            addedShape = shapes?.add(text, start, end, file, lineNumber);
          }
        }
        for (const item of items) nester.add(item);
        items.length = 0;
        if (outcome >= LineOutcome.Broken) nester.addBroken(outcome, text, start, end, file, lineNumber);
        if (previous !== undefined && added !== undefined) previous.next = added;
        previous = added;
        if (previousShape !== undefined && addedShape !== undefined) previousShape.next = addedShape;
        previousShape = addedShape;
      }
    }

    if (template !== undefined) {
      if (template.operands !== undefined || template.commentText !== undefined) {
        const entry = repeats.add(template, lineNumber);
        if (template.operands !== undefined) nester.addEntry(entry);
        if (template.commentText !== undefined) comments.push(entry);
      }
      if (previous !== undefined) previous.next = template;
      previous = template;
      previousShape = undefined;
    }

    if (end >= length) break;
    start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
  }
  return -1;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

type InstructionItem = Extract<LineItem, { kind: 'instruction' }>;

/**
 * A line as the fast path parsed it: one instruction, a comment alone, or nothing. Node positions
 * are offsets in the line, so every later line with the same text has the same operands and
 * options, and only its line number differs. Such lines share this line's `operands` and
 * `options` lists, which the tree never changes.
 */
interface LineTemplate {
  /** Number of the template in its table, in the order of addition. */
  readonly id: number;
  /** Text of the line; comparing a substring with it runs at memory speed, unlike a loop over characters. */
  readonly text: string;
  /** The instruction's fields, or '' and undefined for a line without one. */
  readonly mnemonic: string;
  readonly operands: InstructionItem['operands'] | undefined;
  readonly options: InstructionItem['options'] | undefined;
  readonly column: number;
  readonly endColumn: number;
  readonly commentText: string | undefined;
  readonly commentColumn: number;
  readonly commentEndColumn: number;
  /** Template of the line that followed this one most recently. */
  next: LineTemplate | undefined;
}

/**
 * Templates of one source by their text, in an open-addressing hash table. It keeps at most
 * MAX_LINE_TEMPLATES lines, the first ones seen, so a source of distinct lines costs a bounded
 * amount.
 */
class LineTemplates {
  /** Templates kept: at most half the slots, so that a probe soon reaches an empty slot. */
  private readonly capacity: number;
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly entries: (LineTemplate | undefined)[];
  private size = 0;

  /** Creates a table for a source of `length` characters; a short source gets a small table. */
  constructor(length: number) {
    // One slot per 16 characters of the source, from 64 up to twice MAX_LINE_TEMPLATES. A source
    // with more distinct lines than `capacity` keeps the first ones.
    let slots = 64;
    while (slots < 2 * MAX_LINE_TEMPLATES && slots * 16 < length) slots *= 2;
    this.capacity = slots / 2;
    this.mask = slots - 1;
    this.hashes = new Int32Array(slots);
    this.entries = new Array<LineTemplate | undefined>(slots).fill(undefined);
  }

  /** Returns the template whose text is `text[start, end)`, if there is one. */
  find(text: string, start: number, end: number, hash: number): LineTemplate | undefined {
    const mask = this.mask;
    for (let probe = 0, slot = hash & mask; probe < MAX_TABLE_PROBES; probe++, slot = (slot + 1) & mask) {
      const entry = this.entries[slot];
      if (entry === undefined) return undefined;
      if (this.hashes[slot] === hash && entry.text.length === end - start && text.slice(start, end) === entry.text) return entry;
    }
    return undefined;
  }

  /** Adds the line `text[start, end)`, which the fast path has just parsed into `item`; returns undefined when the table is full. */
  add(text: string, start: number, end: number, hash: number, item: InstructionItem | undefined, fast: typeof fastLineParser): LineTemplate | undefined {
    if (this.size >= this.capacity) return undefined;
    const mask = this.mask;
    let slot = hash & mask;
    for (let probe = 0; this.entries[slot] !== undefined; probe++, slot = (slot + 1) & mask) {
      if (probe + 1 >= MAX_TABLE_PROBES) return undefined;
    }
    this.hashes[slot] = hash;
    this.entries[slot] = {
      id: this.size,
      text: text.slice(start, end),
      mnemonic: item?.mnemonic ?? '',
      operands: item?.operands,
      options: item?.options,
      column: item?.span.column ?? 0,
      endColumn: item?.span.endColumn ?? 0,
      commentText: fast.commentPos >= 0 ? fast.commentText : undefined,
      commentColumn: fast.commentPos + 1,
      commentEndColumn: fast.commentEnd + 1,
      next: undefined,
    };
    this.size++;
    return this.entries[slot];
  }
}

/**
 * The lines of one program that repeat an earlier instruction or comment line, or have the shape
 * of an earlier instruction line. For each, it stores the template or shape and the line number,
 * and for a line of a shape its offsets and those of its holes, in growable typed arrays, which the
 * garbage collector does not scan.
 */
class RepeatedLines {
  private templates: LineTemplate[] = [];
  private shapes: LineShape[] = [];
  /** Per entry: the id of its template, or for a line of a shape, -1 - the shape's id. */
  private templateIds = NO_ENTRIES;
  private lines = NO_ENTRIES;
  /** Per entry of a shape: the offsets of its line in the text, start and end. */
  private starts = NO_ENTRIES;
  private ends = NO_ENTRIES;
  /** Per entry of a shape spaced as the shape's first line: where its hole offsets start in `holes`, else -1. */
  private holesAt = NO_ENTRIES;
  /** Start and end offsets of the holes of shaped entries, `holeCount` of them in use. */
  private holes = NO_ENTRIES;
  private holeCount = 0;
  /** Number of entries. */
  count = 0;
  /** Span columns that `LineShape.fill` writes. */
  private readonly columns = { column: 0, endColumn: 0 };

  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {}

  /** Records line `line` as a copy of `template` and returns its entry number. */
  add(template: LineTemplate, line: number): number {
    if (this.templates[template.id] === undefined) this.templates[template.id] = template;
    return this.push(template.id, line, -1, -1);
  }

  /**
   * Records line `line`, `text[start, end)`, as a line of `shape`, whose `matchAt` has stored the
   * offsets of its holes, and returns its entry number. When the line is spaced as the shape's
   * first line, the offsets are kept, so that `fill` need not scan it again.
   */
  addShaped(shape: LineShape, line: number, start: number, end: number): number {
    if (this.shapes[shape.id] === undefined) this.shapes[shape.id] = shape;
    const entry = this.push(-1 - shape.id, line, start, end);
    if (shape.sameLayout) {
      const needed = this.holeCount + 2 * shape.holeCount;
      while (needed > this.holes.length) this.holes = grow(this.holes);
      this.holes.set(shape.holeOffsets, this.holeCount);
      this.holesAt[entry] = this.holeCount;
      this.holeCount = needed;
    }
    return entry;
  }

  private push(id: number, line: number, start: number, end: number): number {
    if (this.count === this.lines.length) {
      this.templateIds = grow(this.templateIds);
      this.lines = grow(this.lines);
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.holesAt = grow(this.holesAt);
    }
    this.holesAt[this.count] = -1;
    this.templateIds[this.count] = id;
    this.lines[this.count] = line;
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    return this.count++;
  }

  /** Builds the comment token of entry `entry`, whose line has a comment. */
  comment(entry: number): CommentToken {
    const line = this.lines[entry];
    const id = this.templateIds[entry];
    if (id < 0) {
      const parser = fastLineParser;
      parser.scanLine(this.text, this.starts[entry], this.ends[entry]);
      return { text: parser.commentText, line, span: { file: this.file, line, column: parser.commentPos + 1, endLine: line, endColumn: parser.commentEnd + 1 } };
    }
    const template = this.templates[id];
    return { text: template.commentText!, line, span: { file: this.file, line, column: template.commentColumn, endLine: line, endColumn: template.commentEndColumn } };
  }

  /** Builds the statement of entry `entry`, whose line has an instruction. A line of a shape is parsed again, into a tree of its own. */
  statement(entry: number): LineItem {
    const id = this.templateIds[entry];
    if (id >= 0) return instantiate(this.templates[id], this.file, this.lines[entry]);
    const items: LineItem[] = [];
    fastLineParser.parseLine(this.text, this.starts[entry], this.ends[entry], this.file, this.lines[entry], items);
    return items[0];
  }

  /** Writes the statement of entry `entry` into `view`, with a new span, and returns `view`. */
  fill(entry: number, view: InstructionView): InstructionView {
    const id = this.templateIds[entry];
    const line = this.lines[entry];
    if (id < 0) {
      const shape = this.shapes[-1 - id];
      const start = this.starts[entry];
      const columns = this.columns;
      const holesAt = this.holesAt[entry];
      if (holesAt >= 0) {
        shape.fillFromHoles(this.text, this.holes, holesAt, columns);
      } else {
        fastLineParser.scanLine(this.text, start, this.ends[entry]);
        shape.fill(this.text, start, columns);
      }
      view.mnemonic = shape.mnemonic;
      view.operands = shape.operands;
      view.options = shape.options;
      view.span = { file: this.file, line, column: columns.column, endLine: line, endColumn: columns.endColumn };
      view.shapeId = shape.id;
      view.optionsFixed = shape.optionsFixed;
      return view;
    }
    const template = this.templates[id];
    view.mnemonic = template.mnemonic;
    view.operands = template.operands!;
    view.options = template.options!;
    view.span = { file: this.file, line, column: template.column, endLine: line, endColumn: template.endColumn };
    view.shapeId = -1;
    view.optionsFixed = false;
    return view;
  }
}

/** Empty arrays of `RepeatedLines` until its first entry; most sources, and every short one, have none. */
const NO_ENTRIES = new Int32Array(0);

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(Math.max(16, array.length * 2));
  larger.set(array);
  return larger;
}

/** True when the line that starts at `start` in `text` has the text of `template`. */
function isLineAt(text: string, start: number, template: LineTemplate): boolean {
  const end = start + template.text.length;
  if (end < text.length) {
    const after = text.charCodeAt(end);
    if (after !== 10 && after !== 13) return false;
  } else if (end > text.length) {
    return false;
  }
  return text.slice(start, end) === template.text;
}

/** Builds the item of line `line` from a template, with the fields in the order the parsers use. */
function instantiate(template: LineTemplate, file: string, line: number): LineItem {
  return {
    kind: 'instruction',
    mnemonic: template.mnemonic,
    operands: template.operands!,
    options: template.options!,
    span: { file, line, column: template.column, endLine: line, endColumn: template.endColumn },
    blankLineBefore: false,
    trailingComment: undefined,
  };
}

/** Result of `parseLine`: which parser took the line, and for a line with an error, its effect on loops. */
const enum LineOutcome {
  /** The fast path parsed it. */
  Fast,
  /** Chevrotain parsed it. */
  Slow,
  /** A line with an error that is neither a loop header nor an `endloop`. */
  Broken,
  /** A line starting with `loop` that has an error: its loop still needs its `endloop`. */
  BrokenLoop,
  /** A line starting with `endloop` that has an error: it still closes a loop. */
  BrokenEndLoop,
}

/**
 * Characters a message shows as U+XXXX: control, format and private-use characters, unassigned code
 * points, separators, U+FFFD, and combining marks, which on their own would combine with the quote
 * before them.
 */
const INVISIBLE_CHARACTER = /^[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}\p{Mn}\p{Me}\ufffd]$/u;
/** Characters that look like a space or show nothing: separators such as U+00A0, and format characters such as U+200B. The lexer skips the plain space. */
const SPACE_LOOKALIKE = /^[\p{Zs}\p{Zl}\p{Zp}\p{Cf}]$/u;

/** Counts the code points of `text[start, end)`; a surrogate pair counts once. */
function codePointCount(text: string, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff && i > start && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff) continue;
    count++;
  }
  return count;
}

/** Parses `text[start, end)`, line `lineNumber`, appending its items, comment and diagnostics. */
function parseLine(text: string, start: number, end: number, file: string, lineNumber: number, items: LineItem[], diagnostics: Diagnostic[], comments: CommentEntry[]): LineOutcome {
  if (end - start > MAX_LINE_CHARS) {
    diagnostics.push({ severity: 'error', message: `line is ${end - start} characters long; the limit is ${MAX_LINE_CHARS}`, span: { file, line: lineNumber, column: 1, endColumn: 2 } });
    return LineOutcome.Broken;
  }

  const fast = fastLineParser;
  if (fast.parseLine(text, start, end, file, lineNumber, items)) {
    if (fast.commentPos >= 0) {
      comments.push({ text: fast.commentText, line: lineNumber, span: { file, line: lineNumber, column: fast.commentPos + 1, endLine: lineNumber, endColumn: fast.commentEnd + 1 } });
    }
    return LineOutcome.Fast;
  }

  const diagnosticCount = diagnostics.length;
  const lineText = text.slice(start, end);
  const T = lasmTokens();
  const lexed = T.lasmLexer.tokenize(lineText);
  // Only the first bad character of a line is reported. The others are usually the same mistake,
  // such as the closing one of a pair of typographic quotes.
  const error = lexed.errors[0];
  if (error !== undefined) {
    // A whole code point, so that an emoji or another character outside the BMP is not cut in half.
    const character = String.fromCodePoint(lineText.codePointAt(error.offset) ?? 0xfffd);
    const invisible = INVISIBLE_CHARACTER.test(character);
    const shown = invisible ? `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : `'${character}'`;
    const column = error.column ?? 1;
    const characters = codePointCount(lineText, error.offset, error.offset + error.length);
    let message = characters > 1 ? `unexpected characters starting with ${shown}` : `unexpected character ${shown}`;
    // Node decodes invalid UTF-8 as U+FFFD, so that is what a corrupt or binary file shows here.
    if (character === '\ufffd') message = 'invalid UTF-8 byte sequence (read as U+FFFD); a .lasm program must be UTF-8 text';
    let hint: string | undefined;
    let more = 0;
    for (let i = 1; i < lexed.errors.length; i++) more += codePointCount(lineText, lexed.errors[i].offset, lexed.errors[i].offset + lexed.errors[i].length);
    if (character.length === 1 && TYPOGRAPHIC_QUOTES.includes(character)) hint = 'strings take straight double quotes: "…"';
    else if (SPACE_LOOKALIKE.test(character)) hint = 'this character looks like a space or is invisible; replace it with a plain space, or delete it';
    else if (startsWithForeignLoop(lexed.tokens)) hint = LOOP_HINT;
    else if (more > 0) hint = `the line has ${more} more unexpected character${more === 1 ? '' : 's'} after ${characters === 1 ? 'this one' : 'these'}`;
    diagnostics.push({
      severity: 'error',
      message,
      span: { file, line: lineNumber, column, endColumn: column + Math.max(1, Math.min(error.length, 80)) },
      ...(hint ? { hint } : {}),
    });
  }
  for (const token of lexed.groups.comments ?? []) {
    comments.push({ text: token.image.startsWith(';') ? token.image.slice(1) : token.image.slice(2), line: lineNumber, span: tokenSpan(file, lineNumber, token) });
  }
  if (lexed.errors.length === 0 && lexed.tokens.length > 0) parseTokens(lexed.tokens, file, lineNumber, items, diagnostics);

  // A loop header or endloop with an error still opens or closes a loop. Otherwise the error
  // would be reported a second time as an unmatched loop or endloop.
  if (diagnostics.length === diagnosticCount) return LineOutcome.Slow;
  const first = lexed.tokens.length > 0 ? lexed.tokens[0].tokenType : undefined;
  if (first === T.Loop) return LineOutcome.BrokenLoop;
  if (first === T.EndLoop) return LineOutcome.BrokenEndLoop;
  return LineOutcome.Broken;
}

function parseTokens(tokens: IToken[], file: string, lineNumber: number, items: LineItem[], diagnostics: Diagnostic[]): void {
  const T = lasmTokens();
  // Unterminated strings would otherwise surface as confusing "expected …" errors.
  const unterminated = tokens.find((token) => token.tokenType === T.UnterminatedString);
  if (unterminated) {
    diagnostics.push({ severity: 'error', message: 'unterminated string: add the closing \'"\' on the same line', span: tokenSpan(file, lineNumber, unterminated) });
    return;
  }

  if (tokens.length > MAX_LINE_TOKENS) {
    // The caret goes under the first token past the limit.
    diagnostics.push({ severity: 'error', message: `line has ${tokens.length} tokens; the limit is ${MAX_LINE_TOKENS}`, span: tokenSpan(file, lineNumber, tokens[MAX_LINE_TOKENS]) });
    return;
  }

  // Deep nesting is rejected before parsing, so the recursive-descent parser cannot overflow the stack.
  let depth = 0;
  let signRun = 0;
  for (const token of tokens) {
    if (token.tokenType === T.LParen || token.tokenType === T.LBracket) depth++;
    else if (token.tokenType === T.RParen || token.tokenType === T.RBracket) depth--;
    // A run of signs such as `- - -x` nests one level per sign.
    signRun = token.tokenType === T.Minus || token.tokenType === T.Plus ? signRun + 1 : 0;
    if (depth > MAX_NESTING || signRun > MAX_NESTING) {
      const message = depth > MAX_NESTING ? `parentheses and brackets nested more than ${MAX_NESTING} levels deep` : `more than ${MAX_NESTING} '+' or '-' signs in a row; each nests the expression one level, and the limit is ${MAX_NESTING}`;
      diagnostics.push({ severity: 'error', message, span: tokenSpan(file, lineNumber, token) });
      return;
    }
  }

  if (tokens[0].tokenType === T.UnknownDirective) {
    const name = tokens[0].image;
    const suggestion = closestMatch(name.toLowerCase(), DIRECTIVES);
    diagnostics.push({
      severity: 'error',
      message: `unknown directive '${name}'`,
      span: tokenSpan(file, lineNumber, tokens[0]),
      hint: suggestion ? `did you mean '${suggestion}'?` : `directives are ${DIRECTIVES.join(', ')}`,
    });
    return;
  }

  const lineParser = parser();
  lineParser.file = file;
  lineParser.lineNumber = lineNumber;
  lineParser.input = tokens;
  const result = lineParser.line();
  if (lineParser.errors.length > 0) {
    const error = lineParser.errors[0];
    const token = error.token;
    const span = token.tokenType === undefined || token.startOffset === undefined || Number.isNaN(token.startOffset) ? endOfLineSpan(file, lineNumber, tokens) : tokenSpan(file, lineNumber, token);
    const at = tokens.indexOf(token);
    const hint = commaHint(tokens, at) ?? foreignSyntaxHint(tokens, at);
    diagnostics.push(hint ? { severity: 'error', message: error.message, span, hint } : { severity: 'error', message: error.message, span });
    return;
  }
  for (const item of result) items.push(item);
}

/** Option keys of every instruction, in lower case. */
const OPTION_KEYS: ReadonlySet<string> = new Set(Object.values(SIGNATURES).flatMap((signature) => Object.keys(signature.options)));

/**
 * Returns a hint for a syntax error at `tokens[at]` caused by a missing or extra comma, which the
 * grammar reports only later in the line. Without a comma after an operand, the next name is read
 * as a flag option (`vadd v1 v2, v3`, `load sp[0] A[…]`). A comma before an option makes its key
 * an operand (`load sp[0], A[…], wait=load`).
 */
function commaHint(tokens: readonly IToken[], at: number): string | undefined {
  const T = lasmTokens();
  if (at < 3) return undefined;
  const found = tokens[at].tokenType;
  const name = tokens[at - 1];
  if (name.tokenType !== T.Identifier) return undefined;
  const before = tokens[at - 2].tokenType;
  if (found === T.Equals && before === T.Comma) {
    return `options follow the operands without a comma: remove the ',' before '${name.image}' (column ${name.startColumn ?? 1})`;
  }
  const operandEnd = before === T.Identifier || before === T.NumberLiteral || before === T.RBracket || before === T.RParen;
  // A real flag such as `sat` before a comma is an option written too early, not a missing comma.
  if ((found === T.Comma || found === T.LBracket) && operandEnd && !OPTION_KEYS.has(name.image.toLowerCase())) {
    return `operands are separated by commas: is a ',' missing before '${name.image}' (column ${name.startColumn ?? 1})?`;
  }
  return undefined;
}

/** Returns the span just after the last token of a line, where "expected …" errors at end of line point. */
function endOfLineSpan(file: string, line: number, tokens: readonly IToken[]): SourceSpan {
  const last = tokens[tokens.length - 1];
  const column = (last.endColumn ?? last.startColumn ?? 0) + 1;
  return { file, line, column, endColumn: column + 1 };
}

/**
 * Builds loop bodies from `loop` and `endloop` items while the lines are parsed. Once loops nest
 * deeper than MAX_NESTING it stops, and `finish` returns undefined, which keeps every later
 * recursive walk of the tree shallow.
 */
class LoopNester {
  private readonly top: Entry[] = [];
  private readonly stack: OpenLoop[] = [];
  private current: Entry[] = this.top;
  private tooDeep = false;
  /** Problems with loop nesting, reported after those of the lines. */
  readonly diagnostics: Diagnostic[] = [];
  /** Names written on the broken lines; created with the first broken line that is kept. */
  private brokenNames: Set<string> | undefined;
  private anyName = false;
  private loopsUnmatched = false;

  /** `keepBroken`: see `ParseOptions.keepBrokenLines`. */
  constructor(private readonly keepBroken: boolean) {}

  add(item: LineItem): void {
    if (this.tooDeep) return;
    if (item.kind === 'loopStart') {
      this.open(item, item.span);
      return;
    }
    if (item.kind === 'loopEnd') {
      const open = this.stack.pop();
      if (!open) {
        this.diagnostics.push({ severity: 'error', message: "'endloop' without a matching 'loop'", span: item.span });
        this.loopsUnmatched = true;
        return;
      }
      this.close(open, item.span);
      return;
    }
    this.current.push(item as unknown as MutableStatement);
  }

  /** Adds a repeated-line entry (see `Entry`). */
  addEntry(entry: number): void {
    if (!this.tooDeep) this.current.push(entry);
  }

  /**
   * Adds line `line` of `text`, from `start` to `end`, which has a syntax error. A broken loop header
   * still opens a loop, so that its `endloop` is not reported, and a broken `endloop` still closes
   * one. With `keepBroken`, the line also becomes an invalid statement.
   */
  addBroken(outcome: LineOutcome, text: string, start: number, end: number, file: string, line: number): void {
    const span: SourceSpan = { file, line, column: 1 };
    if (outcome === LineOutcome.BrokenEndLoop) {
      this.add({ kind: 'loopEnd', span });
      return;
    }
    if (this.tooDeep) return;
    const invalid = this.keepBroken ? this.invalidStatement(text, start, end, file, line) : undefined;
    if (outcome === LineOutcome.BrokenLoop) this.open(undefined, span, invalid);
    else if (invalid !== undefined) this.current.push(invalid);
  }

  /** Builds the invalid statement of a broken line and records its names (see `InvalidStatement`). */
  private invalidStatement(text: string, start: number, end: number, file: string, line: number): MutableStatement {
    const span: SourceSpan = { file, line, column: 1, endLine: line, endColumn: end - start + 1 };
    const statement: MutableStatement = { kind: 'invalid', span, blankLineBefore: false, trailingComment: undefined, text: '', keyword: '', names: undefined };
    this.brokenNames ??= new Set();
    if (end - start > MAX_LINE_CHARS) {
      this.anyName = true;
      return statement;
    }

    const T = lasmTokens();
    const lexed = T.lasmLexer.tokenize(text.slice(start, end));
    const comment = lexed.groups.comments?.[0];
    statement.text = text.slice(start, comment === undefined ? end : start + comment.startOffset).trim();
    // An unexpected character or an unterminated string may have split or hidden any word, and a
    // `//` inside an expression (integer division in Python) makes the rest of the line a comment.
    // Such a line might have been anything, with any names.
    if (lexed.errors.length > 0 || comment?.image.startsWith('//') === true || lexed.tokens.some((token) => token.tokenType === T.UnterminatedString)) {
      this.anyName = true;
      return statement;
    }
    const tokens = lexed.tokens;
    const first = tokens.length > 2 && tokens[1].tokenType === T.Colon ? 2 : 0;
    const keyword = first < tokens.length ? tokens[first].image.toLowerCase() : '';
    statement.keyword = keyword;
    if (tokens.length > 1 && tokens[0].tokenType === T.Loop && tokens[1].tokenType === T.Identifier) statement.variable = tokens[1].image;

    // An `.include`, or an unknown directive that may be one, can define any name.
    let directive: string | undefined;
    if (keyword.startsWith('.')) directive = DIRECTIVES.includes(keyword) ? keyword : closestMatch(keyword, DIRECTIVES);
    if (directive !== undefined && directive !== '.const' && directive !== '.tensor') {
      this.anyName = true;
      return statement;
    }
    // A broken declaration may hide its name in another token, as in `.tensor xfp32[16]` or
    // `.tensor "A" fp32[4]`, unless it starts as a declaration does: `.const NAME =` or
    // `.tensor NAME FORMAT`.
    if (directive !== undefined) {
      const nameClear = first === 0 && tokens.length > 2 && tokens[1].tokenType === T.Identifier && tokens[2].tokenType === (directive === '.const' ? T.Equals : T.Identifier);
      if (!nameClear) this.anyName = true;
    }
    const names: string[] = [];
    for (const token of tokens) {
      if (token.tokenType !== T.Identifier) continue;
      names.push(token.image);
      this.brokenNames.add(token.image);
    }
    statement.names = names;
    return statement;
  }

  /**
   * Returns what the broken lines of the program might have changed. Returns undefined when every
   * line and loop is well formed, or when broken lines are not kept.
   */
  brokenLines(): BrokenLines | undefined {
    if (!this.keepBroken || (this.brokenNames === undefined && !this.loopsUnmatched)) return undefined;
    return { names: this.brokenNames ?? new Set(), anyName: this.anyName, loopsUnmatched: this.loopsUnmatched };
  }

  /** Closes the loops still open, reporting each, and returns the top-level block. */
  finish(): Entry[] | undefined {
    if (this.tooDeep) return undefined;
    // Unclosed loops keep their bodies, so later errors are still found.
    while (this.stack.length > 0) {
      const open = this.stack.pop()!;
      this.loopsUnmatched = true;
      if (open.item) this.diagnostics.push({ severity: 'error', message: `loop '${open.item.variable}' has no matching 'endloop'`, span: open.item.span, hint: "end the loop body with a line 'endloop'" });
      this.close(open, undefined);
    }
    return this.top;
  }

  private open(item: OpenLoop['item'], span: SourceSpan, invalid?: MutableStatement): void {
    if (this.stack.length >= MAX_NESTING) {
      this.diagnostics.push({ severity: 'error', message: `loops nested more than ${MAX_NESTING} levels deep`, span });
      this.tooDeep = true;
      return;
    }
    const body: Entry[] = [];
    this.stack.push(invalid === undefined ? { item, body } : { item, invalid, body });
    this.current = body;
  }

  /**
   * Adds the loop `open` to the enclosing block; `end` is the span of its `endloop`, undefined when
   * it has none. A loop whose header has an error becomes the invalid statement of its header, with
   * the body, when broken lines are kept. Otherwise its body joins the enclosing block.
   */
  private close(open: OpenLoop, end: SourceSpan | undefined): void {
    this.current = this.stack.length > 0 ? this.stack[this.stack.length - 1].body : this.top;
    if (open.item === undefined) {
      const invalid = open.invalid;
      if (invalid === undefined) {
        for (const statement of open.body) this.current.push(statement);
        return;
      }
      invalid.body = open.body;
      if (end !== undefined) invalid.span = { ...invalid.span, endLine: end.line, endColumn: end.endColumn };
      this.current.push(invalid);
      return;
    }
    const span = end === undefined ? open.item.span : { ...open.item.span, endLine: end.line, endColumn: end.endColumn };
    this.current.push(loopStatement(open.item, open.body, span));
  }
}

/** Builds the statement of a loop from its header; `blankLineBefore` and the comments are set by `attachComments`. */
function loopStatement(header: Extract<LineItem, { kind: 'loopStart' }>, body: Entry[], span: SourceSpan): MutableStatement {
  return {
    kind: 'loop',
    variable: header.variable,
    variablePos: header.variablePos,
    count: header.count,
    body,
    span,
    blankLineBefore: false,
    trailingComment: undefined,
    endComment: undefined,
  };
}

function lastLine(statement: { readonly span: SourceSpan }): number {
  return statement.span.endLine ?? statement.span.line;
}

/**
 * Places each comment and sets `blankLineBefore`. A comment on the line of a statement becomes that
 * statement's trailing comment, or the loop's `endComment` on an `endloop` line. A comment on a line
 * of its own becomes a comment statement in the innermost block that encloses it.
 */
function attachComments(statements: StatementAst[], comments: readonly CommentToken[]): void {
  attachInBlock(statements as unknown as MutableStatement[], undefined, Number.MAX_SAFE_INTEGER, comments, { next: 0 });
}

/**
 * Attaches the comments from `cursor.next` on that fall inside one block (lines before `endLine`).
 * The block is copied only when a standalone comment is inserted into it, which most blocks of a
 * large program never need.
 */
function attachInBlock(block: MutableStatement[], headerLine: number | undefined, endLine: number, comments: readonly CommentToken[], cursor: { next: number }): void {
  let result: MutableStatement[] | undefined;
  let previousLine = headerLine;
  const count = block.length;

  for (let i = 0; i < count; i++) {
    const statement = block[i];
    const line = statement.span.line;
    while (cursor.next < comments.length && comments[cursor.next].line < line && comments[cursor.next].line < endLine) {
      const comment = comments[cursor.next++];
      result ??= block.slice(0, i);
      result.push(commentStatement(comment, previousLine));
      previousLine = comment.line;
    }
    statement.blankLineBefore = previousLine !== undefined && line - previousLine > 1;
    if (cursor.next < comments.length && comments[cursor.next].line === line) statement.trailingComment = comments[cursor.next++].text;

    if (statement.kind === 'loop') {
      const loopEnd = lastLine(statement);
      const closed = loopEnd !== line;
      attachInBlock(statement.body as MutableStatement[], line, closed ? loopEnd : Number.MAX_SAFE_INTEGER, comments, cursor);
      if (closed && cursor.next < comments.length && comments[cursor.next].line === loopEnd) statement.endComment = comments[cursor.next++].text;
    }
    if (result) result.push(statement);
    previousLine = lastLine(statement);
  }

  while (cursor.next < comments.length && comments[cursor.next].line < endLine) {
    const comment = comments[cursor.next++];
    result ??= block.slice();
    result.push(commentStatement(comment, previousLine));
    previousLine = comment.line;
  }
  if (!result) return;
  block.length = 0;
  for (const statement of result) block.push(statement);
}

function commentStatement(comment: CommentToken, previousLine: number | undefined): MutableStatement {
  return { kind: 'comment', text: comment.text, span: comment.span, blankLineBefore: previousLine !== undefined && comment.line - previousLine > 1, trailingComment: undefined };
}
