/**
 * One sweep point: its stable id, the machine with the point's overrides applied, and the run that
 * measures cycles, energy and (with numerics on) the relative error against an fp64 reference.
 * `runPoint` never throws for a failing point; the failure becomes the record's `error`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
import { UserError } from '../common/errors.js';
import { estimateEnergy, loadCostModel, type CostModel } from '../costmodels/index.js';
import type { ResolvedProgram } from '../isa/ast.js';
import { checkFiles } from '../isa/index.js';
import { archFromYamlText, listPresets } from '../sim/arch/index.js';
import type { ArchConfig } from '../sim/arch/types.js';
import { compareOutputs, executeProgram, targetFromArch } from '../sim/exec/index.js';
import type { MethodName } from '../sim/numerics/index.js';
import { gemmProgram } from './gemm.js';
import { shortHash, SWEEP_PARAMETERS, type PointParameters, type SweepSpec, type Workload } from './spec.js';

/** Technology node priced when a point sets none. */
export const DEFAULT_NODE = '45nm';
/** Operand format of generated GEMMs when a point sets none. */
export const DEFAULT_GEMM_FORMAT = 'e4m3';

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
  readonly cycles?: number;
  readonly macs?: number;
  readonly utilization?: number;
  readonly energyPj?: number;
  readonly pjPerMac?: number;
  /** Largest relative error of any output element against the fp64 reference; numerics on only. */
  readonly maxRelError?: number;
  /** Mean relative error over all output elements with a non-zero reference; numerics on only. */
  readonly meanRelError?: number;
  /** Why the point failed; absent for successful points. */
  readonly error?: string;
  /** Wall time of the point in the worker, milliseconds. */
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

const baseTexts = new Map<string, { text: string; file: string }>();
const costModels = new Map<string, CostModel>();

function baseText(base: string): { text: string; file: string } {
  const cached = baseTexts.get(base);
  if (cached) return cached;
  const preset = path.isAbsolute(base) ? undefined : listPresets().find((candidate) => candidate.name === base);
  if (!path.isAbsolute(base) && !preset) throw new UserError(`base machine '${base}' is neither a preset nor a file`);
  const file = preset ? preset.file : base;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read base machine ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const entry = { text, file };
  baseTexts.set(base, entry);
  return entry;
}

/** Returns the base machine with the point's machine parameters applied. Throws UserError when the result is invalid. */
export function archForPoint(base: string, params: PointParameters): ArchConfig {
  const { text, file } = baseText(base);
  const document = parseDocument(text);
  if (params.rows !== undefined) document.setIn(['core', 'matrix', 'rows'], params.rows);
  if (params.cols !== undefined) document.setIn(['core', 'matrix', 'cols'], params.cols);
  if (params.dataflow !== undefined) document.setIn(['core', 'matrix', 'dataflow'], params.dataflow);
  if (params.scratchpadBytes !== undefined) document.setIn(['core', 'scratchpad', 'capacityBytes'], params.scratchpadBytes);
  if (params.accumulatorBytes !== undefined) document.setIn(['core', 'accumulator', 'capacityBytes'], params.accumulatorBytes);
  if (params.clockMhz !== undefined) document.setIn(['clockMhz'], params.clockMhz);
  if (params.bandwidthGBps !== undefined) {
    document.deleteIn(['memory', 'bandwidthBytesPerCycle']);
    document.setIn(['memory', 'bandwidthGBps'], params.bandwidthGBps);
  }
  if (params.format !== undefined) {
    // The array must accept the operand format the point asks for.
    const formats = document.getIn(['core', 'matrix', 'inputFormats']);
    const list = formats && typeof formats === 'object' && 'toJSON' in formats ? ((formats as { toJSON(): unknown }).toJSON() as unknown[]) : [];
    if (!list.includes(params.format)) document.setIn(['core', 'matrix', 'inputFormats'], [...list, params.format]);
  }
  return archFromYamlText(String(document), file);
}

function programFor(workload: Workload, arch: ArchConfig, format: string): ResolvedProgram {
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

function costModel(node: string): CostModel {
  const cached = costModels.get(node);
  if (cached) return cached;
  const model = loadCostModel(node);
  costModels.set(node, model);
  return model;
}

/** Describes a failure in one line, with the first diagnostic of a UserError. */
function failureMessage(error: unknown): string {
  if (error instanceof UserError) {
    const first = error.diagnostics[0];
    const detail = first ? `: ${first.span ? `${first.span.file}:${first.span.line}: ` : ''}${first.message}` : '';
    return `${error.message}${detail}`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs one point and returns its record; failures are recorded, not thrown. */
export function runPoint(task: PointTask): PointRecord {
  const start = performance.now();
  const common = { id: task.id, sweep: task.sweepHash, index: task.index, params: task.params };
  try {
    if (task.workload.kind === 'program' && task.params.format !== undefined) {
      throw new UserError('format applies only to gemm workloads; a .lasm program sets its own formats');
    }
    const arch = archForPoint(task.base, task.params);
    const program = programFor(task.workload, arch, String(task.params.format ?? DEFAULT_GEMM_FORMAT));
    const method = task.params.method as MethodName | undefined;
    const result = executeProgram(program, { arch, values: task.numerics ? 'hardware' : 'off', fidelity: task.fidelity, method });
    const energy = estimateEnergy(result.activity(), costModel(String(task.params.node ?? DEFAULT_NODE)));

    let errors: { maxRelError: number; meanRelError: number } | undefined;
    if (task.numerics) {
      const reference = executeProgram(program, { arch, values: 'reference', fidelity: 'tile', method });
      const tensorErrors = compareOutputs(result.tensors, reference.tensors);
      const counted = tensorErrors.reduce((sum, tensorError) => sum + tensorError.elements - tensorError.zeroReference, 0);
      const weighted = tensorErrors.reduce((sum, tensorError) => sum + tensorError.meanRelError * (tensorError.elements - tensorError.zeroReference), 0);
      errors = { maxRelError: Math.max(0, ...tensorErrors.map((tensorError) => tensorError.maxRelError)), meanRelError: counted > 0 ? weighted / counted : 0 };
    }
    return {
      ...common,
      status: 'ok',
      cycles: result.cycles,
      macs: result.macs,
      utilization: result.utilization,
      energyPj: energy.totalPj,
      ...(energy.pjPerMac !== undefined ? { pjPerMac: energy.pjPerMac } : {}),
      ...(errors ?? {}),
      wallMs: performance.now() - start,
    };
  } catch (error) {
    return { ...common, status: 'failed', error: failureMessage(error), wallMs: performance.now() - start };
  }
}
