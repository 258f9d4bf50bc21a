/**
 * The chevrotain grammar of one `.lasm` line. Statements are line-oriented, so the parser runs once
 * per line: a syntax error costs only its own line, and every other line is still checked. Loop
 * nesting (`loop` … `endloop`) is assembled from the lines afterwards, in parse.ts.
 */
import type { IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from 'chevrotain';
import type {
  BinaryOperator,
  CallArgumentAst,
  ExprAst,
  IndexAst,
  OperandAst,
  OptionAst,
  OptionValueAst,
  SourceSpan,
  StringAst,
} from './ast.js';
import { SHARED_POSITION } from './ast.js';
import { chevrotain, lasmTokens } from './tokens.js';

/** Fields of every statement item that parse.ts fills in after the line is parsed. */
interface ItemBase {
  readonly span: SourceSpan;
  blankLineBefore: boolean;
  trailingComment: string | undefined;
}

/**
 * Contents of one line, before loops are nested. Statement items become `StatementAst` values in
 * place. Both parsers create them with the same fields in the same order, so V8 gives them one
 * hidden class per kind.
 */
export type LineItem =
  | (ItemBase & { readonly kind: 'instruction'; readonly mnemonic: string; readonly operands: readonly OperandAst[]; readonly options: readonly OptionAst[] })
  | (ItemBase & { readonly kind: 'label'; readonly name: string })
  | (ItemBase & { readonly kind: 'const'; readonly name: string; readonly namePos: number; readonly value: ExprAst })
  | (ItemBase & {
      readonly kind: 'tensor';
      readonly name: string;
      readonly namePos: number;
      readonly format: string;
      readonly formatPos: number;
      readonly shape: readonly ExprAst[];
      readonly options: readonly OptionAst[];
    })
  | (ItemBase & { readonly kind: 'include'; readonly path: string })
  | { readonly kind: 'loopStart'; readonly variable: string; readonly variablePos: number; readonly count: ExprAst; readonly span: SourceSpan }
  | { readonly kind: 'loopEnd'; readonly span: SourceSpan };

/** Shared empty list for instructions without operands or options; the tree is never mutated. */
export const NO_NODES: readonly never[] = Object.freeze([]);

/**
 * Shared leaves by spelling. A name and a number never have the same spelling, because the lexer
 * starts a number only at a digit or a dot and a name only at a letter or `_`.
 */
const sharedLeaves = new Map<string, ExprAst>();
const MAX_SHARED_LEAVES = 65_536;

/**
 * Returns the shared node for a name or number that fills a slot on its own (see
 * `SHARED_POSITION`), and any other value unchanged. Both parsers call it for the same slots.
 */
export function shareLeaf<T extends OptionValueAst>(node: T): T {
  if (node === undefined || (node.kind !== 'name' && node.kind !== 'number')) return node;
  if (node.kind === 'name') return sharedName(node.name) as T;
  return (findSharedLeaf(node.text) ?? sharedNumber(node.text, node.value)) as T;
}

/** Returns the shared leaf spelled `spelling`, if there is one. */
export function findSharedLeaf(spelling: string): ExprAst | undefined {
  return sharedLeaves.get(spelling);
}

/** Returns the shared node of the name `name`. */
export function sharedName(name: string): ExprAst {
  const known = sharedLeaves.get(name);
  if (known !== undefined) return known;
  const leaf: ExprAst = { kind: 'name', name, pos: SHARED_POSITION, end: SHARED_POSITION };
  if (sharedLeaves.size < MAX_SHARED_LEAVES) sharedLeaves.set(name, leaf);
  return leaf;
}

/** Creates the shared node of the number spelled `text`, after `findSharedLeaf` found none. */
export function sharedNumber(text: string, value: number): ExprAst {
  const leaf: ExprAst = { kind: 'number', value, text, pos: SHARED_POSITION, end: SHARED_POSITION };
  if (sharedLeaves.size < MAX_SHARED_LEAVES) sharedLeaves.set(text, leaf);
  return leaf;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t' };

/** Decodes a string literal's escapes: `\"`, `\\`, `\n`, `\t`; any other `\c` stands for `c`. */
export function unquote(image: string): string {
  const body = image.slice(1, -1);
  return body.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
}

/** Parses the numeric value of a Number token (decimal, hexadecimal or scientific). */
export function numberValue(image: string): number {
  if (image.length > 2 && (image[1] === 'x' || image[1] === 'X')) return parseInt(image.slice(2), 16);
  return parseFloat(image);
}

/** The chevrotain parser of one line, as parse.ts uses it. */
export interface LineParser {
  file: string;
  lineNumber: number;
  input: IToken[];
  readonly errors: IRecognitionException[];
  line(): LineItem[];
}

/**
 * Builds the chevrotain parser of one line, loading chevrotain. Building it analyses the grammar,
 * so callers keep one.
 */
export function createLineParser(): LineParser {
  const { EmbeddedActionsParser, EOF } = chevrotain();
  const T = lasmTokens();

  /** Describes a token for an error message: its label, plus the text for names and numbers. */
  function describeToken(token: IToken): string {
    if (token.tokenType === EOF) return 'end of line';
    const text = token.image.length > 24 ? `${token.image.slice(0, 24)}…` : token.image;
    return `'${text}'`;
  }

  function labelOf(type: TokenType): string {
    if (type === EOF) return 'end of line';
    return type.LABEL ?? type.name;
  }

  function joinAlternatives(labels: string[]): string {
    const unique = [...new Set(labels)];
    if (unique.length <= 1) return unique[0] ?? 'something else';
    return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
  }

  /** Syntax error messages in plain words, naming expected tokens by their labels. */
  const messages: IParserErrorMessageProvider = {
    buildMismatchTokenMessage: ({ expected, actual }) => `expected ${labelOf(expected)} but found ${describeToken(actual)}`,
    buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${describeToken(firstRedundant)}: expected end of line`,
    buildNoViableAltMessage: ({ expectedPathsPerAlt, actual }) => {
      const firsts = expectedPathsPerAlt.flatMap((paths) => paths.map((path) => labelOf(path[0])));
      return `expected ${joinAlternatives(firsts)} but found ${describeToken(actual[0])}`;
    },
    buildEarlyExitMessage: ({ expectedIterationPaths, actual }) => {
      const firsts = expectedIterationPaths.map((path) => labelOf(path[0]));
      return `expected ${joinAlternatives(firsts)} but found ${describeToken(actual[0])}`;
    },
  };

  const BINARY_OPS: ReadonlyMap<TokenType, BinaryOperator> = new Map([
    [T.Plus, '+'],
    [T.Minus, '-'],
    [T.Star, '*'],
    [T.Slash, '/'],
    [T.Percent, '%'],
  ]);

  /** Offset of a token's first character in its line; NaN for the placeholder tokens of chevrotain's recording phase. */
  function posOf(token: IToken): number {
    return token.startOffset;
  }

  /** Offset just past a token's last character in its line. */
  function endOf(token: IToken): number {
    return (token.endOffset ?? token.startOffset) + 1;
  }

  /**
   * Parser for a single line. `file` and `lineNumber` are set before each use and go into statement
   * spans. Inner nodes carry offsets in the line (`Positioned`), because the lexer runs per line.
   */
  class ChevrotainLineParser extends EmbeddedActionsParser implements LineParser {
    file = '';
    /** Line number of the tokens being parsed; the lexer runs per line, so token lines are all 1. */
    lineNumber = 1;

    constructor() {
      super(T.ALL_TOKENS, { maxLookahead: 3, errorMessageProvider: messages, recoveryEnabled: false });
      this.performSelfAnalysis();
    }

    /** Builds the span of a statement from offset `pos` to `end` in the current line. */
    private lineSpan(pos: number, end: number): SourceSpan {
      return { file: this.file, line: this.lineNumber, column: pos + 1, endLine: this.lineNumber, endColumn: end + 1 };
    }

    /** A line: empty, a statement, or a label optionally followed by an instruction. */
    line = this.RULE('line', (): LineItem[] => {
      const items: LineItem[] = [];
      this.OPTION(() => {
        this.OR([
          { ALT: () => items.push(this.SUBRULE(this.constDirective)) },
          { ALT: () => items.push(this.SUBRULE(this.tensorDirective)) },
          { ALT: () => items.push(this.SUBRULE(this.includeDirective)) },
          { ALT: () => items.push(this.SUBRULE(this.loopStart)) },
          {
            ALT: () => {
              const end = this.CONSUME(T.EndLoop);
              items.push({ kind: 'loopEnd', span: this.lineSpan(posOf(end), endOf(end)) });
            },
          },
          {
            GATE: () => this.LA(2).tokenType === T.Colon,
            ALT: () => {
              const name = this.CONSUME1(T.Identifier);
              const colon = this.CONSUME(T.Colon);
              items.push({ kind: 'label', name: name.image, span: this.lineSpan(posOf(name), endOf(colon)), blankLineBefore: false, trailingComment: undefined });
              this.OPTION1(() => items.push(this.SUBRULE1(this.instruction)));
            },
          },
          { ALT: () => items.push(this.SUBRULE2(this.instruction)) },
        ]);
      });
      this.CONSUME(EOF);
      return items;
    });

    private constDirective = this.RULE('constDirective', (): LineItem => {
      const directive = this.CONSUME(T.ConstDirective);
      const name = this.CONSUME(T.Identifier);
      this.CONSUME(T.Equals);
      const value = this.SUBRULE(this.expression);
      return { kind: 'const', name: name.image, namePos: posOf(name), value, span: this.lineSpan(posOf(directive), value?.end), blankLineBefore: false, trailingComment: undefined };
    });

    private tensorDirective = this.RULE('tensorDirective', (): LineItem => {
      const directive = this.CONSUME(T.TensorDirective);
      const name = this.CONSUME1(T.Identifier);
      const format = this.CONSUME2(T.Identifier);
      this.CONSUME(T.LBracket);
      const shape: ExprAst[] = [];
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => shape.push(this.SUBRULE(this.expression)) });
      const last = this.CONSUME(T.RBracket);
      const options: OptionAst[] = [];
      this.MANY(() => options.push(this.SUBRULE(this.keyOption)));
      const end = options.length > 0 ? options[options.length - 1].end : endOf(last);
      return {
        kind: 'tensor',
        name: name.image,
        namePos: posOf(name),
        format: format.image,
        formatPos: posOf(format),
        shape,
        options: options.length > 0 ? options : NO_NODES,
        span: this.lineSpan(posOf(directive), end),
        blankLineBefore: false,
        trailingComment: undefined,
      };
    });

    private includeDirective = this.RULE('includeDirective', (): LineItem => {
      const directive = this.CONSUME(T.IncludeDirective);
      const path = this.CONSUME(T.StringLiteral);
      return { kind: 'include', path: unquote(path.image), span: this.lineSpan(posOf(directive), endOf(path)), blankLineBefore: false, trailingComment: undefined };
    });

    private loopStart = this.RULE('loopStart', (): LineItem => {
      const keyword = this.CONSUME(T.Loop);
      const variable = this.CONSUME(T.Identifier);
      this.CONSUME(T.Comma);
      const count = this.SUBRULE(this.expression);
      return { kind: 'loopStart', variable: variable.image, variablePos: posOf(variable), count, span: this.lineSpan(posOf(keyword), count?.end) };
    });

    private instruction = this.RULE('instruction', (): LineItem => {
      const mnemonic = this.CONSUME(T.Identifier);
      const operands: OperandAst[] = [];
      const options: OptionAst[] = [];
      // Operands come first, separated by commas; a `key=` starts the options.
      this.OPTION({
        GATE: () => !(this.LA(1).tokenType === T.Identifier && this.LA(2).tokenType === T.Equals),
        DEF: () => {
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => operands.push(this.SUBRULE(this.operand)) });
        },
      });
      this.MANY(() => options.push(this.SUBRULE(this.keyOption)));
      let end = endOf(mnemonic);
      if (operands.length > 0) end = operands[operands.length - 1].end;
      if (options.length > 0) end = options[options.length - 1].end;
      return {
        kind: 'instruction',
        mnemonic: mnemonic.image,
        operands: operands.length > 0 ? operands : NO_NODES,
        options: options.length > 0 ? options : NO_NODES,
        span: this.lineSpan(posOf(mnemonic), end),
        blankLineBefore: false,
        trailingComment: undefined,
      };
    });

    private operand = this.RULE('operand', (): OperandAst => {
      return this.OR([
        {
          GATE: () => this.LA(2).tokenType === T.LBracket,
          ALT: () => {
            const base = this.CONSUME(T.Identifier);
            this.CONSUME(T.LBracket);
            const indices: IndexAst[] = [];
            this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => indices.push(this.SUBRULE(this.index)) });
            const close = this.CONSUME(T.RBracket);
            return { kind: 'ref', base: base.image, indices, pos: posOf(base), end: endOf(close) } as OperandAst;
          },
        },
        {
          ALT: () => {
            const text = this.CONSUME(T.StringLiteral);
            return { kind: 'string', value: unquote(text.image), pos: posOf(text), end: endOf(text) } as OperandAst;
          },
        },
        {
          ALT: () => {
            const expr = this.SUBRULE(this.expression);
            return { kind: 'expr', expr: shareLeaf(expr), pos: expr?.pos, end: expr?.end } as OperandAst;
          },
        },
      ]);
    });

    private index = this.RULE('index', (): IndexAst => {
      const start = this.SUBRULE(this.expression);
      let width: ExprAst | undefined;
      this.OPTION(() => {
        this.CONSUME(T.PlusColon);
        width = this.SUBRULE1(this.expression);
      });
      return { start: shareLeaf(start), width: width && shareLeaf(width), pos: start?.pos, end: (width ?? start)?.end };
    });

    private keyOption = this.RULE('keyOption', (): OptionAst => {
      const key = this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.LmulFormula) }]);
      let value: OptionValueAst | undefined;
      this.OPTION(() => {
        this.CONSUME(T.Equals);
        value = this.SUBRULE(this.optionValue);
      });
      return { key: key.image, value: value && shareLeaf(value), pos: posOf(key), end: value ? value.end : endOf(key) };
    });

    private optionValue = this.RULE('optionValue', (): OptionValueAst => {
      return this.OR([
        { ALT: () => this.SUBRULE(this.stringValue) as OptionValueAst },
        {
          GATE: () => this.LA(2).tokenType === T.LParen,
          ALT: () => {
            const name = this.CONSUME(T.Identifier);
            this.CONSUME(T.LParen);
            const args: CallArgumentAst[] = [];
            this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.callArgument)) });
            const close = this.CONSUME(T.RParen);
            return { kind: 'call', name: name.image, args, pos: posOf(name), end: endOf(close) } as OptionValueAst;
          },
        },
        {
          ALT: () => {
            const method = this.CONSUME(T.LmulFormula);
            return { kind: 'name', name: method.image, pos: posOf(method), end: endOf(method) } as OptionValueAst;
          },
        },
        { ALT: () => this.SUBRULE(this.expression) as OptionValueAst },
      ]);
    });

    private callArgument = this.RULE('callArgument', (): CallArgumentAst => {
      return this.OR([
        {
          GATE: () => this.LA(2).tokenType === T.Equals,
          ALT: () => {
            const key = this.CONSUME(T.Identifier);
            this.CONSUME(T.Equals);
            const value = this.SUBRULE(this.argumentValue);
            return { kind: 'named', key: key.image, value, pos: posOf(key), end: value?.end } as CallArgumentAst;
          },
        },
        {
          ALT: () => {
            const value = this.SUBRULE1(this.argumentValue);
            return { kind: 'positional', value, pos: value?.pos, end: value?.end } as CallArgumentAst;
          },
        },
      ]);
    });

    private argumentValue = this.RULE('argumentValue', (): ExprAst | StringAst => {
      return this.OR([{ ALT: () => this.SUBRULE(this.stringValue) }, { ALT: () => this.SUBRULE(this.expression) }]);
    });

    private stringValue = this.RULE('stringValue', (): StringAst => {
      const text = this.CONSUME(T.StringLiteral);
      return { kind: 'string', value: unquote(text.image), pos: posOf(text), end: endOf(text) };
    });

    /** expression := term (('+' | '-') term)* */
    private expression = this.RULE('expression', (): ExprAst => {
      let left = this.SUBRULE(this.term);
      this.MANY(() => {
        const op = this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
        const right = this.SUBRULE1(this.term);
        left = this.binary(op, left, right);
      });
      return left;
    });

    /** term := unary (('*' | '/' | '%') unary)* */
    private term = this.RULE('term', (): ExprAst => {
      let left = this.SUBRULE(this.unary);
      this.MANY(() => {
        const op = this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }, { ALT: () => this.CONSUME(T.Percent) }]);
        const right = this.SUBRULE1(this.unary);
        left = this.binary(op, left, right);
      });
      return left;
    });

    /** unary := ('-' | '+') unary | primary */
    private unary = this.RULE('unary', (): ExprAst => {
      return this.OR([
        {
          ALT: () => {
            const op = this.OR1([{ ALT: () => this.CONSUME(T.Minus) }, { ALT: () => this.CONSUME(T.Plus) }]);
            const operand = this.SUBRULE(this.unary);
            return { kind: 'unary', op: op.image as '-' | '+', operand: shareLeaf(operand), pos: posOf(op), end: operand?.end } as ExprAst;
          },
        },
        { ALT: () => this.SUBRULE(this.primary) },
      ]);
    });

    /** primary := number | name | '(' expression ')' */
    private primary = this.RULE('primary', (): ExprAst => {
      return this.OR([
        {
          ALT: () => {
            const token = this.CONSUME(T.NumberLiteral);
            return { kind: 'number', value: numberValue(token.image), text: token.image, pos: posOf(token), end: endOf(token) } as ExprAst;
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(T.Identifier);
            return { kind: 'name', name: token.image, pos: posOf(token), end: endOf(token) } as ExprAst;
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            const inner = this.SUBRULE(this.expression);
            this.CONSUME(T.RParen);
            return inner;
          },
        },
      ]);
    });

    /** Builds a binary node; `left` or `right` is undefined only during chevrotain's recording phase. */
    private binary(op: IToken, left: ExprAst, right: ExprAst): ExprAst {
      const operator = BINARY_OPS.get(op.tokenType) ?? '+';
      return { kind: 'binary', op: operator, left: shareLeaf(left), right: shareLeaf(right), pos: left?.pos, end: right?.end };
    }
  }

  return new ChevrotainLineParser();
}
