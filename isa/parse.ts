/**
 * `parseSource`: text to `ProgramAst` with diagnostics. Splits the text into lines, parses each
 * with the fast path (fastpath.ts) or, for the lines it declines, with the chevrotain grammar,
 * then nests `loop` blocks and attaches comments for the formatter.
 */
import type { IToken } from 'chevrotain';
import type { Diagnostic } from '../common/diagnostic.js';
import { closestMatch } from '../common/diagnostic.js';
import type { ProgramAst, SourceSpan, StatementAst } from './ast.js';
import { fastLineParser } from './fastpath.js';
import { MAX_LINE_CHARS, MAX_LINE_TOKENS, MAX_NESTING, MAX_SOURCE_CHARS } from './limits.js';
import { LineParser, type LineItem } from './grammar.js';
import * as T from './tokens.js';

export { MAX_LINE_CHARS, MAX_LINE_TOKENS, MAX_NESTING, MAX_SOURCE_CHARS };

const DIRECTIVES = ['.const', '.tensor', '.include'];

let sharedParser: LineParser | undefined;

function parser(): LineParser {
  sharedParser ??= new LineParser();
  return sharedParser;
}

/** A statement under construction; the finished tree is exposed as readonly `StatementAst`. */
interface MutableStatement {
  kind: string;
  span: SourceSpan;
  blankLineBefore: boolean;
  trailingComment?: string;
  endComment?: string;
  body?: MutableStatement[];
  [field: string]: unknown;
}

interface OpenLoop {
  readonly item: Extract<LineItem, { kind: 'loopStart' }>;
  readonly body: MutableStatement[];
}

interface CommentToken {
  readonly text: string;
  readonly line: number;
  readonly span: SourceSpan;
}

function tokenSpan(file: string, line: number, token: IToken): SourceSpan {
  const column = token.startColumn ?? 1;
  return { file, line, column, endLine: line, endColumn: (token.endColumn ?? column) + 1 };
}

/**
 * Parses one `.lasm` source. Every problem in the input becomes a diagnostic rather than an
 * exception (test/isa/fuzz.test.ts checks this on random input). The AST is undefined only for NUL
 * bytes, a source over MAX_SOURCE_CHARS or loops nested deeper than MAX_NESTING. Lines with syntax
 * errors are left out of it.
 */
export function parseSource(text: string, file: string): { ast: ProgramAst | undefined; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];

  if (text.length > MAX_SOURCE_CHARS) {
    diagnostics.push({ severity: 'error', message: `file is too large: ${text.length} characters, the limit is ${MAX_SOURCE_CHARS}`, span: { file, line: 1, column: 1 } });
    return { ast: undefined, diagnostics };
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    diagnostics.push({ severity: 'error', message: 'file contains NUL bytes; a .lasm program must be text', span: positionOf(text, nul, file) });
    return { ast: undefined, diagnostics };
  }

  const comments: CommentToken[] = [];
  const lines = parseLines(text, file, diagnostics, comments);
  const statements = nestLoops(lines, diagnostics);
  if (!statements) return { ast: undefined, diagnostics };
  attachComments(statements, comments);

  return { ast: { file, statements }, diagnostics };
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
 * Splits the text into lines (\n, \r\n or \r) and parses each: first with the fast path, which
 * reads the line in place, then, when the fast path declines, with the chevrotain lexer and
 * grammar, which report the errors.
 */
function parseLines(text: string, file: string, diagnostics: Diagnostic[], comments: CommentToken[]): LineItem[] {
  const items: LineItem[] = [];
  const length = text.length;
  let lineNumber = 0;
  let start = 0;

  while (start <= length) {
    lineNumber++;
    let end = start;
    while (end < length) {
      const c = text.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    parseLine(text, start, end, file, lineNumber, items, diagnostics, comments);

    if (end >= length) break;
    start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
  }
  return items;
}

/** Parses `text[start, end)`, line `lineNumber`, appending its items, comment and diagnostics. */
function parseLine(text: string, start: number, end: number, file: string, lineNumber: number, items: LineItem[], diagnostics: Diagnostic[], comments: CommentToken[]): void {
  if (end - start > MAX_LINE_CHARS) {
    diagnostics.push({ severity: 'error', message: `line is ${end - start} characters long; the limit is ${MAX_LINE_CHARS}`, span: { file, line: lineNumber, column: 1, endColumn: 2 } });
    return;
  }

  const fast = fastLineParser;
  if (fast.parseLine(text, start, end, file, lineNumber, items)) {
    if (fast.commentPos >= 0) {
      comments.push({ text: fast.commentText, line: lineNumber, span: { file, line: lineNumber, column: fast.commentPos + 1, endLine: lineNumber, endColumn: fast.commentEnd + 1 } });
    }
    return;
  }

  const lineText = text.slice(start, end);
  const lexed = T.lasmLexer.tokenize(lineText);
  for (const error of lexed.errors) {
    const character = lineText.slice(error.offset, error.offset + Math.min(error.length, 1));
    const shown = /[\u0000-\u001f\u007f-\u009f\ufffd]/.test(character) ? `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}` : `'${character}'`;
    const column = error.column ?? 1;
    let message = error.length > 1 ? `unexpected characters starting with ${shown}` : `unexpected character ${shown}`;
    // Node decodes invalid UTF-8 as U+FFFD, so that is what a corrupt or binary file shows here.
    if (character === '\ufffd') message = 'invalid UTF-8 byte sequence (read as U+FFFD); a .lasm program must be UTF-8 text';
    diagnostics.push({
      severity: 'error',
      message,
      span: { file, line: lineNumber, column, endColumn: column + Math.max(1, Math.min(error.length, 80)) },
    });
  }
  for (const token of lexed.groups.comments ?? []) {
    comments.push({ text: token.image.startsWith(';') ? token.image.slice(1) : token.image.slice(2), line: lineNumber, span: tokenSpan(file, lineNumber, token) });
  }
  if (lexed.errors.length === 0 && lexed.tokens.length > 0) parseTokens(lexed.tokens, file, lineNumber, items, diagnostics);
}

function parseTokens(tokens: IToken[], file: string, lineNumber: number, items: LineItem[], diagnostics: Diagnostic[]): void {
  // Unterminated strings would otherwise surface as confusing "expected …" errors.
  const unterminated = tokens.find((token) => token.tokenType === T.UnterminatedString);
  if (unterminated) {
    diagnostics.push({ severity: 'error', message: 'unterminated string: add the closing \'"\' on the same line', span: tokenSpan(file, lineNumber, unterminated) });
    return;
  }

  if (tokens.length > MAX_LINE_TOKENS) {
    diagnostics.push({ severity: 'error', message: `line has ${tokens.length} tokens; the limit is ${MAX_LINE_TOKENS}`, span: tokenSpan(file, lineNumber, tokens[0]) });
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
      diagnostics.push({ severity: 'error', message: `expression nested more than ${MAX_NESTING} levels deep`, span: tokenSpan(file, lineNumber, token) });
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
    diagnostics.push({ severity: 'error', message: error.message, span });
    return;
  }
  for (const item of result) items.push(item);
}

/** Returns the span just after the last token of a line, where "expected …" errors at end of line point. */
function endOfLineSpan(file: string, line: number, tokens: readonly IToken[]): SourceSpan {
  const last = tokens[tokens.length - 1];
  const column = (last.endColumn ?? last.startColumn ?? 0) + 1;
  return { file, line, column, endColumn: column + 1 };
}

/**
 * Builds loop bodies from `loop` and `endloop` lines. Returns undefined when loops nest deeper
 * than MAX_NESTING, which keeps every later recursive walk of the tree shallow.
 */
function nestLoops(items: readonly LineItem[], diagnostics: Diagnostic[]): StatementAst[] | undefined {
  const top: MutableStatement[] = [];
  const stack: OpenLoop[] = [];
  const current = (): MutableStatement[] => (stack.length > 0 ? stack[stack.length - 1].body : top);

  for (const item of items) {
    if (item.kind === 'loopStart') {
      if (stack.length >= MAX_NESTING) {
        diagnostics.push({ severity: 'error', message: `loops nested more than ${MAX_NESTING} levels deep`, span: item.span });
        return undefined;
      }
      stack.push({ item, body: [] });
      continue;
    }
    if (item.kind === 'loopEnd') {
      const open = stack.pop();
      if (!open) {
        diagnostics.push({ severity: 'error', message: "'endloop' without a matching 'loop'", span: item.span });
        continue;
      }
      current().push(loopStatement(open, { ...open.item.span, endLine: item.span.line, endColumn: item.span.endColumn }));
      continue;
    }
    current().push(item as unknown as MutableStatement);
  }

  // Unclosed loops: report each, and keep their bodies so later errors are still found.
  while (stack.length > 0) {
    const open = stack.pop()!;
    diagnostics.push({ severity: 'error', message: `loop '${open.item.variable}' has no matching 'endloop'`, span: open.item.span, hint: "end the loop body with a line 'endloop'" });
    current().push(loopStatement(open, open.item.span));
  }
  return top as unknown as StatementAst[];
}

/** Builds the statement of a loop whose header is `open`; `blankLineBefore` and the comments are set by `attachComments`. */
function loopStatement(open: OpenLoop, span: SourceSpan): MutableStatement {
  return {
    kind: 'loop',
    variable: open.item.variable,
    variablePos: open.item.variablePos,
    count: open.item.count,
    body: open.body,
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
