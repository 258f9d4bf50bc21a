/**
 * The canonical form of a `.lasm` program, printed by `lmulsim fmt`. Mnemonics, keywords, option
 * keys and the words of keyword-valued options (`fmt=`, `method=`, `wait=`, `init=` and others)
 * are lower case, loops indent by four spaces, and operands are separated by `, `. Comments are
 * kept and written with `;`, at most one blank line separates statements, and lines end with `\n`.
 */
import type { CallArgumentAst, ExprAst, IndexAst, OperandAst, OptionAst, OptionValueAst, ProgramAst, StatementAst, StringAst } from './ast.js';

const INDENT = '    ';

/** Prints `ast` in canonical form, ending with a newline (an empty program prints as ""). */
export function printProgram(ast: ProgramAst): string {
  const lines: string[] = [];
  printBlock(ast.statements, 0, lines, true);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function printBlock(statements: readonly StatementAst[], depth: number, lines: string[], isTop: boolean): void {
  const indent = INDENT.repeat(depth);
  statements.forEach((statement, position) => {
    if (statement.blankLineBefore && !(isTop && position === 0)) lines.push('');
    const trailing = statement.trailingComment !== undefined ? `  ;${statement.trailingComment}` : '';
    if (statement.kind === 'loop') {
      lines.push(`${indent}loop ${statement.variable}, ${printExpr(statement.count)}${trailing}`);
      printBlock(statement.body, depth + 1, lines, false);
      lines.push(`${indent}endloop${statement.endComment !== undefined ? `  ;${statement.endComment}` : ''}`);
      return;
    }
    // A broken loop header keeps its body. `fmt` never gets here, because it rejects syntax errors.
    if (statement.kind === 'invalid' && statement.body !== undefined) {
      lines.push(`${indent}${statement.text}${trailing}`);
      printBlock(statement.body, depth + 1, lines, false);
      lines.push(`${indent}endloop`);
      return;
    }
    lines.push(`${indent}${printStatement(statement)}${trailing}`);
  });
}

function printStatement(statement: Exclude<StatementAst, { kind: 'loop' }>): string {
  switch (statement.kind) {
    case 'comment':
      return `;${statement.text}`;
    case 'invalid':
      return statement.text;
    case 'label':
      return `${statement.name}:`;
    case 'const':
      return `.const ${statement.name} = ${printExpr(statement.value)}`;
    case 'include':
      return `.include ${quote(statement.path)}`;
    case 'tensor': {
      const shape = statement.shape.map(printExpr).join(', ');
      return `.tensor ${statement.name} ${statement.format.toLowerCase()}[${shape}]${printOptions(statement.options)}`;
    }
    case 'instruction': {
      const operands = statement.operands.map(printOperand).join(', ');
      return `${statement.mnemonic.toLowerCase()}${operands ? ` ${operands}` : ''}${printOptions(statement.options)}`;
    }
  }
}

/**
 * Options whose value is a word from a fixed list: a format, a queue, a method, a placement or an
 * initialiser. The validator reads these words in any case, so `fmt` prints them in lower case.
 */
const KEYWORD_VALUED_OPTIONS: ReadonlySet<string> = new Set(['fmt', 'in', 'out', 'method', 'wait', 'signal', 'place', 'init']);

function printOptions(options: readonly OptionAst[]): string {
  return options
    .map((option) => {
      const key = option.key.toLowerCase();
      return ` ${key}${option.value ? `=${printOptionValue(option.value, KEYWORD_VALUED_OPTIONS.has(key))}` : ''}`;
    })
    .join('');
}

/** Prints an option's value; with `keyword` true, a name or a call's name is printed in lower case. */
function printOptionValue(value: OptionValueAst, keyword: boolean): string {
  if (value.kind === 'string') return quote(value.value);
  if (value.kind === 'call') return `${keyword ? value.name.toLowerCase() : value.name}(${value.args.map(printArgument).join(', ')})`;
  if (value.kind === 'name' && keyword) return value.name.toLowerCase();
  return printExpr(value);
}

function printArgument(argument: CallArgumentAst): string {
  const value = printValue(argument.value);
  return argument.kind === 'named' ? `${argument.key}=${value}` : value;
}

function printValue(value: ExprAst | StringAst): string {
  return value.kind === 'string' ? quote(value.value) : printExpr(value);
}

function printOperand(operand: OperandAst): string {
  switch (operand.kind) {
    case 'expr':
      return printExpr(operand.expr);
    case 'string':
      return quote(operand.value);
    case 'ref':
      return `${operand.base}[${operand.indices.map(printIndex).join(', ')}]`;
  }
}

function printIndex(index: IndexAst): string {
  return index.width ? `${printExpr(index.start)} +: ${printExpr(index.width)}` : printExpr(index.start);
}

/** Binding strength: sums 1, products 2, signs 3, atoms 4. */
function precedence(expr: ExprAst): number {
  if (expr.kind === 'binary') return expr.op === '+' || expr.op === '-' ? 1 : 2;
  if (expr.kind === 'unary') return 3;
  return 4;
}

/** Prints an expression with the fewest parentheses that keep its tree (operators are left-associative). */
export function printExpr(expr: ExprAst): string {
  switch (expr.kind) {
    case 'number':
      return expr.text;
    case 'name':
      return expr.name;
    case 'unary': {
      const operand = precedence(expr.operand) < 3 ? `(${printExpr(expr.operand)})` : printExpr(expr.operand);
      return `${expr.op}${operand}`;
    }
    case 'binary': {
      const own = precedence(expr);
      const left = precedence(expr.left) < own ? `(${printExpr(expr.left)})` : printExpr(expr.left);
      const right = precedence(expr.right) <= own ? `(${printExpr(expr.right)})` : printExpr(expr.right);
      return `${left} ${expr.op} ${right}`;
    }
  }
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}
