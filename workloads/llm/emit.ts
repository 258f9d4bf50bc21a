/**
 * Building blocks of generated `.lasm` text: an indenting line writer and a streamed GEMM whose
 * weight tiles flow from off-chip memory through a double-buffered scratchpad slot into the array.
 *
 * Register use, shared by every generated program: r1 column tiles of this core, r2 column of the
 * current tile, r3 scratchpad slot of the next weight tile, r4 accumulator address of the current
 * output tile. The attention kernel also uses r6, r7, r8, r10 and r11.
 */

/** Collects program lines with four-space indentation per loop level. */
export class LasmWriter {
  private readonly lines: string[] = [];
  private depth = 0;
  private labels = 0;

  line(text: string): void {
    this.lines.push('    '.repeat(this.depth) + text);
  }

  /** Emits `loop VAR, COUNT`, the body and `endloop`. Skips the loop when its count is the constant 0. */
  loop(variable: string, count: number | string, body: () => void): void {
    if (count === 0) return;
    this.line(`loop ${variable}, ${count}`);
    this.depth++;
    body();
    this.depth--;
    this.line('endloop');
  }

  /** Returns a label name unique within the program. */
  label(prefix: string): string {
    this.labels++;
    return `${prefix}_${this.labels}`;
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** How the column tiles of a GEMM are shared out. */
export type ColumnSplit =
  /** Tile t goes to core t mod ncores; a core with no tile skips the GEMM. */
  | { readonly kind: 'cores'; readonly tiles: number }
  /** The executing core computes all `tiles` column tiles. */
  | { readonly kind: 'local'; readonly tiles: number };

/** Where each finished column tile goes. */
export type GemmOutput =
  /** Kept in the accumulator: column tile t at `base + t × m × nTile`, rows nTile apart. */
  | { readonly kind: 'accumulator'; readonly base: number }
  /**
   * Stored to a tensor region (given the column expression) from two alternating accumulator slots
   * at `base`, after an optional vector epilogue that reads and rewrites the slot.
   */
  | {
      readonly kind: 'store';
      readonly base: number;
      readonly region: (column: string) => string;
      readonly epilogue?: (writer: LasmWriter, slot: string) => void;
    };

/** One GEMM C[m × N] = A[m × K] · B[K × N] with A resident in the scratchpad and B streamed tile by tile. */
export interface StreamedGemm {
  /** Scratchpad address of A and its row stride, in elements. */
  readonly aAddress: number;
  readonly aStride: number;
  readonly m: number;
  readonly kTiles: number;
  /** Rows of each weight tile (k of each matmul), at most the array's rows. */
  readonly kTile: number;
  /** Columns of each weight tile (n of each matmul), at most the array's columns. */
  readonly nTile: number;
  /** Consecutive k tiles moved by one load: they must be contiguous in B's tensor. Divides kTiles. */
  readonly kGroup: number;
  readonly split: ColumnSplit;
  /**
   * Sub-products per column tile, each with its own accumulator block of m × nTile: a gated MLP
   * computes its gate and up projections (B columns `passOffset` apart) for the same output columns.
   */
  readonly passes: 1 | 2;
  readonly passOffset: number;
  /** Region of B for k-tile group `kIndex` (kGroup tiles) and B column `column` (both run-time expressions). */
  readonly bRegion: (kIndex: string, column: string) => string;
  readonly bTranspose: boolean;
  /** Scratchpad address of the two weight slots, each kGroup × kTile × nTile elements. */
  readonly slotAddress: number;
  readonly inputFormat: string;
  readonly accumulatorFormat: string;
  readonly output: GemmOutput;
}

/**
 * Emits a streamed GEMM. Tokens: each weight-tile load waits for a free slot (a token from the
 * compute queue, sent when the tile has been preloaded into the array) and signals the compute
 * queue; two `sync` tokens prime the two slots and two drain them. Stored outputs use two
 * accumulator slots with the same scheme between the compute (or vector) and store queues.
 */
export function emitStreamedGemm(writer: LasmWriter, gemm: StreamedGemm): void {
  const tileElements = gemm.kTile * gemm.nTile;
  const slotElements = gemm.kGroup * tileElements;
  if (gemm.kTiles % gemm.kGroup !== 0) throw new RangeError(`kGroup ${gemm.kGroup} does not divide kTiles ${gemm.kTiles}`);
  const skip = writer.label('no_tiles');
  const store = gemm.output.kind === 'store' ? gemm.output : undefined;
  const epilogue = store?.epilogue;
  const storeSlotElements = gemm.passes * gemm.m * gemm.nTile;

  if (gemm.split.kind === 'cores') {
    writer.line(`set r1, (${gemm.split.tiles} - core + ncores - 1) / ncores`);
    writer.line(`beqz r1, ${skip}`);
  } else {
    writer.line(`set r1, ${gemm.split.tiles}`);
  }
  writer.line(`set r3, ${gemm.slotAddress}`);
  writer.line(`set r4, ${store ? store.base : gemm.output.base}`);
  writer.line('sync compute signal=load');
  writer.line('sync compute signal=load');
  if (store) {
    writer.line('sync store signal=compute');
    writer.line('sync store signal=compute');
  }

  writer.loop('j', 'r1', () => {
    const tileIndex = gemm.split.kind === 'cores' ? 'j * ncores + core' : 'j';
    writer.line(`set r2, (${tileIndex}) * ${gemm.nTile}`);
    if (store) writer.line('sync compute wait=store');
    else writer.line(`set r4, ${gemm.output.base} + j * ${gemm.m * gemm.nTile}`);

    for (let pass = 0; pass < gemm.passes; pass++) {
      const column = pass === 0 ? 'r2' : `r2 + ${gemm.passOffset}`;
      const accumulator = pass === 0 ? 'r4' : `r4 + ${gemm.m * gemm.nTile}`;
      // One load brings `group` consecutive k tiles; the last preload from the slot frees it.
      const group = (groupIndex: string, firstTile: string, firstMode: string): void => {
        writer.line(`load sp[r3], ${gemm.bRegion(groupIndex, column)} fmt=${gemm.inputFormat}${gemm.bTranspose ? ' transpose' : ''} wait=compute signal=compute`);
        for (let t = 0; t < gemm.kGroup; t++) {
          const options = `${t === 0 ? ' wait=load' : ''}${t === gemm.kGroup - 1 ? ' signal=load' : ''}`;
          writer.line(`preload sp[r3${t > 0 ? ` + ${t * tileElements}` : ''}] k=${gemm.kTile} n=${gemm.nTile}${options}`);
          const kOffset = `${firstTile} + ${t}`;
          writer.line(
            `matmul acc[${accumulator}], sp[${gemm.aAddress} + (${kOffset}) * ${gemm.kTile}] m=${gemm.m} k=${gemm.kTile} n=${gemm.nTile} stride=${gemm.aStride} method=exact in=${gemm.inputFormat} out=${gemm.accumulatorFormat} ${t === 0 ? firstMode : 'accumulate'}`,
          );
        }
        writer.line(`set r3, ${2 * gemm.slotAddress + slotElements} - r3`);
      };
      group('0', '0', 'overwrite');
      writer.loop('kg', gemm.kTiles / gemm.kGroup - 1, () => group('kg + 1', `(kg + 1) * ${gemm.kGroup}`, 'accumulate'));
    }

    if (store) {
      if (epilogue) {
        writer.line('sync compute signal=vector');
        writer.line('sync vector wait=compute');
        epilogue(writer, 'r4');
        writer.line('sync vector signal=store');
        writer.line(`store ${store.region('r2')}, acc[r4] wait=vector signal=compute`);
      } else {
        writer.line('sync compute signal=store');
        writer.line(`store ${store.region('r2')}, acc[r4] wait=compute signal=compute`);
      }
      writer.line(`set r4, ${2 * store.base + storeSlotElements} - r4`);
    }
  });

  writer.line('sync load wait=compute');
  writer.line('sync load wait=compute');
  if (store) {
    writer.line('sync compute wait=store');
    writer.line('sync compute wait=store');
  }
  if (gemm.split.kind === 'cores') writer.line(`${skip}:`);
  writer.line('fence');
}
