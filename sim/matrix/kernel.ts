/**
 * Tile-fidelity kernel: the values the PE-level simulator produces, computed per output element in the
 * hardware's accumulation order without stepping the array, plus the same operand toggle counts.
 *
 * Accumulation order (docs/simulator.md): each output C[i][j] is built from K chunks in increasing k.
 * A chunk's partial sum starts at +0 and adds the products in increasing k, rounding after each
 * addition. The chunk result then replaces C[i][j] (first chunk, overwrite mode) or is added to it with
 * one more rounding. The chunk length is the array's row count for weight- and input-stationary
 * dataflows, where K is spread over the rows, and all of K for output-stationary.
 */
import type { MacArithmetic } from './arith.js';
import { hammingDistance } from './arith.js';
import type { TileOperands } from './operands.js';

/** Computes the tile's results into the accumulator. */
export function computeTileValues(op: TileOperands, arithmetic: MacArithmetic): void {
  const { m, k, n } = op;
  const chunk = op.dataflow === 'output-stationary' ? Math.max(k, 1) : op.rows;
  const { add } = arithmetic;
  const acc = op.acc;

  if (k === 0) {
    if (op.mode !== 'overwrite') return;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) acc[op.accIndex(i, j)] = 0;
    }
    return;
  }

  const { a, b, aOffset, aRowStride, bOffset, bRowStride } = op;
  const dotKernel = arithmetic.dotKernel;

  for (let i = 0; i < m; i++) {
    const aRowBase = aOffset + i * aRowStride;
    for (let j = 0; j < n; j++) {
      const index = op.accIndex(i, j);
      let value = acc[index];
      for (let start = 0; start < k; start += chunk) {
        const length = Math.min(k, start + chunk) - start;
        // Row i of A is contiguous; column j of B has stride bRowStride.
        const sum = dotKernel(a, aRowBase + start, 1, b, bOffset + start * bRowStride + j, bRowStride, length, 0);
        value = start === 0 && op.mode === 'overwrite' ? sum : add(value, sum);
      }
      acc[index] = value;
    }
  }
}

/**
 * Counts operand toggles with the PE-level simulator's rules, fold by fold: every multiplier input
 * register starts at 0, padding rows and columns carry zero operands, and only used PEs count.
 * Registers of one array row (streaming from the left) or one column (streaming from the top) always
 * hold the same value at a fold boundary, so the state is kept per row or column.
 */
export function countTileToggles(op: TileOperands): number {
  if (op.m === 0 || op.k === 0 || op.n === 0) return 0;
  return op.dataflow === 'output-stationary' ? countOutputStationaryToggles(op) : countStationaryToggles(op);
}

function countStationaryToggles(op: TileOperands): number {
  const { rows, cols } = op;
  const weightStationary = op.dataflow === 'weight-stationary';
  const sr = op.k;
  const sc = weightStationary ? op.n : op.m;
  const t = weightStationary ? op.m : op.n;
  const stationaryAt = (k: number, spatialCol: number) => (weightStationary ? op.bAt(k, spatialCol) : op.aAt(spatialCol, k));
  const streamingAt = (tokenIndex: number, k: number) => (weightStationary ? op.aAt(tokenIndex, k) : op.bAt(k, tokenIndex));

  const weightState = new Uint32Array(rows * cols);
  const streamState = new Uint32Array(rows);
  let toggles = 0;

  for (let colStart = 0; colStart < sc; colStart += cols) {
    const usedCols = Math.min(cols, sc - colStart);
    for (let rowStart = 0; rowStart < sr; rowStart += rows) {
      const usedRows = Math.min(rows, sr - rowStart);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const bits = r < usedRows && c < usedCols ? stationaryAt(rowStart + r, colStart + c) : 0;
          if (r < usedRows && c < usedCols) toggles += hammingDistance(weightState[r * cols + c], bits);
          weightState[r * cols + c] = bits;
        }
      }
      for (let r = 0; r < rows; r++) {
        if (r >= usedRows) {
          streamState[r] = 0;
          continue;
        }
        let previous = streamState[r];
        let rowToggles = 0;
        for (let tokenIndex = 0; tokenIndex < t; tokenIndex++) {
          const bits = streamingAt(tokenIndex, rowStart + r);
          rowToggles += hammingDistance(previous, bits);
          previous = bits;
        }
        toggles += rowToggles * usedCols;
        streamState[r] = previous;
      }
    }
  }
  return toggles;
}

function countOutputStationaryToggles(op: TileOperands): number {
  const { rows, cols } = op;
  const aState = new Uint32Array(rows);
  const bState = new Uint32Array(cols);
  let toggles = 0;

  for (let colStart = 0; colStart < op.n; colStart += cols) {
    const usedCols = Math.min(cols, op.n - colStart);
    for (let rowStart = 0; rowStart < op.m; rowStart += rows) {
      const usedRows = Math.min(rows, op.m - rowStart);
      for (let r = 0; r < rows; r++) {
        let previous = aState[r];
        let rowToggles = 0;
        for (let kk = 0; kk < op.k; kk++) {
          const bits = r < usedRows ? op.aAt(rowStart + r, kk) : 0;
          rowToggles += hammingDistance(previous, bits);
          previous = bits;
        }
        if (r < usedRows) toggles += rowToggles * usedCols;
        aState[r] = previous;
      }
      for (let c = 0; c < cols; c++) {
        let previous = bState[c];
        let colToggles = 0;
        for (let kk = 0; kk < op.k; kk++) {
          const bits = c < usedCols ? op.bAt(kk, colStart + c) : 0;
          colToggles += hammingDistance(previous, bits);
          previous = bits;
        }
        if (c < usedCols) toggles += colToggles * usedRows;
        bState[c] = previous;
      }
    }
  }
  return toggles;
}
