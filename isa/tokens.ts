/**
 * Tokens of the `.lasm` language and its chevrotain lexer. Each token carries a LABEL, the name
 * that syntax errors show ("expected ',' but found end of line").
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const Identifier = createToken({ name: 'Identifier', label: 'name', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

// Keywords name Identifier as their longer alternative, so `loops` or `endloop2` lex as names.
export const Loop = createToken({ name: 'Loop', label: "'loop'", pattern: /loop/i, longer_alt: Identifier });
export const EndLoop = createToken({ name: 'EndLoop', label: "'endloop'", pattern: /endloop/i, longer_alt: Identifier });
/** The one method name with a hyphen; without its own token it would lex as `lmul - formula`. */
export const LmulFormula = createToken({ name: 'LmulFormula', label: "'lmul-formula'", pattern: /lmul-formula/i, longer_alt: Identifier });

export const ConstDirective = createToken({ name: 'ConstDirective', label: "'.const'", pattern: /\.const(?![A-Za-z0-9_])/i });
export const TensorDirective = createToken({ name: 'TensorDirective', label: "'.tensor'", pattern: /\.tensor(?![A-Za-z0-9_])/i });
export const IncludeDirective = createToken({ name: 'IncludeDirective', label: "'.include'", pattern: /\.include(?![A-Za-z0-9_])/i });
/** Any other `.word`; the parser reports it as an unknown directive. */
export const UnknownDirective = createToken({ name: 'UnknownDirective', label: 'directive', pattern: /\.[A-Za-z_][A-Za-z0-9_]*/ });

// Hexadecimal first, so `0x1F` is not read as `0` followed by the name `x1F`.
export const NumberLiteral = createToken({
  name: 'Number',
  label: 'number',
  pattern: /0[xX][0-9a-fA-F]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/,
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'],
});

export const StringLiteral = createToken({ name: 'StringLiteral', label: 'string', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/ });
/** A string that reaches the end of the line; the parser reports it. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', label: 'string', pattern: /"[^\r\n]*/ });

export const Comment = createToken({ name: 'Comment', label: 'comment', pattern: /(?:;|\/\/)[^\r\n]*/, group: 'comments' });
export const Newline = createToken({ name: 'Newline', label: 'end of line', pattern: /\r\n|\r|\n/, line_breaks: true });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\v]+/, group: Lexer.SKIPPED });

// `+:` before `+`, so the part-select operator is one token.
export const PlusColon = createToken({ name: 'PlusColon', label: "'+:'", pattern: /\+:/ });
export const Plus = createToken({ name: 'Plus', label: "'+'", pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', label: "'-'", pattern: /-/ });
export const Star = createToken({ name: 'Star', label: "'*'", pattern: /\*/ });
export const Slash = createToken({ name: 'Slash', label: "'/'", pattern: /\// });
export const Percent = createToken({ name: 'Percent', label: "'%'", pattern: /%/ });
export const Comma = createToken({ name: 'Comma', label: "','", pattern: /,/ });
export const Colon = createToken({ name: 'Colon', label: "':'", pattern: /:/ });
export const Equals = createToken({ name: 'Equals', label: "'='", pattern: /=/ });
export const LBracket = createToken({ name: 'LBracket', label: "'['", pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', label: "']'", pattern: /\]/ });
export const LParen = createToken({ name: 'LParen', label: "'('", pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', label: "')'", pattern: /\)/ });

/**
 * All tokens in matching order. Chevrotain tries them first to last and takes the first match:
 * - comments before `/`, so `//` starts a comment rather than two divisions;
 * - keywords and `lmul-formula` before Identifier (each names Identifier as longer alternative);
 * - known directives before UnknownDirective. A number such as `.5` never matches UnknownDirective,
 *   because a directive needs a letter after the dot;
 * - the terminated string before the unterminated one;
 * - `+:` before `+`.
 */
export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  Newline,
  Comment,
  ConstDirective,
  TensorDirective,
  IncludeDirective,
  UnknownDirective,
  LmulFormula,
  EndLoop,
  Loop,
  Identifier,
  NumberLiteral,
  StringLiteral,
  UnterminatedString,
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
];

/** The lexer; built once because chevrotain analyses the token set on construction. */
export const lasmLexer = new Lexer(ALL_TOKENS, { positionTracking: 'full', ensureOptimizations: true });
