/**
 * Off-chip memory timing: one fixed access latency, then the block streams at the memory's bandwidth.
 * Each contiguous run is rounded out to whole aligned bursts, which is what makes narrow strided
 * blocks expensive. Row-buffer hits and misses, refresh and bank-group timing are not modelled.
 */
import type { Block2d } from './block.js';
import { blockBytes, contiguousRuns } from './block.js';

/** The memory parameters the timing depends on (a subset of OffChipMemoryConfig). */
export interface StreamingMemory {
  /** Bandwidth available to this transfer, in bytes per cycle; pass a share when cores compete. */
  readonly bandwidthBytesPerCycle: number;
  readonly latencyCycles: number;
  readonly burstBytes: number;
}

export interface MemoryTransferTiming {
  readonly cycles: number;
  /** Bytes the caller asked for. */
  readonly payloadBytes: number;
  /** Bytes that cross the memory interface: whole bursts. */
  readonly transferredBytes: number;
  readonly bursts: number;
}

/** Number of aligned `burstBytes` bursts that the byte range [start, start + length) touches. */
export function burstsTouched(start: number, length: number, burstBytes: number): number {
  if (length === 0) return 0;
  return Math.floor((start + length - 1) / burstBytes) - Math.floor(start / burstBytes) + 1;
}

/**
 * Computes the cycles to read or write a 2-D block in off-chip memory:
 * `cycles = latencyCycles + ceil(bursts × burstBytes / bandwidthBytesPerCycle)`, or 0 for an empty block.
 */
export function dramTransferTiming(memory: StreamingMemory, block: Block2d): MemoryTransferTiming {
  checkMemory(memory);
  const payloadBytes = blockBytes(block);
  let bursts = 0;
  for (const [start, length] of contiguousRuns(block)) bursts += burstsTouched(start, length, memory.burstBytes);
  const transferredBytes = bursts * memory.burstBytes;
  if (transferredBytes === 0) return { cycles: 0, payloadBytes, transferredBytes: 0, bursts: 0 };
  const cycles = memory.latencyCycles + ceilCycles(transferredBytes / memory.bandwidthBytesPerCycle);
  return { cycles, payloadBytes, transferredBytes, bursts };
}

/** Rounds a fractional cycle count up, ignoring floating-point noise below 1e-9 cycles. */
export function ceilCycles(cycles: number): number {
  return Math.max(0, Math.ceil(cycles - 1e-9));
}

function checkMemory(memory: StreamingMemory): void {
  if (!(memory.bandwidthBytesPerCycle > 0)) throw new RangeError(`bandwidthBytesPerCycle must be positive, got ${memory.bandwidthBytesPerCycle}`);
  if (!Number.isSafeInteger(memory.burstBytes) || memory.burstBytes < 1) throw new RangeError(`burstBytes must be a positive integer, got ${memory.burstBytes}`);
  if (!Number.isSafeInteger(memory.latencyCycles) || memory.latencyCycles < 0) throw new RangeError(`latencyCycles must be a non-negative integer, got ${memory.latencyCycles}`);
}
