/**
 * Host-link (PCIe) timing: one latency, then packets stream at the link bandwidth. Each contiguous run
 * is split into packets of at most `maxPayloadBytes`, and every packet adds `packetOverheadBytes` on the
 * link. Flow-control credits and link-layer acknowledgements are not modelled.
 */
import type { Block2d } from './block.js';
import { blockBytes, contiguousRuns } from './block.js';
import { ceilCycles } from './dram.js';

/** The link parameters the timing depends on (a subset of HostLinkConfig). */
export interface PacketLink {
  /** Bandwidth available to this transfer, in bytes per cycle, per direction. */
  readonly bandwidthBytesPerCycle: number;
  readonly latencyCycles: number;
  readonly maxPayloadBytes: number;
  readonly packetOverheadBytes: number;
}

export interface HostLinkTransferTiming {
  readonly cycles: number;
  readonly payloadBytes: number;
  readonly packets: number;
  /** Payload plus packet overhead: the bytes that occupy the link. */
  readonly linkBytes: number;
}

/**
 * Computes the cycles to move a 2-D block over the host link:
 * `cycles = latencyCycles + ceil((payload + packets × packetOverheadBytes) / bandwidthBytesPerCycle)`,
 * or 0 for an empty block.
 */
export function hostLinkTransferTiming(link: PacketLink, block: Block2d): HostLinkTransferTiming {
  if (!(link.bandwidthBytesPerCycle > 0)) throw new RangeError(`bandwidthBytesPerCycle must be positive, got ${link.bandwidthBytesPerCycle}`);
  if (!Number.isSafeInteger(link.maxPayloadBytes) || link.maxPayloadBytes < 1) throw new RangeError(`maxPayloadBytes must be a positive integer, got ${link.maxPayloadBytes}`);
  const payloadBytes = blockBytes(block);
  let packets = 0;
  for (const [, length] of contiguousRuns(block)) packets += Math.ceil(length / link.maxPayloadBytes);
  const linkBytes = payloadBytes + packets * link.packetOverheadBytes;
  if (payloadBytes === 0) return { cycles: 0, payloadBytes, packets: 0, linkBytes: 0 };
  return { cycles: link.latencyCycles + ceilCycles(linkBytes / link.bandwidthBytesPerCycle), payloadBytes, packets, linkBytes };
}
