/** The program executor: runs resolved `.lasm` programs on a machine description. */
export { executeProgram, type ExecuteOptions, type RunResult, type TensorResult } from './executor.js';
export { compareOutputs, compareValues, type TensorError } from './compare.js';
export { Counters, toRunActivity, WindowCounters, STALL_INDEX, type UnitCounters, type MacSlot, type VectorSlot, type SramSlot, type MemorySlot } from './counters.js';
export { DEFAULT_LIMITS, type RunLimits } from './limits.js';
export { bufferGeometry, type ValueMode } from './context.js';
export { UNIT_NAMES } from './machine.js';
export { SplitMix32 } from './random.js';
export { datapathOf } from './matrix-ops.js';
export { targetFromArch } from './target.js';
