/**
 * PE-level systolic-array simulator: steps every processing element every cycle, with operands moving
 * one PE per cycle between neighbours, skewed edge inputs and partial sums flowing down the columns.
 * State lives in flat typed arrays indexed `r·cols + c`; there are no per-PE objects.
 *
 * Within a cycle the PEs are visited from the bottom-right corner to the top-left one, so each PE reads
 * its left and upper neighbours' registers before they are overwritten. That gives the same result as
 * updating all registers at once on the clock edge.
 */
import type { MacArithmetic } from './arith.js';
import { hammingDistance } from './arith.js';
import type { TileOperands } from './operands.js';

/** Cycle count and toggle count of one simulated tile. */
export interface PeRunResult {
  readonly cycles: number;
  readonly operandToggleBits: number;
  /** Processing-element updates performed, used to report PE-cycles per second. */
  readonly peCycles: number;
}

/**
 * Simulates a tile cycle by cycle and writes its results into the accumulator.
 * Weight- and input-stationary share one routine: the stationary matrix S sits in the PEs (S(r, c))
 * and the streaming matrix X enters row r from the left, token t carrying X(t, r). Each PE has a
 * shadow register on the load shift chain and the multiplier's stationary register. With two
 * stationary buffers the chain loads the next fold while the current one streams.
 */
export function simulateTilePe(operands: TileOperands, arithmetic: MacArithmetic): PeRunResult {
  if (operands.dataflow === 'output-stationary') return simulateOutputStationary(operands, arithmetic);
  return simulateStationary(operands, arithmetic);
}

function simulateStationary(op: TileOperands, arithmetic: MacArithmetic): PeRunResult {
  const rows = op.rows;
  const cols = op.cols;
  const size = rows * cols;
  const { product, add } = arithmetic;
  const table = arithmetic.productTable;
  const weightStationary = op.dataflow === 'weight-stationary';

  // Spatial sizes: K on rows for both; N (weight-stationary) or M (input-stationary) on columns.
  const sr = op.k;
  const sc = weightStationary ? op.n : op.m;
  const t = weightStationary ? op.m : op.n;
  const rowFolds = Math.ceil(sr / rows);
  const folds = rowFolds * Math.ceil(sc / cols);
  const doubleBuffered = op.stationaryBuffers === 2;

  // `shadow` is the load shift chain, one register per PE; `weight` is the multiplier's stationary input.
  const shadow = new Uint32Array(size);
  const weight = new Uint32Array(size);
  const streamBits = new Uint32Array(size);
  const token = new Int32Array(size).fill(-1);
  const partialSum = new Float64Array(size);

  let cycles = 0;
  let peCycles = 0;
  let toggles = 0;
  const countToggles = op.countToggles;

  // One load cycle of fold `fold`: the shadow chain shifts down one row and the top row takes a row of
  // the fold's stationary operand, bottom row first, so after `rows` steps row r contains the fold's row r.
  const shiftIn = (fold: number, step: number): void => {
    const rowStart = (fold % rowFolds) * rows;
    const colStart = Math.floor(fold / rowFolds) * cols;
    const usedRows = Math.min(rows, sr - rowStart);
    const usedCols = Math.min(cols, sc - colStart);
    shadow.copyWithin(cols, 0, size - cols);
    const sourceRow = rows - 1 - step;
    for (let c = 0; c < cols; c++) {
      shadow[c] = sourceRow < usedRows && c < usedCols ? stationaryBits(op, weightStationary, rowStart + sourceRow, colStart + c) : 0;
    }
  };

  // With two buffers the first fold's load is the only one the array waits for.
  if (doubleBuffered) {
    for (let step = 0; step < rows; step++) {
      shiftIn(0, step);
      cycles++;
      peCycles += size;
    }
  }

  for (let fold = 0; fold < folds; fold++) {
    const rowStart = (fold % rowFolds) * rows;
    const colStart = Math.floor(fold / rowFolds) * cols;
    const usedRows = Math.min(rows, sr - rowStart);
    const usedCols = Math.min(cols, sc - colStart);
    const firstChunk = rowStart === 0;

    // Load phase of a single-buffered array: the array idles while the fold's operand shifts in.
    if (!doubleBuffered) {
      for (let step = 0; step < rows; step++) {
        shiftIn(fold, step);
        cycles++;
        peCycles += size;
      }
    }

    // Every multiplier's stationary input latches the shadow register at once, after the previous
    // fold's last product.
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const index = r * cols + c;
        if (countToggles && r < usedRows && c < usedCols) toggles += hammingDistance(weight[index], shadow[index]);
        weight[index] = shadow[index];
      }
    }
    const nextFold = doubleBuffered && fold + 1 < folds ? fold + 1 : -1;

    // Stream phase: token t enters row r at stream cycle t + r and reaches column c one cycle per
    // column later, where the partial sum from above meets it. The fold ends when all t tokens of
    // every column, padding columns included, have left the bottom row. With two buffers the next
    // fold's operand shifts into the shadow chain during the first `rows` cycles; the phase lasts
    // rows + cols + t − 2 >= rows cycles, so the load always completes in time.
    let emitted = 0;
    const expected = t * cols;
    for (let s = 0; emitted < expected; s++) {
      if (nextFold >= 0 && s < rows) shiftIn(nextFold, s);
      for (let r = rows - 1; r >= 0; r--) {
        const rowUsed = r < usedRows;
        const edgeToken = s - r >= 0 && s - r < t ? s - r : -1;
        const edgeBits = edgeToken >= 0 && rowUsed ? streamingBits(op, weightStationary, edgeToken, rowStart + r) : 0;
        for (let c = cols - 1; c >= 0; c--) {
          const index = r * cols + c;
          const incomingToken = c === 0 ? edgeToken : token[index - 1];
          token[index] = incomingToken;
          if (incomingToken >= 0) {
            const incomingBits = c === 0 ? edgeBits : streamBits[index - 1];
            const sumAbove = r === 0 ? 0 : partialSum[index - cols];
            if (rowUsed && c < usedCols) {
              if (countToggles) toggles += hammingDistance(streamBits[index], incomingBits);
              // A is always the first operand, since a method need not be commutative.
              const aOperand = weightStationary ? incomingBits : weight[index];
              const bOperand = weightStationary ? weight[index] : incomingBits;
              const value = table ? table[(aOperand << 8) | bOperand] : product(aOperand, bOperand);
              partialSum[index] = add(sumAbove, value);
            } else {
              partialSum[index] = sumAbove;
            }
            streamBits[index] = incomingBits;

            if (r === rows - 1) {
              emitted++;
              if (c < usedCols) {
                const outRow = weightStationary ? incomingToken : colStart + c;
                const outCol = weightStationary ? colStart + c : incomingToken;
                mergeResult(op, add, outRow, outCol, partialSum[index], firstChunk);
              }
            }
          }
        }
      }
      cycles++;
      peCycles += size;
    }
    token.fill(-1);
  }
  return { cycles: cycles + op.pipelineLatencyCycles, operandToggleBits: toggles, peCycles };
}

function simulateOutputStationary(op: TileOperands, arithmetic: MacArithmetic): PeRunResult {
  const rows = op.rows;
  const cols = op.cols;
  const size = rows * cols;
  const { product, add } = arithmetic;
  const table = arithmetic.productTable;
  const t = op.k;

  const aBits = new Uint32Array(size);
  const aToken = new Int32Array(size).fill(-1);
  const bBits = new Uint32Array(size);
  const bToken = new Int32Array(size).fill(-1);
  const sum = new Float64Array(size);
  const rowEdgeToken = new Int32Array(rows);
  const rowEdgeBits = new Uint32Array(rows);

  let cycles = 0;
  let peCycles = 0;
  let toggles = 0;
  const countToggles = op.countToggles;

  for (let colStart = 0; colStart < op.n; colStart += cols) {
    const usedCols = Math.min(cols, op.n - colStart);
    for (let rowStart = 0; rowStart < op.m; rowStart += rows) {
      const usedRows = Math.min(rows, op.m - rowStart);
      sum.fill(0);

      // Compute phase: A's row r enters from the left skewed by r cycles and B's column c enters from
      // the top skewed by c cycles, so PE(r, c) receives the pair for k = s − r − c at cycle s.
      let pairs = 0;
      const expectedPairs = t * size;
      for (let s = 0; pairs < expectedPairs; s++) {
        for (let r = 0; r < rows; r++) {
          const k = s - r;
          rowEdgeToken[r] = k >= 0 && k < t ? k : -1;
          rowEdgeBits[r] = k >= 0 && k < t && r < usedRows ? op.aAt(rowStart + r, k) : 0;
        }
        for (let r = rows - 1; r >= 0; r--) {
          for (let c = cols - 1; c >= 0; c--) {
            const index = r * cols + c;
            const used = r < usedRows && c < usedCols;

            const incomingA = c === 0 ? rowEdgeToken[r] : aToken[index - 1];
            if (incomingA >= 0) {
              const bits = c === 0 ? rowEdgeBits[r] : aBits[index - 1];
              if (countToggles && used) toggles += hammingDistance(aBits[index], bits);
              aBits[index] = bits;
            }
            aToken[index] = incomingA;

            let incomingB: number;
            if (r === 0) {
              const k = s - c;
              incomingB = k >= 0 && k < t ? k : -1;
              if (incomingB >= 0) {
                const bits = c < usedCols ? op.bAt(k, colStart + c) : 0;
                if (countToggles && used) toggles += hammingDistance(bBits[index], bits);
                bBits[index] = bits;
              }
            } else {
              incomingB = bToken[index - cols];
              if (incomingB >= 0) {
                const bits = bBits[index - cols];
                if (countToggles && used) toggles += hammingDistance(bBits[index], bits);
                bBits[index] = bits;
              }
            }
            bToken[index] = incomingB;

            if (incomingA >= 0 && incomingB >= 0) {
              pairs++;
              if (used) sum[index] = add(sum[index], table ? table[(aBits[index] << 8) | bBits[index]] : product(aBits[index], bBits[index]));
            }
          }
        }
        cycles++;
        peCycles += size;
      }

      // Drain phase: results shift down one row per cycle and leave through the bottom edge, the
      // bottom row first, so `rows` cycles empty the array.
      for (let step = 0; step < rows; step++) {
        const sourceRow = rows - 1 - step;
        for (let c = 0; c < usedCols; c++) {
          if (sourceRow < usedRows) mergeResult(op, add, rowStart + sourceRow, colStart + c, sum[(rows - 1) * cols + c], true);
        }
        for (let r = rows - 1; r >= 1; r--) {
          const base = r * cols;
          for (let c = 0; c < cols; c++) sum[base + c] = sum[base - cols + c];
        }
        cycles++;
        peCycles += size;
      }
      aToken.fill(-1);
      bToken.fill(-1);
    }
  }
  return { cycles: cycles + op.pipelineLatencyCycles, operandToggleBits: toggles, peCycles };
}

/** Stationary operand of PE(r, c) for fold-relative indices: B[k][n] (weight-stationary) or A[m][k] (input-stationary). */
function stationaryBits(op: TileOperands, weightStationary: boolean, k: number, spatialCol: number): number {
  return weightStationary ? op.bAt(k, spatialCol) : op.aAt(spatialCol, k);
}

/** Streaming operand for token t in array row k: A[t][k] (weight-stationary) or B[k][t] (input-stationary). */
function streamingBits(op: TileOperands, weightStationary: boolean, tokenIndex: number, k: number): number {
  return weightStationary ? op.aAt(tokenIndex, k) : op.bAt(k, tokenIndex);
}

/**
 * Writes one fold's result for C[row][col]. The first K chunk replaces the entry in overwrite mode,
 * and otherwise the result is added to it with one rounding.
 */
function mergeResult(op: TileOperands, add: (acc: number, value: number) => number, row: number, col: number, value: number, firstChunk: boolean): void {
  const index = op.accIndex(row, col);
  op.acc[index] = firstChunk && op.mode === 'overwrite' ? value : add(op.acc[index], value);
}
