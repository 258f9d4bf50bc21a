/**
 * Timing of the data movements the executor schedules: DMA transfers between off-chip memory and an
 * SRAM buffer (sim/memory's models, cached per instruction), vector transfers and the vector unit's
 * pipeline. Shared off-chip bandwidth is arbitrated by `Channel`.
 */
import type { SramConfig, VectorOpTiming } from '../arch/types.js';
import { ceilCycles, dramTransferTiming, hostLinkTransferTiming, sramAccessTiming, type Block2d, type PacketLink, type StreamingMemory } from '../memory/index.js';

/**
 * One off-chip port shared by every core (DRAM, or one direction of the host link). Requests are
 * granted first come, first served in the order the executor processes them.
 *
 * NOTE: the executor processes instructions in dispatch order, not strictly in time order, so a
 * request may queue behind one that starts later in simulated time. Tokens bound how far decoupled
 * queues run ahead, which keeps the skew to a few tiles in the programs tested.
 */
export class Channel {
  /** Cycle at which the port finishes its last granted transfer (fractional). */
  freeAt = 0;

  constructor(
    readonly name: string,
    readonly kind: string,
    readonly bytesPerCycle: number,
  ) {}

  /** Reserves the port for `bytes` from `requestCycle` on and returns the grant cycle. */
  reserve(requestCycle: number, bytes: number): number {
    const grant = Math.max(requestCycle, this.freeAt);
    this.freeAt = grant + bytes / this.bytesPerCycle;
    return grant;
  }
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
export type OffChipSide = { readonly kind: 'memory'; readonly memory: StreamingMemory } | { readonly kind: 'host-link'; readonly link: PacketLink };

/** Most alignment cases one DMA instruction remembers; a program rarely has more than a few. */
const MAX_CACHED_ALIGNMENTS = 1024;

/**
 * DMA timing of one instruction with sim/memory's models: off-chip streaming (bursts or packets),
 * the DMA engine and the banked SRAM form a pipeline, so the slowest stage sets the pace after the
 * off-chip latency. Shapes are fixed per instruction and only the alignment of the two start
 * addresses changes the result, so results are cached by alignment.
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
    const offChipBlock = { ...this.offChipBlock, baseAddress: offChipByte };
    let offChipBytes: number;
    let streamCycles: number;
    let latencyCycles: number;
    if (this.offChip.kind === 'memory') {
      const timing = dramTransferTiming(this.offChip.memory, offChipBlock);
      offChipBytes = timing.transferredBytes;
      latencyCycles = timing.cycles === 0 ? 0 : this.offChip.memory.latencyCycles;
      streamCycles = timing.cycles - latencyCycles;
    } else {
      const timing = hostLinkTransferTiming(this.offChip.link, offChipBlock);
      offChipBytes = timing.linkBytes;
      latencyCycles = timing.cycles === 0 ? 0 : this.offChip.link.latencyCycles;
      streamCycles = timing.cycles - latencyCycles;
    }

    const payloadBytes = offChipBlock.rows * offChipBlock.cols * offChipBlock.elementBytes;
    const engineCycles = ceilCycles(payloadBytes / this.engineBytesPerCycle);
    const sram = sramAccessTiming(this.sram, { ...this.sramBlock, baseAddress: sramByte });
    const busyCycles = Math.max(1, streamCycles, engineCycles);
    return {
      offChipBytes,
      busyCycles,
      sramExtraCycles: Math.max(0, sram.cycles - busyCycles),
      bankConflictCycles: sram.conflictCycles,
      sramWordAccesses: sram.wordAccesses,
      latencyCycles,
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
