/**
 * Per-core state of a run: on-chip buffers, scalar and vector registers, the decoupled instruction
 * queues and the dependency-token channels between them.
 */
import type { EvalEnv, Queue } from '../../isa/ast.js';

/** Queue indices; the order is also the order of the per-core tracks in traces and counters. */
export const QUEUE_INDEX: Readonly<Record<Queue, number>> = { load: 0, compute: 1, vector: 2, store: 3 };
export const QUEUE_NAMES: readonly Queue[] = ['load', 'compute', 'vector', 'store'];
/** Unit names per core in track order: the four queues, then the control unit. */
export const UNIT_NAMES: readonly string[] = [...QUEUE_NAMES, 'control'];
export const CONTROL_UNIT = 4;

/** Numbers captured per queued instruction at dispatch: addresses, offsets and vector lengths. */
export const MAX_ARGS = 4;

/** Entries of a vector clock: one per queue of a core. */
export const CLOCK_WIDTH = 4;

/**
 * A FIFO of tokens from one queue to another: each token's completion cycle, and the vector clock
 * of its sender (CLOCK_WIDTH entries), which records the instructions that the token orders before its taker.
 */
export class TokenChannel {
  private times = new Float64Array(16);
  private clocks = new Float64Array(16 * CLOCK_WIDTH);
  private head = 0;
  private tail = 0;

  get size(): number {
    return this.tail - this.head;
  }

  /** Appends a token completed at `cycle`, with the sender's vector clock `clock[at, at + CLOCK_WIDTH)`. */
  push(cycle: number, clock: Float64Array, at: number): void {
    if (this.tail === this.times.length) {
      // Compact first; grow only when the channel is really full.
      const live = this.times.subarray(this.head, this.tail);
      const liveClocks = this.clocks.subarray(this.head * CLOCK_WIDTH, this.tail * CLOCK_WIDTH);
      const grow = live.length * 2 > this.times.length;
      const next = grow ? new Float64Array(this.times.length * 2) : this.times;
      const nextClocks = grow ? new Float64Array(this.clocks.length * 2) : this.clocks;
      next.set(live);
      nextClocks.set(liveClocks);
      this.times = next;
      this.clocks = nextClocks;
      this.tail -= this.head;
      this.head = 0;
    }
    for (let i = 0; i < CLOCK_WIDTH; i++) this.clocks[this.tail * CLOCK_WIDTH + i] = clock[at + i];
    this.times[this.tail++] = cycle;
  }

  /**
   * Removes the oldest token and returns its cycle; merges its sender's clock into
   * `clock[at, at + CLOCK_WIDTH)` by taking the larger entry. The caller checks `size` first.
   */
  pop(clock: Float64Array, at: number): number {
    const from = this.head * CLOCK_WIDTH;
    for (let i = 0; i < CLOCK_WIDTH; i++) if (this.clocks[from + i] > clock[at + i]) clock[at + i] = this.clocks[from + i];
    return this.times[this.head++];
  }
}

/**
 * One decoupled queue of a core: a ring of dispatched instructions that have not started, with the
 * numbers captured at dispatch, and the unit's timeline.
 */
export class QueueState<Op> {
  readonly ops: (Op | undefined)[];
  readonly args: Float64Array;
  readonly dispatchCycles: Float64Array;
  /** Start cycle of each of the last `depth` instructions, by slot: a slot is free again once its instruction started. */
  readonly startCycles: Float64Array;
  enqueued = 0;
  started = 0;
  /** Cycle at which the unit can start its next instruction. */
  freeAt = 0;
  /** Latest completion cycle of any instruction of this queue (results written, tokens sent). */
  lastCompletion = 0;

  constructor(readonly depth: number) {
    this.ops = new Array<Op | undefined>(depth).fill(undefined);
    this.args = new Float64Array(depth * MAX_ARGS);
    this.dispatchCycles = new Float64Array(depth);
    this.startCycles = new Float64Array(depth);
  }

  get pending(): number {
    return this.enqueued - this.started;
  }

  get full(): boolean {
    return this.enqueued - this.started >= this.depth;
  }

  /** Slot of the oldest pending instruction. */
  get headSlot(): number {
    return this.started % this.depth;
  }
}

/** A frame of the dispatcher's structured control flow: a block and the position in it. */
export interface Frame<Node> {
  nodes: readonly Node[];
  pc: number;
  /** Loop depth of the frame's loop, or -1 for the program body. */
  depth: number;
  count: number;
}

/** Dispatcher states of a core. */
export const CoreStatus = {
  Running: 0,
  /** A fence or barrier waits for this core's queues to drain. */
  Fencing: 1,
  /** Waiting for the other cores at a barrier. */
  AtBarrier: 2,
  /** Halted or at the end of the program; queues may still drain. */
  Halted: 3,
} as const;
export type CoreStatus = (typeof CoreStatus)[keyof typeof CoreStatus];

/** State of one core during a run. */
export class CoreState<Op, Node> {
  readonly regs: Float64Array;
  /** Loop indices by depth; Int32Array so that compiled expressions read small integers. */
  readonly indices: Int32Array;
  readonly env: EvalEnv;
  readonly queues: QueueState<Op>[];
  /** Token channels indexed `from * 4 + to`. */
  readonly tokens: TokenChannel[];
  /**
   * Vector clock of each queue, CLOCK_WIDTH entries from `queue * CLOCK_WIDTH`: entry r counts the
   * instructions of queue r that are ordered before the queue's latest instruction, by dependency
   * tokens, fences or queue order. The data-race check compares accesses by them.
   */
  readonly clocks = new Float64Array(4 * CLOCK_WIDTH);
  readonly frames: Frame<Node>[] = [];
  status: CoreStatus = CoreStatus.Running;
  /** Cycle at which the control unit dispatches its next instruction. */
  dispatchCycle = 0;
  dispatched = 0;
  /** Latest start cycle of any instruction of this core: how far it has got in simulated time. */
  clock = 0;
  /** Active vector lanes, as set by `vsetlen` in dispatch order. */
  vectorLength: number;
  /** Cycle at which each vector register's latest value is ready. */
  readonly vectorReady: Float64Array;
  /** Node that put the core into its current non-running status, for error messages. */
  waitingNode: Node | undefined;
  /** Cycle at which the core arrived at the barrier it waits at. */
  barrierArrival = 0;

  // Values; absent when numerics are off. Buffers grow on demand up to their capacity, so a run
  // allocates only the part of a large scratchpad that the program touches.
  scratchpad: Float64Array | undefined;
  accumulator: Float64Array | undefined;
  scratchpadCapacity = 0;
  accumulatorCapacity = 0;
  vectorRegisters: Float64Array | undefined;
  /** The preloaded weight tile, `weightRows × weightCols` row-major. */
  weights: Float64Array | undefined;
  weightRows = 0;
  weightCols = 0;

  constructor(
    readonly index: number,
    coreCount: number,
    scalarRegisters: number,
    loopDepth: number,
    queueDepth: number,
    vectorRegisterCount: number,
    vectorLength: number,
  ) {
    this.regs = new Float64Array(scalarRegisters);
    this.indices = new Int32Array(Math.max(1, loopDepth));
    this.env = { indices: this.indices, regs: this.regs, core: index, ncores: coreCount };
    this.queues = [0, 1, 2, 3].map(() => new QueueState<Op>(queueDepth));
    this.tokens = Array.from({ length: 16 }, () => new TokenChannel());
    this.vectorLength = vectorLength;
    this.vectorReady = new Float64Array(vectorRegisterCount);
  }

  /** Returns the scratchpad or accumulator values, grown to hold at least `endElement` elements. */
  onChip(scratchpad: boolean, endElement: number): Float64Array {
    const current = scratchpad ? this.scratchpad : this.accumulator;
    if (current && current.length >= endElement) return current;
    const capacity = scratchpad ? this.scratchpadCapacity : this.accumulatorCapacity;
    const length = Math.min(capacity, Math.max(endElement, 2 * (current?.length ?? 0), 4096));
    const grown = new Float64Array(length);
    if (current) grown.set(current);
    if (scratchpad) this.scratchpad = grown;
    else this.accumulator = grown;
    return grown;
  }

  /** True when every queue of this core is empty. */
  get drained(): boolean {
    for (const queue of this.queues) if (queue.pending > 0) return false;
    return true;
  }

  /** Latest completion over the queues: when a fence may pass. */
  get lastCompletion(): number {
    let latest = 0;
    for (const queue of this.queues) latest = Math.max(latest, queue.lastCompletion);
    return latest;
  }
}
