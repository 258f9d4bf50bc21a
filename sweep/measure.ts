/**
 * Runs a sweep point of a program or gemm workload up to its energy: the machine, the checked
 * program, the run and, with numerics on, the errors against an fp64 reference run. Pricing the
 * activity needs the cost models, which load mathjs (about a second), so it happens in
 * `pricePoint` (point.ts) on the main thread. This module and its imports are what a worker thread
 * loads, and none of them loads the cost models.
 */
import { performance } from 'node:perf_hooks';
import { UserError } from '../common/errors.js';
import type { RunActivity } from '../costmodels/activity.js';
import type { ResolvedProgram } from '../isa/ast.js';
import { checkFiles } from '../isa/index.js';
import type { ArchConfig } from '../sim/arch/types.js';
import { compareOutputs, executeProgram, targetFromArch } from '../sim/exec/index.js';
import type { MethodName } from '../sim/numerics/index.js';
import { gemmProgram } from './gemm.js';
import { archForPoint, LruCache } from './machine.js';
import type { PointRecord, PointTask } from './point.js';
import type { GemmWorkload, ProgramWorkload } from './spec.js';

/** Operand format of generated GEMMs when a point sets none. */
export const DEFAULT_GEMM_FORMAT = 'e4m3';

/** A point measured up to its energy. */
export interface UnpricedPoint {
  /** The record without `energyPj` and `pjPerMac`; the record of a failed point is complete. */
  readonly record: PointRecord;
  /** Activity of a successful run, which `pricePoint` turns into energy. */
  readonly activity?: RunActivity;
  /** Machine of a successful run, whose logic area `pricePoint` charges leakage for. */
  readonly arch?: ArchConfig;
}

/** Checked programs kept per thread; a program depends on the workload, its format and the machine's limits. */
const PROGRAM_CACHE_ENTRIES = 64;
const programs = new LruCache<string, ResolvedProgram>(PROGRAM_CACHE_ENTRIES);

/** Checks the program of a program or gemm workload; throws UserError with its first error. */
function checkedProgram(workload: GemmWorkload | ProgramWorkload, arch: ArchConfig, format: string): ResolvedProgram {
  const target = targetFromArch(arch);
  const [checked] =
    workload.kind === 'program'
      ? checkFiles([workload.file], target)
      : checkFiles([`gemm-${workload.m}x${workload.k}x${workload.n}.lasm`], target, () => gemmProgram(workload, arch, format));
  const errors = checked.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.length > 0 || !checked.program) {
    const first = errors[0];
    const where = first?.span ? `${first.span.file}:${first.span.line}:${first.span.column}: ` : '';
    throw new UserError(`${checked.file}: ${errors.length} error${errors.length === 1 ? '' : 's'}, first: ${where}${first?.message ?? 'unknown'}`);
  }
  return checked.program;
}

/**
 * Returns the checked program of `workload` on `arch`. The key contains everything the program text
 * and its validation read from the machine: the validation limits and the accumulator format.
 */
function programFor(workload: GemmWorkload | ProgramWorkload, arch: ArchConfig, format: string): ResolvedProgram {
  const key = JSON.stringify([workload, format, arch.core.matrix.accumulatorFormat, targetFromArch(arch)]);
  const cached = programs.get(key);
  if (cached) return cached;
  const program = checkedProgram(workload, arch, format);
  programs.set(key, program);
  return program;
}

/** Describes a failure in one line, with the first diagnostic of a UserError. */
export function failureMessage(error: unknown): string {
  if (error instanceof UserError) {
    const first = error.diagnostics[0];
    const detail = first ? `: ${first.span ? `${first.span.file}:${first.span.line}: ` : ''}${first.message}` : '';
    return `${error.message}${detail}`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Runs a program or gemm point once, and with numerics on once more with fp64 reference values.
 * Failures become a failed record, not an exception.
 */
export function measurePoint(task: PointTask): UnpricedPoint {
  const start = performance.now();
  const common = { id: task.id, sweep: task.sweepHash, index: task.index, params: task.params };
  try {
    if (task.workload.kind === 'model') throw new Error('measurePoint runs program and gemm workloads; model workloads go to runModelPoint');
    if (task.workload.kind === 'program' && task.params.format !== undefined) {
      throw new UserError('format applies only to gemm and model workloads; a .lasm program sets its own formats');
    }
    const arch = archForPoint(task.base, task.params);
    const method = task.params.method as MethodName | undefined;
    const program = programFor(task.workload, arch, String(task.params.format ?? DEFAULT_GEMM_FORMAT));
    const result = executeProgram(program, { arch, values: task.numerics ? 'hardware' : 'off', fidelity: task.fidelity, method });

    let errors: { maxRelError: number; meanRelError: number } | undefined;
    if (task.numerics) {
      const reference = executeProgram(program, { arch, values: 'reference', fidelity: 'tile', method });
      const tensorErrors = compareOutputs(result.tensors, reference.tensors);
      const counted = tensorErrors.reduce((sum, tensorError) => sum + tensorError.elements - tensorError.zeroReference, 0);
      const weighted = tensorErrors.reduce((sum, tensorError) => sum + tensorError.meanRelError * (tensorError.elements - tensorError.zeroReference), 0);
      errors = { maxRelError: Math.max(0, ...tensorErrors.map((tensorError) => tensorError.maxRelError)), meanRelError: counted > 0 ? weighted / counted : 0 };
    }
    const record: PointRecord = {
      ...common,
      status: 'ok',
      cycles: result.cycles,
      macs: result.macs,
      utilization: result.utilization,
      ...(errors ?? {}),
      wallMs: performance.now() - start,
    };
    return { record, activity: result.activity(), arch };
  } catch (error) {
    return { record: { ...common, status: 'failed', error: failureMessage(error), wallMs: performance.now() - start } };
  }
}
