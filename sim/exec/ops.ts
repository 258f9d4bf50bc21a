/**
 * Compiles the resolved program's instructions into executable nodes: control nodes the dispatcher
 * interprets, and queue operations with two closures each. `capture` runs at dispatch and evaluates
 * addresses into the queue's argument slots, checking them against the buffers. `execute` runs when
 * the queue starts the instruction and computes its timing and, when values are on, its results.
 */
import { UserError } from '../../common/errors.js';
import type { Diagnostic } from '../../common/diagnostic.js';
import type {
  AddressExpr,
  DramTile,
  Instruction,
  LoadInstruction,
  MatmulInstruction,
  OnChipTile,
  PreloadInstruction,
  StoreInstruction,
} from '../../isa/ast.js';
import { compileExpr, type CompiledExpr } from '../../isa/expr.js';
import type { MethodName } from '../numerics/index.js';
import type { RunContext } from './context.js';
import type { CoreState } from './machine.js';
import { QUEUE_INDEX } from './machine.js';
import { compileVectorOp } from './vector-ops.js';
import { compileLoad, compileStore } from './dma-ops.js';
import { compileMatmul, compilePreload } from './matrix-ops.js';

/** A queue instruction compiled for one run. */
export interface CompiledOp {
  readonly instruction: Instruction;
  readonly queue: number;
  /** Queues to take a token from before starting, and to send a token to on completion. */
  readonly waits: readonly number[];
  readonly signals: readonly number[];
  /** Trace event name and static arguments. */
  readonly name: string;
  readonly location: string;
  /** Evaluates the operands at dispatch into the argument slots from `base` on; throws UserError when out of range. */
  capture(core: Core, args: Float64Array, base: number): void;
  /** Earliest start cycle imposed by the operation's own operands (vector register results); 0 when none. */
  ready(core: Core, args: Float64Array, base: number): number;
  /** Runs the operation starting at `start`, filling `context.result`. */
  execute(core: Core, args: Float64Array, base: number, start: number): void;
}

export type Core = CoreState<CompiledOp, Node>;

/** Tags of dispatcher nodes. */
export const NodeTag = { Op: 0, Loop: 1, Set: 2, Jump: 3, Branch: 4, Fence: 5, Barrier: 6, Halt: 7 } as const;

/** A node of the compiled program tree. */
export type Node =
  | { readonly tag: 0; readonly instruction: Instruction; readonly op: CompiledOp }
  | { readonly tag: 1; readonly instruction: Instruction; readonly depth: number; readonly count: CompiledExpr; readonly body: readonly Node[] }
  | { readonly tag: 2; readonly instruction: Instruction; readonly reg: number; readonly value: CompiledExpr }
  | { readonly tag: 3; readonly instruction: Instruction; readonly target: number }
  | { readonly tag: 4; readonly instruction: Instruction; readonly whenZero: boolean; readonly value: CompiledExpr; readonly target: number }
  | { readonly tag: 5 | 6 | 7; readonly instruction: Instruction };

/**
 * Builds a UserError for a run-time failure of an instruction, with its source location. The
 * message gets the core and the loop indices in brackets, leaving out the core when the message
 * already starts with it.
 */
export function runtimeError(instruction: Instruction, core: Core, message: string): UserError {
  const indices = Array.from(core.indices.subarray(0, Math.max(0, core.frames.length - 1)), (value, depth) => `${depth}:${value}`);
  const parts: string[] = [];
  if (!message.startsWith(`core ${core.index} `)) parts.push(`core ${core.index}`);
  if (indices.length > 0) parts.push(`loop indices ${indices.join(' ')}`);
  const text = parts.length > 0 ? `${message} (${parts.join(', ')})` : message;
  const diagnostic: Diagnostic = { severity: 'error', message: text, span: instruction.span };
  return new UserError('', 2, [diagnostic]);
}

/** Formats an instruction's location as `file:line:column`. */
export function locationOf(instruction: Instruction): string {
  return `${instruction.span.file}:${instruction.span.line}:${instruction.span.column}`;
}

/** Compiles a block of instructions. */
export function compileBlock(instructions: readonly Instruction[], context: RunContext): Node[] {
  return instructions.map((instruction) => compileNode(instruction, context));
}

function compileNode(instruction: Instruction, context: RunContext): Node {
  switch (instruction.kind) {
    case 'loop':
      return { tag: NodeTag.Loop, instruction, depth: instruction.depth, count: compileExpr(instruction.count), body: compileBlock(instruction.body, context) };
    case 'set':
      return { tag: NodeTag.Set, instruction, reg: instruction.reg, value: compileExpr(instruction.value) };
    case 'jump':
      return { tag: NodeTag.Jump, instruction, target: instruction.target };
    case 'branch':
      return { tag: NodeTag.Branch, instruction, whenZero: instruction.condition === 'zero', value: compileExpr(instruction.value), target: instruction.target };
    case 'fence':
      return { tag: NodeTag.Fence, instruction };
    case 'barrier':
      return { tag: NodeTag.Barrier, instruction };
    case 'halt':
      return { tag: NodeTag.Halt, instruction };
    default:
      return { tag: NodeTag.Op, instruction, op: compileOp(instruction, context) };
  }
}

/** The parts every queue operation shares. */
export interface OpBase {
  readonly instruction: Instruction;
  readonly queue: number;
  readonly waits: readonly number[];
  readonly signals: readonly number[];
  readonly name: string;
  readonly location: string;
}

function compileOp(instruction: Instruction, context: RunContext): CompiledOp {
  if (instruction.unit === 'control') throw new Error(`control instruction ${instruction.kind} compiled as a queue operation`);
  const base: OpBase = {
    instruction,
    queue: QUEUE_INDEX[instruction.unit],
    waits: instruction.wait.map((queue) => QUEUE_INDEX[queue]),
    signals: instruction.signal.map((queue) => QUEUE_INDEX[queue]),
    name: instruction.kind,
    location: locationOf(instruction),
  };
  switch (instruction.kind) {
    case 'load':
      return compileLoad(base, instruction as LoadInstruction, context);
    case 'store':
      return compileStore(base, instruction as StoreInstruction, context);
    case 'preload':
      return compilePreload(base, instruction as PreloadInstruction, context);
    case 'matmul':
      return compileMatmul(base, instruction as MatmulInstruction, context);
    case 'sync':
      return compileSync(base, context);
    default:
      return compileVectorOp(base, instruction, context);
  }
}

/**
 * `sync`: takes and sends tokens in its queue and does nothing else. It occupies its unit for zero
 * cycles, and completes, sending its tokens, once every earlier instruction of its queue has
 * completed: a load's data has landed, a store's has been written.
 */
function compileSync(base: OpBase, context: RunContext): CompiledOp {
  const result = context.result;
  return {
    ...base,
    capture: () => undefined,
    ready: () => 0,
    execute(core, _args, _at, start) {
      result.grantCycle = start;
      result.busyCycles = 0;
      result.conflictCycles = 0;
      result.latencyCycles = Math.max(0, core.queues[base.queue].lastCompletion - start);
    },
  };
}

/** Appends an on-chip tile access to the operation's result, for the hazard checks. */
export function noteAccess(context: RunContext, scratchpad: boolean, address: number, rows: number, cols: number, rowStride: number, write: boolean): void {
  const result = context.result;
  const access = result.accesses[result.accessCount];
  result.accessCount += 1;
  access.buffer = scratchpad ? 0 : 1;
  access.address = address;
  access.rows = rows;
  access.cols = cols;
  access.rowStride = rowStride;
  access.write = write;
}

/** Compiled address of an on-chip tile with its buffer's capacity. */
export interface TileAddress {
  readonly address: CompiledExpr;
  readonly rowStride: number;
  readonly capacity: number;
  readonly bufferName: string;
}

export function compileTileAddress(tile: OnChipTile, context: RunContext): TileAddress {
  const scratchpad = tile.buffer === 'scratchpad';
  return {
    address: compileExpr(tile.address),
    rowStride: tile.rowStride,
    capacity: scratchpad ? context.scratchpadElements : context.accumulatorElements,
    bufferName: tile.buffer,
  };
}

/** Evaluates a tile's start address and checks that `rows × cols` elements fit the buffer. */
export function captureTile(tile: TileAddress, rows: number, cols: number, core: Core, instruction: Instruction): number {
  const address = tile.address(core.env);
  const last = rows === 0 || cols === 0 ? address : address + (rows - 1) * tile.rowStride + cols;
  if (!Number.isSafeInteger(address) || address < 0 || last > tile.capacity) {
    throw runtimeError(
      instruction,
      core,
      `${tile.bufferName} address out of range at run time: a ${rows}×${cols} tile at element ${address} with row stride ${tile.rowStride} ends at element ${last}, but the ${tile.bufferName} has room for ${tile.capacity} elements`,
    );
  }
  return address;
}

/** Compiled start of a DRAM tile: a linear element offset into its tensor. */
export interface DramAddress {
  readonly starts: readonly CompiledExpr[];
  readonly tensor: number;
  readonly rows: number;
  readonly cols: number;
  /** Elements between tile rows in the tensor. */
  readonly pitch: number;
}

export function compileDramAddress(tile: DramTile, context: RunContext): DramAddress {
  const layout = context.tensors[tile.tensor];
  const rank = layout.tensor.shape.length;
  const pitch = rank >= 2 ? layout.strides[rank - 2] : layout.tensor.shape[0];
  return { starts: tile.start.map((expr: AddressExpr) => compileExpr(expr)), tensor: tile.tensor, rows: tile.rows, cols: tile.cols, pitch };
}

/** Evaluates a DRAM tile's start indices, checks them against the tensor's shape and returns the linear offset. */
export function captureDram(dram: DramAddress, context: RunContext, core: Core, instruction: Instruction): number {
  const layout = context.tensors[dram.tensor];
  const shape = layout.tensor.shape;
  const rank = shape.length;
  let offset = 0;
  for (let d = 0; d < rank; d++) {
    const index = dram.starts[d](core.env);
    let extent = 1;
    if (d === rank - 1) extent = dram.cols;
    else if (d === rank - 2) extent = dram.rows;
    if (!Number.isSafeInteger(index) || index < 0 || index + extent > shape[d]) {
      throw runtimeError(
        instruction,
        core,
        `tensor '${layout.tensor.name}' index out of range at run time: dimension ${d} starts at ${index} and spans ${extent}, but its size is ${shape[d]}`,
      );
    }
    offset += index * layout.strides[d];
  }
  return offset;
}

/** Resolves the method an instruction multiplies with, after a command-line override. */
export function effectiveMethod(method: MethodName, context: RunContext): MethodName {
  return context.methodOverride ?? method;
}

