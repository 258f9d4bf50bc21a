/** Timing functions of off-chip memory, the host link, DMA engines and banked SRAM. */
export { blockBytes, checkBlock, contiguousRuns, type Block2d } from './block.js';
export { burstsTouched, ceilCycles, dramTransferTiming, type MemoryTransferTiming, type StreamingMemory } from './dram.js';
export { hostLinkTransferTiming, type HostLinkTransferTiming, type PacketLink } from './host-link.js';
export { sramAccessTiming, type BankedSram, type SramAccessTiming } from './sram.js';
export { dmaTransferTiming, type DmaBound, type DmaTiming, type DmaTransfer, type OffChipEndpoint } from './dma.js';
export { fairShares, sharedTransferFinishCycles, type SharedTransfer } from './sharing.js';
