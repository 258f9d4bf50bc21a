/**
 * A 2-D strided block of memory: `rows` runs of `cols` elements each, `strideBytes` apart. This is the
 * shape every DMA transfer, host-link transfer and SRAM access in lmulsim has.
 */

export interface Block2d {
  readonly rows: number;
  readonly cols: number;
  readonly elementBytes: number;
  /** Bytes from the start of one row to the start of the next; at least cols × elementBytes. */
  readonly strideBytes: number;
  /** Byte address of the first element; matters for burst and bank alignment. Default 0. */
  readonly baseAddress?: number;
}

/** Payload bytes of a block: rows × cols × elementBytes. */
export function blockBytes(block: Block2d): number {
  return block.rows * block.cols * block.elementBytes;
}

/** Checks a block's fields; throws RangeError on a caller bug. */
export function checkBlock(block: Block2d): void {
  for (const [name, value] of [
    ['rows', block.rows],
    ['cols', block.cols],
    ['elementBytes', block.elementBytes],
    ['strideBytes', block.strideBytes],
    ['baseAddress', block.baseAddress ?? 0],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`block ${name} must be a non-negative integer, got ${value}`);
  }
  if (block.elementBytes < 1) throw new RangeError(`block elementBytes must be at least 1, got ${block.elementBytes}`);
  if (block.rows > 1 && block.strideBytes < block.cols * block.elementBytes) {
    throw new RangeError(`block strideBytes ${block.strideBytes} is smaller than a row of ${block.cols * block.elementBytes} bytes`);
  }
}

/**
 * Returns the block's contiguous byte runs as [start, length] pairs. Rows that touch end to end
 * (stride equal to the row size) merge into one run.
 */
export function contiguousRuns(block: Block2d): Array<readonly [number, number]> {
  checkBlock(block);
  const rowBytes = block.cols * block.elementBytes;
  const base = block.baseAddress ?? 0;
  if (block.rows === 0 || rowBytes === 0) return [];
  if (block.strideBytes === rowBytes || block.rows === 1) return [[base, rowBytes * block.rows]];
  const runs: Array<readonly [number, number]> = [];
  for (let row = 0; row < block.rows; row++) runs.push([base + row * block.strideBytes, rowBytes]);
  return runs;
}
