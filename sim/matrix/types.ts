/**
 * Types shared by the systolic-array timing model, the PE-level simulator and the tile kernel.
 */
import type { AccumulatorFormat, Dataflow } from '../arch/types.js';
import type { MulOptions } from '../numerics/index.js';

/** The part of a matrix unit's configuration that timing depends on. */
export interface ArrayShape {
  readonly rows: number;
  readonly cols: number;
  readonly dataflow: Dataflow;
  /** Cycles added once per tile after the last result leaves the array; 0 when absent. */
  readonly pipelineLatencyCycles?: number;
  /**
   * Registers per PE for the stationary operand: 1 (default) loads each fold's operand while the
   * array is idle, as SCALE-Sim does; 2 shifts the next fold's operand into a shadow register while
   * the current fold streams. Output-stationary arrays ignore it.
   */
  readonly stationaryBuffers?: StationaryBuffers;
}

/** Allowed numbers of stationary-operand registers per processing element. */
export type StationaryBuffers = 1 | 2;

/**
 * Closed-form timing of one GEMM tile, C[M×N] += A[M×K] · B[K×N], on one array with no memory stalls.
 * `cycles = firstLoadCycles + folds × cyclesPerFold + pipelineLatencyCycles`; see docs/simulator.md
 * for the mapping and the fold cost per dataflow and buffer count.
 */
export interface TileTiming {
  readonly cycles: number;
  /** Sum over folds of the cycles before the last processing element receives its first operand. */
  readonly fillCycles: number;
  /** Sum over folds of T, the temporal dimension: cycles in which operands stream in. */
  readonly steadyCycles: number;
  /** Sum over folds of the cycles after the last operand enters until the last result leaves, plus the pipeline latency. */
  readonly drainCycles: number;
  readonly folds: number;
  /** Folds along the array's rows and along its columns; `folds = rowFolds × colFolds`. */
  readonly rowFolds: number;
  readonly colFolds: number;
  /**
   * Cycles of one fold, the same for every fold: `2·rows + cols + T − 2`, or `rows + cols + T − 2` for
   * a stationary dataflow with two stationary buffers, whose next load overlaps the fold.
   */
  readonly cyclesPerFold: number;
  /**
   * Cycles loading the first fold's stationary operand before any fold starts: `rows` with two
   * stationary buffers, otherwise 0 because every fold includes its own load.
   */
  readonly firstLoadCycles: number;
  /** Useful multiply-accumulates: M·K·N. */
  readonly macs: number;
  /** macs / (rows · cols · cycles), from 0 to 1. */
  readonly peUtilization: number;
}

/** Bit patterns of operands in the operand format (8-bit formats in bytes, 16-bit in Uint16Array, fp32 in Uint32Array). */
export type OperandBits = Uint8Array | Uint16Array | Uint32Array;

/** Whether a tile's results replace the accumulator entries or are added to them. */
export type AccumulateMode = 'accumulate' | 'overwrite';

/** Simulation fidelity: `pe` steps every processing element every cycle; `tile` uses closed-form timing and fast kernels. */
export type Fidelity = 'tile' | 'pe';
export const FIDELITIES: readonly Fidelity[] = ['tile', 'pe'];

/** Inputs of one GEMM tile. Matrices are row-major with optional element offsets and row strides. */
export interface TileParams {
  readonly array: ArrayShape;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** A, M×K bit patterns; element (i, j) at `aOffset + i·aRowStride + j`. */
  readonly a: OperandBits;
  readonly aOffset?: number;
  /** Elements between rows of A; default k. */
  readonly aRowStride?: number;
  /** B, K×N bit patterns; element (i, j) at `bOffset + i·bRowStride + j`. */
  readonly b: OperandBits;
  readonly bOffset?: number;
  /** Elements between rows of B; default n. */
  readonly bRowStride?: number;
  /** Accumulator, M×N values in the accumulator format (each one exactly representable in it); updated in place. */
  readonly acc: Float64Array;
  readonly accOffset?: number;
  /** Elements between rows of the accumulator; default n. */
  readonly accRowStride?: number;
  readonly mode: AccumulateMode;
  /** Operand format name, for example e4m3 or bf16. */
  readonly format: string;
  /** Multiplier method name from the numerics core: exact, lmul, lmul-formula or mitchell. */
  readonly method: string;
  readonly accumulatorFormat: AccumulatorFormat;
  readonly mulOptions?: MulOptions;
  /** When true, the result includes operand toggle counts; this costs extra time. */
  readonly countToggles?: boolean;
}

/** Timing of the tile plus, when requested, the data-dependent activity. */
export interface TileResult extends TileTiming {
  /**
   * Sum over all multiplier input registers of the Hamming distance between each operand and the
   * register's previous content. Registers start at 0 at the start of the tile and change only when a
   * used processing element receives a new operand. Present when `countToggles` was set.
   */
  readonly operandToggleBits?: number;
}
