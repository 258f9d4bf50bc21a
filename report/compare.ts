/**
 * Runs one program under several multiplier methods and once in fp64, and gathers cycles, energy,
 * output errors, a unit timeline and the claims table into a CompareReport.
 */
import { estimateEnergy, evaluateClaims, logicAreaFromArch, type CostModel } from '../costmodels/index.js';
import type { ResolvedProgram } from '../isa/ast.js';
import type { ArchConfig } from '../sim/arch/index.js';
import { executeProgram, type TensorResult } from '../sim/exec/index.js';
import type { MethodName } from '../sim/numerics/index.js';
import type { CompareReport, MethodOutcome } from './model.js';
import { BusyCollector } from './timeline.js';

/** Inputs of `runComparison`. */
export interface CompareOptions {
  /** Program file name, shown in reports. */
  readonly file: string;
  readonly program: ResolvedProgram;
  readonly arch: ArchConfig;
  /** Methods in report order. The caller checks beforehand that the machine has their datapaths. */
  readonly methods: readonly MethodName[];
  readonly model: CostModel;
  /** Called after each finished step with the number of steps done and the total. */
  readonly onStep?: (done: number, total: number, label: string) => void;
}

/** Relative errors of the output elements of `hardware` against the fp64 `reference` run. */
export interface OutputErrors {
  /** |x − r| / |r| for each output element with a finite, non-zero reference and a finite value. */
  readonly relErrors: Float64Array;
  readonly zeroReference: number;
  readonly nonFinite: number;
}

/** Runs the comparison. Executor errors, such as a UserError for a fault in the program, pass through. */
export function runComparison(options: CompareOptions): CompareReport {
  const { program, arch, methods, model } = options;
  const totalSteps = methods.length + 2;
  let done = 0;
  const step = (label: string): void => {
    done += 1;
    options.onStep?.(done, totalSteps, label);
  };

  // Every method runs on the same machine, so the same logic leaks: all of its datapaths, whichever one runs.
  const logicArea = logicAreaFromArch(arch, model);

  // The fp64 reference computes without rounding, so the multiplier method does not change it.
  const reference = executeProgram(program, { arch, values: 'reference', fidelity: 'tile' });
  step('fp64 reference');

  const timelineMethod = methods.find((method) => method !== 'exact') ?? methods[0];
  let timeline: CompareReport['timeline'] | undefined;
  const runs: Omit<MethodOutcome, 'savingVsExact'>[] = [];
  let dataRaces: CompareReport['dataRaces'] | undefined;
  for (const method of methods) {
    const collector = method === timelineMethod ? new BusyCollector() : undefined;
    const result = executeProgram(program, { arch, values: 'hardware', fidelity: 'tile', method, trace: collector });
    if (collector) timeline = collector.timeline(method, result.cycles);
    dataRaces ??= { count: result.hazards.count, messages: result.hazards.first.map((hazard) => hazard.message) };

    const energy = estimateEnergy(result.activity(), model, { logicArea });
    const errors = outputErrors(result.tensors, reference.tensors);
    runs.push({
      method,
      cycles: result.cycles,
      macs: result.macs,
      energy,
      energyPj: energy.totalPj,
      pjPerMac: energy.pjPerMac ?? null,
      maxRelError: maxOf(errors.relErrors),
      meanRelError: meanOf(errors.relErrors),
      medianRelError: medianOf(errors.relErrors),
      errorElements: errors.relErrors.length,
      zeroReferenceElements: errors.zeroReference,
      nonFiniteElements: errors.nonFinite,
      relErrors: errors.relErrors,
    });
    step(`method ${method}`);
  }

  const exact = runs.find((run) => run.method === 'exact');
  const outcomes = runs.map((run): MethodOutcome => ({ ...run, savingVsExact: exact ? savingAgainst(run.energyPj, exact.energyPj) : null }));
  const claims = evaluateClaims(model);
  step('claims');

  return {
    program: options.file,
    arch: arch.name,
    node: model.node,
    methods: outcomes,
    timeline: timeline!,
    claims,
    logicArea,
    leakageOmitted: outcomes.some((outcome) => outcome.energy.leakageOmitted),
    dataRaces: dataRaces ?? { count: 0, messages: [] },
  };
}

/** Returns 1 − energy / baseline, or 0 when both are zero. */
function savingAgainst(energyPj: number, baselinePj: number): number {
  if (baselinePj === 0) return energyPj === 0 ? 0 : -Infinity;
  return 1 - energyPj / baselinePj;
}

/** Collects the relative error of every output element, matching tensors by name. */
export function outputErrors(hardware: readonly TensorResult[], reference: readonly TensorResult[]): OutputErrors {
  const errors: number[] = [];
  let zeroReference = 0;
  let nonFinite = 0;
  for (const tensor of hardware) {
    if (!tensor.output || !tensor.values) continue;
    const expected = reference.find((candidate) => candidate.name === tensor.name)?.values;
    if (!expected) continue;
    for (let i = 0; i < tensor.values.length; i++) {
      const x = tensor.values[i];
      const r = expected[i];
      if (!Number.isFinite(r)) continue;
      if (!Number.isFinite(x)) {
        nonFinite += 1;
      } else if (r === 0) {
        zeroReference += 1;
      } else {
        errors.push(Math.abs(x - r) / Math.abs(r));
      }
    }
  }
  return { relErrors: Float64Array.from(errors), zeroReference, nonFinite };
}

function maxOf(values: Float64Array): number {
  let max = 0;
  for (const value of values) max = Math.max(max, value);
  return max;
}

function medianOf(values: Float64Array): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function meanOf(values: Float64Array): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
