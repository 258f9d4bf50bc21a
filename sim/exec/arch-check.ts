/**
 * Static check of a validated program against a machine: what the validator's generic TargetLimits
 * cannot express. The matmul checks share their messages with the validator (isa/matrix-unit.ts),
 * which reports them itself when its target has the machine's matrix unit. This check reports, with
 * the instruction's location and what the machine supports:
 * - a `matmul` method whose datapath (exact or lmul) the matrix unit lacks;
 * - a `matmul` input format (`in=`, fp32 when absent) that the matrix unit does not list; the
 *   message states when the format is that default;
 * - a `matmul` accumulation format (`out=`) other than the machine's accumulator format, wider or
 *   narrower, because the matrix unit adds in that format only;
 * - a `load` or `vstore` whose bytes end past its buffer's capacity, for every value the loop
 *   indices and `core` can take (addresses that depend on scalar registers are checked at run time
 *   only);
 * - tensors that do not fit the machine's DRAM or host memory, or host tensors without a host link.
 * The executor stops at the first of these problems when a program skips this check.
 */
import { splitLines, type Diagnostic, type SourceSpan } from '../../common/diagnostic.js';
import { type Instruction, type LoadInstruction, type LoopInstruction, type MatmulInstruction, type ResolvedProgram, type VStoreInstruction } from '../../isa/ast.js';
import { matrixUnitProblems, type MatrixUnitLimits } from '../../isa/matrix-unit.js';
import { bounds, type Interval, type IntervalEnv } from '../../isa/resolve.js';
import type { ArchConfig } from '../arch/types.js';
import { parseFormat } from '../numerics/index.js';
import { matrixUnitOf } from './target.js';
import { elementBytes, tensorCapacityDiagnostics } from './tensors.js';

export interface MachineCheckOptions {
  /**
   * True when a run replaces every matmul's method (`run --method`, `compare --methods`). The
   * program's own methods are then not checked; the caller checks the replacements.
   */
  readonly methodsReplaced?: boolean;
  /**
   * Source texts by file name. With them, a mismatch in an option (`method=`, `in=`, `out=`) points
   * at that option rather than at the whole instruction.
   */
  readonly sources?: ReadonlyMap<string, string>;
}

/** Returns an error diagnostic for every mismatch between `program` and `arch`, in program order. */
export function checkProgramOnMachine(program: ResolvedProgram, arch: ArchConfig, options: MachineCheckOptions = {}): Diagnostic[] {
  const checker = new MachineChecker(arch, options);
  checker.block(program.body, arch.core.vectorRegisters.lengthElements);
  return [...tensorCapacityDiagnostics(program.tensors, arch), ...checker.diagnostics];
}

class MachineChecker {
  readonly diagnostics: Diagnostic[] = [];
  private readonly indices: (Interval | undefined)[] = [];
  private readonly env: IntervalEnv;
  private readonly matrixUnit: MatrixUnitLimits;

  constructor(
    private readonly arch: ArchConfig,
    private readonly options: MachineCheckOptions,
  ) {
    this.env = { indices: this.indices, cores: arch.coreCount };
    this.matrixUnit = matrixUnitOf(arch, options.methodsReplaced === true);
  }

  /**
   * Checks a block entered with vector length `entryLength` (undefined when unknown) and returns the
   * vector length after it. A block with jumps may run its instructions in any order, so every vector
   * access in it is checked with the largest length the block can set.
   */
  block(instructions: readonly Instruction[], entryLength: number | undefined): number | undefined {
    const jumps = instructions.some((instruction) => instruction.kind === 'jump' || instruction.kind === 'branch');
    let length = jumps ? maxLength(entryLength, largestVectorLength(instructions, this.env)) : entryLength;
    for (const instruction of instructions) {
      switch (instruction.kind) {
        case 'loop':
          length = this.loop(instruction, length);
          break;
        case 'vsetlen': {
          const range = bounds(instruction.length, this.env);
          const high = range ? range.high : undefined;
          length = jumps ? maxLength(length, high) : high;
          break;
        }
        case 'matmul':
          this.matmul(instruction);
          break;
        case 'load':
          this.load(instruction);
          break;
        case 'vstore':
          this.vstore(instruction, length);
          break;
        default:
          break;
      }
    }
    return length;
  }

  private loop(instruction: LoopInstruction, entryLength: number | undefined): number | undefined {
    const count = bounds(instruction.count, this.env);
    this.indices[instruction.depth] = count && count.high >= 1 ? { low: 0, high: count.high - 1 } : undefined;
    // A later iteration starts with the length the previous one left, so the body may start with any length it sets.
    const length = maxLength(entryLength, largestVectorLength(instruction.body, this.env));
    const after = this.block(instruction.body, length);
    this.indices[instruction.depth] = undefined;
    return maxLength(entryLength, after);
  }

  private matmul(instruction: MatmulInstruction): void {
    // When the source shows that the matmul has no in= or no out=, the message states that fp32 is its default.
    const sourceKnown = this.options.sources?.has(instruction.span.file) === true;
    const inputGiven = sourceKnown ? this.optionSpan(instruction.span, 'in') !== undefined : undefined;
    const outputGiven = sourceKnown ? this.optionSpan(instruction.span, 'out') !== undefined : undefined;
    for (const problem of matrixUnitProblems(this.matrixUnit, instruction.method, instruction.inputFormat, instruction.accumulateFormat, inputGiven, outputGiven)) {
      this.error(instruction, problem.message, problem.hint, problem.option);
    }
  }

  private load(instruction: LoadInstruction): void {
    const rows = instruction.transpose ? instruction.src.cols : instruction.src.rows;
    const cols = instruction.transpose ? instruction.src.rows : instruction.src.cols;
    this.writeBytes(instruction, instruction.format, rows, cols, instruction.dst.rowStride);
  }

  private vstore(instruction: VStoreInstruction, length: number | undefined): void {
    if (length !== undefined) this.writeBytes(instruction, instruction.format, 1, length, length);
  }

  /** Reports an on-chip write of `format` whose last byte can lie past its buffer's capacity. */
  private writeBytes(instruction: LoadInstruction | VStoreInstruction, format: string, rows: number, cols: number, rowStride: number): void {
    if (rows === 0 || cols === 0) return;
    const range = bounds(instruction.dst.address, this.env);
    if (!range) return;
    const buffer = instruction.dst.buffer;
    const bytes = elementBytes(parseFormat(format));
    const capacity = buffer === 'scratchpad' ? this.arch.core.scratchpad.capacityBytes : this.arch.core.accumulator.capacityBytes;
    const endByte = (range.high + (rows - 1) * rowStride + cols) * bytes;
    if (endByte <= capacity) return;
    const shape = rows === 1 ? `${cols} element${cols === 1 ? '' : 's'}` : `a ${rows}×${cols} tile`;
    const at = range.low === range.high ? `at element ${range.high}` : `at elements up to ${range.high}`;
    this.error(
      instruction,
      `${buffer} write out of range: ${shape} of ${format} ${at} ends at byte ${endByte - 1}, past the ${capacity}-byte ${buffer} of machine '${this.arch.name}'; ` +
        `the machine supports: bytes 0 to ${capacity - 1}`,
      `addresses count elements of the access's format, so element a of ${format} starts at byte a × ${bytes}`,
    );
  }

  /** Reports an error at `instruction`, or at its option `optionKey` when the source shows where that is. */
  private error(instruction: Instruction, message: string, hint?: string, optionKey?: string): void {
    const span = (optionKey !== undefined && this.optionSpan(instruction.span, optionKey)) || instruction.span;
    this.diagnostics.push(hint ? { severity: 'error', message, span, hint } : { severity: 'error', message, span });
  }

  /** Lines of each source, split once per file. */
  private readonly sourceLines = new Map<string, string[]>();

  /** Returns the span of `key=value` inside the instruction at `span`, or undefined when the source is unknown or the option is absent. */
  private optionSpan(span: SourceSpan, key: string): SourceSpan | undefined {
    const source = this.options.sources?.get(span.file);
    if (source === undefined) return undefined;
    let lines = this.sourceLines.get(span.file);
    if (lines === undefined) {
      lines = splitLines(source);
      this.sourceLines.set(span.file, lines);
    }
    const line = lines[span.line - 1];
    if (line === undefined) return undefined;
    const found = findOption(line, span.column - 1, (span.endColumn ?? span.column) - 1, key);
    if (found === undefined) return undefined;
    return { file: span.file, line: span.line, column: found.start + 1, endLine: span.line, endColumn: found.end + 1 };
  }
}

/**
 * Finds the option `key=value` in `text[from, to)`: `key` in any case, after a space or tab, then
 * `=` (spaces allowed around it), then the value up to the next space. Returns its offsets.
 */
function findOption(text: string, from: number, to: number, key: string): { start: number; end: number } | undefined {
  const lower = text.slice(from, to).toLowerCase();
  for (let at = lower.indexOf(key); at >= 0; at = lower.indexOf(key, at + 1)) {
    const before = lower.charCodeAt(at - 1);
    if (before !== 32 && before !== 9) continue;
    let i = at + key.length;
    while (lower.charCodeAt(i) === 32 || lower.charCodeAt(i) === 9) i++;
    if (lower.charCodeAt(i) !== 61) continue;
    i++;
    while (lower.charCodeAt(i) === 32 || lower.charCodeAt(i) === 9) i++;
    while (i < lower.length && lower.charCodeAt(i) !== 32 && lower.charCodeAt(i) !== 9) i++;
    return { start: from + at, end: from + i };
  }
  return undefined;
}

function maxLength(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  return Math.max(a, b);
}

/**
 * Returns the largest vector length that the `vsetlen` instructions of `instructions` and their
 * nested loops can set: 0 when there are none, undefined when one is unknown.
 */
function largestVectorLength(instructions: readonly Instruction[], env: IntervalEnv): number | undefined {
  let largest = 0;
  for (const instruction of instructions) {
    let high: number | undefined = 0;
    if (instruction.kind === 'vsetlen') high = bounds(instruction.length, env)?.high;
    else if (instruction.kind === 'loop') high = largestVectorLength(instruction.body, { indices: [], cores: env.cores });
    if (high === undefined) return undefined;
    largest = Math.max(largest, high);
  }
  return largest;
}
