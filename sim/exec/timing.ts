/**
 * Timing of the data movements the executor schedules: DMA transfers between off-chip memory and an
 * SRAM buffer (sim/memory's models, cached per instruction), vector transfers and the vector unit's
 * pipeline. Shared off-chip bandwidth is arbitrated by `Channel`.
 */
import type { SramConfig, VectorOpTiming } from '../arch/types.js';
import { dmaTransferTiming, type Block2d, type OffChipEndpoint } from '../memory/index.js';

/**
 * One off-chip port shared by every core (DRAM, or one direction of the host link). The port serves
 * transfers first come, first served by request cycle, ties by core index and then program order.
 *
 * A `load` or `store` calls `reserve` while it runs. That only notes the request and returns the
 * grant the port would give it now. The scheduler commits requests in arbitration order with
 * `commit`, which returns the final grant, once no earlier request can still arrive.
 *
 * NOTE: the instruction's per-window byte counts use the grant `reserve` returned, which is earlier
 * than the final grant when a request with an earlier cycle is committed in between.
 */
export class Channel {
  /** Cycle at which the port finishes its last committed transfer (fractional). */
  freeAt = 0;

  constructor(
    readonly name: string,
    readonly kind: string,
    readonly bytesPerCycle: number,
  ) {}

  /** Notes a request for `bytes` from `requestCycle` on and returns the grant cycle it would get now. */
  reserve(requestCycle: number, bytes: number): number {
    lastReservation = { channel: this, bytes };
    return Math.max(requestCycle, this.freeAt);
  }

  /** Occupies the port for `bytes` from `requestCycle` on, after the transfers committed before; returns the grant cycle. */
  commit(requestCycle: number, bytes: number): number {
    const grant = Math.max(requestCycle, this.freeAt);
    this.freeAt = grant + bytes / this.bytesPerCycle;
    return grant;
  }
}

let lastReservation: { readonly channel: Channel; readonly bytes: number } | undefined;

/** Returns and clears the request noted by the last `reserve` call, if any. */
export function takeReservation(): { readonly channel: Channel; readonly bytes: number } | undefined {
  const reservation = lastReservation;
  lastReservation = undefined;
  return reservation;
}

/** Timing of one DMA transfer, split the way the scheduler charges it. */
export interface DmaCost {
  /** Bytes that cross the off-chip port: whole bursts, or payload plus packet overhead. */
  readonly offChipBytes: number;
  /** Cycles the queue is busy: max(off-chip streaming, DMA engine) cycles. */
  readonly busyCycles: number;
  /** Further cycles the SRAM side needs beyond the busy cycles. */
  readonly sramExtraCycles: number;
  /** Extra SRAM cycles caused by bank conflicts alone (sim/memory's conflictCycles). */
  readonly bankConflictCycles: number;
  readonly sramWordAccesses: number;
  readonly latencyCycles: number;
}

/** The off-chip side of a DMA: a burst memory or a packet link (sim/memory's models). */
export type OffChipSide = OffChipEndpoint;

/** Most alignment cases one DMA instruction remembers; a program rarely has more than a few. */
const MAX_CACHED_ALIGNMENTS = 1024;

/**
 * DMA timing of one instruction from sim/memory's `dmaTransferTiming`: off-chip streaming (bursts
 * or packets), the DMA engine and the banked SRAM form a pipeline, so the slowest stage sets the
 * pace after the off-chip latency. Shapes are fixed per instruction and only the alignment of the
 * two start addresses changes the result, so results are cached by alignment.
 */
export class DmaCostModel {
  private readonly cache = new Map<number, DmaCost>();
  private readonly offChipAlignment: number;
  private readonly sramAlignment: number;

  constructor(
    private readonly offChip: OffChipSide,
    private readonly engineBytesPerCycle: number,
    private readonly sram: SramConfig,
    /** Off-chip block without its base address. */
    private readonly offChipBlock: Omit<Block2d, 'baseAddress'>,
    /** SRAM block without its base address. */
    private readonly sramBlock: Omit<Block2d, 'baseAddress'>,
  ) {
    this.offChipAlignment = offChip.kind === 'memory' ? offChip.memory.burstBytes : 1;
    this.sramAlignment = (sram.wordBits / 8) * sram.banks;
  }

  /** Returns the cost of a transfer whose blocks start at the given byte addresses. */
  cost(offChipByte: number, sramByte: number): DmaCost {
    const offChipKey = offChipByte % this.offChipAlignment;
    const sramKey = sramByte % this.sramAlignment;
    const key = offChipKey * this.sramAlignment + sramKey;
    let cost = this.cache.get(key);
    if (cost) return cost;

    cost = this.compute(offChipKey, sramKey);
    if (this.cache.size >= MAX_CACHED_ALIGNMENTS) this.cache.clear();
    this.cache.set(key, cost);
    return cost;
  }

  private compute(offChipByte: number, sramByte: number): DmaCost {
    const timing = dmaTransferTiming({
      offChip: this.offChip,
      offChipBlock: { ...this.offChipBlock, baseAddress: offChipByte },
      sram: this.sram,
      sramBlock: { ...this.sramBlock, baseAddress: sramByte },
      engineBytesPerCycle: this.engineBytesPerCycle,
    });
    // The port and the engine hold the queue; the SRAM's surplus over them is a bank-conflict stall.
    const busyCycles = Math.max(1, timing.offChipStreamCycles, timing.engineCycles);
    return {
      offChipBytes: timing.offChipBytes,
      busyCycles,
      sramExtraCycles: Math.max(0, timing.sramCycles - busyCycles),
      bankConflictCycles: timing.sramConflictCycles,
      sramWordAccesses: timing.sramWordAccesses,
      latencyCycles: timing.latencyCycles,
    };
  }
}

/** Cycles a contiguous vector transfer of `bytes` occupies an SRAM buffer. */
export function sramVectorCycles(sram: SramConfig, bytes: number): number {
  const perCycleBytes = (sram.wordBits / 8) * sram.banks * sram.portsPerBank;
  return Math.max(1, Math.ceil(bytes / perCycleBytes));
}

/** Word accesses to move `rows` runs of `runBytes` each (every run starts a new word). */
export function sramAccesses(sram: SramConfig, rows: number, runBytes: number): number {
  return rows * Math.ceil(runBytes / (sram.wordBits / 8));
}

/**
 * Occupancy of the vector unit for one operation on `elements` lanes: groups of `lanes` elements enter
 * every initiation interval. The result is ready `latencyCycles` after the last group enters.
 */
export function vectorBusyCycles(timing: VectorOpTiming, lanes: number, elements: number): number {
  return Math.max(1, Math.ceil(elements / lanes)) * timing.initiationIntervalCycles;
}
