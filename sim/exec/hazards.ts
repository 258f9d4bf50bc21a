/**
 * Detection of data races between queues. The executor computes values in the order it starts
 * instructions, which the hardware reproduces only when something orders every pair of conflicting
 * accesses. Two accesses conflict when they touch a common element of one buffer of one core, at
 * least one of them writes, and they come from different queues. A conflict is a hazard when
 * neither access is ordered before the other by dependency tokens, fences or queue order, whatever
 * the cycles at which they happened to run: on other timing they could run the other way round.
 * Each queue keeps a vector clock (see `CoreState.clocks`) that tokens and fences carry.
 * NOTE: a token carries its sender queue's whole clock, so it also orders the instructions before
 * the sender in that queue. A vector operation with a short latency can complete before a longer
 * one started before it, so this can hide a race on the vector unit.
 */
import type { Instruction } from '../../isa/ast.js';
import { CLOCK_WIDTH } from './machine.js';
import { locationOf } from './ops.js';

/** One on-chip access: a 2-D tile of `rows × cols` elements `rowStride` apart from `address`. */
export interface TileAccess {
  /** 0 for the scratchpad, 1 for the accumulator. */
  buffer: number;
  address: number;
  rows: number;
  cols: number;
  rowStride: number;
  write: boolean;
}

/** A detected hazard, described for a warning. */
export interface Hazard {
  readonly core: number;
  readonly message: string;
}

/** Accesses remembered per core and buffer; older ones are assumed ordered by the queues' progress. */
const HISTORY = 16;

interface Recorded {
  access: TileAccess;
  queue: number;
  start: number;
  /** Position in program order: the core's dispatch cycle of the instruction. */
  order: number;
  /** Vector clock of its queue when the access started. */
  clock: Float64Array;
  instruction: Instruction | undefined;
}

/** Keeps the recent accesses of every buffer and reports hazards, up to `maxReported` in detail. */
export class HazardTracker {
  count = 0;
  readonly reported: Hazard[] = [];
  private readonly history: Recorded[][];
  private readonly next: number[];
  /**
   * Per buffer and queue, the largest own clock entry of the queue's recorded accesses. An access
   * whose clock covers these for every other queue follows all of them, so it needs no comparison.
   */
  private readonly latestEpochs: Float64Array;

  constructor(
    coreCount: number,
    private readonly queueNames: readonly string[],
    private readonly maxReported = 10,
  ) {
    this.history = Array.from({ length: coreCount * 2 }, () =>
      Array.from({ length: HISTORY }, () => ({
        access: { buffer: 0, address: 0, rows: 0, cols: 0, rowStride: 0, write: false },
        queue: -1,
        start: 0,
        order: 0,
        clock: new Float64Array(CLOCK_WIDTH),
        instruction: undefined,
      })),
    );
    this.next = new Array<number>(coreCount * 2).fill(0);
    this.latestEpochs = new Float64Array(coreCount * 2 * CLOCK_WIDTH);
  }

  /**
   * Checks an access that starts at `start` against the history, then records it. `order` is its
   * instruction's position in program order, and `clock[at, at + CLOCK_WIDTH)` its queue's vector
   * clock, whose own entry already counts this instruction.
   */
  check(core: number, access: TileAccess, queue: number, start: number, instruction: Instruction, order: number, clock: Float64Array, at: number): void {
    const slot = core * 2 + access.buffer;
    const history = this.history[slot];
    const epochs = slot * CLOCK_WIDTH;
    let ordered = true;
    for (let r = 0; r < CLOCK_WIDTH; r++) {
      if (r !== queue && clock[at + r] < this.latestEpochs[epochs + r]) ordered = false;
    }
    if (!ordered) this.compare(core, access, queue, start, order, instruction, clock, at, history);
    if (clock[at + queue] > this.latestEpochs[epochs + queue]) this.latestEpochs[epochs + queue] = clock[at + queue];

    const entry = history[this.next[slot]];
    this.next[slot] = (this.next[slot] + 1) % HISTORY;
    const target = entry.access;
    target.buffer = access.buffer;
    target.address = access.address;
    target.rows = access.rows;
    target.cols = access.cols;
    target.rowStride = access.rowStride;
    target.write = access.write;
    entry.queue = queue;
    entry.start = start;
    entry.order = order;
    for (let r = 0; r < CLOCK_WIDTH; r++) entry.clock[r] = clock[at + r];
    entry.instruction = instruction;
  }

  private compare(core: number, access: TileAccess, queue: number, start: number, order: number, instruction: Instruction, clock: Float64Array, at: number, history: readonly Recorded[]): void {
    for (const recorded of history) {
      const other = recorded.queue;
      if (other < 0 || other === queue) continue;
      if (!access.write && !recorded.access.write) continue;
      // Ordered when one access's clock counts the other's instruction.
      if (clock[at + other] >= recorded.clock[other] || recorded.clock[queue] >= clock[at + queue]) continue;
      if (!tilesOverlap(access, recorded.access)) continue;
      this.count += 1;
      if (this.reported.length < this.maxReported) this.reported.push({ core, message: this.describe(core, access, queue, start, order, instruction, recorded) });
    }
  }

  /** Describes the unordered pair of this access and `recorded`, in the order they ran, with advice in program order. */
  private describe(core: number, access: TileAccess, queue: number, start: number, order: number, instruction: Instruction, recorded: Recorded): string {
    const buffer = access.buffer === 0 ? 'scratchpad' : 'accumulator';
    const self = { queue, start, order, instruction: instruction as Instruction | undefined, write: access.write };
    const them = { queue: recorded.queue, start: recorded.start, order: recorded.order, instruction: recorded.instruction, write: recorded.access.write };
    const [first, second] = them.start < self.start || (them.start === self.start && them.order < self.order) ? [them, self] : [self, them];
    const [earlier, later] = them.order < self.order ? [them, self] : [self, them];
    const at = (side: typeof self): string => (side.instruction ? `${side.instruction.kind} at ${locationOf(side.instruction)}` : 'an instruction');
    const verb = (side: typeof self): string => (side.write ? 'writes' : 'reads');
    const advice = later.instruction ? orderingAdvice(this.queueNames[later.queue], later.instruction, this.queueNames[earlier.queue], earlier.instruction) : 'order the two with wait= and signal=';
    return (
      `core ${core}: ${at(first)} ${verb(first)} ${buffer} elements from ${access.address} at cycle ${first.start}, and the ${at(second)} ` +
      `${verb(second)} them at cycle ${second.start}, with no dependency token or fence ordering the two; ${advice}`
    );
  }
}

/**
 * Advises how to order an access of queue `later` after one of queue `earlier` that comes before it
 * in the program,
 * naming only the token options the two instructions lack. When both are present, the token the
 * later instruction takes was sent by another instruction, because each channel is first in, first out.
 */
export function orderingAdvice(later: string, laterInstruction: Instruction, earlier: string, earlierInstruction: Instruction | undefined): string {
  const waits = laterInstruction.wait.some((queue) => queue === earlier);
  const signals = earlierInstruction !== undefined && earlierInstruction.signal.some((queue) => queue === later);
  const missing: string[] = [];
  if (!waits) missing.push(`wait=${earlier} to the ${later} instruction`);
  if (!signals) missing.push(`signal=${later} to the ${earlier} instruction`);
  if (missing.length > 0) return `add ${missing.join(' and ')}`;
  return (
    `the ${later} instruction already has wait=${earlier} and the ${earlier} instruction signal=${later}, but it takes the token of an earlier ${earlier} ` +
    `instruction, because tokens are taken in the order they were sent; pair each signal=${later} in the ${earlier} queue with one wait=${earlier} in the ${later} queue, in order`
  );
}

/** Returns whether two tiles share an element: exactly for equal row strides, by their spans otherwise. */
export function tilesOverlap(a: TileAccess, b: TileAccess): boolean {
  if (a.rows === 0 || a.cols === 0 || b.rows === 0 || b.cols === 0) return false;
  const aEnd = a.address + (a.rows - 1) * a.rowStride + a.cols;
  const bEnd = b.address + (b.rows - 1) * b.rowStride + b.cols;
  if (aEnd <= b.address || bEnd <= a.address) return false;
  if (a.rowStride !== b.rowStride || a.rowStride <= 0) return true;

  // With a common stride s, b's element (r, c) is a's element (r + dr, c + dc) for d = b − a = dr·s + dc;
  // a column offset dc also matches row shift dr + 1 with column offset dc − s.
  const s = a.rowStride;
  const d = b.address - a.address;
  const dr = Math.floor(d / s);
  const dc = d - dr * s;
  return shiftOverlaps(a, b, dr, dc) || shiftOverlaps(a, b, dr + 1, dc - s);
}

function shiftOverlaps(a: TileAccess, b: TileAccess, dr: number, dc: number): boolean {
  const rowsOverlap = dr < a.rows && dr + b.rows > 0;
  const colsOverlap = dc < a.cols && dc + b.cols > 0;
  return rowsOverlap && colsOverlap;
}
