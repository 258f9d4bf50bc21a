/**
 * Closed-form timing of one GEMM tile on a systolic array, following SCALE-Sim's analytical model
 * (Samajdar et al., "SCALE-Sim: Systolic CNN Accelerator Simulator", arXiv 1811.02883). A fold takes
 * 2·R + C + T − 2 cycles on an R×C array, and folds run one after the other. Double-buffered
 * stationary operands shorten every fold by R and add R once.
 */
import type { Dataflow } from '../arch/types.js';
import type { ArrayShape, TileTiming } from './types.js';

/** Placement of the GEMM dimensions under a dataflow: two spatial (rows, columns) and one temporal (T). */
export interface DataflowMapping {
  /** GEMM dimension spread over the array's rows (Sr). */
  readonly spatialRows: 'm' | 'k';
  /** GEMM dimension spread over the array's columns (Sc). */
  readonly spatialCols: 'm' | 'n';
  /** GEMM dimension streamed in time (T). */
  readonly temporal: 'm' | 'k' | 'n';
}

/**
 * Mapping per dataflow, as in SCALE-Sim with A = ifmap (M×K) and B = filter (K×N):
 * weight-stationary keeps B (K on rows, N on columns) and streams the M rows of A;
 * input-stationary keeps A transposed (K on rows, M on columns) and streams the N columns of B;
 * output-stationary keeps C (M on rows, N on columns) and streams K.
 */
export const DATAFLOW_MAPPINGS: Readonly<Record<Dataflow, DataflowMapping>> = {
  'weight-stationary': { spatialRows: 'k', spatialCols: 'n', temporal: 'm' },
  'input-stationary': { spatialRows: 'k', spatialCols: 'm', temporal: 'n' },
  'output-stationary': { spatialRows: 'm', spatialCols: 'n', temporal: 'k' },
};

/** Sizes of the spatial and temporal dimensions of a tile under a dataflow. */
export function mapTile(dataflow: Dataflow, m: number, k: number, n: number): { sr: number; sc: number; t: number } {
  const sizes = { m, k, n };
  const mapping = DATAFLOW_MAPPINGS[dataflow];
  return { sr: sizes[mapping.spatialRows], sc: sizes[mapping.spatialCols], t: sizes[mapping.temporal] };
}

/**
 * Computes the compute cycles of C[M×N] (+)= A[M×K]·B[K×N] on one array, without memory stalls.
 *
 * Per fold, weight- and input-stationary spend R cycles loading the stationary operand, R − 1 cycles
 * of input skew, T streaming cycles and C − 1 cycles for the last partial sum to leave the bottom-right
 * corner. Output-stationary spends R + C − 2 cycles of skew, T streaming cycles and R cycles shifting
 * the results out. Both sum to 2R + C + T − 2. A ragged fold (fewer than R or C used) costs as much
 * as a full one, as in SCALE-Sim, because operands and results still cross the whole array.
 *
 * With two stationary buffers, fold f + 1's operand shifts into the shadow registers during fold f's
 * first R streaming cycles, and every PE switches to it at once when fold f's last product is done.
 * Only the first fold's load is exposed, so a stationary tile takes R + F·(R + C + T − 2) cycles.
 */
export function tileTiming(array: ArrayShape, m: number, k: number, n: number): TileTiming {
  checkShape(array, m, k, n);
  const rows = array.rows;
  const cols = array.cols;
  const pipelineLatencyCycles = array.pipelineLatencyCycles ?? 0;
  const { sr, sc, t } = mapTile(array.dataflow, m, k, n);
  const macs = m * k * n;

  if (macs === 0) {
    return { cycles: 0, fillCycles: 0, steadyCycles: 0, drainCycles: 0, folds: 0, rowFolds: 0, colFolds: 0, cyclesPerFold: 0, firstLoadCycles: 0, macs: 0, peUtilization: 0 };
  }

  const rowFolds = Math.ceil(sr / rows);
  const colFolds = Math.ceil(sc / cols);
  const folds = rowFolds * colFolds;

  const stationary = array.dataflow !== 'output-stationary';
  const overlappedLoads = stationary && array.stationaryBuffers === 2;
  // Every fold loads its own stationary operand unless the shadow registers hide the load.
  const loadPerFold = stationary && !overlappedLoads ? rows : 0;
  const firstLoadCycles = overlappedLoads ? rows : 0;
  const fillPerFold = stationary ? loadPerFold + (rows - 1) : rows - 1 + (cols - 1);
  const drainPerFold = stationary ? cols - 1 : rows;
  const cyclesPerFold = fillPerFold + t + drainPerFold;

  const cycles = firstLoadCycles + folds * cyclesPerFold + pipelineLatencyCycles;
  return {
    cycles,
    fillCycles: firstLoadCycles + folds * fillPerFold,
    steadyCycles: folds * t,
    drainCycles: folds * drainPerFold + pipelineLatencyCycles,
    folds,
    rowFolds,
    colFolds,
    cyclesPerFold,
    firstLoadCycles,
    macs,
    peUtilization: macs / (rows * cols * cycles),
  };
}

function checkShape(array: ArrayShape, m: number, k: number, n: number): void {
  for (const [name, value] of [['rows', array.rows], ['cols', array.cols]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`array ${name} must be a positive integer, got ${value}`);
  }
  for (const [name, value] of [['m', m], ['k', k], ['n', n]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`tile dimension ${name} must be a non-negative integer, got ${value}`);
  }
  const latency = array.pipelineLatencyCycles ?? 0;
  if (!Number.isSafeInteger(latency) || latency < 0) throw new RangeError(`pipelineLatencyCycles must be a non-negative integer, got ${latency}`);
  const buffers = array.stationaryBuffers ?? 1;
  if (buffers !== 1 && buffers !== 2) throw new RangeError(`stationaryBuffers must be 1 or 2, got ${buffers}`);
}
