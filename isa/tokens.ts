/**
 * Tokens of the `.lasm` language and its chevrotain lexer. Each token carries a LABEL, the name
 * that syntax errors show ("expected ',' but found end of line").
 *
 * The fast path of fastpath.ts parses well-formed lines without chevrotain, so chevrotain is loaded,
 * and the tokens are built, only when a line needs the grammar: loading it takes about 0.15 s, which
 * every command would otherwise pay at start-up.
 */
import { createRequire } from 'node:module';
import type { Lexer, TokenType } from 'chevrotain';

type Chevrotain = typeof import('chevrotain');

let loaded: Chevrotain | undefined;

/** Returns the chevrotain module, loading it on first use. */
export function chevrotain(): Chevrotain {
  loaded ??= createRequire(import.meta.url)('chevrotain') as Chevrotain;
  return loaded;
}

let built: ReturnType<typeof buildTokens> | undefined;

/** The tokens of the language, the ordered token list and the lexer; built on first use. */
export type LasmTokens = ReturnType<typeof buildTokens>;

/** Returns the tokens of the language and its lexer, building them on first use. */
export function lasmTokens(): LasmTokens {
  built ??= buildTokens();
  return built;
}

function buildTokens() {
  const { createToken, Lexer } = chevrotain();

  const Identifier = createToken({ name: 'Identifier', label: 'name', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

  // Keywords name Identifier as their longer alternative, so `loops` or `endloop2` lex as names.
  const Loop = createToken({ name: 'Loop', label: "'loop'", pattern: /loop/i, longer_alt: Identifier });
  const EndLoop = createToken({ name: 'EndLoop', label: "'endloop'", pattern: /endloop/i, longer_alt: Identifier });
  /** The one method name with a hyphen; without its own token it would lex as `lmul - formula`. */
  const LmulFormula = createToken({ name: 'LmulFormula', label: "'lmul-formula'", pattern: /lmul-formula/i, longer_alt: Identifier });

  const ConstDirective = createToken({ name: 'ConstDirective', label: "'.const'", pattern: /\.const(?![A-Za-z0-9_])/i });
  const TensorDirective = createToken({ name: 'TensorDirective', label: "'.tensor'", pattern: /\.tensor(?![A-Za-z0-9_])/i });
  const IncludeDirective = createToken({ name: 'IncludeDirective', label: "'.include'", pattern: /\.include(?![A-Za-z0-9_])/i });
  /** Any other `.word`; the parser reports it as an unknown directive. */
  const UnknownDirective = createToken({ name: 'UnknownDirective', label: 'directive', pattern: /\.[A-Za-z_][A-Za-z0-9_]*/ });

  // Hexadecimal first, so `0x1F` is not read as `0` followed by the name `x1F`.
  const NumberLiteral = createToken({
    name: 'Number',
    label: 'number',
    pattern: /0[xX][0-9a-fA-F]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/,
    start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'],
  });

  const StringLiteral = createToken({ name: 'StringLiteral', label: 'string', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/ });
  /** A string that reaches the end of the line; the parser reports it. */
  const UnterminatedString = createToken({ name: 'UnterminatedString', label: 'string', pattern: /"[^\r\n]*/ });

  const Comment = createToken({ name: 'Comment', label: 'comment', pattern: /(?:;|\/\/)[^\r\n]*/, group: 'comments' });
  const Newline = createToken({ name: 'Newline', label: 'end of line', pattern: /\r\n|\r|\n/, line_breaks: true });
  const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\v]+/, group: Lexer.SKIPPED });

  // `+:` before `+`, so the part-select operator is one token.
  const PlusColon = createToken({ name: 'PlusColon', label: "'+:'", pattern: /\+:/ });
  const Plus = createToken({ name: 'Plus', label: "'+'", pattern: /\+/ });
  const Minus = createToken({ name: 'Minus', label: "'-'", pattern: /-/ });
  const Star = createToken({ name: 'Star', label: "'*'", pattern: /\*/ });
  const Slash = createToken({ name: 'Slash', label: "'/'", pattern: /\// });
  const Percent = createToken({ name: 'Percent', label: "'%'", pattern: /%/ });
  const Comma = createToken({ name: 'Comma', label: "','", pattern: /,/ });
  const Colon = createToken({ name: 'Colon', label: "':'", pattern: /:/ });
  const Equals = createToken({ name: 'Equals', label: "'='", pattern: /=/ });
  const LBracket = createToken({ name: 'LBracket', label: "'['", pattern: /\[/ });
  const RBracket = createToken({ name: 'RBracket', label: "']'", pattern: /\]/ });
  const LParen = createToken({ name: 'LParen', label: "'('", pattern: /\(/ });
  const RParen = createToken({ name: 'RParen', label: "')'", pattern: /\)/ });

  /**
   * All tokens in matching order. Chevrotain tries them first to last and takes the first match:
   * - comments before `/`, so `//` starts a comment rather than two divisions;
   * - keywords and `lmul-formula` before Identifier (each names Identifier as longer alternative);
   * - known directives before UnknownDirective. A number such as `.5` never matches UnknownDirective,
   *   because a directive needs a letter after the dot;
   * - the terminated string before the unterminated one;
   * - `+:` before `+`.
   */
  const ALL_TOKENS: TokenType[] = [
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
  const lasmLexer: Lexer = new Lexer(ALL_TOKENS, { positionTracking: 'full', ensureOptimizations: true });
  return {
    Identifier,
    Loop,
    EndLoop,
    LmulFormula,
    ConstDirective,
    TensorDirective,
    IncludeDirective,
    UnknownDirective,
    NumberLiteral,
    StringLiteral,
    UnterminatedString,
    Comment,
    Newline,
    WhiteSpace,
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
    ALL_TOKENS,
    lasmLexer,
  };
}
