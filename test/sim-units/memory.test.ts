import { describe, expect, it } from 'vitest';
import {
  burstsTouched,
  dmaTransferTiming,
  dramTransferTiming,
  fairShares,
  hostLinkTransferTiming,
  sharedTransferFinishCycles,
  sramAccessTiming,
} from '../../sim/memory/index.js';

const dram = { bandwidthBytesPerCycle: 16, latencyCycles: 50, burstBytes: 64 };

describe('dram timing', () => {
  it('contiguous block', () => {
    const timing = dramTransferTiming(dram, { rows: 4, cols: 64, elementBytes: 1, strideBytes: 64 });

    // 256 bytes = 4 bursts; 256 / 16 = 16 cycles after 50 of latency.
    expect(timing).toEqual({ cycles: 66, payloadBytes: 256, transferredBytes: 256, bursts: 4 });
  });

  it('strided rows fetch whole bursts', () => {
    const timing = dramTransferTiming(dram, { rows: 4, cols: 8, elementBytes: 2, strideBytes: 1024 });

    // Each 16-byte row costs a 64-byte burst.
    expect(timing).toEqual({ cycles: 66, payloadBytes: 64, transferredBytes: 256, bursts: 4 });
  });

  it('misaligned run touches two bursts', () => {
    const timing = dramTransferTiming(dram, { rows: 1, cols: 64, elementBytes: 1, strideBytes: 64, baseAddress: 32 });

    expect(timing.bursts).toBe(2);
    expect(timing.cycles).toBe(50 + 8);
  });

  it('fractional bandwidth rounds up', () => {
    const memory = { bandwidthBytesPerCycle: 34000 / 700, latencyCycles: 70, burstBytes: 64 };

    const timing = dramTransferTiming(memory, { rows: 1, cols: 2 ** 20, elementBytes: 1, strideBytes: 2 ** 20 });

    // 1048576 / 48.571... = 21588.4 cycles.
    expect(timing.cycles).toBe(70 + 21589);
  });

  it('empty block is free', () => {
    expect(dramTransferTiming(dram, { rows: 0, cols: 8, elementBytes: 1, strideBytes: 8 }).cycles).toBe(0);
  });

  it('bursts touched', () => {
    expect(burstsTouched(0, 64, 64)).toBe(1);
    expect(burstsTouched(63, 2, 64)).toBe(2);
    expect(burstsTouched(10, 0, 64)).toBe(0);
  });

  it('rejects stride below row size', () => {
    expect(() => dramTransferTiming(dram, { rows: 2, cols: 8, elementBytes: 2, strideBytes: 8 })).toThrow(RangeError);
  });
});

describe('host link timing', () => {
  const link = { bandwidthBytesPerCycle: 25.6, latencyCycles: 2500, maxPayloadBytes: 256, packetOverheadBytes: 24 };

  it('large contiguous transfer', () => {
    const timing = hostLinkTransferTiming(link, { rows: 1, cols: 2 ** 20, elementBytes: 1, strideBytes: 2 ** 20 });

    // 4096 packets add 98304 bytes; 1146880 / 25.6 = 44800 cycles.
    expect(timing).toEqual({ cycles: 2500 + 44800, payloadBytes: 2 ** 20, packets: 4096, linkBytes: 1146880 });
  });

  it('one packet per strided row', () => {
    const timing = hostLinkTransferTiming(link, { rows: 10, cols: 100, elementBytes: 1, strideBytes: 4096 });

    // 1000 + 10 × 24 = 1240 bytes; 1240 / 25.6 = 48.4 cycles.
    expect(timing.packets).toBe(10);
    expect(timing.cycles).toBe(2500 + 49);
  });
});

describe('sram bank timing', () => {
  const sram = { banks: 4, portsPerBank: 1, wordBits: 32 };

  it('contiguous words spread over banks', () => {
    const timing = sramAccessTiming(sram, { rows: 1, cols: 64, elementBytes: 1, strideBytes: 64 });

    expect(timing).toEqual({ cycles: 4, wordAccesses: 16, conflictFreeCycles: 4, conflictCycles: 0 });
  });

  it('column in one bank conflicts', () => {
    // Stride 16 bytes = 4 words, so every row lands in bank 0.
    const timing = sramAccessTiming(sram, { rows: 8, cols: 1, elementBytes: 4, strideBytes: 16 });

    expect(timing).toEqual({ cycles: 8, wordAccesses: 8, conflictFreeCycles: 2, conflictCycles: 6 });
  });

  it('odd stride avoids conflicts', () => {
    const timing = sramAccessTiming(sram, { rows: 8, cols: 1, elementBytes: 4, strideBytes: 20 });

    expect(timing.cycles).toBe(2);
  });

  it('two ports halve the conflict', () => {
    const timing = sramAccessTiming({ ...sram, portsPerBank: 2 }, { rows: 8, cols: 1, elementBytes: 4, strideBytes: 16 });

    expect(timing.cycles).toBe(4);
  });

  it('partial and shared words', () => {
    const partial = sramAccessTiming(sram, { rows: 1, cols: 3, elementBytes: 1, strideBytes: 3, baseAddress: 2 });
    const shared = sramAccessTiming(sram, { rows: 4, cols: 1, elementBytes: 1, strideBytes: 2 });

    expect(partial.wordAccesses).toBe(2);
    expect(partial.cycles).toBe(1);
    // Bytes 0, 2, 4 and 6 sit in words 0, 0, 1, 1.
    expect(shared.wordAccesses).toBe(2);
  });
});

describe('dma timing', () => {
  const sram = { banks: 4, portsPerBank: 1, wordBits: 32 };
  const contiguous = { rows: 1, cols: 1024, elementBytes: 1, strideBytes: 1024 };

  it('engine bound', () => {
    const timing = dmaTransferTiming({ offChip: { kind: 'memory', memory: dram }, offChipBlock: contiguous, sram, sramBlock: contiguous, engineBytesPerCycle: 8 });

    // Off chip 1024 / 16 = 64, engine 1024 / 8 = 128, SRAM 256 words / 4 banks = 64.
    expect(timing).toMatchObject({ cycles: 50 + 128, offChipStreamCycles: 64, engineCycles: 128, sramCycles: 64, bound: 'engine' });
  });

  it('sram bound by conflicts', () => {
    const column = { rows: 256, cols: 1, elementBytes: 4, strideBytes: 16 };

    const timing = dmaTransferTiming({ offChip: { kind: 'memory', memory: dram }, offChipBlock: contiguous, sram, sramBlock: column, engineBytesPerCycle: 64 });

    expect(timing.bound).toBe('sram');
    expect(timing.cycles).toBe(50 + 256);
    expect(timing.sramConflictCycles).toBe(256 - 64);
  });

  it('host link source', () => {
    const link = { bandwidthBytesPerCycle: 4, latencyCycles: 1000, maxPayloadBytes: 256, packetOverheadBytes: 24 };

    const timing = dmaTransferTiming({ offChip: { kind: 'host-link', link }, offChipBlock: contiguous, sram, sramBlock: contiguous, engineBytesPerCycle: 64 });

    // 4 packets: (1024 + 96) / 4 = 280 cycles.
    expect(timing).toMatchObject({ cycles: 1280, bound: 'off-chip', offChipBytes: 1120 });
  });

  it('rejects blocks of different sizes', () => {
    const call = () => dmaTransferTiming({ offChip: { kind: 'memory', memory: dram }, offChipBlock: contiguous, sram, sramBlock: { ...contiguous, cols: 512, strideBytes: 512 }, engineBytesPerCycle: 8 });
    expect(call).toThrow(/differ in size/);
  });
});

describe('bandwidth sharing', () => {
  it('max-min fair shares', () => {
    expect(fairShares(10, [2, 10, 10])).toEqual([2, 4, 4]);
    expect(fairShares(10, [Infinity, Infinity])).toEqual([5, 5]);
    expect(fairShares(10, [1, 2])).toEqual([1, 2]);
  });

  it('equal transfers finish together', () => {
    expect(sharedTransferFinishCycles(10, [{ bytes: 100, startCycle: 0 }, { bytes: 100, startCycle: 0 }])).toEqual([20, 20]);
  });

  it('short transfer frees bandwidth', () => {
    // Both at 5 bytes/cycle until cycle 10; then the first alone at 10 bytes/cycle for 50 bytes.
    expect(sharedTransferFinishCycles(10, [{ bytes: 100, startCycle: 0 }, { bytes: 50, startCycle: 0 }])).toEqual([15, 10]);
  });

  it('late start', () => {
    // First alone until 5 (50 bytes left), then both at 5 bytes/cycle: first ends at 15, second at 20.
    expect(sharedTransferFinishCycles(10, [{ bytes: 100, startCycle: 0 }, { bytes: 100, startCycle: 5 }])).toEqual([15, 20]);
  });

  it('engine cap redistributes', () => {
    // Rates 2 and 8: the second ends at 12.5; the first has 75 bytes left, so it ends at 50.
    expect(sharedTransferFinishCycles(10, [{ bytes: 100, startCycle: 0, maxBytesPerCycle: 2 }, { bytes: 100, startCycle: 0 }])).toEqual([50, 13]);
  });

  it('rejects a zero engine rate', () => {
    expect(() => sharedTransferFinishCycles(10, [{ bytes: 5, startCycle: 0, maxBytesPerCycle: 0 }])).toThrow(RangeError);
  });

  it('empty transfer ends at start', () => {
    expect(sharedTransferFinishCycles(10, [{ bytes: 0, startCycle: 7 }])).toEqual([7]);
  });
});
