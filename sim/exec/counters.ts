/**
 * Activity counters of a run: per unit busy and stall cycles, MACs, vector operations, SRAM and
 * off-chip traffic, optionally per window of cycles. Counter slots are allocated when the program is
 * compiled, so the hot path only adds numbers into typed arrays.
 */
import type { MacActivity, MemoryActivity, RunActivity, SramActivity, VectorActivity } from '../../costmodels/activity.js';
import { UserError } from '../../common/errors.js';
import { VECTOR_OPS } from '../arch/types.js';
import { STALL_CAUSES, type StallCause } from '../trace/types.js';

/** Index of each stall cause in the per-unit stall arrays. */
export const STALL_INDEX: Readonly<Record<StallCause, number>> = Object.fromEntries(STALL_CAUSES.map((cause, i) => [cause, i])) as Record<StallCause, number>;

/** Busy and stall cycles and instruction count of one unit of one core. */
export interface UnitCounters {
  readonly core: number;
  readonly unit: string;
  busyCycles: number;
  instructions: number;
  /** Stall cycles per cause, indexed by STALL_INDEX. */
  readonly stallCycles: Float64Array;
}

/** A MAC counter slot: one (method, format, accumulator) combination. */
export interface MacSlot {
  readonly method: string;
  readonly format: string;
  readonly accumulator: string;
  count: number;
  operandToggleBits: number;
}

/** A vector-operation counter slot: one (operation, format, method) combination. */
export interface VectorSlot {
  readonly op: string;
  readonly format: string;
  readonly method?: string;
  elementOps: number;
}

/** Traffic of one SRAM buffer of one core. */
export interface SramSlot {
  readonly buffer: string;
  readonly capacityBytes: number;
  readonly wordBits: number;
  readBytes: number;
  writeBytes: number;
  readAccesses: number;
  writeAccesses: number;
  /** Extra cycles lost to bank conflicts on this buffer. */
  conflictCycles: number;
}

/** Traffic of one off-chip memory or link. */
export interface MemorySlot {
  readonly name: string;
  readonly kind: string;
  /** Bytes that crossed the port: whole bursts, or payload plus packet overhead. */
  readBytes: number;
  writeBytes: number;
  /** Data bytes of the same transfers, without burst rounding or packet overhead. */
  payloadReadBytes: number;
  payloadWriteBytes: number;
}

/** Number of fixed columns in a window row before the per-unit columns. */
const WINDOW_FIXED = 3;

/**
 * Counters split into windows of `windowCycles`. Each row has the MACs, DRAM bytes and host-link
 * bytes of the instructions that started in the window, then busy cycles and stall cycles of every
 * unit. Busy and stall intervals are split exactly at window boundaries.
 */
export class WindowCounters {
  readonly rows: Float64Array[] = [];

  constructor(
    readonly windowCycles: number,
    readonly unitCount: number,
    /** Largest number of windows kept; the executor rejects runs that would need more. */
    readonly maxWindows: number,
  ) {}

  get columns(): number {
    return WINDOW_FIXED + 2 * this.unitCount;
  }

  /** Returns the row for the window containing `cycle`, creating windows up to it. */
  row(cycle: number): Float64Array {
    const index = Math.floor(cycle / this.windowCycles);
    if (index >= this.maxWindows) {
      throw new UserError(`the run needs more than ${this.maxWindows} windows of ${this.windowCycles} cycles; give a larger --window`);
    }
    while (this.rows.length <= index) this.rows.push(new Float64Array(this.columns));
    return this.rows[index];
  }

  addMacs(cycle: number, macs: number): void {
    this.row(cycle)[0] += macs;
  }

  addDramBytes(cycle: number, bytes: number): void {
    this.row(cycle)[1] += bytes;
  }

  addHostBytes(cycle: number, bytes: number): void {
    this.row(cycle)[2] += bytes;
  }

  /** Adds the interval [start, end) to column `unit` (busy) or `unitCount + unit` (stall), split across windows. */
  addInterval(unit: number, stall: boolean, start: number, end: number): void {
    const column = WINDOW_FIXED + (stall ? this.unitCount : 0) + unit;
    let cursor = start;
    while (cursor < end) {
      const windowEnd = (Math.floor(cursor / this.windowCycles) + 1) * this.windowCycles;
      const stop = Math.min(end, windowEnd);
      this.row(cursor)[column] += stop - cursor;
      cursor = stop;
    }
  }
}

/** All counters of one run. */
export class Counters {
  readonly units: UnitCounters[] = [];
  readonly macs: MacSlot[] = [];
  readonly vectorOps: VectorSlot[] = [];
  readonly sram: SramSlot[] = [];
  readonly memories: MemorySlot[] = [];
  windows: WindowCounters | undefined;

  addUnit(core: number, unit: string): number {
    this.units.push({ core, unit, busyCycles: 0, instructions: 0, stallCycles: new Float64Array(STALL_CAUSES.length) });
    return this.units.length - 1;
  }

  /** Returns the slot index for a MAC kind, creating it on first use. */
  macSlot(method: string, format: string, accumulator: string): number {
    const found = this.macs.findIndex((slot) => slot.method === method && slot.format === format && slot.accumulator === accumulator);
    if (found >= 0) return found;
    this.macs.push({ method, format, accumulator, count: 0, operandToggleBits: 0 });
    return this.macs.length - 1;
  }

  /** Returns the slot index for a vector operation kind, creating it on first use. */
  vectorSlot(op: string, format: string, method?: string): number {
    const found = this.vectorOps.findIndex((slot) => slot.op === op && slot.format === format && slot.method === method);
    if (found >= 0) return found;
    this.vectorOps.push(method === undefined ? { op, format, elementOps: 0 } : { op, format, method, elementOps: 0 });
    return this.vectorOps.length - 1;
  }

  /** Returns the slot index for an SRAM buffer, creating it on first use. */
  sramSlot(buffer: string, capacityBytes: number, wordBits: number): number {
    const found = this.sram.findIndex((slot) => slot.buffer === buffer);
    if (found >= 0) return found;
    this.sram.push({ buffer, capacityBytes, wordBits, readBytes: 0, writeBytes: 0, readAccesses: 0, writeAccesses: 0, conflictCycles: 0 });
    return this.sram.length - 1;
  }

  /** Returns the slot index for an off-chip memory or link, creating it on first use. */
  memorySlot(name: string, kind: string): number {
    const found = this.memories.findIndex((slot) => slot.name === name);
    if (found >= 0) return found;
    this.memories.push({ name, kind, readBytes: 0, writeBytes: 0, payloadReadBytes: 0, payloadWriteBytes: 0 });
    return this.memories.length - 1;
  }

  totalMacs(): number {
    return this.macs.reduce((sum, slot) => sum + slot.count, 0);
  }

  /** Sums the stall cycles of every unit by cause. */
  stallsByCause(): Record<StallCause, number> {
    const totals = Object.fromEntries(STALL_CAUSES.map((cause) => [cause, 0])) as Record<StallCause, number>;
    for (const unit of this.units) {
      STALL_CAUSES.forEach((cause, i) => {
        totals[cause] += unit.stallCycles[i];
      });
    }
    return totals;
  }
}

/**
 * Converts the counters of a finished run into the record the energy model prices. Slots with no
 * activity are left out; operand toggle counts appear only when they were measured. Vector moves,
 * negations and fills are left out too: they are register transfers and sign flips, not the
 * arithmetic operation kinds (VECTOR_OPS) that the energy model prices.
 */
export function toRunActivity(counters: Counters, cycles: number, clockMhz: number, togglesMeasured: boolean): RunActivity {
  const macs: MacActivity[] = counters.macs
    .filter((slot) => slot.count > 0)
    .map((slot) => ({
      method: slot.method,
      format: slot.format,
      accumulator: slot.accumulator,
      count: slot.count,
      ...(togglesMeasured ? { operandToggleBits: slot.operandToggleBits } : {}),
    }));
  const vectorOps: VectorActivity[] = counters.vectorOps
    .filter((slot) => slot.elementOps > 0 && (VECTOR_OPS as readonly string[]).includes(slot.op))
    .map((slot) => ({ op: slot.op, format: slot.format, ...(slot.method ? { method: slot.method } : {}), elementOps: slot.elementOps }));
  const sram: SramActivity[] = counters.sram.map((slot) => ({
    buffer: slot.buffer,
    capacityBytes: slot.capacityBytes,
    wordBits: slot.wordBits,
    readBytes: slot.readBytes,
    writeBytes: slot.writeBytes,
    readAccesses: slot.readAccesses,
    writeAccesses: slot.writeAccesses,
  }));
  const memories: MemoryActivity[] = counters.memories.map((slot) => ({
    name: slot.name,
    kind: slot.kind,
    readBytes: slot.readBytes,
    writeBytes: slot.writeBytes,
    payloadReadBytes: slot.payloadReadBytes,
    payloadWriteBytes: slot.payloadWriteBytes,
  }));
  return { cycles, clockMhz, macs, vectorOps, sram, memories };
}
