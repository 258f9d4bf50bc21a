/** Design-space sweeps: sweep files, point runs on the main thread and worker threads, shards, merging and the Pareto front. */
export { loadSweepFile, sweepFromYamlText, shortHash, MAX_POINTS, MODEL_DEFAULTS, SWEEP_PARAMETERS, WEIGHT_LOCATIONS, type GemmWorkload, type ModelWorkload, type PointParameters, type ProgramWorkload, type SweepParameter, type SweepSpec, type Workload } from './spec.js';
export { archForPoint, pointId, pointTasks, runPoint, DEFAULT_GEMM_FORMAT, DEFAULT_NODE, type PointRecord, type PointTask } from './point.js';
export { runPoints, type PointRunCounts, type PointRunOptions } from './pool.js';
export { parseShard, runSweep, shardTasks, type Shard, type SweepRunOptions, type SweepRunResult } from './run.js';
export { checkSameSweep, deduplicate, mergeShards, readRecordFile, type RecordFile } from './records.js';
export { dominates, objectivesOf, paretoFront, type Objective } from './pareto.js';
export { gemmProgram, gemmTiles } from './gemm.js';
export { writeSweepReport, renderSweepMarkdown, renderSweepHtml } from './report.js';
