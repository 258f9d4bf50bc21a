/**
 * Detection of data races between queues. The executor computes values in the order it starts
 * instructions, which matches the program's meaning only when dependency tokens order every pair of
 * conflicting accesses as the program does. Two accesses conflict when they touch a common element
 * of one buffer of one core, at least one of them writes, and they come from different queues. A
 * conflict is a hazard when the later-started access begins before the earlier one has completed,
 * because the hardware would then read or overwrite data that the simulated values assume is already
 * there. It is also a hazard when the access that comes later in the program starts first, because
 * the values then follow an order the program does not state.
 */
import type { Instruction } from '../../isa/ast.js';
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
  completion: number;
  /** Position in program order: the core's dispatch cycle of the instruction. */
  order: number;
  instruction: Instruction | undefined;
}

/** Keeps the recent accesses of every buffer and reports hazards, up to `maxReported` in detail. */
export class HazardTracker {
  count = 0;
  readonly reported: Hazard[] = [];
  private readonly history: Recorded[][];
  private readonly next: number[];
  /** Latest completion among each buffer's remembered accesses: an access starting later overlaps none. */
  private readonly latestCompletion: Float64Array;
  /** Latest program order among each buffer's recorded accesses: an access later in the program follows all of them. */
  private readonly latestOrder: Float64Array;

  constructor(
    coreCount: number,
    private readonly queueNames: readonly string[],
    private readonly maxReported = 10,
  ) {
    this.history = Array.from({ length: coreCount * 2 }, () =>
      Array.from({ length: HISTORY }, () => ({ access: { buffer: 0, address: 0, rows: 0, cols: 0, rowStride: 0, write: false }, queue: -1, start: 0, completion: 0, order: 0, instruction: undefined })),
    );
    this.next = new Array<number>(coreCount * 2).fill(0);
    this.latestCompletion = new Float64Array(coreCount * 2);
    this.latestOrder = new Float64Array(coreCount * 2).fill(-1);
  }

  /**
   * Checks an access that starts at `start` and completes at `completion` against the history, then
   * records it. `order` is its instruction's position in program order.
   */
  check(core: number, access: TileAccess, queue: number, start: number, completion: number, instruction: Instruction, order: number): void {
    const slot = core * 2 + access.buffer;
    const history = this.history[slot];
    if (start < this.latestCompletion[slot] || order < this.latestOrder[slot]) this.compare(core, access, queue, start, order, instruction, history);
    if (completion > this.latestCompletion[slot]) this.latestCompletion[slot] = completion;
    if (order > this.latestOrder[slot]) this.latestOrder[slot] = order;

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
    entry.completion = completion;
    entry.order = order;
    entry.instruction = instruction;
  }

  private compare(core: number, access: TileAccess, queue: number, start: number, order: number, instruction: Instruction, history: readonly Recorded[]): void {
    for (const recorded of history) {
      if (recorded.queue < 0 || recorded.queue === queue) continue;
      if (!access.write && !recorded.access.write) continue;
      const inverted = recorded.order > order;
      if (!inverted && start >= recorded.completion) continue;
      if (!tilesOverlap(access, recorded.access)) continue;
      this.count += 1;
      if (this.reported.length < this.maxReported) {
        const message = inverted ? this.describeInversion(core, access, queue, start, instruction, recorded) : this.describeOverlap(core, access, queue, start, instruction, recorded);
        this.reported.push({ core, message });
      }
    }
  }

  /** Describes an access that starts before `earlier`, a conflicting access earlier in the program, has completed. */
  private describeOverlap(core: number, access: TileAccess, queue: number, start: number, instruction: Instruction, earlier: Recorded): string {
    const buffer = access.buffer === 0 ? 'scratchpad' : 'accumulator';
    const verb = access.write ? 'writes' : 'reads';
    const earlierVerb = earlier.access.write ? 'writes' : 'reads';
    const earlierAt = earlier.instruction ? `${earlier.instruction.kind} at ${locationOf(earlier.instruction)}` : 'an earlier instruction';
    return (
      `core ${core}: ${instruction.kind} at ${locationOf(instruction)} ${verb} ${buffer} elements from ${access.address} at cycle ${start}, ` +
      `before the ${earlierAt} that ${earlierVerb} them completes at cycle ${earlier.completion}; ` +
      orderingAdvice(this.queueNames[queue], instruction, this.queueNames[earlier.queue], earlier.instruction)
    );
  }

  /** Describes an access that starts after `later`, a conflicting access later in the program, has already started. */
  private describeInversion(core: number, access: TileAccess, queue: number, start: number, instruction: Instruction, later: Recorded): string {
    const buffer = access.buffer === 0 ? 'scratchpad' : 'accumulator';
    const verb = access.write ? 'writes' : 'reads';
    const laterVerb = later.access.write ? 'wrote' : 'read';
    const laterAt = later.instruction ? `${later.instruction.kind} at ${locationOf(later.instruction)}` : 'a later instruction';
    const advice = later.instruction
      ? orderingAdvice(this.queueNames[later.queue], later.instruction, this.queueNames[queue], instruction)
      : `order the two with wait= and signal= in program order`;
    return (
      `core ${core}: ${instruction.kind} at ${locationOf(instruction)} ${verb} ${buffer} elements from ${access.address} at cycle ${start}, ` +
      `but the ${laterAt}, which comes after it in the program, already ${laterVerb} them at cycle ${later.start}; ` +
      advice
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
