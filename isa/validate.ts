/**
 * `validate`: checks a `ProgramAst` against a target and resolves it into the `ResolvedProgram`
 * that the simulator runs. Reports every problem it can find in one pass.
 */
import path from 'node:path';
import { closestMatch, type Diagnostic } from '../common/diagnostic.js';
import { tryParseFormat } from '../sim/numerics/index.js';
import {
  ACCUMULATE_FORMATS,
  DEFAULT_TARGET,
  MULTIPLIER_METHODS,
  QUEUES,
  type AccumulateFormat,
  type AddressExpr,
  type BrokenLines,
  type Buffer,
  type DramTile,
  type ExprAst,
  type FormatName,
  type Instruction,
  type InvalidStatement,
  type MultiplierMethod,
  type OnChipTile,
  type OperandAst,
  type OptionAst,
  type OptionValueAst,
  type Placement,
  type Positioned,
  type ProgramAst,
  type Queue,
  type ResolvedProgram,
  type ResolvedTensor,
  type SourceSpan,
  type StatementAst,
  type TargetLimits,
  type VectorBinaryOp,
  type VectorUnaryOp,
  type TensorInit,
  leafLength,
  spanAt,
} from './ast.js';
import {
  AddressTable,
  bounds,
  boundsInto,
  isReservedName,
  leafAt,
  resolveExpr,
  scalarRegister,
  toAddress,
  vectorRegister,
  type ConstValue,
  type ExprScope,
  type Interval,
  type IntervalEnv,
  type IntervalSlot,
  type NameMeaning,
} from './resolve.js';
import { MAX_LINE_TEMPLATES, programEntries, type InstructionView, type ProgramEntries } from './parse.js';
import { foreignMnemonic } from './foreign.js';
import { matrixUnitProblems, type MatrixUnitLimits } from './matrix-unit.js';
import { MNEMONICS, OPERAND_EXAMPLES, SIGNATURES, usage, type OperandKind, type Signature } from './signatures.js';

/** Limits with every default filled in. */
type FullTarget = typeof DEFAULT_TARGET;

type InstructionStatement = Extract<StatementAst, { kind: 'instruction' }>;
type LoopStatement = Extract<StatementAst, { kind: 'loop' }>;

/** A statement, or a repeated line of a program in compact form (see `programEntries`). */
type Entry = StatementAst | number;

/**
 * Statically known state carried along program order for shape checks.
 * NOTE: program order here is text order. A preload or vsetlen late in a loop body is not seen by
 * the instructions before it in the next iteration, so the simulator re-checks these at run time.
 */
interface FlowState {
  preload?: { readonly k: number; readonly n: number; readonly line: number };
  anyPreload: boolean;
  vectorLength: number | undefined;
}

interface TokenCount {
  signals: number;
  waits: number;
  firstSignal?: SourceSpan;
  firstWait?: SourceSpan;
}

interface Block {
  readonly labels: Map<string, number>;
}

/**
 * Resolves names, folds constants and checks `ast` against `target` (fields left out take the
 * values of `DEFAULT_TARGET`). Returns the program only when there is no error; warnings do not
 * prevent it.
 */
export function validate(ast: ProgramAst, target: TargetLimits = {}): ValidationResult {
  const validator = new Validator({ ...DEFAULT_TARGET, ...stripUndefined(target) });
  // A loop without its endloop, or an endloop without its loop, leaves the extent of every loop
  // body unknown: which names are in scope and which code is reachable. Checking the lines as
  // parsed would report mistakes that the missing line explains. Unknown mnemonics are kept,
  // because `for … endloop` or `loop … end` is often the cause, and their hints give the loop syntax.
  if (ast.brokenLines?.loopsUnmatched) {
    const diagnostics = validator.run(ast).diagnostics.filter((diagnostic) => diagnostic.message.startsWith(UNKNOWN_INSTRUCTION));
    return { program: undefined, diagnostics, notes: [] };
  }
  return validator.run(ast);
}

/** Start of the message for an unknown mnemonic. */
const UNKNOWN_INSTRUCTION = 'unknown instruction';

/** Outcome of `validate`. */
export interface ValidationResult {
  readonly program: ResolvedProgram | undefined;
  readonly diagnostics: Diagnostic[];
  /**
   * Notes on checks that could not be done, which are not problems of the program: a token
   * balance not checked because the program jumps or a loop count is known only at run time.
   */
  readonly notes: Diagnostic[];
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

class Validator {
  private readonly diagnostics: Diagnostic[] = [];
  /** The compact form of the program being checked, when it has one; see `programEntries`. */
  private entries: ProgramEntries | undefined;
  /** The statement of the repeated or shaped line being checked, overwritten for each; nothing keeps it. */
  private readonly view: InstructionView = { kind: 'instruction', mnemonic: '', operands: [], options: [], span: { file: '', line: 1, column: 1 }, blankLineBefore: false, trailingComment: undefined, shapeId: -1, optionsFixed: false };
  private readonly constants = new Map<string, ConstValue>();
  /** Lookup results per constant, built once so that each use allocates nothing. */
  private readonly constantMeanings = new Map<string, NameMeaning>();
  private readonly tensors = new Map<string, ResolvedTensor>();
  private readonly tensorList: ResolvedTensor[] = [];
  private readonly loopVariables: string[] = [];
  /**
   * Names whose declaration failed, or that were reported as not defined. Later uses of them fail
   * without another diagnostic, so that one mistake gives one diagnostic.
   */
  private readonly invalidNames = new Set<string>();
  /**
   * True once an instruction that may wait for or signal tokens failed to validate. Its tokens are
   * then unknown, and the balance check would report the mistake a second time.
   */
  private tokensUnknown = false;
  /** Names written on lines with syntax errors, which may define them: see `brokenLine`. */
  private brokenLineNames: ReadonlySet<string> = NO_NAME_SET;
  /** True when a broken line or a failed `.include` may have defined any name. */
  private namesUnknown = false;
  /** True once an invalid statement was met. The program is then never returned. */
  private sawInvalid = false;
  /** Product of the enclosing constant loop counts; undefined inside a loop with a run-time count. */
  private multiplier: number | undefined = 1;
  private readonly loopIntervals: (Interval | undefined)[] = [];
  private boundsEnv: IntervalEnv | undefined;
  private readonly tokens = new Map<string, TokenCount>();
  private hasJumps = false;
  /** The first jump or branch, named when the token balance is not checked. */
  private firstJump: SourceSpan | undefined;
  /** Count of the outermost enclosing loop whose count is known only at run time. */
  private runtimeCount: SourceSpan | undefined;
  /** Count of the first such loop around an instruction that exchanges tokens. */
  private firstUncountedTokens: SourceSpan | undefined;
  private loopDepth = 0;
  private instructionCount = 0;
  private readonly flow: FlowState;
  private readonly scope: ExprScope;
  /**
   * Span of the statement being checked. Nodes inside a statement carry only offsets in its line
   * (`Positioned`), and `at` combines the two when a diagnostic needs a span.
   */
  private line: SourceSpan = { file: '', line: 1, column: 1 };
  /** Options of the instruction being checked; reset for each instruction, because allocating them per instruction costs more than the checks. */
  private readonly parsedOptions = new ParsedOptions();
  /** Format names as written that passed `format`, with their canonical names. */
  private readonly formatNames = new Map<string, FormatName>();
  /**
   * Instructions checked without a diagnostic, by their options list, or by their operands list
   * when they have no options. The parser gives lines with the same text the same lists, so a
   * repeated line reuses the instruction resolved first (see `canReuse`).
   */
  private readonly checked = new Map<readonly unknown[], CheckedInstruction>();
  /** Per shape id (see shapes.ts): the form check of its lines, when their options have no holes. */
  private readonly shapeChecks: (FormCheck | undefined)[] = [];
  /** The form check of instructions that are not kept per shape, overwritten for each. */
  private readonly formCheck: FormCheck = { scopeId: 0, mnemonic: '', options: this.parsedOptions, unit: '' };
  /** Number of the current loop scope. Scopes with the same loop variables and index ranges share a number. */
  private scopeId = 0;
  private scopeKey = '';
  private readonly scopeIds = new Map<string, number>([['', 0]]);
  /** Scratch interval for range checks. */
  private readonly range: IntervalSlot = { low: 0, high: 0 };
  /** Token counters indexed by `queueIndex(from) * 4 + queueIndex(to)`; `tokens` keeps their first-use order. */
  private readonly tokenTable: (TokenCount | undefined)[] = new Array<TokenCount | undefined>(16).fill(undefined);

  constructor(private readonly target: FullTarget) {
    this.flow = { anyPreload: false, vectorLength: target.vectorLength };
    this.scope = {
      lookup: (name) => this.lookup(name),
      names: () => [...this.constants.keys(), ...this.loopVariables, 'core', 'ncores'],
      scalarRegisters: target.scalarRegisters,
      report: (message, node, hint) => this.error(message, this.at(node), hint),
      invalidate: (name) => this.invalidNames.add(name),
      addresses: new AddressTable(),
    };
  }

  /** Span of option `key` of the instruction being checked, if it was given. */
  private optionSpan(options: ParsedOptions, key: string): SourceSpan | undefined {
    const node = options.nodes.get(key);
    return node && this.at(node);
  }

  /** Span of `node`, a position in the line of the statement being checked. */
  private at(node: Positioned): SourceSpan {
    return spanAt(this.line, node);
  }

  /** Span of a name at offset `pos` in the line of the statement being checked. */
  private nameAt(pos: number, name: string): SourceSpan {
    return spanAt(this.line, { pos, end: pos + name.length });
  }

  run(ast: ProgramAst): ValidationResult {
    // A program fresh from parseSource is read in its compact form, without building statements.
    const entries = programEntries(ast);
    this.entries = entries;
    const root: readonly Entry[] = entries ? entries.root : ast.statements;
    if (ast.brokenLines !== undefined) this.expectBrokenLines(ast.brokenLines);
    for (const statement of root) {
      if (typeof statement !== 'number') this.declare(statement);
    }
    const body = this.block(root);
    this.checkTokenBalance(body);

    const failed = this.sawInvalid || this.diagnostics.some((d) => d.severity === 'error');
    const program: ResolvedProgram | undefined = failed
      ? undefined
      : {
          tensors: this.tensorList,
          body,
          loopDepth: this.loopDepth,
          constants: new Map([...this.constants].map(([name, value]) => [name, value.value])),
          instructionCount: this.instructionCount,
        };
    return { program, diagnostics: this.diagnostics, notes: this.tokenBalanceNotes() };
  }

  // -------------------------------------------------------------------------------------------
  // Reporting and names
  // -------------------------------------------------------------------------------------------

  private error(message: string, span: SourceSpan | undefined, hint?: string): undefined {
    this.diagnostics.push({ severity: 'error', message, ...(span ? { span } : {}), ...(hint ? { hint } : {}) });
    return undefined;
  }

  private warning(message: string, span: SourceSpan, hint?: string): void {
    this.diagnostics.push({ severity: 'warning', message, span, ...(hint ? { hint } : {}) });
  }

  private lookup(name: string): NameMeaning | undefined {
    const depth = this.loopVariables.lastIndexOf(name);
    if (depth >= 0) return INDEX_MEANINGS[depth] ?? { kind: 'index', depth };
    const constant = this.constantMeanings.get(name);
    if (constant) return constant;
    if (this.tensors.has(name)) return TENSOR_MEANING;
    // Registers, buffers and builtins are never defined by a line, so they keep their meaning.
    if (this.invalidNames.has(name) || (this.namesUnknown && !isReservedName(name))) return INVALID_MEANING;
    return undefined;
  }

  /** Checks that a new name is free: not reserved, not a constant, tensor or enclosing loop variable. */
  private checkNewName(name: string, span: SourceSpan, what: string): boolean {
    if (isReservedName(name)) {
      this.error(`${what} name '${name}' is reserved for a register, buffer or builtin`, span, 'registers are r0, r1, … and v0, v1, …; buffers sp and acc; builtins core and ncores');
      return false;
    }
    const existing = this.constants.has(name) ? 'constant' : this.tensors.has(name) ? 'tensor' : this.loopVariables.includes(name) ? 'loop variable' : undefined;
    if (existing) {
      this.error(`${what} name '${name}' is already defined as a ${existing}`, span);
      return false;
    }
    return true;
  }

  /**
   * Resolves a constant integer such as a shape or tile width; reports and returns undefined
   * otherwise. `rootPos` locates `expr` when it is a shared leaf (see `SHARED_POSITION`), and so
   * for the other resolvers below.
   */
  private constInt(expr: ExprAst, what: string, minimum: number, rootPos: number = expr.pos): number | undefined {
    const resolved = resolveExpr(expr, this.scope, false, rootPos);
    if (!resolved || resolved.kind !== 'const') return undefined;
    const value = resolved.value.value;
    if (!Number.isInteger(value)) return this.error(`${what} must be an integer, got ${value}`, this.at(leafAt(expr, rootPos)));
    if (value < minimum) return this.error(`${what} must be at least ${minimum}, got ${value}`, this.at(leafAt(expr, rootPos)));
    if (!Number.isSafeInteger(value)) return this.error(`${what} ${value} is too large: integers above 2^53 - 1 = ${Number.MAX_SAFE_INTEGER} cannot be represented exactly`, this.at(leafAt(expr, rootPos)));
    return value;
  }

  private constNumber(expr: ExprAst, rootPos: number = expr.pos): number | undefined {
    const resolved = resolveExpr(expr, this.scope, false, rootPos);
    return resolved?.kind === 'const' ? resolved.value.value : undefined;
  }

  /** Resolves an integer expression that may depend on run-time values. */
  private runtimeInt(expr: ExprAst, what: string, rootPos: number = expr.pos): AddressExpr | undefined {
    const resolved = resolveExpr(expr, this.scope, true, rootPos);
    if (!resolved) return undefined;
    if (resolved.kind === 'const' && !Number.isInteger(resolved.value.value)) return this.error(`${what} must be an integer, got ${resolved.value.value}`, this.at(leafAt(expr, rootPos)));
    return toAddress(resolved);
  }

  /** Returns where the value of `option` starts in the line; a shared leaf value ends where the option ends. */
  private valuePos(option: OptionAst): number {
    const value = option.value!;
    return value.pos >= 0 ? value.pos : option.end - leafLength(value);
  }

  /** Span of the value of `option`. */
  private valueAt(option: OptionAst): SourceSpan {
    return this.at(leafAt(option.value!, this.valuePos(option)));
  }

  // -------------------------------------------------------------------------------------------
  // Directives
  // -------------------------------------------------------------------------------------------

  private declare(statement: StatementAst): void {
    this.line = statement.span;
    if (statement.kind === 'const') {
      if (!this.checkNewName(statement.name, this.nameAt(statement.namePos, statement.name), 'constant')) return;
      const resolved = resolveExpr(statement.value, this.scope, false);
      if (resolved?.kind === 'const') {
        this.constants.set(statement.name, resolved.value);
        this.constantMeanings.set(statement.name, { kind: 'const', resolved });
      } else {
        this.invalidNames.add(statement.name);
      }
    } else if (statement.kind === 'tensor') {
      this.declareTensor(statement);
    }
  }

  private declareTensor(statement: Extract<StatementAst, { kind: 'tensor' }>): void {
    const nameSpan = this.nameAt(statement.namePos, statement.name);
    if (!this.checkNewName(statement.name, nameSpan, 'tensor')) return;
    const format = this.format(statement.format, statement.formatPos, statement.formatPos + statement.format.length);
    if (statement.shape.length > 4) this.error(`tensor '${statement.name}' has ${statement.shape.length} dimensions; at most 4 are supported`, this.at(statement.shape[4]));
    const shape = statement.shape.map((dim) => this.constInt(dim, 'tensor dimension', 1));

    let init: TensorInit = { kind: 'zeros' };
    let output = false;
    let placement: Placement = 'dram';
    const seen = new Set<string>();
    for (const option of statement.options) {
      const key = option.key.toLowerCase();
      if (seen.has(key)) {
        this.error(`option '${option.key}' is given twice`, this.at(option));
        continue;
      }
      seen.add(key);
      if (key === 'output') {
        if (option.value) this.error("'output' is a flag and takes no value", this.at(option));
        output = true;
      } else if (key === 'init') {
        const parsed = option.value ? this.tensorInit(option.value, statement.span.file, this.valuePos(option)) : this.error("'init' needs a value, such as init=zeros", this.at(option));
        if (parsed) init = parsed;
      } else if (key === 'place') {
        const name = option.value?.kind === 'name' ? option.value.name.toLowerCase() : undefined;
        if (name === 'dram' || name === 'host') placement = name;
        else this.error('place must be dram or host', option.value ? this.valueAt(option) : this.at(option));
      } else {
        const suggestion = closestMatch(option.key, ['init', 'output', 'place']);
        this.error(`unknown option '${option.key}' for .tensor`, this.at(option), suggestion ? `did you mean '${suggestion}'?` : 'options are init=…, output and place=dram|host');
      }
    }
    if (!format || shape.some((dim) => dim === undefined)) {
      this.invalidNames.add(statement.name);
      return;
    }

    const tensor: ResolvedTensor = { name: statement.name, index: this.tensorList.length, shape: shape as number[], format, init, output, placement, span: nameSpan };
    this.tensors.set(tensor.name, tensor);
    this.tensorList.push(tensor);
  }

  private tensorInit(value: OptionValueAst, file: string, rootPos: number): TensorInit | undefined {
    if (value.kind === 'name') {
      const name = value.name.toLowerCase();
      if (name === 'zeros') return { kind: 'zeros' };
      if (name === 'ones') return { kind: 'ones' };
    }
    if (value.kind === 'number' || value.kind === 'unary' || value.kind === 'binary') {
      const constant = this.constNumber(value, rootPos);
      return constant === undefined ? undefined : { kind: 'constant', value: constant };
    }
    if (value.kind !== 'call') return this.error('init must be zeros, ones, a number, const(v), uniform(lo, hi, seed=S), normal(mean, std, seed=S) or file("path")', this.at(leafAt(value, rootPos)));

    const name = value.name.toLowerCase();
    const positional = value.args.filter((arg) => arg.kind === 'positional').map((arg) => arg.value);
    const named = new Map(value.args.filter((arg) => arg.kind === 'named').map((arg) => [arg.key.toLowerCase(), arg]));
    const allowedNames = name === 'uniform' || name === 'normal' ? ['seed'] : [];
    for (const [key, arg] of named) {
      if (!allowedNames.includes(key)) this.error(`unknown argument '${key}' for ${name}()`, this.at(arg));
    }
    const numbers = (count: number, usageText: string): number[] | undefined => {
      if (positional.length !== count) return this.error(`${name}() takes ${usageText}`, this.at(value));
      const result: number[] = [];
      for (const arg of positional) {
        if (arg.kind === 'string') return this.error(`${name}() takes numbers, not strings`, this.at(arg));
        const number = this.constNumber(arg);
        if (number === undefined) return undefined;
        result.push(number);
      }
      return result;
    };
    const seedArg = named.get('seed');
    let seed = 0;
    if (seedArg) {
      const seedValue = seedArg.kind === 'named' && seedArg.value.kind !== 'string' ? this.constInt(seedArg.value, 'seed', 0) : this.error('seed must be an integer', this.at(seedArg));
      if (seedValue === undefined) return undefined;
      seed = seedValue;
    }

    switch (name) {
      case 'const': {
        const args = numbers(1, 'one value: const(v)');
        return args && { kind: 'constant', value: args[0] };
      }
      case 'uniform': {
        const args = numbers(2, 'two bounds: uniform(lo, hi, seed=S)');
        if (!args) return undefined;
        if (args[0] > args[1]) return this.error(`uniform(lo, hi) needs lo <= hi, got ${args[0]} > ${args[1]}`, this.at(value));
        return { kind: 'uniform', low: args[0], high: args[1], seed };
      }
      case 'normal': {
        const args = numbers(2, 'a mean and a standard deviation: normal(mean, std, seed=S)');
        if (!args) return undefined;
        if (args[1] < 0) return this.error(`normal(mean, std) needs std >= 0, got ${args[1]}`, this.at(value));
        return { kind: 'normal', mean: args[0], std: args[1], seed };
      }
      case 'file': {
        const arg = positional[0];
        if (positional.length !== 1 || arg.kind !== 'string') return this.error('file() takes one string: file("weights.npy")', this.at(value));
        const resolved = path.resolve(path.dirname(file), arg.value);
        return { kind: 'file', path: resolved, fileFormat: arg.value.toLowerCase().endsWith('.npy') ? 'npy' : 'raw' };
      }
      default: {
        const suggestion = closestMatch(value.name, ['const', 'uniform', 'normal', 'file']);
        return this.error(`unknown initialiser '${value.name}'`, this.at(value), suggestion ? `did you mean '${suggestion}'?` : 'use zeros, ones, const(v), uniform(lo, hi), normal(mean, std) or file("path")');
      }
    }
  }

  /** Checks a format name at offsets `pos` to `end`; valid names are cached, because every load and matmul names one. */
  private format(name: string, pos: number, end: number): FormatName | undefined {
    const cached = this.formatNames.get(name);
    if (cached !== undefined) return cached;
    const span = this.at({ pos, end });
    const format = tryParseFormat(name);
    if (!format) {
      // A constant is a number, so `.const F = e4m3` failed where it was declared, and this use is not reported again.
      if (this.invalidNames.has(name)) return undefined;
      if (this.constants.has(name)) return this.error(`'${name}' is a constant, not a number format`, span, 'formats cannot be constants; write the format name itself, such as e4m3');
      const suggestion = closestMatch(name, ['fp32', 'fp16', 'bf16', 'e4m3', 'e5m2', 'e4m3fnuz', 'e5m2fnuz']);
      return this.error(`unknown number format '${name}'`, span, suggestion ? `did you mean '${suggestion}'?` : 'formats are fp32, fp16, bf16, e4m3, e5m2, e4m3fnuz, e5m2fnuz and eXmY (1 <= X <= 8, 1 <= Y <= 23)');
    }
    if (this.target.formats && !this.target.formats.includes(format.name)) {
      return this.error(`format '${format.name}' is not supported by the target`, span, `supported: ${this.target.formats.join(', ')}`);
    }
    this.formatNames.set(name, format.name);
    return format.name;
  }

  // -------------------------------------------------------------------------------------------
  // Blocks and control flow
  // -------------------------------------------------------------------------------------------

  private block(entries: readonly Entry[]): Instruction[] {
    const block: Block = { labels: this.collectLabels(entries) };
    const result: Instruction[] = [];
    let unreachableFrom: string | undefined;
    let warnedUnreachable = false;

    for (const entry of entries) {
      const statement = typeof entry === 'number' ? this.entries!.statement(entry, this.view) : entry;
      if (statement.kind === 'label') {
        unreachableFrom = undefined;
        continue;
      }
      if (statement.kind === 'comment') continue;
      if (statement.kind === 'invalid') {
        // The broken line may have been a label, so the code after it may be reachable.
        this.brokenLine(statement);
        unreachableFrom = undefined;
        continue;
      }
      if (statement.kind === 'const' || statement.kind === 'tensor' || statement.kind === 'include') {
        if (this.loopVariables.length > 0) this.error(`.${statement.kind} is allowed only outside loops`, statement.span);
        else if (statement.kind === 'include') this.error('.include was not expanded; check the program with checkFiles or `lmulsim check`', statement.span);
        continue;
      }

      if (unreachableFrom && !warnedUnreachable) {
        this.warning(`unreachable code: it follows '${unreachableFrom}' in the same block`, statement.span, 'remove it, or put a label before it as a jump target');
        warnedUnreachable = true;
      }

      const instruction = statement.kind === 'loop' ? this.loop(statement) : this.instruction(statement, block);
      if (instruction) {
        result.push(instruction);
        if (instruction.kind === 'halt' || instruction.kind === 'jump') unreachableFrom = instruction.kind;
      }
    }
    return result;
  }

  /** Maps each label of a block to the index of the instruction that follows it. */
  private collectLabels(entries: readonly Entry[]): Map<string, number> {
    const labels = new Map<string, number>();
    let index = 0;
    for (const statement of entries) {
      if (typeof statement === 'number') {
        index++;
      } else if (statement.kind === 'label') {
        if (labels.has(statement.name)) this.error(`label '${statement.name}' is defined twice in this block`, statement.span);
        else if (isReservedName(statement.name)) this.error(`label name '${statement.name}' is reserved for a register, buffer or builtin`, statement.span);
        labels.set(statement.name, index);
      } else if (statement.kind === 'instruction' || statement.kind === 'loop') {
        index++;
      }
    }
    return labels;
  }

  private loop(statement: LoopStatement): Instruction | undefined {
    this.line = statement.span;
    const variableOk = this.checkNewName(statement.variable, this.nameAt(statement.variablePos, statement.variable), 'loop variable');
    const count = this.runtimeInt(statement.count, 'loop count');
    let interval: Interval | undefined;
    let constantCount: number | undefined;
    if (count?.op === 'const') {
      constantCount = count.value;
      if (count.value < 1) this.error(`loop count must be at least 1, got ${count.value}`, this.at(statement.count));
      else interval = { low: 0, high: count.value - 1 };
    } else if (count) {
      const range = bounds(count, this.intervalEnv());
      if (range && range.high < 1) this.error(`loop count is at most ${range.high}; it must be at least 1`, this.at(statement.count));
      if (range) interval = { low: 0, high: Math.max(0, range.high - 1) };
    }

    const depth = this.loopVariables.length;
    this.loopVariables.push(variableOk ? statement.variable : '');
    this.loopIntervals.push(interval);
    this.loopDepth = Math.max(this.loopDepth, depth + 1);
    const outerMultiplier = this.multiplier;
    this.multiplier = outerMultiplier !== undefined && constantCount !== undefined && constantCount >= 1 ? outerMultiplier * constantCount : undefined;
    const outerRuntimeCount = this.runtimeCount;
    if (outerMultiplier !== undefined && count !== undefined && count.op !== 'const') this.runtimeCount = this.at(statement.count);

    const outerScopeKey = this.scopeKey;
    const outerScopeId = this.scopeId;
    this.enterScope(`${outerScopeKey}/${variableOk ? statement.variable : ''}:${interval === undefined ? '?' : `${interval.low}:${interval.high}`}`);

    const entries = statement.body as readonly Entry[];
    const body = this.block(entries);

    this.scopeKey = outerScopeKey;
    this.scopeId = outerScopeId;
    this.multiplier = outerMultiplier;
    this.runtimeCount = outerRuntimeCount;
    this.loopIntervals.pop();
    this.loopVariables.pop();
    this.instructionCount++;
    if (!count) return undefined;
    if (!entries.some((inner) => typeof inner === 'number' || inner.kind === 'instruction' || inner.kind === 'loop' || inner.kind === 'invalid')) this.warning(`loop '${statement.variable}' has an empty body`, statement.span);
    return { kind: 'loop', unit: 'control', variable: statement.variable, depth, count, body, span: statement.span, wait: NO_QUEUES, signal: NO_QUEUES };
  }

  private enterScope(key: string): void {
    let id = this.scopeIds.get(key);
    if (id === undefined) {
      id = this.scopeIds.size;
      this.scopeIds.set(key, id);
    }
    this.scopeKey = key;
    this.scopeId = id;
  }

  /** Bounds of the loop indices in scope; one object, because `loopIntervals` changes in place. */
  private intervalEnv(): IntervalEnv {
    this.boundsEnv ??= { indices: this.loopIntervals, cores: this.target.cores };
    return this.boundsEnv;
  }

  // -------------------------------------------------------------------------------------------
  // Lines with syntax errors
  // -------------------------------------------------------------------------------------------

  /**
   * Prepares for the invalid statements of a program, before any statement is checked, because a
   * name that a broken line may define can be used on any line. Such names then fail without a
   * diagnostic, like the names whose declaration failed.
   */
  private expectBrokenLines(broken: BrokenLines): void {
    this.sawInvalid = true;
    this.brokenLineNames = broken.names;
    for (const name of broken.names) {
      if (!isReservedName(name)) this.invalidNames.add(name);
    }
    this.namesUnknown = broken.anyName;
  }

  /**
   * Marks the state that a line with a syntax error might have changed as unknown, so that the
   * lines after it report no mistake that the broken line might explain. Its keyword, or the
   * mnemonic closest to it, determines that state. A line without a recognisable keyword might
   * have changed any of it. A broken loop header still opens its body, with an unknown count.
   */
  private brokenLine(statement: InvalidStatement): void {
    this.sawInvalid = true;
    if (statement.body !== undefined) {
      this.brokenLoop(statement, statement.body);
      return;
    }
    const keyword = statement.keyword;
    // A directive with known names (`.const`, `.tensor`) changes no state, and `expectBrokenLines` took its names.
    if (keyword.startsWith('.') && statement.names !== undefined) return;
    const mnemonic = statement.names === undefined || keyword === '' ? undefined : (knownMnemonic(keyword) ?? suggestMnemonic(keyword));
    if (mnemonic === undefined) {
      this.forgetWeights();
      this.flow.vectorLength = undefined;
      this.tokensUnknown = true;
      return;
    }
    if (mnemonic === 'preload') this.forgetWeights();
    else if (mnemonic === 'vsetlen') this.flow.vectorLength = undefined;
    // A jump makes the token totals unknown, as `checkTokenBalance` explains.
    else if (mnemonic === 'sync' || mnemonic === 'jump' || mnemonic === 'beqz' || mnemonic === 'bnez') this.tokensUnknown = true;
    for (const name of statement.names!) {
      const lower = lowerCase(name);
      if (lower === 'wait' || lower === 'signal' || closestMatch(lower, TOKEN_OPTIONS) !== undefined) this.tokensUnknown = true;
    }
  }

  /** Checks the body of a loop whose header has a syntax error, as a loop with an unknown count. */
  private brokenLoop(statement: InvalidStatement, body: readonly Entry[]): void {
    const variable = statement.variable !== undefined && !isReservedName(statement.variable) ? statement.variable : '';
    const depth = this.loopVariables.length;
    this.loopVariables.push(variable);
    this.loopIntervals.push(undefined);
    this.loopDepth = Math.max(this.loopDepth, depth + 1);
    const outerMultiplier = this.multiplier;
    this.multiplier = undefined;
    const outerScopeKey = this.scopeKey;
    const outerScopeId = this.scopeId;
    this.enterScope(`${outerScopeKey}/${variable}:?`);

    this.block(body);

    this.scopeKey = outerScopeKey;
    this.scopeId = outerScopeId;
    this.multiplier = outerMultiplier;
    this.loopIntervals.pop();
    this.loopVariables.pop();
  }

  // -------------------------------------------------------------------------------------------
  // Instructions
  // -------------------------------------------------------------------------------------------

  private instruction(statement: InstructionStatement, block: Block): Instruction | undefined {
    this.instructionCount++;
    this.line = statement.span;
    let key: readonly unknown[] | undefined;
    // The lists of a shape's view change from line to line, so nothing is keyed on them.
    const shared = statement === this.view && this.view.shapeId >= 0;
    if (!shared && statement.options.length > 0) key = statement.options;
    else if (!shared && statement.operands.length > 0) key = statement.operands;
    if (key === undefined) {
      const instruction = this.checkInstruction(statement, block);
      if (instruction === undefined) this.afterFailure(statement);
      return instruction;
    }

    const previous = this.checked.get(key);
    if (previous !== undefined && this.canReuse(previous, statement)) return this.reuse(previous, statement.span);

    const diagnosticCount = this.diagnostics.length;
    const vectorLength = this.flow.vectorLength;
    const instruction = this.checkInstruction(statement, block);
    if (instruction === undefined) {
      this.afterFailure(statement);
      return undefined;
    }
    if (this.diagnostics.length > diagnosticCount || instruction.kind === 'jump' || instruction.kind === 'branch') return instruction;
    if (previous !== undefined || this.checked.size < MAX_CHECKED_INSTRUCTIONS) {
      this.checked.set(key, {
        operands: statement.operands,
        options: statement.options,
        mnemonic: statement.mnemonic,
        scopeId: this.scopeId,
        vectorLength,
        vectorLengthAfter: this.flow.vectorLength,
        instruction,
      });
    }
    return instruction;
  }

  /**
   * True when `statement` has the operands, options and mnemonic of the instruction that `entry`
   * checked, in the same loop scope. The state left by the instructions before it must also pass
   * the checks that depend on it: a matmul needs a matching preload, and vload and vstore check
   * their range for the current vector length.
   */
  private canReuse(entry: CheckedInstruction, statement: InstructionStatement): boolean {
    if (entry.operands !== statement.operands || entry.options !== statement.options || entry.mnemonic !== statement.mnemonic || entry.scopeId !== this.scopeId) return false;
    const instruction = entry.instruction;
    switch (instruction.kind) {
      case 'matmul': {
        const preload = this.flow.preload;
        return this.flow.anyPreload && (preload === undefined || (preload.k === instruction.k && preload.n === instruction.n));
      }
      case 'vload':
      case 'vstore':
        return this.flow.vectorLength === entry.vectorLength;
      default:
        return true;
    }
  }

  /** Returns a copy of a checked instruction at `span`, and applies its effects on the state that later instructions depend on. */
  private reuse(entry: CheckedInstruction, span: SourceSpan): Instruction {
    const instruction = atSpan(entry.instruction, span);
    this.countTokens(instruction.unit, instruction.wait, instruction.signal, span);
    if (instruction.kind === 'preload') {
      this.flow.preload = { k: instruction.k, n: instruction.n, line: span.line };
      this.flow.anyPreload = true;
    } else if (instruction.kind === 'vsetlen') {
      this.flow.vectorLength = entry.vectorLengthAfter;
    }
    return instruction;
  }

  /**
   * Marks the state that a failed instruction would have set as unknown, so that the instructions
   * after it do not report the same mistake again. That state is the weights after a preload, the
   * vector length after a vsetlen, and the token counts when it has a wait or signal option. A
   * misspelt mnemonic counts as the instruction it is closest to.
   */
  private afterFailure(statement: InstructionStatement): void {
    const mnemonic = knownMnemonic(statement.mnemonic) ?? suggestMnemonic(statement.mnemonic);
    if (mnemonic === 'preload') this.forgetWeights();
    else if (mnemonic === 'vsetlen') this.flow.vectorLength = undefined;
    for (const option of statement.options) {
      const key = lowerCase(option.key);
      if (key === 'wait' || key === 'signal' || closestMatch(key, TOKEN_OPTIONS) !== undefined) this.tokensUnknown = true;
    }
  }

  /** Marks the weight tile in the systolic array as unknown: matmuls then skip the checks against it. */
  private forgetWeights(): void {
    this.flow.anyPreload = true;
    this.flow.preload = undefined;
  }

  /**
   * Checks the mnemonic, the operand count and forms, the options (parsed into `options`) and the
   * unit of an instruction. Only the options can depend on its numbers and registers, so the result
   * holds for every line of a shape whose options have no holes. Writes the result into `check`,
   * whose `options` receive the parsed options. Reports and returns false on an error.
   */
  private checkForm(statement: InstructionStatement, check: FormCheck): boolean {
    const options = check.options;
    const known = knownMnemonic(statement.mnemonic);
    const mnemonic = known ?? statement.mnemonic.toLowerCase();
    const signature = known === undefined ? undefined : SIGNATURES[known];
    if (!signature) {
      this.error(`${UNKNOWN_INSTRUCTION} '${statement.mnemonic}'`, this.nameAt(statement.span.column - 1, statement.mnemonic), mnemonicHint(mnemonic));
      return false;
    }

    if (statement.operands.length !== signature.operands.length) {
      const expected = signature.operands.length;
      this.error(
        `'${mnemonic}' takes ${expected} operand${expected === 1 ? '' : 's'} but got ${statement.operands.length}`,
        statement.operands.length > expected ? this.at(statement.operands[expected]) : statement.span,
        `usage: ${usage(mnemonic)}`,
      );
      return false;
    }
    if (!this.options(statement, mnemonic, signature, options)) return false;
    const operands = statement.operands;
    for (let i = 0; i < operands.length; i++) {
      if (!this.operandShapeOk(operands[i], signature.operands[i][1], mnemonic, i)) return false;
    }

    let unit: string = signature.unit;
    if (mnemonic === 'sync') {
      const queue = this.queueOperand(operands[0]);
      if (!queue) return false;
      if (options.wait.length === 0 && options.signal.length === 0) this.warning("'sync' without wait= or signal= does nothing", statement.span);
      unit = queue;
    }
    if (unit === 'control' && (options.wait.length > 0 || options.signal.length > 0)) {
      this.error(`'${mnemonic}' runs on the control unit, which exchanges no tokens`, statement.span);
      return false;
    }
    check.scopeId = this.scopeId;
    check.mnemonic = mnemonic;
    check.unit = unit;
    return true;
  }

  /** Checks one instruction and resolves it; reports and returns undefined on an error. */
  private checkInstruction(statement: InstructionStatement, block: Block): Instruction | undefined {
    const shapeId = statement === this.view ? this.view.shapeId : -1;
    let check = shapeId >= 0 ? this.shapeChecks[shapeId] : undefined;
    if (check === undefined || check.scopeId !== this.scopeId) {
      const diagnosticCount = this.diagnostics.length;
      // Options without holes are the same on every line of a shape, so such a shape gets a check of
      // its own, which it keeps. Every other instruction reuses one check.
      const fixed = shapeId >= 0 && this.view.optionsFixed;
      check = fixed ? { scopeId: 0, mnemonic: '', options: new ParsedOptions(), unit: '' } : this.formCheck;
      if (!this.checkForm(statement, check)) return undefined;
      if (fixed && this.diagnostics.length === diagnosticCount) this.shapeChecks[shapeId] = check;
    }
    const { mnemonic, options, unit } = check;
    const operands = statement.operands;
    this.countTokens(unit, options.wait, options.signal, statement.span);

    switch (mnemonic) {
      case 'load':
        return this.load(statement, options);
      case 'store':
        return this.store(statement, options);
      case 'preload':
        return this.preload(statement, options);
      case 'matmul':
        return this.matmul(statement, options);
      case 'vload':
      case 'vstore':
        return this.vectorMove(mnemonic, statement, options);
      case 'vadd':
      case 'vsub':
      case 'vmul':
      case 'vmax':
      case 'vmin': {
        const dst = this.vreg(operands[0]);
        const a = this.vreg(operands[1]);
        const b = this.vreg(operands[2]);
        if (dst === undefined || a === undefined || b === undefined) return undefined;
        const op = VECTOR_OPS[mnemonic] as VectorBinaryOp;
        return { kind: 'vbinary', unit: 'vector', op, dst, a, b, method: options.method ?? 'exact', format: options.formats.get('fmt') ?? 'fp32', span: statement.span, wait: options.wait, signal: options.signal };
      }
      case 'vmov':
      case 'vneg':
      case 'vexp':
      case 'vrecip':
      case 'vrsqrt': {
        const dst = this.vreg(operands[0]);
        const src = this.vreg(operands[1]);
        if (dst === undefined || src === undefined) return undefined;
        return { kind: 'vunary', unit: 'vector', op: VECTOR_OPS[mnemonic] as VectorUnaryOp, dst, src, span: statement.span, wait: options.wait, signal: options.signal };
      }
      case 'vscale':
      case 'vaddi': {
        const dst = this.vreg(operands[0]);
        const src = this.vreg(operands[1]);
        const value = this.constNumber((operands[2] as { expr: ExprAst }).expr, operands[2].pos);
        if (dst === undefined || src === undefined || value === undefined) return undefined;
        return { kind: 'vimm', unit: 'vector', op: mnemonic === 'vscale' ? 'scale' : 'add', dst, src, value, span: statement.span, wait: options.wait, signal: options.signal };
      }
      case 'vfill': {
        const dst = this.vreg(operands[0]);
        const value = this.constNumber((operands[1] as { expr: ExprAst }).expr, operands[1].pos);
        if (dst === undefined || value === undefined) return undefined;
        return { kind: 'vfill', unit: 'vector', dst, value, span: statement.span, wait: options.wait, signal: options.signal };
      }
      case 'vredsum':
      case 'vredmax': {
        const dst = this.vreg(operands[0]);
        const src = this.vreg(operands[1]);
        if (dst === undefined || src === undefined) return undefined;
        return { kind: 'vreduce', unit: 'vector', op: mnemonic === 'vredsum' ? 'sum' : 'max', dst, src, span: statement.span, wait: options.wait, signal: options.signal };
      }
      case 'vsetlen':
        return this.vsetlen(statement, options);
      case 'set': {
        const reg = this.sreg(operands[0]);
        const value = this.runtimeInt((operands[1] as { expr: ExprAst }).expr, 'value', operands[1].pos);
        if (reg === undefined || value === undefined) return undefined;
        return { kind: 'set', unit: 'control', reg, value, span: statement.span, wait: options.wait, signal: options.signal };
      }
      case 'jump':
      case 'beqz':
      case 'bnez':
        return this.jump(mnemonic, statement, block, options);
      case 'sync':
        return { kind: 'sync', unit: unit as Queue, span: statement.span, wait: options.wait, signal: options.signal };
      case 'fence':
        return { kind: 'fence', unit: 'control', span: statement.span, wait: options.wait, signal: options.signal };
      case 'barrier':
        return { kind: 'barrier', unit: 'control', span: statement.span, wait: options.wait, signal: options.signal };
      case 'halt':
        return { kind: 'halt', unit: 'control', span: statement.span, wait: options.wait, signal: options.signal };
      default:
        return this.error(`instruction '${mnemonic}' has no validator`, this.nameAt(statement.span.column - 1, statement.mnemonic));
    }
  }

  /** Checks that an operand has the syntactic form its kind needs. */
  private operandShapeOk(operand: OperandAst, kind: OperandKind, mnemonic: string, index: number): boolean {
    const base = operand.kind === 'ref' ? lowerCase(operand.base) : undefined;
    switch (kind) {
      case 'onchip':
        return base === 'sp' || base === 'acc' ? true : this.operandKindError(operand, kind, mnemonic, index);
      case 'scratchpad':
        return base === 'sp' ? true : this.operandKindError(operand, kind, mnemonic, index);
      case 'accumulator':
        return base === 'acc' ? true : this.operandKindError(operand, kind, mnemonic, index);
      case 'tensor':
        if (operand.kind !== 'ref' || base === 'sp' || base === 'acc') return this.operandKindError(operand, kind, mnemonic, index);
        return true;
      case 'vreg':
      case 'sreg':
      case 'label':
        return operand.kind === 'expr' && operand.expr.kind === 'name' ? true : this.operandKindError(operand, kind, mnemonic, index);
      case 'int':
      case 'number':
        return operand.kind === 'expr' ? true : this.operandKindError(operand, kind, mnemonic, index);
      case 'queue':
        return operand.kind === 'expr' && operand.expr.kind === 'name' ? true : this.operandKindError(operand, kind, mnemonic, index);
    }
  }

  private operandKindError(operand: OperandAst, kind: OperandKind, mnemonic: string, index: number): false {
    this.error(`operand ${index + 1} of '${mnemonic}' must be ${OPERAND_EXAMPLES[kind]}`, this.at(operand), `usage: ${usage(mnemonic)}`);
    return false;
  }

  private queueOperand(operand: OperandAst): Queue | undefined {
    const name = operand.kind === 'expr' && operand.expr.kind === 'name' ? operand.expr.name.toLowerCase() : '';
    if ((QUEUES as readonly string[]).includes(name)) return name as Queue;
    const suggestion = closestMatch(name, QUEUES);
    return this.error(`'${name}' is not a queue`, this.at(operand), suggestion ? `did you mean '${suggestion}'?` : `queues are ${QUEUES.join(', ')}`);
  }

  private vreg(operand: OperandAst): number | undefined {
    const name = operand.kind === 'expr' && operand.expr.kind === 'name' ? operand.expr.name : '';
    const register = vectorRegister(name);
    if (register === undefined) return this.error(`'${name}' is not a vector register`, this.at(operand), 'vector registers are v0, v1, …');
    if (register >= this.target.vectorRegisters) return this.error(`vector register '${name}' does not exist: the target has v0 to v${this.target.vectorRegisters - 1}`, this.at(operand));
    return register;
  }

  private sreg(operand: OperandAst): number | undefined {
    const name = operand.kind === 'expr' && operand.expr.kind === 'name' ? operand.expr.name : '';
    const register = scalarRegister(name);
    if (register === undefined) return this.error(`'${name}' is not a scalar register`, this.at(operand), 'scalar registers are r0, r1, …');
    if (register >= this.target.scalarRegisters) return this.error(`scalar register '${name}' does not exist: the target has r0 to r${this.target.scalarRegisters - 1}`, this.at(operand));
    return register;
  }

  // -------------------------------------------------------------------------------------------
  // Options
  // -------------------------------------------------------------------------------------------

  private options(statement: InstructionStatement, mnemonic: string, signature: Signature, parsed: ParsedOptions): ParsedOptions | undefined {
    parsed.reset();
    let ok = true;

    for (const option of statement.options) {
      const key = lowerCase(option.key);
      const kind = Object.hasOwn(signature.options, key) ? signature.options[key] : undefined;
      if (!kind) {
        const allowed = Object.keys(signature.options);
        const suggestion = closestMatch(key, allowed);
        let hint = `'${mnemonic}' takes no options`;
        if (suggestion) hint = `did you mean '${suggestion}'?`;
        else if (allowed.length > 0) hint = `options are ${allowed.join(', ')}`;
        this.error(`unknown option '${option.key}' for '${mnemonic}'`, this.at(option), hint);
        ok = false;
        continue;
      }
      if (parsed.nodes.has(key) && kind !== 'queue') {
        this.error(`option '${key}' is given twice`, this.at(option));
        ok = false;
        continue;
      }
      parsed.nodes.set(key, option);
      if (!this.option(option, key, kind, parsed)) ok = false;
    }

    const requiredKeys = signature.required ?? NO_NAMES;
    for (let i = 0; i < requiredKeys.length; i++) {
      const required = requiredKeys[i];
      if (!parsed.nodes.has(required)) {
        this.error(`'${mnemonic}' needs the option ${required}=…`, statement.span, `usage: ${usage(mnemonic)} ${(signature.required ?? []).map((name) => `${name}=…`).join(' ')}`);
        ok = false;
      }
    }
    for (const [a, b] of EXCLUSIVE_FLAGS) {
      if (parsed.flags.has(a) && parsed.flags.has(b)) {
        this.error(`'${a}' and '${b}' exclude each other`, this.optionSpan(parsed, b));
        ok = false;
      }
    }
    return ok ? parsed : undefined;
  }

  private option(option: OptionAst, key: string, kind: string, parsed: ParsedOptions): boolean {
    if (kind === 'flag') {
      if (option.value) {
        this.error(`'${key}' is a flag and takes no value`, this.at(option));
        return false;
      }
      parsed.flags.set(key, true);
      return true;
    }
    const value = option.value;
    if (!value) {
      this.error(`option '${key}' needs a value: ${key}=…`, this.at(option));
      return false;
    }
    const name = value.kind === 'name' ? value.name : undefined;
    switch (kind) {
      case 'format': {
        if (!name) return this.error(`${key} must be a format name such as e4m3`, this.valueAt(option)) ?? false;
        const format = this.format(name, this.valuePos(option), option.end);
        if (!format) return false;
        parsed.formats.set(key, format);
        return true;
      }
      case 'accformat': {
        const lower = name === undefined ? undefined : lowerCase(name);
        if (!lower || !(ACCUMULATE_FORMATS as readonly string[]).includes(lower)) return this.error(`${key} must be one of ${ACCUMULATE_FORMATS.join(', ')}`, this.valueAt(option)) ?? false;
        parsed.accumulateFormat = lower as AccumulateFormat;
        return true;
      }
      case 'method': {
        const lower = name === undefined ? undefined : lowerCase(name);
        if (!lower || !(MULTIPLIER_METHODS as readonly string[]).includes(lower)) {
          const suggestion = lower ? closestMatch(lower, MULTIPLIER_METHODS) : undefined;
          return this.error(`method must be one of ${MULTIPLIER_METHODS.join(', ')}`, this.valueAt(option), suggestion ? `did you mean '${suggestion}'?` : undefined) ?? false;
        }
        if (!this.target.methods.includes(lower as MultiplierMethod)) return this.error(`method '${lower}' is not supported by the target`, this.valueAt(option), `supported: ${this.target.methods.join(', ')}`) ?? false;
        parsed.method = lower as MultiplierMethod;
        return true;
      }
      case 'queue': {
        const lower = name === undefined ? undefined : lowerCase(name);
        if (!lower || !(QUEUES as readonly string[]).includes(lower)) {
          const suggestion = lower ? closestMatch(lower, QUEUES) : undefined;
          return this.error(`${key} must name a queue: ${QUEUES.join(', ')}`, this.valueAt(option), suggestion ? `did you mean '${suggestion}'?` : undefined) ?? false;
        }
        if (key === 'wait') parsed.wait = withQueue(parsed.wait, lower as Queue);
        else parsed.signal = withQueue(parsed.signal, lower as Queue);
        return true;
      }
      case 'int': {
        if (value.kind === 'string' || value.kind === 'call') return this.error(`${key} must be an integer`, this.valueAt(option)) ?? false;
        const number = this.constInt(value, key, 1, this.valuePos(option));
        if (number === undefined) return false;
        parsed.ints.set(key, number);
        return true;
      }
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Memory operands
  // -------------------------------------------------------------------------------------------

  /** Resolves `sp[addr]` or `acc[addr]` to a buffer and address. */
  private onChipAddress(operand: OperandAst): { buffer: Buffer; address: AddressExpr } | undefined {
    if (operand.kind !== 'ref') return undefined;
    const buffer: Buffer = lowerCase(operand.base) === 'sp' ? 'scratchpad' : 'accumulator';
    if (operand.indices.length !== 1 || operand.indices[0].width) {
      return this.error(`${operand.base}[…] takes one element address`, this.at(operand), `write ${operand.base}[address]; the tile shape comes from the instruction`);
    }
    const address = this.runtimeInt(operand.indices[0].start, 'address', operand.indices[0].pos);
    return address && { buffer, address };
  }

  /** Checks that a tile of rows × cols with `rowStride` at `address` stays inside its buffer. */
  private checkOnChipRange(buffer: Buffer, address: AddressExpr, rows: number, cols: number, rowStride: number, operand: Positioned): void {
    const capacity = buffer === 'scratchpad' ? this.target.scratchpadElements : this.target.accumulatorElements;
    const range = this.range;
    if (!boundsInto(address, this.intervalEnv(), range)) return;
    const lastOffset = (rows - 1) * rowStride + cols - 1;
    // A constant address has one value; the loop indices matter only to one that varies.
    const constant = range.low === range.high;
    const at = constant ? `at address ${range.high}` : `at address up to ${range.high}`;
    const hint = constant ? `the tile fits at addresses 0 to ${Math.max(0, capacity - 1 - lastOffset)}` : (this.coreHint(address, 'address') ?? 'check the address expression over the whole range of the loop indices');
    if (range.low < 0) this.error(`${buffer} address can be ${range.low}, below 0`, this.at(operand), constant ? undefined : hint);
    else if (range.high + lastOffset >= capacity) {
      this.error(`${buffer} tile of ${rows}×${cols} ${at} ends at element ${range.high + lastOffset}, past the ${buffer} size of ${capacity} elements`, this.at(operand), hint);
    }
  }

  /** Resolves a tensor region such as `A[i*16 +: 16, 0 +: 32]`. */
  private dramTile(operand: OperandAst): DramTile | undefined {
    if (operand.kind !== 'ref') return undefined;
    const tensor = this.tensors.get(operand.base);
    if (!tensor) {
      if (this.invalidNames.has(operand.base) || this.namesUnknown) return undefined;
      this.invalidNames.add(operand.base);
      const suggestion = closestMatch(operand.base, this.tensors.keys());
      return this.error(`tensor '${operand.base}' is not defined`, this.nameAt(operand.pos, operand.base), suggestion ? `did you mean '${suggestion}'?` : 'declare it with .tensor NAME FORMAT [DIMS]');
    }
    const rank = tensor.shape.length;
    if (operand.indices.length !== rank) {
      return this.error(`tensor '${tensor.name}' has ${rank} dimension${rank === 1 ? '' : 's'} but the region gives ${operand.indices.length}`, this.at(operand));
    }

    // Exactly `rank` elements: the tile keeps this array, and a pushed-to array would reserve 17.
    const start = new Array<AddressExpr>(rank);
    let rows = 1;
    let cols = 1;
    let ok = true;
    const range = this.range;
    for (let dim = 0; dim < rank; dim++) {
      const index = operand.indices[dim];
      const begin = this.runtimeInt(index.start, 'index', index.pos);
      const width = index.width ? this.constInt(index.width, 'tile width', 1, index.end - leafLength(index.width)) : 1;
      if (begin === undefined || width === undefined) {
        ok = false;
        continue;
      }
      if (width > 1 && dim < rank - 2) {
        this.error('only the last two dimensions of a tile may be wider than 1', this.at(index));
        ok = false;
      }
      start[dim] = begin;
      if (dim === rank - 2) rows = width;
      if (dim === rank - 1) cols = width;
      if (boundsInto(begin, this.intervalEnv(), range) && (range.low < 0 || range.high + width > tensor.shape[dim])) {
        this.error(
          `region of '${tensor.name}' in dimension ${dim + 1} spans ${range.low} to ${range.high + width - 1}, outside 0 to ${tensor.shape[dim] - 1}`,
          this.at(index),
          range.low === range.high && width <= tensor.shape[dim]
            ? `a region of width ${width} starts at ${width === tensor.shape[dim] ? '0' : `0 to ${tensor.shape[dim] - width}`} in this dimension`
            : (this.coreHint(begin, 'index') ?? 'check the index expression over the whole range of the loop indices'),
        );
        ok = false;
      }
    }
    if (!ok) return undefined;
    return { tensor: tensor.index, start, rows, cols };
  }

  /**
   * Returns the hint for an out-of-range `what` (index or address) that depends on `core` or
   * `ncores`, whose values come from the target's core count, else undefined.
   */
  private coreHint(expr: AddressExpr, what: string): string | undefined {
    const cores = this.target.cores;
    if (readsBuiltin(expr, 'core')) {
      return (
        `the ${what} depends on core, which takes the values 0 to ${cores - 1} on this ${cores}-core target, and each of them must stay in range. ` +
        `To give work to fewer cores, copy core to a register (set r1, core), branch past the work on the other cores (bnez r1 / COUNT, done), ` +
        `and write the ${what} with r1, which is checked only at run time`
      );
    }
    if (readsBuiltin(expr, 'ncores')) return `the ${what} depends on ncores, which is ${cores} on this target`;
    return undefined;
  }

  private load(statement: InstructionStatement, options: ParsedOptions): Instruction | undefined {
    const dst = this.onChipAddress(statement.operands[0]);
    const src = this.dramTile(statement.operands[1]);
    if (!dst || !src) return undefined;
    const tensor = this.tensorList[src.tensor];
    const transpose = options.flags.has('transpose');
    const rows = transpose ? src.cols : src.rows;
    const cols = transpose ? src.rows : src.cols;
    const rowStride = options.ints.get('stride') ?? cols;
    if (rowStride < cols) return this.error(`stride ${rowStride} is smaller than the tile's ${cols} columns, so rows would overlap`, this.optionSpan(options, 'stride'));
    const format = options.formats.get('fmt') ?? tensor.format;
    if (dst.buffer === 'accumulator' && !(ACCUMULATE_FORMATS as readonly string[]).includes(format)) {
      return this.error(`the accumulator holds ${ACCUMULATE_FORMATS.join(', ')} elements; '${format}' cannot be loaded into it`, this.optionSpan(options, 'fmt') ?? statement.span, 'add fmt=fp32');
    }
    this.checkOnChipRange(dst.buffer, dst.address, rows, cols, rowStride, statement.operands[0]);
    const tile: OnChipTile = { buffer: dst.buffer, address: dst.address, rowStride };
    return { kind: 'load', unit: 'load', dst: tile, src, format, saturate: !options.flags.has('nosat'), transpose, span: statement.span, wait: options.wait, signal: options.signal };
  }

  private store(statement: InstructionStatement, options: ParsedOptions): Instruction | undefined {
    const dst = this.dramTile(statement.operands[0]);
    const src = this.onChipAddress(statement.operands[1]);
    if (!dst || !src) return undefined;
    const rowStride = options.ints.get('stride') ?? dst.cols;
    if (rowStride < dst.cols) return this.error(`stride ${rowStride} is smaller than the tile's ${dst.cols} columns, so rows would overlap`, this.optionSpan(options, 'stride'));
    this.checkOnChipRange(src.buffer, src.address, dst.rows, dst.cols, rowStride, statement.operands[1]);
    return { kind: 'store', unit: 'store', dst, src: { buffer: src.buffer, address: src.address, rowStride }, saturate: !options.flags.has('nosat'), span: statement.span, wait: options.wait, signal: options.signal };
  }

  private preload(statement: InstructionStatement, options: ParsedOptions): Instruction | undefined {
    const src = this.onChipAddress(statement.operands[0]);
    const k = options.ints.get('k');
    const n = options.ints.get('n');
    if (!src || k === undefined || n === undefined) return undefined;
    if (!this.checkArray(k, n, options)) return undefined;
    const rowStride = options.ints.get('stride') ?? n;
    if (rowStride < n) return this.error(`stride ${rowStride} is smaller than the tile's ${n} columns, so rows would overlap`, this.optionSpan(options, 'stride'));
    this.checkOnChipRange('scratchpad', src.address, k, n, rowStride, statement.operands[0]);
    this.flow.preload = { k, n, line: statement.span.line };
    this.flow.anyPreload = true;
    return { kind: 'preload', unit: 'compute', src: { buffer: 'scratchpad', address: src.address, rowStride }, k, n, span: statement.span, wait: options.wait, signal: options.signal };
  }

  private checkArray(k: number, n: number, options: ParsedOptions): boolean {
    let ok = true;
    if (k > this.target.arrayRows) {
      this.error(`k=${k} exceeds the ${this.target.arrayRows} rows of the systolic array`, this.optionSpan(options, 'k'), 'split the reduction into tiles and accumulate');
      ok = false;
    }
    if (n > this.target.arrayCols) {
      this.error(`n=${n} exceeds the ${this.target.arrayCols} columns of the systolic array`, this.optionSpan(options, 'n'), 'split the output columns into tiles');
      ok = false;
    }
    return ok;
  }

  private matmul(statement: InstructionStatement, options: ParsedOptions): Instruction | undefined {
    const dst = this.onChipAddress(statement.operands[0]);
    const src = this.onChipAddress(statement.operands[1]);
    const m = options.ints.get('m');
    const k = options.ints.get('k');
    const n = options.ints.get('n');
    if (!dst || !src || m === undefined || k === undefined || n === undefined) return undefined;
    if (!this.checkArray(k, n, options)) return undefined;

    // After either error the weights are unknown, so the next matmuls are not reported again.
    if (!this.flow.anyPreload) {
      this.error("'matmul' comes before any 'preload', so the array holds no weights", statement.span, 'load a k×n weight tile with preload sp[address] k=… n=… first');
      this.forgetWeights();
    } else if (this.flow.preload && (this.flow.preload.k !== k || this.flow.preload.n !== n)) {
      this.error(`'matmul' with k=${k} n=${n} does not match the ${this.flow.preload.k}×${this.flow.preload.n} weight tile preloaded on line ${this.flow.preload.line}`, statement.span);
      this.forgetWeights();
    }
    const srcStride = options.ints.get('stride') ?? k;
    if (srcStride < k) return this.error(`stride ${srcStride} is smaller than the tile's ${k} columns, so rows would overlap`, this.optionSpan(options, 'stride'));
    this.checkOnChipRange('scratchpad', src.address, m, k, srcStride, statement.operands[1]);
    this.checkOnChipRange('accumulator', dst.address, m, n, n, statement.operands[0]);
    if (this.target.matrixUnit !== undefined) this.checkMatrixUnit(this.target.matrixUnit, statement, options);
    return {
      kind: 'matmul',
      unit: 'compute',
      dst: { buffer: 'accumulator', address: dst.address, rowStride: n },
      src: { buffer: 'scratchpad', address: src.address, rowStride: srcStride },
      m,
      k,
      n,
      method: options.method ?? 'exact',
      inputFormat: options.formats.get('in') ?? 'fp32',
      accumulateFormat: options.accumulateFormat ?? 'fp32',
      accumulate: options.flags.has('accumulate'),
      span: statement.span,
      wait: options.wait,
      signal: options.signal,
    };
  }

  /** Reports each option of a matmul that the machine's matrix unit cannot run, at that option when it is written. */
  private checkMatrixUnit(unit: MatrixUnitLimits, statement: InstructionStatement, options: ParsedOptions): void {
    const problems = matrixUnitProblems(unit, options.method ?? 'exact', options.formats.get('in') ?? 'fp32', options.accumulateFormat ?? 'fp32', options.formats.has('in'), options.accumulateFormat !== undefined);
    for (const problem of problems) this.error(problem.message, this.optionSpan(options, problem.option) ?? statement.span, problem.hint);
  }

  private vectorMove(mnemonic: 'vload' | 'vstore', statement: InstructionStatement, options: ParsedOptions): Instruction | undefined {
    const memoryOperand = statement.operands[mnemonic === 'vload' ? 1 : 0];
    const register = this.vreg(statement.operands[mnemonic === 'vload' ? 0 : 1]);
    const memory = this.onChipAddress(memoryOperand);
    if (register === undefined || !memory) return undefined;
    if (this.flow.vectorLength !== undefined) this.checkOnChipRange(memory.buffer, memory.address, 1, this.flow.vectorLength, this.flow.vectorLength, memoryOperand);
    if (mnemonic === 'vload') return { kind: 'vload', unit: 'vector', dst: register, src: memory, span: statement.span, wait: options.wait, signal: options.signal };
    const format = options.formats.get('fmt') ?? 'fp32';
    if (memory.buffer === 'accumulator' && !(ACCUMULATE_FORMATS as readonly string[]).includes(format)) {
      return this.error(`the accumulator holds ${ACCUMULATE_FORMATS.join(', ')} elements; '${format}' cannot be stored into it`, this.optionSpan(options, 'fmt') ?? statement.span, `use ${ACCUMULATE_FORMATS.slice(0, -1).map((name) => `fmt=${name}`).join(', ')} or fmt=${ACCUMULATE_FORMATS[ACCUMULATE_FORMATS.length - 1]}`);
    }
    return { kind: 'vstore', unit: 'vector', dst: memory, src: register, format, saturate: !options.flags.has('nosat'), span: statement.span, wait: options.wait, signal: options.signal };
  }

  private vsetlen(statement: InstructionStatement, options: ParsedOptions): Instruction | undefined {
    const operand = statement.operands[0] as Extract<OperandAst, { kind: 'expr' }>;
    const length = this.runtimeInt(operand.expr, 'vector length', operand.pos);
    if (!length) return undefined;
    const range = bounds(length, this.intervalEnv());
    if (range && (range.low < 1 || range.high > this.target.vectorLength)) {
      return this.error(`vector length must be 1 to ${this.target.vectorLength}, got ${range.low === range.high ? range.low : `${range.low} to ${range.high}`}`, this.at(operand));
    }
    this.flow.vectorLength = range?.high;
    return { kind: 'vsetlen', unit: 'vector', length, span: statement.span, wait: options.wait, signal: options.signal };
  }

  private jump(mnemonic: 'jump' | 'beqz' | 'bnez', statement: InstructionStatement, block: Block, options: ParsedOptions): Instruction | undefined {
    this.hasJumps = true;
    this.firstJump ??= statement.span;
    const labelOperand = statement.operands[mnemonic === 'jump' ? 0 : 1];
    const label = (labelOperand as { expr: { name: string } }).expr.name;
    const target = block.labels.get(label);
    if (target === undefined) {
      if (this.brokenLineNames.has(label) || this.namesUnknown) return undefined;
      const suggestion = closestMatch(label, block.labels.keys());
      return this.error(`label '${label}' is not defined in this block`, this.at(labelOperand), suggestion ? `did you mean '${suggestion}'?` : 'jumps and branches may target only labels of the same loop body, or of the top level when outside loops');
    }
    if (mnemonic === 'jump') return { kind: 'jump', unit: 'control', label, target, span: statement.span, wait: options.wait, signal: options.signal };
    const value = this.runtimeInt((statement.operands[0] as { expr: ExprAst }).expr, 'branch value', statement.operands[0].pos);
    if (!value) return undefined;
    return { kind: 'branch', unit: 'control', condition: mnemonic === 'beqz' ? 'zero' : 'nonzero', value, label, target, span: statement.span, wait: options.wait, signal: options.signal };
  }

  // -------------------------------------------------------------------------------------------
  // Dependency tokens
  // -------------------------------------------------------------------------------------------

  private countTokens(unit: string, wait: readonly Queue[], signal: readonly Queue[], span: SourceSpan): void {
    if (wait.length === 0 && signal.length === 0) return;
    for (const queue of wait) {
      if (queue === unit) this.error(`an instruction of the ${unit} queue cannot exchange tokens with its own queue`, span);
    }
    for (const queue of signal) {
      if (queue === unit) this.error(`an instruction of the ${unit} queue cannot exchange tokens with its own queue`, span);
    }
    const times = this.multiplier ?? NaN;
    if (this.multiplier === undefined) this.firstUncountedTokens ??= this.runtimeCount;
    for (const from of wait) {
      if (from === unit) continue;
      const count = this.tokenCount(from, unit as Queue);
      count.waits += times;
      count.firstWait ??= span;
    }
    for (const to of signal) {
      if (to === unit) continue;
      const count = this.tokenCount(unit as Queue, to);
      count.signals += times;
      count.firstSignal ??= span;
    }
  }

  /** Returns the counter of tokens from queue `from` to queue `to`, creating it on first use. */
  private tokenCount(from: Queue, to: Queue): TokenCount {
    const slot = QUEUES.indexOf(from) * 4 + QUEUES.indexOf(to);
    let count = this.tokenTable[slot];
    if (!count) {
      count = { signals: 0, waits: 0 };
      this.tokenTable[slot] = count;
      this.tokens.set(`${from}->${to}`, count);
    }
    return count;
  }

  /**
   * Returns a note when the token balance was not checked, or not for every queue pair, because
   * the program jumps or a loop count is known only at run time. A failed instruction or a broken
   * line that leaves the tokens unknown gets no note, because its error explains the gap.
   */
  private tokenBalanceNotes(): Diagnostic[] {
    if (this.tokensUnknown || this.tokens.size === 0) return [];
    const runOnly = "so the tokens each queue sends and takes are counted only at run time, and 'lmulsim run' reports a deadlock if one occurs";
    if (this.hasJumps && this.firstJump !== undefined) {
      const message = `deadlock check skipped: the program jumps or branches (first on line ${this.firstJump.line}), ${runOnly}`;
      return [{ severity: 'note', message, span: this.firstJump }];
    }
    const pairs = [...this.tokens].filter(([, count]) => Number.isNaN(count.signals) || Number.isNaN(count.waits)).map(([pair]) => pair.replace('->', ' → '));
    if (pairs.length === 0 || this.firstUncountedTokens === undefined) return [];
    const message = `deadlock check skipped for the tokens ${pairs.join(', ')}: this loop count (line ${this.firstUncountedTokens.line}) is known only at run time, ${runOnly}`;
    return [{ severity: 'note', message, span: this.firstUncountedTokens }];
  }

  /**
   * Compares, per queue pair, how many tokens the whole run of `body` sends and takes. Skipped when
   * a loop count is known only at run time or the program jumps, because the totals are then unknown.
   */
  private checkTokenBalance(body: readonly Instruction[]): void {
    if (this.hasJumps || this.tokensUnknown) return;
    for (const [pair, count] of this.tokens) {
      if (Number.isNaN(count.signals) || Number.isNaN(count.waits)) continue;
      const [from, to] = pair.split('->') as [Queue, Queue];
      if (count.waits > count.signals) {
        const summary = `the ${to} queue waits for ${plural(count.waits, 'token')} from the ${from} queue, but only ${count.signals} ${count.signals === 1 ? 'is' : 'are'} signalled`;
        // The queue takes tokens in the order in which it runs its waits, so the wait that needs
        // token signals + 1 can never start, whatever the other queues do. Past 2^53 waits the
        // counts are inexact, and the error points at the first wait instead.
        const token = count.signals + 1;
        const blocked = count.signals > 0 && Number.isSafeInteger(count.waits) ? findWait(body, from, to, token) : undefined;
        const fixHint = `add signal=${to} to the ${from} instruction that produces the data, or remove an extra wait=${from}`;
        const firstWaitNote = blocked && count.firstWait && !sameStart(blocked.span, count.firstWait) ? `; the ${to} queue's waits start on line ${count.firstWait.line}` : '';
        if (blocked && blocked.iterations.length > 0) {
          this.error(
            `${summary}; in the iteration with ${iterationText(blocked.iterations)}, this wait needs token ${token}, which no signal matches, so the ${to} queue would deadlock here`,
            blocked.span,
            `${fixHint}${firstWaitNote}`,
          );
        } else if (blocked && count.firstWait && !sameStart(blocked.span, count.firstWait)) {
          this.error(`${summary}; this is the first wait that no signal matches, where the ${to} queue would deadlock`, blocked.span, `${fixHint}${firstWaitNote}`);
        } else {
          this.error(`${summary}; the ${to} queue would deadlock`, count.firstWait, `add signal=${to} to the ${from} instruction that produces the data`);
        }
      } else if (count.signals > count.waits && count.firstSignal) {
        this.warning(`the ${from} queue signals ${plural(count.signals, 'token')} to the ${to} queue, which waits for only ${count.waits}`, count.firstSignal, 'unused tokens stay queued until the program ends');
      }
    }
  }
}

/** Result of `checkForm` for an instruction; kept per shape while the loop scope stays the same. */
interface FormCheck {
  scopeId: number;
  mnemonic: string;
  readonly options: ParsedOptions;
  unit: string;
}

/** An instruction that passed every check, kept for lines with the same operands and options. */
interface CheckedInstruction {
  readonly operands: readonly OperandAst[];
  readonly options: readonly OptionAst[];
  readonly mnemonic: string;
  readonly scopeId: number;
  /** Vector length before the instruction, which the range checks of vload and vstore used. */
  readonly vectorLength: number | undefined;
  /** Vector length after the instruction, which a vsetlen sets. */
  readonly vectorLengthAfter: number | undefined;
  readonly instruction: Instruction;
}

/**
 * Returns a copy of `i` at `span`. Each kind is built with the fields in the order of the literal
 * that first created it, so that copies share its hidden class. Object spread measured several
 * times slower here. Jumps, branches and loops are never copied.
 */
function atSpan(i: Instruction, span: SourceSpan): Instruction {
  switch (i.kind) {
    case 'load':
      return { kind: 'load', unit: 'load', dst: i.dst, src: i.src, format: i.format, saturate: i.saturate, transpose: i.transpose, span, wait: i.wait, signal: i.signal };
    case 'store':
      return { kind: 'store', unit: 'store', dst: i.dst, src: i.src, saturate: i.saturate, span, wait: i.wait, signal: i.signal };
    case 'preload':
      return { kind: 'preload', unit: 'compute', src: i.src, k: i.k, n: i.n, span, wait: i.wait, signal: i.signal };
    case 'matmul':
      return {
        kind: 'matmul',
        unit: 'compute',
        dst: i.dst,
        src: i.src,
        m: i.m,
        k: i.k,
        n: i.n,
        method: i.method,
        inputFormat: i.inputFormat,
        accumulateFormat: i.accumulateFormat,
        accumulate: i.accumulate,
        span,
        wait: i.wait,
        signal: i.signal,
      };
    case 'vload':
      return { kind: 'vload', unit: 'vector', dst: i.dst, src: i.src, span, wait: i.wait, signal: i.signal };
    case 'vstore':
      return { kind: 'vstore', unit: 'vector', dst: i.dst, src: i.src, format: i.format, saturate: i.saturate, span, wait: i.wait, signal: i.signal };
    case 'vbinary':
      return { kind: 'vbinary', unit: 'vector', op: i.op, dst: i.dst, a: i.a, b: i.b, method: i.method, format: i.format, span, wait: i.wait, signal: i.signal };
    case 'vunary':
      return { kind: 'vunary', unit: 'vector', op: i.op, dst: i.dst, src: i.src, span, wait: i.wait, signal: i.signal };
    case 'vimm':
      return { kind: 'vimm', unit: 'vector', op: i.op, dst: i.dst, src: i.src, value: i.value, span, wait: i.wait, signal: i.signal };
    case 'vfill':
      return { kind: 'vfill', unit: 'vector', dst: i.dst, value: i.value, span, wait: i.wait, signal: i.signal };
    case 'vreduce':
      return { kind: 'vreduce', unit: 'vector', op: i.op, dst: i.dst, src: i.src, span, wait: i.wait, signal: i.signal };
    case 'vsetlen':
      return { kind: 'vsetlen', unit: 'vector', length: i.length, span, wait: i.wait, signal: i.signal };
    case 'set':
      return { kind: 'set', unit: 'control', reg: i.reg, value: i.value, span, wait: i.wait, signal: i.signal };
    case 'sync':
      return { kind: 'sync', unit: i.unit, span, wait: i.wait, signal: i.signal };
    case 'fence':
      return { kind: 'fence', unit: 'control', span, wait: i.wait, signal: i.signal };
    case 'barrier':
      return { kind: 'barrier', unit: 'control', span, wait: i.wait, signal: i.signal };
    case 'halt':
      return { kind: 'halt', unit: 'control', span, wait: i.wait, signal: i.signal };
    case 'jump':
    case 'branch':
    case 'loop':
      return { ...i, span };
  }
}

/**
 * Most entries of `Validator.checked`; beyond it, new lines are checked without being kept. Only
 * lines that share their lists can be reused, and the parser shares the lists of at most
 * MAX_LINE_TEMPLATES lines per file.
 */
const MAX_CHECKED_INSTRUCTIONS = MAX_LINE_TEMPLATES;

/** The options of one instruction, checked and grouped by kind. One instance is reused for every instruction. */
class ParsedOptions {
  readonly flags = new SmallMap<true>();
  readonly ints = new SmallMap<number>();
  readonly formats = new SmallMap<FormatName>();
  method: MultiplierMethod | undefined = undefined;
  accumulateFormat: AccumulateFormat | undefined = undefined;
  /** Fresh or shared frozen lists, never changed in place, because instructions keep them. */
  wait: readonly Queue[] = NO_QUEUES;
  signal: readonly Queue[] = NO_QUEUES;
  /** The option node of each key given, for diagnostics. */
  readonly nodes = new SmallMap<Positioned>();

  reset(): void {
    this.flags.clear();
    this.ints.clear();
    this.formats.clear();
    this.method = undefined;
    this.accumulateFormat = undefined;
    this.wait = NO_QUEUES;
    this.signal = NO_QUEUES;
    this.nodes.clear();
  }
}

/** Lists of one queue, shared by every instruction that waits for or signals only that queue. */
const SINGLE_QUEUE: Readonly<Record<Queue, readonly Queue[]>> = {
  load: Object.freeze(['load'] as Queue[]),
  compute: Object.freeze(['compute'] as Queue[]),
  vector: Object.freeze(['vector'] as Queue[]),
  store: Object.freeze(['store'] as Queue[]),
};

/** Appends `queue` to a token list without changing it. */
function withQueue(list: readonly Queue[], queue: Queue): readonly Queue[] {
  return list.length === 0 ? SINGLE_QUEUE[queue] : [...list, queue];
}

const TENSOR_MEANING: NameMeaning = { kind: 'tensor' };
const INVALID_MEANING: NameMeaning = { kind: 'invalid' };
const TOKEN_OPTIONS: readonly string[] = ['wait', 'signal'];
const INDEX_MEANINGS: readonly NameMeaning[] = Array.from({ length: 64 }, (_, depth) => ({ kind: 'index', depth }));

const NO_NAMES: readonly string[] = Object.freeze([]);
const NO_NAME_SET: ReadonlySet<string> = new Set();

/** Operation of each vector mnemonic that has one, from a constant table so that instructions share the strings. */
const VECTOR_OPS: Readonly<Record<string, VectorBinaryOp | VectorUnaryOp>> = {
  vadd: 'add',
  vsub: 'sub',
  vmul: 'mul',
  vmax: 'max',
  vmin: 'min',
  vmov: 'mov',
  vneg: 'neg',
  vexp: 'exp',
  vrecip: 'recip',
  vrsqrt: 'rsqrt',
};

/** Lower-case forms of names seen so far; most names repeat on every line, and a lookup is cheaper than `toLowerCase`. */
const lowerCaseNames = new Map<string, string>();

/** Returns `name.toLowerCase()`, cached for up to 4096 names. */
function lowerCase(name: string): string {
  let lower = lowerCaseNames.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowerCaseNames.size < MAX_SPELLINGS) lowerCaseNames.set(name, lower);
  }
  return lower;
}

/** Spellings seen so far mapped to the lower-case key of SIGNATURES, or null for no instruction. */
const mnemonicSpellings = new Map<string, string | null>();
const MAX_SPELLINGS = 4096;

/**
 * Returns the key of SIGNATURES for a mnemonic as written, or undefined. The key is the table's own
 * string, so the dispatch `switch` compares it by identity.
 */
function knownMnemonic(spelling: string): string | undefined {
  const cached = mnemonicSpellings.get(spelling);
  if (cached !== undefined) return cached ?? undefined;
  const lower = spelling.toLowerCase();
  // hasOwn, so that names such as `__proto__` or `constructor` are not found on Object.prototype.
  const key = Object.hasOwn(SIGNATURES, lower) ? (SIGNATURE_KEYS.find((candidate) => candidate === lower) ?? null) : null;
  if (mnemonicSpellings.size < MAX_SPELLINGS) mnemonicSpellings.set(spelling, key);
  return key ?? undefined;
}

const SIGNATURE_KEYS: readonly string[] = Object.keys(SIGNATURES);

/** Closest mnemonics of unknown spellings seen so far, or null for none; a program repeats its misspellings. */
const mnemonicSuggestions = new Map<string, string | null>();

/**
 * Returns the mnemonic to suggest for the unknown `spelling`: the counterpart of a mnemonic of
 * another instruction set, else the closest mnemonic if one is close. Cached for up to
 * MAX_SPELLINGS spellings.
 */
function suggestMnemonic(spelling: string): string | undefined {
  const cached = mnemonicSuggestions.get(spelling);
  if (cached !== undefined) return cached ?? undefined;
  const foreign = foreignMnemonic(spelling.toLowerCase());
  const suggestion = foreign ? foreign.mnemonic : closestMatch(spelling, MNEMONICS);
  if (mnemonicSuggestions.size < MAX_SPELLINGS) mnemonicSuggestions.set(spelling, suggestion ?? null);
  return suggestion;
}

/** Returns the hint for the unknown mnemonic `spelling`, given in lower case. */
function mnemonicHint(spelling: string): string {
  const suggestion = suggestMnemonic(spelling);
  const note = foreignMnemonic(spelling)?.note;
  if (suggestion === undefined) return note ?? 'docs/isa.md lists every instruction';
  return note === undefined ? `did you mean '${suggestion}'?` : `did you mean '${suggestion}'? (${note})`;
}

/** Flags that exclude each other. */
const EXCLUSIVE_FLAGS: readonly (readonly [string, string])[] = [
  ['sat', 'nosat'],
  ['accumulate', 'overwrite'],
];

/** Shared empty token list; most instructions exchange no tokens. */
const NO_QUEUES: readonly Queue[] = Object.freeze([]);

/** A map for a handful of entries, emptied and reused for each instruction; `size` bounds the live part of the arrays. */
class SmallMap<V> {
  private readonly keys: string[] = [];
  private readonly values: V[] = [];
  private size = 0;

  private indexOf(key: string): number {
    for (let i = 0; i < this.size; i++) if (this.keys[i] === key) return i;
    return -1;
  }

  get(key: string): V | undefined {
    const index = this.indexOf(key);
    return index >= 0 ? this.values[index] : undefined;
  }

  has(key: string): boolean {
    return this.indexOf(key) >= 0;
  }

  set(key: string, value: V): void {
    const index = this.indexOf(key);
    if (index >= 0) {
      this.values[index] = value;
      return;
    }
    this.keys[this.size] = key;
    this.values[this.size] = value;
    this.size++;
  }

  /** Empties the map; stale entries past `size` stay referenced until overwritten, which is harmless for option values. */
  clear(): void {
    this.size = 0;
  }
}

/** A wait for tokens, and the loop indices of the iteration in which it runs, outermost first. */
interface WaitPosition {
  readonly span: SourceSpan;
  readonly iterations: readonly { readonly variable: string; readonly index: number }[];
}

/**
 * Counts the tokens that queue `to` waits for from queue `from` in one run of `body`, multiplying
 * by the loop counts. Returns NaN when a loop count that matters is not a constant.
 */
function countWaits(body: readonly Instruction[], from: Queue, to: Queue): number {
  let total = 0;
  for (const instruction of body) {
    if (instruction.kind === 'loop') {
      const perIteration = countWaits(instruction.body, from, to);
      if (perIteration !== 0) total += instruction.count.op === 'const' ? instruction.count.value * perIteration : NaN;
    } else if (instruction.unit === to) {
      for (const queue of instruction.wait) if (queue === from) total++;
    }
  }
  return total;
}

/**
 * Finds the wait of queue `to` that takes token number `ordinal` (1-based) from queue `from`. A
 * queue runs its instructions in program order, so this walks `body` in that order, stepping over
 * whole loop iterations by count. Returns undefined when `body` has fewer waits or a loop count
 * that matters is not a constant. Costs one walk per level of loop nesting of the wait.
 */
function findWait(body: readonly Instruction[], from: Queue, to: Queue, ordinal: number, iterations: WaitPosition['iterations'] = []): WaitPosition | undefined {
  let remaining = ordinal;
  for (const instruction of body) {
    if (instruction.kind === 'loop') {
      const perIteration = countWaits(instruction.body, from, to);
      if (perIteration === 0) continue;
      if (instruction.count.op !== 'const' || Number.isNaN(perIteration)) return undefined;
      const total = instruction.count.value * perIteration;
      if (remaining > total) {
        remaining -= total;
        continue;
      }
      const index = Math.floor((remaining - 1) / perIteration);
      return findWait(instruction.body, from, to, remaining - index * perIteration, [...iterations, { variable: instruction.variable, index }]);
    }
    if (instruction.unit !== to) continue;
    for (const queue of instruction.wait) {
      if (queue !== from) continue;
      if (remaining === 1) return { span: instruction.span, iterations };
      remaining--;
    }
  }
  return undefined;
}

/** Describes loop indices as "i = 2", "i = 2 and j = 0", "i = 2, j = 0 and k = 5". */
function iterationText(iterations: WaitPosition['iterations']): string {
  const terms = iterations.map(({ variable, index }) => `${variable} = ${index}`);
  return terms.length === 1 ? terms[0] : `${terms.slice(0, -1).join(', ')} and ${terms[terms.length - 1]}`;
}

/** True when `expr` reads the builtin `core` or `ncores`. */
function readsBuiltin(expr: AddressExpr, builtin: 'core' | 'ncores'): boolean {
  switch (expr.op) {
    case 'core':
    case 'ncores':
      return expr.op === builtin;
    case 'neg':
      return readsBuiltin(expr.a, builtin);
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'mod':
      return readsBuiltin(expr.a, builtin) || readsBuiltin(expr.b, builtin);
    default:
      return false;
  }
}

function sameStart(a: SourceSpan, b: SourceSpan): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
