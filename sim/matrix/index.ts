/**
 * Systolic-array matrix unit: closed-form tile timing per dataflow, a PE-level cycle simulator and a
 * fast tile kernel that agree exactly on cycles and values.
 */
export type { AccumulateMode, ArrayShape, Fidelity, OperandBits, TileParams, TileResult, TileTiming } from './types.js';
export { FIDELITIES } from './types.js';
export { DATAFLOW_MAPPINGS, mapTile, tileTiming, type DataflowMapping } from './timing.js';
export { runTile } from './run.js';
export { benchPeFidelity, type PeBenchResult } from './bench.js';
