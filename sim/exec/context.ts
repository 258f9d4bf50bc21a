/**
 * Settings and shared resources of one run, built once before execution: the machine, the numerics
 * mode, the counters, the trace, the tensors in off-chip memory and the off-chip ports.
 */
import type { ResolvedTensor } from '../../isa/ast.js';
import type { ArchConfig } from '../arch/types.js';
import type { ArrayShape, Fidelity } from '../matrix/index.js';
import type { MethodName } from '../numerics/index.js';
import { parseFormat, type FloatFormat } from '../numerics/index.js';
import type { TraceWriter } from '../trace/types.js';
import type { ConversionCaches } from './conversion-cache.js';
import type { Counters } from './counters.js';
import type { HazardTracker, TileAccess } from './hazards.js';
import type { RunLimits } from './limits.js';
import type { Channel, OffChipSide } from './timing.js';
import { elementBytes } from './tensors.js';

/** Value mode of a run: bit-exact hardware values, fp64 reference values, or none. */
export type ValueMode = 'off' | 'hardware' | 'reference';

/** Static facts about one tensor, with the port that reaches it. */
export interface TensorLayout {
  readonly tensor: ResolvedTensor;
  readonly format: FloatFormat;
  readonly elementBytes: number;
  /** Elements between consecutive indices of each dimension (row-major). */
  readonly strides: readonly number[];
  /** Off-chip side of DMA transfers to and from this tensor, for sim/memory's timing. */
  readonly offChip: OffChipSide;
  /** Port for reads (loads) and for writes (stores). */
  readonly readChannel: Channel;
  readonly writeChannel: Channel;
  /** Memory counter slot of that port. */
  readonly memorySlot: number;
}

/** Per-execution results an operation reports back to the scheduler. */
export interface ExecResult {
  /** Cycle at which the unit actually starts working (after waiting for a shared port). */
  grantCycle: number;
  busyCycles: number;
  /** Extra cycles the unit is held by SRAM bank conflicts after its busy time. */
  conflictCycles: number;
  /** Cycles from the end of the unit's occupancy until results are written and tokens sent. */
  latencyCycles: number;
  /** Vector register the operation writes, or -1; its result is ready at the completion cycle. */
  vectorDestination: number;
  /** On-chip tiles the operation reads or writes, in `accesses[0 .. accessCount)`, for hazard checks. */
  readonly accesses: TileAccess[];
  accessCount: number;
}

/** Everything operations need while running. */
export interface RunContext {
  readonly arch: ArchConfig;
  readonly array: ArrayShape;
  readonly coreCount: number;
  readonly values: ValueMode;
  readonly fidelity: Fidelity;
  readonly methodOverride: MethodName | undefined;
  readonly countToggles: boolean;
  readonly counters: Counters;
  readonly trace: TraceWriter | undefined;
  readonly limits: RunLimits;
  readonly tensors: readonly TensorLayout[];
  /** Tensor values by tensor index, shared by all cores; empty when values are off. */
  readonly tensorValues: Float64Array[];
  /** Element capacity of the buffers (see bufferGeometry). */
  readonly scratchpadElements: number;
  readonly accumulatorElements: number;
  /**
   * Bytes per element of the widest matrix input format and of the accumulator format, the formats
   * of scratchpad and accumulator elements that no `load` or `vstore` wrote (see sram.ts).
   */
  readonly scratchpadElementBytes: number;
  readonly accumulatorElementBytes: number;
  readonly result: ExecResult;
  /** SRAM counter slot per core and buffer: index `core * 2` for the scratchpad, `core * 2 + 1` for the accumulator. */
  readonly sramSlots: readonly number[];
  /** Counter unit index of each core's first unit; units follow in UNIT_NAMES order. */
  readonly unitBase: readonly number[];
  /** Trace track of each counter unit, when tracing. */
  readonly tracks: readonly number[];
  readonly hazards: HazardTracker;
  readonly conversions: ConversionCaches;
}

/**
 * Element capacity of the buffers: the scratchpad's bytes divided by the size of the widest matrix
 * input format, and the accumulator's bytes divided by the size of the accumulator format. Element
 * addresses stay below these counts for every format. Each access must also fit in bytes for its
 * own format (see sram.ts), which matters for formats wider than the matrix input formats.
 */
export function bufferGeometry(arch: ArchConfig): { scratchpadElements: number; accumulatorElements: number; scratchpadElementBytes: number; accumulatorElementBytes: number } {
  const formats = arch.core.matrix.inputFormats.map((name) => parseFormat(name));
  const scratchpadElementBytes = Math.max(1, ...formats.map((format) => elementBytes(format)));
  const accumulatorElementBytes = elementBytes(parseFormat(arch.core.matrix.accumulatorFormat));
  return {
    scratchpadElements: Math.floor(arch.core.scratchpad.capacityBytes / scratchpadElementBytes),
    accumulatorElements: Math.floor(arch.core.accumulator.capacityBytes / accumulatorElementBytes),
    scratchpadElementBytes,
    accumulatorElementBytes,
  };
}
