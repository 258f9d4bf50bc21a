import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferFormats, SCRATCHPAD } from '../../sim/exec/sram.js';

const CAPACITY = 256;
/** Bytes per element of the formats the property writes; e4m3 is the scratchpad's default. */
const SIZES: Record<string, number> = { e4m3: 1, e5m2: 1, bf16: 2, fp32: 4 };
const FORMATS = Object.keys(SIZES);

const access = fc.record({
  address: fc.integer({ min: 0, max: 200 }),
  rows: fc.integer({ min: 0, max: 4 }),
  cols: fc.integer({ min: 0, max: 12 }),
  rowStride: fc.integer({ min: 1, max: 16 }),
});

describe('BufferFormats.widestBytes', () => {
  it('agrees with a per-element scan', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ format: fc.constantFrom(...FORMATS), tile: access }), { maxLength: 12 }), access, (writes, read) => {
        const tracker = new BufferFormats(1, 'e4m3', 'fp32', [CAPACITY, CAPACITY]);
        // The reference keeps one format name per element, e4m3 where nothing was written.
        const reference: string[] = Array.from({ length: CAPACITY * 2 }, () => 'e4m3');
        for (const { format, tile } of writes) {
          const rows = tile.address + (tile.rows - 1) * tile.rowStride + tile.cols <= CAPACITY ? tile.rows : 0;
          tracker.mark(0, SCRATCHPAD, tracker.idOf(format), tile.address, rows, tile.cols, tile.rowStride);
          for (let r = 0; r < rows; r++) for (let c = 0; c < tile.cols; c++) reference[tile.address + r * tile.rowStride + c] = format;
        }

        let widest = 0;
        let endByte = 0;
        for (let r = 0; r < read.rows; r++) {
          for (let c = 0; c < read.cols; c++) {
            const element = read.address + r * read.rowStride + c;
            const size = SIZES[reference[element]];
            widest = Math.max(widest, size);
            endByte = Math.max(endByte, (element + 1) * size);
          }
        }

        // An empty read touches nothing, so its size is not compared.
        if (read.rows === 0 || read.cols === 0) return;
        const range = { endByte: -1, format: '' };
        const got = tracker.widestBytes(0, SCRATCHPAD, read.address, read.rows, read.cols, read.rowStride, range);
        expect(got).toBe(widest);
        expect(range.endByte).toBe(endByte);
        expect(SIZES[range.format]).toBe(widest);
      }),
      { numRuns: 2000 },
    );
  });
});
