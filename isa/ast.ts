/**
 * Types of the `.lasm` accelerator assembly language: the syntax tree that the parser builds
 * (`ProgramAst`) and the resolved program that the validator hands to the simulator
 * (`ResolvedProgram`). docs/isa.md defines the semantics of every instruction.
 */
import type { SourceSpan } from '../common/diagnostic.js';
import type { MatrixUnitLimits } from './matrix-unit.js';

export type { SourceSpan };

// ---------------------------------------------------------------------------------------------
// Syntax tree: the source as written, names unresolved, constants unfolded.
// ---------------------------------------------------------------------------------------------

/**
 * Position of a node inside the line of its statement: `pos` and `end` are 0-based UTF-16 offsets
 * from the start of that line, `end` exclusive. The file and line come from the enclosing
 * statement's `span` (the header line for a loop), and `spanAt` turns a position into a
 * `SourceSpan`. Two small integers instead of a span object per node keep the tree small.
 */
export interface Positioned {
  readonly pos: number;
  readonly end: number;
}

/**
 * Position of a shared leaf. Some names and numbers are shared: one node serves every line that
 * spells the leaf the same way, which saves one object per leaf. They are the operands of
 * operators, and the names or numbers that fill an operand, an index start or width, or an option
 * value on their own. Because parentheses leave no node, a shared leaf's position follows from its
 * parent. It starts at the `pos` of a binary node (left operand), an operand or an index (start).
 * It ends at the `end` of a binary or unary node (right operand), an index (width) or an option
 * (value). `leafLength` gives its length. The other leaves (the whole value of a `.const`, a shape
 * dimension, a loop count, a call argument) keep their own position.
 */
export const SHARED_POSITION = -1;

/** Returns the length in the source of a name or number node, and 0 for other nodes. */
export function leafLength(node: { readonly kind: string; readonly name?: string; readonly text?: string }): number {
  if (node.kind === 'name') return node.name!.length;
  if (node.kind === 'number') return node.text!.length;
  return 0;
}

/** Converts the position of a node on the line of `line` (a statement's span) into a `SourceSpan`. */
export function spanAt(line: SourceSpan, node: Positioned): SourceSpan {
  return { file: line.file, line: line.line, column: node.pos + 1, endLine: line.line, endColumn: node.end + 1 };
}

/** An arithmetic expression as written. Parentheses leave no node; the inner expression's position excludes them. */
export type ExprAst =
  | { readonly kind: 'number'; readonly value: number; /** Source spelling, kept so `fmt` prints hex as hex. */ readonly text: string; readonly pos: number; readonly end: number }
  | { readonly kind: 'name'; readonly name: string; readonly pos: number; readonly end: number }
  | { readonly kind: 'unary'; readonly op: '-' | '+'; readonly operand: ExprAst; readonly pos: number; readonly end: number }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: ExprAst; readonly right: ExprAst; readonly pos: number; readonly end: number };

export type BinaryOperator = '+' | '-' | '*' | '/' | '%';

/** One index of a memory reference: `start` alone, or the part-select `start +: width`. */
export interface IndexAst extends Positioned {
  readonly start: ExprAst;
  readonly width?: ExprAst;
}

/** An instruction operand. */
export type OperandAst =
  | { readonly kind: 'expr'; readonly expr: ExprAst; readonly pos: number; readonly end: number }
  /** `sp[addr]`, `acc[addr]` or a tensor region such as `A[i*16 +: 16, k*16 +: 16]`; the base name starts at `pos`. */
  | { readonly kind: 'ref'; readonly base: string; readonly indices: readonly IndexAst[]; readonly pos: number; readonly end: number }
  | { readonly kind: 'string'; readonly value: string; readonly pos: number; readonly end: number };

/** An argument of a call-style option value such as `uniform(-1, 1, seed=7)`; a named argument's key starts at `pos`. */
export type CallArgumentAst =
  | { readonly kind: 'positional'; readonly value: ExprAst | StringAst; readonly pos: number; readonly end: number }
  | { readonly kind: 'named'; readonly key: string; readonly value: ExprAst | StringAst; readonly pos: number; readonly end: number };

export interface StringAst extends Positioned {
  readonly kind: 'string';
  readonly value: string;
}

/** The value after `key=` in an option. A call's name starts at `pos`. */
export type OptionValueAst =
  | ExprAst
  | StringAst
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly CallArgumentAst[]; readonly pos: number; readonly end: number };

/** `key=value` or a bare flag such as `sat`, `accumulate`, `output`; the key starts at `pos`. */
export interface OptionAst extends Positioned {
  readonly key: string;
  readonly value?: OptionValueAst;
}

interface StatementBase {
  /** The whole statement; for a loop, from `loop` to the end of its `endloop` line. */
  readonly span: SourceSpan;
  /** True when at least one blank line precedes the statement; `fmt` keeps one. */
  readonly blankLineBefore: boolean;
  /** Text of a comment on the same line after the statement, without its `;` or `//`. */
  readonly trailingComment?: string;
}

export type StatementAst =
  | (StatementBase & {
      readonly kind: 'instruction';
      /** As written, starting at `span.column`; mnemonics are case-insensitive, the validator compares them in lower case. */
      readonly mnemonic: string;
      readonly operands: readonly OperandAst[];
      readonly options: readonly OptionAst[];
    })
  | (StatementBase & {
      readonly kind: 'loop';
      readonly variable: string;
      /** Offset of `variable` in the `loop` line, 0-based. */
      readonly variablePos: number;
      readonly count: ExprAst;
      readonly body: readonly StatementAst[];
      /** Trailing comment on the `endloop` line. */
      readonly endComment?: string;
    })
  | (StatementBase & { readonly kind: 'label'; readonly name: string })
  | (StatementBase & { readonly kind: 'const'; readonly name: string; /** Offset of `name` in the line, 0-based. */ readonly namePos: number; readonly value: ExprAst })
  | (StatementBase & {
      readonly kind: 'tensor';
      readonly name: string;
      /** Offset of `name` in the line, 0-based. */
      readonly namePos: number;
      readonly format: string;
      /** Offset of `format` in the line, 0-based. */
      readonly formatPos: number;
      readonly shape: readonly ExprAst[];
      readonly options: readonly OptionAst[];
    })
  | (StatementBase & { readonly kind: 'include'; readonly path: string })
  /** A comment on a line of its own; `text` excludes the `;` or `//`. */
  | (StatementBase & { readonly kind: 'comment'; readonly text: string })
  | InvalidStatement;

/**
 * A line with a syntax error, kept in place so that the validator can find where it was and what
 * it might have done. Only `parseSource` with `keepBrokenLines` and `loadProgram` produce it; the
 * validator checks the lines around it and never returns a program that contains one.
 */
export interface InvalidStatement extends StatementBase {
  readonly kind: 'invalid';
  /** The line as written, without leading and trailing blanks. */
  readonly text: string;
  /**
   * First word of the line after any label, in lower case: a mnemonic, a directive such as
   * `.tensor`, or `loop`. Empty when the line starts with none of these, or has an unexpected
   * character, which may have split or hidden any word.
   */
  readonly keyword: string;
  /**
   * The names written on the line. Undefined when they are unknown: for an `.include` that failed,
   * and for a line with an unexpected character, an unterminated string or a `//` comment.
   */
  readonly names: readonly string[] | undefined;
  /** For a `loop` header with a syntax error: the name after `loop`, when one follows it. */
  readonly variable?: string;
  /** For a `loop` header with a syntax error: the body up to its `endloop`. */
  readonly body?: readonly StatementAst[];
}

/** Names and loop structure that the invalid statements of a program (see `InvalidStatement`) might have changed. */
export interface BrokenLines {
  /** Every name written on a line with a syntax error. */
  readonly names: ReadonlySet<string>;
  /**
   * True when the names of some line are unknown: a line too long to read, an `.include` that
   * failed, a broken declaration, or a line that an unexpected character, an unterminated string
   * or a `//` comment may have cut short.
   */
  readonly anyName: boolean;
  /** True when a `loop` has no `endloop` or an `endloop` no `loop`, so the extent of loop bodies is unknown. */
  readonly loopsUnmatched: boolean;
}

/** A parsed `.lasm` file. `.include` statements are not expanded here (see `checkFiles`). */
export interface ProgramAst {
  readonly file: string;
  readonly statements: readonly StatementAst[];
  /** Present when the statements include invalid ones or the loops are unmatched. */
  readonly brokenLines?: BrokenLines;
}

// ---------------------------------------------------------------------------------------------
// Resolved program: what the simulator executes.
// ---------------------------------------------------------------------------------------------

/** Element format name accepted by the numerics core: fp32, fp16, bf16, e4m3, e5m2, e4m3fnuz, e5m2fnuz or eXmY. */
export type FormatName = string;

/** Multiplier of the matrix unit and of `vmul`. */
export type MultiplierMethod = 'exact' | 'lmul' | 'lmul-formula' | 'mitchell';
export const MULTIPLIER_METHODS: readonly MultiplierMethod[] = ['exact', 'lmul', 'lmul-formula', 'mitchell'];

/** Accumulation formats of the matrix unit. */
export type AccumulateFormat = 'fp32' | 'fp16' | 'bf16';
export const ACCUMULATE_FORMATS: readonly AccumulateFormat[] = ['fp32', 'fp16', 'bf16'];

/** The decoupled instruction queues of one core; dependency tokens travel between them. */
export type Queue = 'load' | 'compute' | 'vector' | 'store';
export const QUEUES: readonly Queue[] = ['load', 'compute', 'vector', 'store'];

/** Unit that runs an instruction: one of the queues, or the scalar control unit (in order, never queued). */
export type Unit = Queue | 'control';

/**
 * An integer expression evaluated at run time: addresses, tensor indices, loop counts and scalar
 * register values. Loop indices are addressed by nesting depth (0 = outermost loop).
 * Division truncates toward zero and `%` takes the sign of the dividend, as in C.
 */
export type AddressExpr =
  | { readonly op: 'const'; readonly value: number }
  | { readonly op: 'index'; readonly depth: number }
  | { readonly op: 'reg'; readonly reg: number }
  | { readonly op: 'core' }
  | { readonly op: 'ncores' }
  | { readonly op: 'neg'; readonly a: AddressExpr }
  | { readonly op: 'add' | 'sub' | 'mul' | 'div' | 'mod'; readonly a: AddressExpr; readonly b: AddressExpr };

/** Values that an `AddressExpr` reads. */
export interface EvalEnv {
  /** Current loop indices by nesting depth. */
  readonly indices: ArrayLike<number>;
  /** Scalar registers r0..r(n-1). */
  readonly regs: ArrayLike<number>;
  /** Index of the executing core, 0-based. */
  readonly core: number;
  /** Number of cores running the program. */
  readonly ncores: number;
}

/** Initial contents of a DRAM tensor, set before the program starts. */
export type TensorInit =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number; readonly seed: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly std: number; readonly seed: number }
  /** `.npy` files carry their own dtype and shape; `raw` is little-endian elements of the tensor's format, row-major. */
  | { readonly kind: 'file'; readonly path: string; readonly fileFormat: 'npy' | 'raw' };

/** Memory that holds a tensor: device DRAM, or host memory reached over the host link. */
export type Placement = 'dram' | 'host';

export interface ResolvedTensor {
  readonly name: string;
  /** Position in `ResolvedProgram.tensors`; instructions refer to tensors by this index. */
  readonly index: number;
  /** Dimensions in elements, outermost first; row-major layout. */
  readonly shape: readonly number[];
  readonly format: FormatName;
  readonly init: TensorInit;
  readonly output: boolean;
  readonly placement: Placement;
  readonly span: SourceSpan;
}

/** On-chip buffers addressed in elements. */
export type Buffer = 'scratchpad' | 'accumulator';

/** A 2-D tile in an on-chip buffer: element (r, c) is at `address + r * rowStride + c`. */
export interface OnChipTile {
  readonly buffer: Buffer;
  readonly address: AddressExpr;
  /** Elements between the starts of consecutive rows; defaults to the tile's column count. */
  readonly rowStride: number;
}

/** A 2-D tile of a DRAM tensor. Its rows run along the second-to-last dimension, its columns along the last. */
export interface DramTile {
  readonly tensor: number;
  /** Start index per dimension of the tensor, outermost first. */
  readonly start: readonly AddressExpr[];
  readonly rows: number;
  readonly cols: number;
}

interface InstructionBase {
  readonly span: SourceSpan;
  /** Queues from which this instruction takes one dependency token each before it starts. */
  readonly wait: readonly Queue[];
  /** Queues to which this instruction sends one dependency token each when it completes. */
  readonly signal: readonly Queue[];
}

/** DMA from DRAM into the scratchpad or accumulator, converting to `format`. */
export interface LoadInstruction extends InstructionBase {
  readonly kind: 'load';
  readonly unit: 'load';
  readonly dst: OnChipTile;
  readonly src: DramTile;
  /** Format of the elements written on chip. */
  readonly format: FormatName;
  readonly saturate: boolean;
  /** When true, DRAM element (r, c) lands at on-chip (c, r); the on-chip tile is cols × rows. */
  readonly transpose: boolean;
}

/** DMA from the scratchpad or accumulator to DRAM, converting to the tensor's format. */
export interface StoreInstruction extends InstructionBase {
  readonly kind: 'store';
  readonly unit: 'store';
  readonly dst: DramTile;
  readonly src: OnChipTile;
  readonly saturate: boolean;
}

/** Loads a k × n weight tile from the scratchpad into the systolic array. */
export interface PreloadInstruction extends InstructionBase {
  readonly kind: 'preload';
  readonly unit: 'compute';
  readonly src: OnChipTile;
  readonly k: number;
  readonly n: number;
}

/** acc[m×n] (+)= sp[m×k] · preloaded weights[k×n]. */
export interface MatmulInstruction extends InstructionBase {
  readonly kind: 'matmul';
  readonly unit: 'compute';
  readonly dst: OnChipTile;
  readonly src: OnChipTile;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly method: MultiplierMethod;
  /** Format to which both operands are rounded before multiplication. */
  readonly inputFormat: FormatName;
  readonly accumulateFormat: AccumulateFormat;
  /** True: add to the accumulator's contents. False: overwrite them. */
  readonly accumulate: boolean;
}

/** An on-chip location read or written by the vector unit: `length` consecutive elements from `address`. */
export interface OnChipVector {
  readonly buffer: Buffer;
  readonly address: AddressExpr;
}

export interface VLoadInstruction extends InstructionBase {
  readonly kind: 'vload';
  readonly unit: 'vector';
  readonly dst: number;
  readonly src: OnChipVector;
}

export interface VStoreInstruction extends InstructionBase {
  readonly kind: 'vstore';
  readonly unit: 'vector';
  readonly dst: OnChipVector;
  readonly src: number;
  readonly format: FormatName;
  readonly saturate: boolean;
}

export type VectorBinaryOp = 'add' | 'sub' | 'mul' | 'max' | 'min';

export interface VBinaryInstruction extends InstructionBase {
  readonly kind: 'vbinary';
  readonly unit: 'vector';
  readonly op: VectorBinaryOp;
  readonly dst: number;
  readonly a: number;
  readonly b: number;
  /** Multiplier for `mul`; 'exact' for the other operations. */
  readonly method: MultiplierMethod;
  /** Format in which `mul` multiplies (operands rounded to it, product rounded to fp32); fp32 otherwise. */
  readonly format: FormatName;
}

export type VectorUnaryOp = 'mov' | 'neg' | 'exp' | 'recip' | 'rsqrt';

export interface VUnaryInstruction extends InstructionBase {
  readonly kind: 'vunary';
  readonly unit: 'vector';
  readonly op: VectorUnaryOp;
  readonly dst: number;
  readonly src: number;
}

/** dst = src * factor (`vscale`) or src + addend (`vaddi`), factor rounded to fp32. */
export interface VImmediateInstruction extends InstructionBase {
  readonly kind: 'vimm';
  readonly unit: 'vector';
  readonly op: 'scale' | 'add';
  readonly dst: number;
  readonly src: number;
  readonly value: number;
}

/** Sets every active lane of `dst` to `value`. */
export interface VFillInstruction extends InstructionBase {
  readonly kind: 'vfill';
  readonly unit: 'vector';
  readonly dst: number;
  readonly value: number;
}

/** Reduces the active lanes of `src` and writes the result to every active lane of `dst`. */
export interface VReduceInstruction extends InstructionBase {
  readonly kind: 'vreduce';
  readonly unit: 'vector';
  readonly op: 'sum' | 'max';
  readonly dst: number;
  readonly src: number;
}

/** Sets the number of active lanes for the following vector instructions. */
export interface VSetLenInstruction extends InstructionBase {
  readonly kind: 'vsetlen';
  readonly unit: 'vector';
  readonly length: AddressExpr;
}

/** rN = value. */
export interface SetInstruction extends InstructionBase {
  readonly kind: 'set';
  readonly unit: 'control';
  readonly reg: number;
  readonly value: AddressExpr;
}

/** Runs `body` `count` times with the index at `depth` going 0, 1, …, count-1. */
export interface LoopInstruction extends InstructionBase {
  readonly kind: 'loop';
  readonly unit: 'control';
  readonly variable: string;
  readonly depth: number;
  /** Evaluated once on entry; a value below 1 at run time is an error. */
  readonly count: AddressExpr;
  readonly body: readonly Instruction[];
}

/** Continues at `target`, an index into the same block (equal to its length for the block's end). */
export interface JumpInstruction extends InstructionBase {
  readonly kind: 'jump';
  readonly unit: 'control';
  readonly label: string;
  readonly target: number;
}

/** `beqz` (condition 'zero') or `bnez` ('nonzero'): jumps to `target` in the same block when the test holds. */
export interface BranchInstruction extends InstructionBase {
  readonly kind: 'branch';
  readonly unit: 'control';
  readonly condition: 'zero' | 'nonzero';
  readonly value: AddressExpr;
  readonly label: string;
  readonly target: number;
}

/**
 * Does nothing in queue `unit` except take and send dependency tokens, like VTA's standalone
 * dependency push and pop: primes a queue with a token before a loop, or drains one after it.
 */
export interface SyncInstruction extends InstructionBase {
  readonly kind: 'sync';
  readonly unit: Queue;
}

/** Waits until every queue of this core is empty and idle. */
export interface FenceInstruction extends InstructionBase {
  readonly kind: 'fence';
  readonly unit: 'control';
}

/** Waits, after an implicit fence, until every core has reached a barrier. */
export interface BarrierInstruction extends InstructionBase {
  readonly kind: 'barrier';
  readonly unit: 'control';
}

/** Stops this core once its queues drain. */
export interface HaltInstruction extends InstructionBase {
  readonly kind: 'halt';
  readonly unit: 'control';
}

export type Instruction =
  | LoadInstruction
  | StoreInstruction
  | PreloadInstruction
  | MatmulInstruction
  | VLoadInstruction
  | VStoreInstruction
  | VBinaryInstruction
  | VUnaryInstruction
  | VImmediateInstruction
  | VFillInstruction
  | VReduceInstruction
  | VSetLenInstruction
  | SetInstruction
  | LoopInstruction
  | JumpInstruction
  | BranchInstruction
  | SyncInstruction
  | FenceInstruction
  | BarrierInstruction
  | HaltInstruction;

export type InstructionKind = Instruction['kind'];

/** A validated program, ready to run on every core (SPMD). */
export interface ResolvedProgram {
  readonly tensors: readonly ResolvedTensor[];
  readonly body: readonly Instruction[];
  /** Deepest loop nesting; `EvalEnv.indices` needs this many entries. */
  readonly loopDepth: number;
  /** Values of the `.const` names, for reports. */
  readonly constants: ReadonlyMap<string, number>;
  /** Number of instructions in the program text (loops not unrolled). */
  readonly instructionCount: number;
}

/** Limits of the target machine; every field is optional and has the default in `DEFAULT_TARGET`. */
export interface TargetLimits {
  /** Systolic array rows: the largest k of a weight tile. */
  readonly arrayRows?: number;
  /** Systolic array columns: the largest n of a weight tile. */
  readonly arrayCols?: number;
  readonly scratchpadElements?: number;
  readonly accumulatorElements?: number;
  readonly vectorRegisters?: number;
  /** Lanes per vector register. */
  readonly vectorLength?: number;
  readonly scalarRegisters?: number;
  readonly cores?: number;
  /** Formats the DMA and matrix unit accept; all valid format names when absent. */
  readonly formats?: readonly FormatName[];
  readonly methods?: readonly MultiplierMethod[];
  /**
   * A machine's matrix unit: every matmul's method, in= and out= are checked against it. Absent by
   * default, because the generic limits accept every method and format.
   */
  readonly matrixUnit?: MatrixUnitLimits;
}

/** Defaults used for any field a target leaves out. */
export const DEFAULT_TARGET: Required<Omit<TargetLimits, 'formats' | 'matrixUnit'>> & Pick<TargetLimits, 'formats' | 'matrixUnit'> = {
  arrayRows: 16,
  arrayCols: 16,
  scratchpadElements: 262_144,
  accumulatorElements: 65_536,
  vectorRegisters: 32,
  vectorLength: 256,
  scalarRegisters: 16,
  cores: 1,
  methods: MULTIPLIER_METHODS,
};
