/**
 * Hints for syntax errors caused by the spelling of other languages: slices written `0:256` or
 * `0..256` instead of `0 +: 256`, and loops written `for i in …` instead of `loop i, COUNT`.
 */
import type { IToken } from 'chevrotain';
import { LOOP_HINT } from './foreign.js';
import { lasmTokens } from './tokens.js';

/** Loop keywords of other languages, in lower case. */
const FOREIGN_LOOP_KEYWORDS: ReadonlySet<string> = new Set(['for', 'foreach', 'while', 'repeat', 'do', 'until']);

/**
 * Returns a hint for the syntax error at `tokens[at]` (`at` is -1 at the end of the line) when the
 * line looks like another language's loop or slice, else undefined.
 */
export function foreignSyntaxHint(tokens: readonly IToken[], at: number): string | undefined {
  if (startsWithForeignLoop(tokens)) return LOOP_HINT;
  if (at < 0 || !insideBrackets(tokens, at)) return undefined;
  return sliceHint(tokens, at);
}

/** True when the line's first word, after any label, is a loop keyword of another language such as `for`. */
export function startsWithForeignLoop(tokens: readonly IToken[]): boolean {
  const T = lasmTokens();
  // A label may come first: `top: for i in 0..4`.
  const first = tokens.length > 2 && tokens[1].tokenType === T.Colon ? 2 : 0;
  return tokens[first]?.tokenType === T.Identifier && FOREIGN_LOOP_KEYWORDS.has(tokens[first].image.toLowerCase());
}

/** True when `tokens[at]` is inside `[…]`. */
function insideBrackets(tokens: readonly IToken[], at: number): boolean {
  const T = lasmTokens();
  let depth = 0;
  for (let i = 0; i < at; i++) {
    if (tokens[i].tokenType === T.LBracket) depth++;
    else if (tokens[i].tokenType === T.RBracket) depth--;
  }
  return depth > 0;
}

const REGION_FORM = 'regions are written START +: WIDTH in each dimension';

/**
 * Returns the hint for `start:end` (Python, Verilog), `start..end` (Rust) or a bare `:` at
 * `tokens[at]`. When both ends are integer literals, the hint gives the region in lmulsim form.
 */
function sliceHint(tokens: readonly IToken[], at: number): string | undefined {
  const T = lasmTokens();
  const found = tokens[at];
  const before = at > 0 ? tokens[at - 1] : undefined;
  if (found.tokenType === T.Colon) {
    // `X[0, :]`: the colon starts the index.
    if (before === undefined || before.tokenType === T.LBracket || before.tokenType === T.Comma) return `a whole dimension of size N is written 0 +: N, because ${REGION_FORM}`;
    const start = integerImage(before.image);
    const end = closesIndex(tokens, at + 2) ? integerImage(tokens[at + 1]?.image ?? '') : undefined;
    if (start === undefined || end === undefined) return `${REGION_FORM}, such as i * 16 +: 16, not START:END`;
    // Python's end is exclusive, and a Verilog range includes both ends, so an ascending range gets
    // both readings. A descending one can only be Verilog's [HIGH:LOW].
    return start < end ? ascendingRangeHint(start, end) : regionHint(end, start - end + 1, 'HIGH:LOW');
  }
  // `0..256` lexes as the numbers `0.` and `.256`, and `0..N` as `0.` and the directive `.N`.
  if (before?.tokenType === T.NumberLiteral && before.image.endsWith('.') && found.image.startsWith('.')) {
    const start = integerImage(before.image.slice(0, -1));
    const end = closesIndex(tokens, at + 1) ? integerImage(found.image.slice(1)) : undefined;
    if (start === undefined || end === undefined || end <= start) return `${REGION_FORM}, such as i * 16 +: 16, not START..END`;
    return regionHint(start, end - start, 'START..END');
  }
  return undefined;
}

/** Returns the hint for an ascending `START:END`, with END excluded as in Python or included as in Verilog. */
function ascendingRangeHint(start: number, end: number): string {
  return `write ${start} +: ${end - start} for elements ${start} to ${end - 1}, or ${start} +: ${end - start + 1} to include ${end} as Verilog does, because ${REGION_FORM}, not START:END`;
}

function regionHint(start: number, width: number, foreign: string): string {
  return `write ${start} +: ${width} for elements ${start} to ${start + width - 1}, because ${REGION_FORM}, not ${foreign}`;
}

/** True when `tokens[index]` ends an index: `]` or `,`. */
function closesIndex(tokens: readonly IToken[], index: number): boolean {
  const T = lasmTokens();
  const type = tokens[index]?.tokenType;
  return type === T.RBracket || type === T.Comma;
}

/** Returns the value of a decimal integer literal, else undefined. */
function integerImage(image: string): number | undefined {
  if (!/^[0-9]+$/.test(image)) return undefined;
  const value = Number(image);
  return Number.isSafeInteger(value) ? value : undefined;
}
