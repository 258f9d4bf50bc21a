/**
 * One sweep point: its task and record, its stable id, and `runPoint`, which measures a program or
 * gemm point (measure.ts) and prices its energy, or runs a model workload (model-point.ts).
 * `runPoint` never throws for a failing point; the failure becomes the record's `error`.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { estimateEnergy, loadCostModel, logicAreaFromArch, type CostModel } from '../costmodels/index.js';
import type { MethodName } from '../sim/numerics/index.js';
import type { Bound } from '../workloads/llm/estimate.js';
import { archForPoint } from './machine.js';
import { failureMessage, measurePoint, type UnpricedPoint } from './measure.js';
import { runModelPoint } from './model-point.js';
import { shortHash, SWEEP_PARAMETERS, type ModelWorkload, type PointParameters, type SweepSpec, type Workload } from './spec.js';

export { archForPoint } from './machine.js';
export { DEFAULT_GEMM_FORMAT } from './measure.js';

/** Technology node priced when a point sets none. */
export const DEFAULT_NODE = '45nm';

/** Everything a worker needs to run one point; plain data, so it crosses thread boundaries. */
export interface PointTask {
  readonly index: number;
  readonly id: string;
  readonly sweepHash: string;
  readonly base: string;
  readonly numerics: boolean;
  readonly fidelity: 'tile' | 'pe';
  readonly params: PointParameters;
  readonly workload: Workload;
}

/** One line of a sweep's JSONL output. */
export interface PointRecord {
  readonly id: string;
  /** Hash of the sweep file the point came from. */
  readonly sweep: string;
  /** Position of the point in the sweep file's expansion. */
  readonly index: number;
  readonly params: PointParameters;
  readonly status: 'ok' | 'failed';
  /** Cycles of the workload; for a model workload, of one forward pass. */
  readonly cycles?: number;
  readonly macs?: number;
  readonly utilization?: number;
  readonly energyPj?: number;
  readonly pjPerMac?: number;
  /** Model workloads: tokens one forward pass produces (decode) or consumes (prefill). */
  readonly tokensPerPass?: number;
  /** Model workloads: tokens per second at the machine's clock. */
  readonly tokensPerSecond?: number;
  /** Model workloads: energy per token in joules, `energyPj` divided by `tokensPerPass`. */
  readonly energyPerTokenJ?: number;
  /** Model workloads: the resource with the most busy cycles over the forward pass. */
  readonly bound?: Bound;
  /** Largest relative error of any output element against the fp64 reference; numerics on only. */
  readonly maxRelError?: number;
  /** Mean relative error over all output elements with a non-zero reference; numerics on only. */
  readonly meanRelError?: number;
  /** Why the point failed; absent for successful points. */
  readonly error?: string;
  /** Wall time of the point in its thread, milliseconds. */
  readonly wallMs: number;
}

/**
 * Returns the point's id: a hash of its parameters, the workload's definition and the sweep-wide
 * settings. Program paths enter relative to the sweep file, so the id does not depend on where the
 * sweep is checked out.
 */
export function pointId(spec: SweepSpec, params: PointParameters): string {
  const workload = spec.workloads.get(String(params.workload));
  const workloadKey = workload?.kind === 'program' ? { program: path.relative(path.dirname(path.resolve(spec.file)), workload.file) } : workload;
  const base = path.isAbsolute(spec.base) ? path.relative(path.dirname(path.resolve(spec.file)), spec.base) : spec.base;
  const ordered: Record<string, string | number> = {};
  for (const key of SWEEP_PARAMETERS) if (params[key] !== undefined) ordered[key] = params[key] as string | number;
  return shortHash(JSON.stringify({ base, numerics: spec.numerics, fidelity: spec.fidelity, workload: workloadKey, params: ordered }));
}

/** Builds the task list of a sweep, in file order. */
export function pointTasks(spec: SweepSpec): PointTask[] {
  return spec.points.map((params, index) => ({
    index,
    id: pointId(spec, params),
    sweepHash: spec.sweepHash,
    base: spec.base,
    numerics: spec.numerics,
    fidelity: spec.fidelity,
    params,
    workload: spec.workloads.get(String(params.workload)) as Workload,
  }));
}

const costModels = new Map<string, CostModel>();

/** Returns the cost model of `node`, loaded once per thread. */
export function costModel(node: string): CostModel {
  const cached = costModels.get(node);
  if (cached) return cached;
  const model = loadCostModel(node);
  costModels.set(node, model);
  return model;
}

/** Measurements of a successful point: the fields of its record besides identity, status and wall time. */
export type PointMeasurements = Omit<PointRecord, 'id' | 'sweep' | 'index' | 'params' | 'status' | 'error' | 'wallMs'>;

/**
 * Completes a measured point with its energy from the cost model of the point's `node`: dynamic
 * energy plus the leakage of the machine's logic area over the run time. A cost model that fails
 * to load fails the point.
 */
export function pricePoint(unpriced: UnpricedPoint): PointRecord {
  const { record, activity, arch } = unpriced;
  if (activity === undefined || record.status !== 'ok') return record;
  const start = performance.now();
  try {
    const model = costModel(String(record.params.node ?? DEFAULT_NODE));
    const energy = estimateEnergy(activity, model, arch ? { logicArea: logicAreaFromArch(arch, model) } : {});
    const { wallMs, ...measured } = record;
    return { ...measured, energyPj: energy.totalPj, ...(energy.pjPerMac !== undefined ? { pjPerMac: energy.pjPerMac } : {}), wallMs: wallMs + performance.now() - start };
  } catch (error) {
    return { id: record.id, sweep: record.sweep, index: record.index, params: record.params, status: 'failed', error: failureMessage(error), wallMs: record.wallMs + performance.now() - start };
  }
}

/** Runs a model point; failures are recorded, not thrown. */
function runModelTask(task: PointTask, workload: ModelWorkload): PointRecord {
  const start = performance.now();
  const common = { id: task.id, sweep: task.sweepHash, index: task.index, params: task.params };
  try {
    const arch = archForPoint(task.base, task.params);
    const options = { method: task.params.method as MethodName | undefined, node: String(task.params.node ?? DEFAULT_NODE), format: task.params.format as string | undefined, numerics: task.numerics };
    return { ...common, status: 'ok', ...runModelPoint(workload, arch, options), wallMs: performance.now() - start };
  } catch (error) {
    return { ...common, status: 'failed', error: failureMessage(error), wallMs: performance.now() - start };
  }
}

/** Runs one point and returns its record; failures are recorded, not thrown. */
export function runPoint(task: PointTask): PointRecord {
  if (task.workload.kind === 'model') return runModelTask(task, task.workload);
  return pricePoint(measurePoint(task));
}
