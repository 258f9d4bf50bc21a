/**
 * DMA transfer between off-chip memory (or host memory over the host link) and an on-chip SRAM.
 * The three stages are pipelined, so after the off-chip latency the slowest one sets the pace:
 * `cycles = latency + max(off-chip streaming, engine, SRAM banks)`.
 */
import type { Block2d } from './block.js';
import { blockBytes } from './block.js';
import { ceilCycles, dramTransferTiming, type StreamingMemory } from './dram.js';
import { hostLinkTransferTiming, type PacketLink } from './host-link.js';
import { sramAccessTiming, type BankedSram } from './sram.js';

/** Off-chip side of a DMA transfer: off-chip memory, or host memory behind the host link. */
export type OffChipEndpoint = { readonly kind: 'memory'; readonly memory: StreamingMemory } | { readonly kind: 'host-link'; readonly link: PacketLink };

export interface DmaTransfer {
  readonly offChip: OffChipEndpoint;
  /** Layout of the data in off-chip or host memory. */
  readonly offChipBlock: Block2d;
  readonly sram: BankedSram;
  /**
   * Layout of the data in the SRAM: as many bytes as offChipBlock, or as many elements of another
   * size when the transfer converts formats.
   */
  readonly sramBlock: Block2d;
  /** Peak bytes per cycle of the DMA engine doing the transfer. */
  readonly engineBytesPerCycle: number;
}

export type DmaBound = 'off-chip' | 'engine' | 'sram';

export interface DmaTiming {
  readonly cycles: number;
  readonly latencyCycles: number;
  readonly offChipStreamCycles: number;
  readonly engineCycles: number;
  readonly sramCycles: number;
  /** The stage that set the pace (the first of equal ones in the order off-chip, engine, SRAM). */
  readonly bound: DmaBound;
  /** Bytes of the off-chip block; the engine's cycles are payloadBytes / engineBytesPerCycle. */
  readonly payloadBytes: number;
  /** Bytes that crossed the off-chip interface: whole bursts, or payload plus packet overhead. */
  readonly offChipBytes: number;
  readonly sramWordAccesses: number;
  readonly sramConflictCycles: number;
}

/** Computes the cycles of one DMA transfer in either direction; the model is symmetric. */
export function dmaTransferTiming(transfer: DmaTransfer): DmaTiming {
  const payloadBytes = blockBytes(transfer.offChipBlock);
  const sramBytes = blockBytes(transfer.sramBlock);
  const offChipElements = transfer.offChipBlock.rows * transfer.offChipBlock.cols;
  const sramElements = transfer.sramBlock.rows * transfer.sramBlock.cols;
  if (sramBytes !== payloadBytes && sramElements !== offChipElements) {
    throw new RangeError(`DMA blocks differ in size: ${payloadBytes} bytes in ${offChipElements} elements off chip, ${sramBytes} bytes in ${sramElements} elements in SRAM`);
  }
  if (!(transfer.engineBytesPerCycle > 0)) throw new RangeError(`engineBytesPerCycle must be positive, got ${transfer.engineBytesPerCycle}`);

  let latencyCycles: number;
  let offChipCycles: number;
  let offChipBytes: number;
  if (transfer.offChip.kind === 'memory') {
    const timing = dramTransferTiming(transfer.offChip.memory, transfer.offChipBlock);
    latencyCycles = timing.cycles === 0 ? 0 : transfer.offChip.memory.latencyCycles;
    offChipCycles = timing.cycles - latencyCycles;
    offChipBytes = timing.transferredBytes;
  } else {
    const timing = hostLinkTransferTiming(transfer.offChip.link, transfer.offChipBlock);
    latencyCycles = timing.cycles === 0 ? 0 : transfer.offChip.link.latencyCycles;
    offChipCycles = timing.cycles - latencyCycles;
    offChipBytes = timing.linkBytes;
  }

  const engineCycles = ceilCycles(payloadBytes / transfer.engineBytesPerCycle);
  const sram = sramAccessTiming(transfer.sram, transfer.sramBlock);
  const streamCycles = Math.max(offChipCycles, engineCycles, sram.cycles);
  let bound: DmaBound = 'sram';
  if (streamCycles === engineCycles) bound = 'engine';
  if (streamCycles === offChipCycles) bound = 'off-chip';

  return {
    cycles: payloadBytes === 0 ? 0 : latencyCycles + streamCycles,
    latencyCycles,
    offChipStreamCycles: offChipCycles,
    engineCycles,
    sramCycles: sram.cycles,
    bound,
    payloadBytes,
    offChipBytes,
    sramWordAccesses: sram.wordAccesses,
    sramConflictCycles: sram.conflictCycles,
  };
}
