/**
 * Checked, resolved view of a tile's operands and accumulator, shared by both fidelities.
 */
import type { Dataflow } from '../arch/types.js';
import type { AccumulateMode, OperandBits, StationaryBuffers, TileParams } from './types.js';

export interface TileOperands {
  readonly dataflow: Dataflow;
  readonly rows: number;
  readonly cols: number;
  readonly pipelineLatencyCycles: number;
  readonly stationaryBuffers: StationaryBuffers;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly mode: AccumulateMode;
  readonly countToggles: boolean;
  readonly a: OperandBits;
  readonly aOffset: number;
  readonly aRowStride: number;
  readonly b: OperandBits;
  readonly bOffset: number;
  readonly bRowStride: number;
  readonly acc: Float64Array;
  readonly accOffset: number;
  readonly accRowStride: number;
  /** Bit pattern of A[i][j]. */
  aAt(i: number, j: number): number;
  /** Bit pattern of B[i][j]. */
  bAt(i: number, j: number): number;
  /** Index of C[i][j] in `acc`. */
  accIndex(i: number, j: number): number;
}

/** Checks shapes, strides and array lengths, and resolves the defaults. Throws RangeError on a caller bug. */
export function resolveOperands(params: TileParams): TileOperands {
  const { m, k, n, array } = params;
  for (const [name, value] of [['m', m], ['k', k], ['n', n], ['array.rows', array.rows], ['array.cols', array.cols]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  if (array.rows < 1 || array.cols < 1) throw new RangeError(`array must have at least one row and column, got ${array.rows}×${array.cols}`);

  const aOffset = params.aOffset ?? 0;
  const aRowStride = params.aRowStride ?? k;
  const bOffset = params.bOffset ?? 0;
  const bRowStride = params.bRowStride ?? n;
  const accOffset = params.accOffset ?? 0;
  const accRowStride = params.accRowStride ?? n;
  checkMatrix('A', params.a.length, aOffset, aRowStride, m, k);
  checkMatrix('B', params.b.length, bOffset, bRowStride, k, n);
  checkMatrix('accumulator', params.acc.length, accOffset, accRowStride, m, n);

  const a = params.a;
  const b = params.b;
  return {
    dataflow: array.dataflow,
    rows: array.rows,
    cols: array.cols,
    pipelineLatencyCycles: array.pipelineLatencyCycles ?? 0,
    stationaryBuffers: array.stationaryBuffers ?? 1,
    m,
    k,
    n,
    mode: params.mode,
    countToggles: params.countToggles ?? false,
    a,
    aOffset,
    aRowStride,
    b,
    bOffset,
    bRowStride,
    acc: params.acc,
    accOffset,
    accRowStride,
    aAt: (i, j) => a[aOffset + i * aRowStride + j],
    bAt: (i, j) => b[bOffset + i * bRowStride + j],
    accIndex: (i, j) => accOffset + i * accRowStride + j,
  };
}

function checkMatrix(name: string, length: number, offset: number, rowStride: number, rowCount: number, colCount: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`${name} offset must be a non-negative integer, got ${offset}`);
  if (!Number.isSafeInteger(rowStride) || rowStride < colCount) {
    throw new RangeError(`${name} row stride ${rowStride} is smaller than its ${colCount} columns`);
  }
  if (rowCount === 0 || colCount === 0) return;
  const last = offset + (rowCount - 1) * rowStride + colCount - 1;
  if (last >= length) throw new RangeError(`${name} needs ${last + 1} elements for ${rowCount}×${colCount} at offset ${offset}, stride ${rowStride}, but has ${length}`);
}
