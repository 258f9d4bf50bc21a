/**
 * SCALE-Sim v2's operand addresses, demand matrices and prefetch orders, generated row by row.
 *
 * SCALE-Sim builds, for each fold of a layer, one demand row per cycle for the IFMAP, filter and
 * OFMAP buffers (scalesim/compute/systolic_compute_{os,ws,is}.py). A row lists the addresses the
 * array edge reads or writes in that cycle, with −1 for an idle lane. Folds run with the column
 * fold in the outer loop and the row fold in the inner loop. The prefetch order is the order in
 * which the read buffers fill their lines from DRAM. This module reproduces both without
 * materialising the matrices, so that large layers stay cheap in memory.
 */
import type { TopologyLayer } from './topology.js';

export type DataflowCode = 'os' | 'ws' | 'is';

/** Address of an idle lane in a demand row, as SCALE-Sim marks it. */
export const NO_REQUEST = -1;

/** Address functions of the three operand matrices of one layer: IFMAP M×K, filter K×N, OFMAP M×N. */
export interface OperandAddresses {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  ifmap(row: number, col: number): number;
  filter(row: number, col: number): number;
  ofmap(row: number, col: number): number;
}

/**
 * Builds the address functions of scalesim/compute/operand_matrix.py. An IFMAP entry whose window
 * reaches past the input's last row or column (when (H − FH) is not a multiple of the stride) is
 * −1. The configuration's address offsets are left out: each buffer sees only its own operand, so
 * offsets do not change any cycle count.
 */
export function operandAddresses(layer: TopologyLayer): OperandAddresses {
  const { ifmapHeight, ifmapWidth, filterHeight, filterWidth, channels, strideHeight, strideWidth, ofmapWidth } = layer.shape;
  const windowRowLength = filterWidth * channels;
  return {
    m: layer.m,
    k: layer.k,
    n: layer.n,
    ifmap(row, col) {
      const inputRow = Math.floor(row / ofmapWidth) * strideHeight;
      const inputCol = (row % ofmapWidth) * strideWidth;
      const windowRow = Math.floor(col / windowRowLength);
      const withinRow = col % windowRowLength;
      const windowCol = Math.floor(withinRow / channels);
      const channel = withinRow % channels;
      if (inputRow + windowRow >= ifmapHeight || inputCol + windowCol >= ifmapWidth) return NO_REQUEST;
      return ((inputRow + windowRow) * ifmapWidth + inputCol + windowCol) * channels + channel;
    },
    filter(row, col) {
      return col * filterHeight * filterWidth * channels + row;
    },
    ofmap(row, col) {
      return layer.n * row + col;
    },
  };
}

/** Spatial rows Sr, spatial columns Sc and temporal length T of a dataflow, as SCALE-Sim maps them. */
export function spatialTemporal(dataflow: DataflowCode, m: number, k: number, n: number): { sr: number; sc: number; t: number } {
  if (dataflow === 'os') return { sr: m, sc: n, t: k };
  if (dataflow === 'ws') return { sr: k, sc: n, t: m };
  return { sr: k, sc: m, t: n };
}

/** One fold: the array rows and columns its operands occupy. */
export interface Fold {
  readonly rowStart: number;
  readonly colStart: number;
  readonly rowsUsed: number;
  readonly colsUsed: number;
}

/** Demand rows of one layer on an R × C array, fold by fold. */
export interface DemandSchedule {
  readonly folds: readonly Fold[];
  readonly rowsPerFold: number;
  /** Width of the IFMAP demand row: R under os and ws, C under is. */
  readonly ifmapWidth: number;
  /** Width of the filter demand row: C under os and ws, R under is. */
  readonly filterWidth: number;
  readonly ofmapWidth: number;
  /** Fills the three demand rows of cycle `row` (0-based within the fold) of `fold`. */
  fill(fold: Fold, row: number, ifmap: Int32Array, filter: Int32Array, ofmap: Int32Array): void;
  /** Mapping efficiency and compute utilisation of one fold, as SCALE-Sim computes them. */
  foldFigures(fold: Fold): { mappingEfficiency: number; computeUtilization: number };
}

/**
 * Returns the demand schedule of SCALE-Sim v2 for a dataflow. Per fold, a skewed matrix of U rows
 * and W columns has U + W − 1 rows, column c shifted down by c. The fold lengths are R + C + T − 2
 * rows under os and 2R + C + T − 2 under ws and is.
 */
export function demandSchedule(dataflow: DataflowCode, rows: number, cols: number, operands: OperandAddresses): DemandSchedule {
  const { sr, sc, t } = spatialTemporal(dataflow, operands.m, operands.k, operands.n);
  const folds: Fold[] = [];
  const rowFolds = Math.ceil(sr / rows);
  const colFolds = Math.ceil(sc / cols);
  for (let colFold = 0; colFold < colFolds; colFold++) {
    for (let rowFold = 0; rowFold < rowFolds; rowFold++) {
      const rowStart = rowFold * rows;
      const colStart = colFold * cols;
      folds.push({ rowStart, colStart, rowsUsed: Math.min(rows, sr - rowStart), colsUsed: Math.min(cols, sc - colStart) });
    }
  }

  // Rows of the unskewed fold matrix whose height enters SCALE-Sim's compute utilisation.
  const utilisationRows = dataflow === 'os' ? t - 1 + rows : 2 * rows + cols + t - 2;
  const foldFigures = (fold: Fold): { mappingEfficiency: number; computeUtilization: number } => {
    const macsUsed = fold.rowsUsed * fold.colsUsed;
    const cycles = utilisationRows + cols - 1;
    return { mappingEfficiency: macsUsed / (rows * cols), computeUtilization: (macsUsed * t) / (rows * cols * cycles) };
  };

  if (dataflow === 'os') {
    return {
      folds,
      rowsPerFold: t + rows + cols - 2,
      ifmapWidth: rows,
      filterWidth: cols,
      ofmapWidth: cols,
      foldFigures,
      fill(fold, row, ifmap, filter, ofmap) {
        // IFMAP: T rows of the transposed operand, then C − 1 idle rows, skewed over R lanes.
        for (let lane = 0; lane < rows; lane++) {
          const step = row - lane;
          ifmap[lane] = step >= 0 && step < t && lane < fold.rowsUsed ? operands.ifmap(fold.rowStart + lane, step) : NO_REQUEST;
        }
        // Filter: T rows, then R − 1 idle rows, skewed over C lanes.
        for (let lane = 0; lane < cols; lane++) {
          const step = row - lane;
          filter[lane] = step >= 0 && step < t && lane < fold.colsUsed ? operands.filter(step, fold.colStart + lane) : NO_REQUEST;
        }
        // OFMAP: T − 1 idle rows, then the fold's R output rows bottom first, skewed over C lanes.
        for (let lane = 0; lane < cols; lane++) {
          const drained = row - lane - (t - 1);
          const arrayRow = rows - 1 - drained;
          ofmap[lane] = drained >= 0 && drained < rows && arrayRow < fold.rowsUsed && lane < fold.colsUsed ? operands.ofmap(fold.rowStart + arrayRow, fold.colStart + lane) : NO_REQUEST;
        }
      },
    };
  }

  if (dataflow === 'ws') {
    return {
      folds,
      rowsPerFold: 2 * rows + cols + t - 2,
      ifmapWidth: rows,
      filterWidth: cols,
      ofmapWidth: cols,
      foldFigures,
      fill(fold, row, ifmap, filter, ofmap) {
        // IFMAP: R idle rows while weights load, T input rows, C − 1 idle rows, skewed over R lanes.
        for (let lane = 0; lane < rows; lane++) {
          const step = row - lane - rows;
          ifmap[lane] = step >= 0 && step < t && lane < fold.rowsUsed ? operands.ifmap(step, fold.rowStart + lane) : NO_REQUEST;
        }
        // Filter: the fold's R weight rows bottom first, unskewed, then idle.
        for (let lane = 0; lane < cols; lane++) {
          const arrayRow = rows - 1 - row;
          filter[lane] = row < rows && arrayRow < fold.rowsUsed && lane < fold.colsUsed ? operands.filter(fold.rowStart + arrayRow, fold.colStart + lane) : NO_REQUEST;
        }
        // OFMAP: 2R − 1 idle rows, then T output rows, skewed over C lanes.
        for (let lane = 0; lane < cols; lane++) {
          const step = row - lane - (2 * rows - 1);
          ofmap[lane] = step >= 0 && step < t && lane < fold.colsUsed ? operands.ofmap(step, fold.colStart + lane) : NO_REQUEST;
        }
      },
    };
  }

  return {
    folds,
    rowsPerFold: 2 * rows + cols + t - 2,
    ifmapWidth: cols,
    filterWidth: rows,
    ofmapWidth: cols,
    foldFigures,
    fill(fold, row, ifmap, filter, ofmap) {
      // IFMAP: the fold's R rows of the transposed operand bottom first, unskewed, then idle.
      for (let lane = 0; lane < cols; lane++) {
        const arrayRow = rows - 1 - row;
        ifmap[lane] = row < rows && arrayRow < fold.rowsUsed && lane < fold.colsUsed ? operands.ifmap(fold.colStart + lane, fold.rowStart + arrayRow) : NO_REQUEST;
      }
      // Filter: R idle rows, T rows of the transposed operand, C − 1 idle rows, skewed over R lanes.
      for (let lane = 0; lane < rows; lane++) {
        const step = row - lane - rows;
        filter[lane] = step >= 0 && step < t && lane < fold.rowsUsed ? operands.filter(fold.rowStart + lane, step) : NO_REQUEST;
      }
      // OFMAP: 2R − 1 idle rows, then T rows of the transposed output, skewed over C lanes.
      for (let lane = 0; lane < cols; lane++) {
        const step = row - lane - (2 * rows - 1);
        ofmap[lane] = step >= 0 && step < t && lane < fold.colsUsed ? operands.ofmap(fold.colStart + lane, step) : NO_REQUEST;
      }
    },
  };
}

/**
 * Calls `visit` with every address of a prefetch matrix in SCALE-Sim's prefetch order, −1 entries
 * included. A matrix of `height` × `width` entries is read by anti-diagonals, each from its lowest
 * row up, when `diagonal` is set, and row by row otherwise.
 */
function visitMatrix(height: number, width: number, diagonal: boolean, entry: (row: number, col: number) => number, visit: (address: number) => void): void {
  if (!diagonal) {
    for (let row = 0; row < height; row++) for (let col = 0; col < width; col++) visit(entry(row, col));
    return;
  }
  for (let sum = 0; sum < height + width - 1; sum++) {
    const lowest = Math.min(sum, height - 1);
    const highest = Math.max(0, sum - width + 1);
    for (let row = lowest; row >= highest; row--) visit(entry(row, sum - row));
  }
}

/**
 * Visits the IFMAP and filter prefetch orders of SCALE-Sim v2 (the `create_*_prefetch_mat` methods):
 * each operand once per fold along the dimension the other operand does not share, padded with −1
 * to the array edge. The anti-diagonal order applies to the operands that enter skewed.
 */
export function visitPrefetchOrder(dataflow: DataflowCode, rows: number, cols: number, operands: OperandAddresses, which: 'ifmap' | 'filter', visit: (address: number) => void): void {
  const { sr, sc, t } = spatialTemporal(dataflow, operands.m, operands.k, operands.n);
  const rowFolds = Math.ceil(sr / rows);
  const colFolds = Math.ceil(sc / cols);
  const padded = (start: number, lane: number, limit: number, address: () => number): number => (start + lane < limit ? address() : NO_REQUEST);

  if (dataflow === 'os' && which === 'ifmap') {
    visitMatrix(rowFolds * t, rows, true, (row, lane) => {
      const start = Math.floor(row / t) * rows;
      return padded(start, lane, sr, () => operands.ifmap(start + lane, row % t));
    }, visit);
  } else if (dataflow === 'os') {
    visitMatrix(colFolds * t, cols, true, (row, lane) => {
      const start = Math.floor(row / t) * cols;
      return padded(start, lane, sc, () => operands.filter(row % t, start + lane));
    }, visit);
  } else if (dataflow === 'ws' && which === 'ifmap') {
    visitMatrix(rowFolds * t, rows, true, (row, lane) => {
      const start = Math.floor(row / t) * rows;
      return padded(start, lane, sr, () => operands.ifmap(row % t, start + lane));
    }, visit);
  } else if (dataflow === 'ws') {
    visitMatrix(colFolds * sr, cols, false, (row, lane) => {
      const start = Math.floor(row / sr) * cols;
      return padded(start, lane, sc, () => operands.filter(row % sr, start + lane));
    }, visit);
  } else if (which === 'ifmap') {
    visitMatrix(colFolds * sr, cols, false, (row, lane) => {
      const start = Math.floor(row / sr) * cols;
      return padded(start, lane, sc, () => operands.ifmap(start + lane, row % sr));
    }, visit);
  } else {
    visitMatrix(rowFolds * t, rows, true, (row, lane) => {
      const start = Math.floor(row / t) * rows;
      return padded(start, lane, sr, () => operands.filter(start + lane, row % t));
    }, visit);
  }
}
