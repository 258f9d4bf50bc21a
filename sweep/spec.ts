/**
 * Sweep files: YAML that names a base machine, the workloads (programs, generated GEMMs or language
 * models), and a grid (cartesian product) or a list of points over machine and run parameters. `loadSweepFile` validates the whole file and
 * reports every problem as a positioned diagnostic; a sweep with problems throws one UserError
 * with exit status 2.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { closestMatch, type Diagnostic } from '../common/diagnostic.js';
import { EXIT_INVALID_INPUT, UserError } from '../common/errors.js';
import { describeFileSystemError } from '../common/file-system.js';
import { loadCostModel, SHIPPED_NODES, suggestNode } from '../costmodels/index.js';
import { listPresets, parseSizeBytes } from '../sim/arch/index.js';
import { DATAFLOWS, type Dataflow } from '../sim/arch/types.js';
import { parseYamlSource, type KeyPath } from '../sim/arch/yaml-source.js';
import { METHOD_NAMES, tryParseFormat, type MethodName } from '../sim/numerics/index.js';
import { PHASES, type Phase } from '../workloads/llm/kernels.js';
import { MODEL_ZOO } from '../workloads/llm/zoo.js';
import { archForPoint } from './machine.js';

/** Sweepable parameters, in the order they appear in point ids and tables. */
export const SWEEP_PARAMETERS = ['workload', 'rows', 'cols', 'dataflow', 'method', 'format', 'scratchpadBytes', 'accumulatorBytes', 'bandwidthGBps', 'clockMhz', 'node'] as const;
export type SweepParameter = (typeof SWEEP_PARAMETERS)[number];

/** One value per parameter; parameters a point does not set keep the base machine's value. */
export type PointParameters = Partial<Record<SweepParameter, string | number>>;

/** A generated tiled GEMM, C[M×N] = A[M×K] · B[K×N]. */
export interface GemmWorkload {
  readonly kind: 'gemm';
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** A `.lasm` program file; the path is absolute. */
export interface ProgramWorkload {
  readonly kind: 'program';
  readonly file: string;
}

/** Where a model's weights live, as `lmulsim model --weights-in` takes it. */
export const WEIGHT_LOCATIONS = ['hbm', 'dram', 'host'] as const;
export type WeightLocation = (typeof WEIGHT_LOCATIONS)[number];

/**
 * A language model from the zoo of `lmulsim model`: one prefill or one decode step, simulated as one
 * generated program per layer kind and scaled by the layer count.
 */
export interface ModelWorkload {
  readonly kind: 'model';
  /** Zoo name, lower case, such as llama-2-7b. */
  readonly name: string;
  readonly phase: Phase;
  /** Prefill: prompt length. Decode: context length, the new token included. In tokens. */
  readonly seqTokens: number;
  readonly batch: number;
  readonly weightsIn: WeightLocation;
  /** Format of weights, KV cache and matmul operands; a point's `format` replaces it. */
  readonly weightFormat: string;
}

export type Workload = GemmWorkload | ProgramWorkload | ModelWorkload;

/** Defaults of a model workload; they are those of `lmulsim model`. */
export const MODEL_DEFAULTS = { phase: 'decode', seqTokens: 1024, batch: 1, weightsIn: 'dram', weightFormat: 'e4m3' } as const;
/** Largest batch of a model workload, as for `lmulsim model --batch`. */
export const MAX_MODEL_BATCH = 4096;
const MODEL_KEYS = ['name', 'phase', 'seq', 'batch', 'weightsIn', 'weightFormat'] as const;

/** A validated sweep file. */
export interface SweepSpec {
  readonly file: string;
  /** Hash of the file's text, which identifies the sweep in every output line. */
  readonly sweepHash: string;
  /** Base machine: a preset name or an absolute YAML path. */
  readonly base: string;
  readonly numerics: boolean;
  readonly fidelity: 'tile' | 'pe';
  readonly workloads: ReadonlyMap<string, Workload>;
  /** Points in order: the grid's product first (last key varying fastest), then the listed points. */
  readonly points: readonly PointParameters[];
}

/** Largest number of points a sweep may expand to, so that a typo in a grid cannot exhaust memory. */
export const MAX_POINTS = 1_000_000;

const TOP_LEVEL_KEYS = ['base', 'numerics', 'fidelity', 'workloads', 'grid', 'points', 'description'] as const;
const SHORT_DATAFLOWS: Readonly<Record<string, Dataflow>> = { ws: 'weight-stationary', os: 'output-stationary', is: 'input-stationary' };

/** Returns the first 16 hex digits of the SHA-256 of `text`. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Reads and validates a sweep file. Throws UserError (exit 2) with every diagnostic found. */
export function loadSweepFile(file: string): SweepSpec {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new UserError(`cannot read sweep file ${file}: it is a directory`, EXIT_INVALID_INPUT);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UserError(`cannot read sweep file ${file}: ${reason}`, EXIT_INVALID_INPUT);
  }
  return sweepFromYamlText(text, file);
}

/** Validates sweep-file text; `file` names it in diagnostics and anchors relative paths. */
export function sweepFromYamlText(text: string, file: string): SweepSpec {
  const source = parseYamlSource(text, file);
  nodeProblems.clear();
  const diagnostics: Diagnostic[] = [];
  const fail = (): never => {
    const count = diagnostics.length === 1 ? '1 error' : `${diagnostics.length} errors`;
    throw new UserError(`invalid sweep file ${file} (${count})`, EXIT_INVALID_INPUT, diagnostics, new Map([[file, text]]));
  };
  if (source.syntaxErrors.length > 0) {
    diagnostics.push(source.syntaxErrors[0]);
    fail();
  }

  const data: unknown = source.document.toJS();
  if (!isRecord(data)) {
    diagnostics.push({ severity: 'error', message: 'a sweep file must be a YAML mapping with the keys base, workloads and grid or points', span: { file, line: 1, column: 1 } });
    fail();
  }
  const root = data as Record<string, unknown>;
  const report = (pathInFile: KeyPath, target: 'key' | 'value', message: string, hint?: string): void => {
    diagnostics.push({ severity: 'error', message, span: source.spanOf(pathInFile, target), ...(hint ? { hint } : {}) });
  };
  checkKeys(root, [], TOP_LEVEL_KEYS, report);

  const directory = path.dirname(path.resolve(file));
  const base = parseBase(root.base, directory, report);
  if (root.base === undefined || typeof root.base === 'string') checkBaseLoads(base, root.base === undefined ? [] : ['base'], report);
  const numerics = parseSwitch(root.numerics, ['numerics'], report);
  let fidelity: 'tile' | 'pe' = 'tile';
  if (root.fidelity === 'tile' || root.fidelity === 'pe') fidelity = root.fidelity;
  else if (root.fidelity !== undefined) report(['fidelity'], 'value', `invalid fidelity '${String(root.fidelity)}': expected tile or pe`);
  const workloads = parseWorkloads(root.workloads, directory, report);
  const modelWorkload = [...workloads.entries()].find(([, workload]) => workload.kind === 'model');
  if (fidelity === 'pe' && modelWorkload) {
    report(['fidelity'], 'value', `fidelity pe is not available for model workloads such as '${modelWorkload[0]}': the whole-model estimate runs at tile fidelity; use fidelity: tile or a separate sweep file`);
  }

  if (root.grid === undefined && root.points === undefined) report([], 'key', 'a sweep needs a grid, a list of points, or both');
  const gridPoints = root.grid === undefined ? [] : expandGrid(root.grid, workloads, report);
  const listedPoints = root.points === undefined ? [] : parsePointList(root.points, workloads, report);
  if (diagnostics.length > 0) fail();

  const points = [...gridPoints, ...listedPoints];
  if (points.length === 0) {
    report([], 'key', 'the sweep has no points');
    fail();
  }
  return { file, sweepHash: shortHash(text), base, numerics, fidelity, workloads, points };
}

type Reporter = (pathInFile: KeyPath, target: 'key' | 'value', message: string, hint?: string) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkKeys(record: Record<string, unknown>, at: KeyPath, allowed: readonly string[], report: Reporter): void {
  for (const key of Object.keys(record)) {
    if (allowed.includes(key)) continue;
    const suggestion = closestMatch(key, allowed);
    report([...at, key], 'key', `unknown key '${key}'`, suggestion ? `did you mean '${suggestion}'?` : `expected one of ${allowed.join(', ')}`);
  }
}

function parseBase(value: unknown, directory: string, report: Reporter): string {
  if (value === undefined) return 'edge-npu';
  if (typeof value !== 'string' || value.trim() === '') {
    report(['base'], 'value', 'base must be a preset name or a machine-description YAML file');
    return 'edge-npu';
  }
  const looksLikePath = /[\\/]/.test(value) || /\.ya?ml$/i.test(value);
  return looksLikePath ? path.resolve(directory, value) : value;
}

/** Reports a base machine that is neither a preset nor a valid machine file. */
function checkBaseLoads(base: string, at: KeyPath, report: Reporter): void {
  const target = at.length === 0 ? 'key' : 'value';
  if (!path.isAbsolute(base)) {
    const presets = listPresets().map((preset) => preset.name);
    if (presets.includes(base)) return;
    const suggestion = closestMatch(base, presets);
    report(at, target, `unknown base machine '${base}': expected a preset name or a machine-description YAML file`, suggestion ? `did you mean '${suggestion}'?` : `presets: ${presets.join(', ')}`);
    return;
  }
  try {
    archForPoint(base, {});
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    report(at, target, `base machine ${base} does not load: ${error.message}`, 'run lmulsim check on the file to see every problem in it');
  }
}

function parseSwitch(value: unknown, at: KeyPath, report: Reporter): boolean {
  if (value === undefined) return false;
  if (value === true || value === 'on') return true;
  if (value === false || value === 'off') return false;
  report(at, 'value', `invalid value '${String(value)}' for ${at.join('.')}: expected on or off`);
  return false;
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? value : undefined;
}

const WORKLOAD_FORMS = '{ program: FILE }, { gemm: { m, k, n } } or { model: NAME | { name, phase, seq, batch, weightsIn, weightFormat } }';

function parseWorkloads(value: unknown, directory: string, report: Reporter): Map<string, Workload> {
  const workloads = new Map<string, Workload>();
  if (value === undefined) {
    report([], 'key', 'missing key workloads: name at least one program, gemm or model workload');
    return workloads;
  }
  if (!isRecord(value)) {
    report(['workloads'], 'value', `workloads must be a mapping from names to ${WORKLOAD_FORMS}`);
    return workloads;
  }
  for (const [name, entry] of Object.entries(value)) {
    const at = ['workloads', name];
    if (!isRecord(entry)) {
      report(at, 'value', `workload '${name}' must be ${WORKLOAD_FORMS}`);
      continue;
    }
    checkKeys(entry, at, ['program', 'gemm', 'model'], report);
    const kinds = ['program', 'gemm', 'model'].filter((kind) => entry[kind] !== undefined);
    if (kinds.length !== 1) {
      report(at, 'key', `workload '${name}' needs exactly one of program, gemm and model`);
      continue;
    }
    const workload = entry.program !== undefined ? parseProgram(entry.program, at, directory, report) : entry.gemm !== undefined ? parseGemm(entry.gemm, at, report) : parseModel(entry.model, at, report);
    if (workload) workloads.set(name, workload);
  }
  return workloads;
}

function parseProgram(value: unknown, at: KeyPath, directory: string, report: Reporter): ProgramWorkload | undefined {
  if (typeof value !== 'string' || !value.endsWith('.lasm')) {
    report([...at, 'program'], 'value', `invalid program '${String(value)}': expected a .lasm file path`);
    return undefined;
  }
  const file = path.resolve(directory, value);
  const problem = unreadableReason(file);
  if (problem !== undefined) {
    report([...at, 'program'], 'value', `cannot read program ${file}: ${problem}`, 'program paths are relative to the sweep file');
    return undefined;
  }
  return { kind: 'program', file };
}

/** Returns why `file` cannot be read as a file, or undefined when it can. */
function unreadableReason(file: string): string | undefined {
  try {
    if (statSync(file).isDirectory()) return 'it is a directory';
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (error) {
    return describeFileSystemError(error);
  }
}

function parseGemm(gemm: unknown, at: KeyPath, report: Reporter): GemmWorkload | undefined {
  if (!isRecord(gemm)) {
    report([...at, 'gemm'], 'value', 'gemm must be a mapping { m, k, n } of positive integers');
    return undefined;
  }
  checkKeys(gemm, [...at, 'gemm'], ['m', 'k', 'n'], report);
  const sizes: number[] = [];
  for (const dimension of ['m', 'k', 'n'] as const) {
    const size = positiveInteger(gemm[dimension]);
    if (size === undefined || size > 65536) report([...at, 'gemm', dimension], gemm[dimension] === undefined ? 'key' : 'value', `gemm ${dimension} must be an integer from 1 to 65536, got ${String(gemm[dimension])}`);
    sizes.push(size ?? 1);
  }
  return { kind: 'gemm', m: sizes[0], k: sizes[1], n: sizes[2] };
}

/**
 * Checks a model workload: a zoo name, or a mapping with the name and the options of `lmulsim model`
 * (phase, seq, batch, weightsIn, weightFormat). The sequence length is checked against the model's
 * context; whether the machine has HBM or a host link is checked when the point runs.
 */
function parseModel(value: unknown, at: KeyPath, report: Reporter): ModelWorkload | undefined {
  const modelAt = [...at, 'model'];
  const entry: Record<string, unknown> = typeof value === 'string' ? { name: value } : isRecord(value) ? value : {};
  if (typeof value !== 'string' && !isRecord(value)) {
    report(modelAt, 'value', 'model must be a model name or a mapping { name, phase, seq, batch, weightsIn, weightFormat }');
    return undefined;
  }
  if (isRecord(value)) checkKeys(value, modelAt, MODEL_KEYS, report);
  const nameAt = typeof value === 'string' ? modelAt : [...modelAt, 'name'];
  const names = MODEL_ZOO.map((model) => model.name);

  if (entry.name === undefined) {
    report(modelAt, 'value', `model needs a name: one of ${names.join(', ')}`);
    return undefined;
  }
  const requested = String(entry.name).trim().toLowerCase();
  const config = MODEL_ZOO.find((model) => model.name === requested);
  if (!config) {
    // A name that extends what was typed ('mistral' for 'mistral-7b') is a suggestion too.
    const suggestion = closestMatch(requested, names) ?? (requested === '' ? undefined : names.find((candidate) => candidate.startsWith(requested)));
    report(nameAt, 'value', `unknown model '${String(entry.name)}'`, suggestion ? `did you mean '${suggestion}'? Known models: ${names.join(', ')}` : `known models: ${names.join(', ')}`);
    return undefined;
  }

  let problems = 0;
  const bad = (pathInFile: KeyPath, message: string): undefined => {
    problems++;
    report(pathInFile, 'value', message);
    return undefined;
  };

  let phase: Phase | undefined = MODEL_DEFAULTS.phase;
  if (entry.phase !== undefined) {
    phase = (PHASES as readonly unknown[]).includes(entry.phase) ? (entry.phase as Phase) : bad([...modelAt, 'phase'], `invalid phase '${String(entry.phase)}': expected ${PHASES.join(' or ')}`);
  }
  if (phase === 'decode' && config.encoderOnly) {
    bad(entry.phase === undefined ? nameAt : [...modelAt, 'phase'], `${config.name} is an encoder-only model and has no decode phase; use phase: prefill`);
  }

  const seqTokens = entry.seq === undefined ? Math.min(MODEL_DEFAULTS.seqTokens, config.maxContextTokens) : positiveInteger(entry.seq);
  if (seqTokens === undefined || seqTokens > config.maxContextTokens) {
    bad([...modelAt, 'seq'], `invalid seq '${String(entry.seq)}': expected an integer from 1 to ${config.maxContextTokens} tokens, the context of ${config.name}`);
  }
  const batch = entry.batch === undefined ? MODEL_DEFAULTS.batch : positiveInteger(entry.batch);
  if (batch === undefined || batch > MAX_MODEL_BATCH) bad([...modelAt, 'batch'], `invalid batch '${String(entry.batch)}': expected an integer from 1 to ${MAX_MODEL_BATCH} sequences`);

  let weightsIn: WeightLocation | undefined = MODEL_DEFAULTS.weightsIn;
  if (entry.weightsIn !== undefined) {
    weightsIn = (WEIGHT_LOCATIONS as readonly unknown[]).includes(entry.weightsIn) ? (entry.weightsIn as WeightLocation) : bad([...modelAt, 'weightsIn'], `invalid weightsIn '${String(entry.weightsIn)}': expected ${WEIGHT_LOCATIONS.join(', ')}`);
  }
  let format: string | undefined = MODEL_DEFAULTS.weightFormat;
  if (entry.weightFormat !== undefined) format = typeof entry.weightFormat === 'string' ? tryParseFormat(entry.weightFormat.trim().toLowerCase())?.name : undefined;
  if (format === undefined) bad([...modelAt, 'weightFormat'], `invalid weightFormat '${String(entry.weightFormat)}': expected a format name such as e4m3, e5m2, bf16 or fp16`);

  if (problems > 0 || phase === undefined || seqTokens === undefined || batch === undefined || weightsIn === undefined || format === undefined) return undefined;
  return { kind: 'model', name: config.name, phase, seqTokens, batch, weightsIn, weightFormat: format };
}

/**
 * Checks one parameter value and returns its canonical form (sizes in bytes, long dataflow names),
 * or undefined after reporting the problem.
 */
function parseParameter(name: SweepParameter, value: unknown, at: KeyPath, workloads: ReadonlyMap<string, Workload>, report: Reporter): string | number | undefined {
  const bad = (expected: string, candidates: readonly string[] = []): undefined => {
    const suggestion = typeof value === 'string' ? closestMatch(value, candidates) : undefined;
    report(at, 'value', `invalid ${name} '${String(value)}': expected ${expected}`, suggestion ? `did you mean '${suggestion}'?` : undefined);
    return undefined;
  };
  switch (name) {
    case 'workload': {
      if (typeof value === 'string' && workloads.has(value)) return value;
      const suggestion = typeof value === 'string' ? closestMatch(value, workloads.keys()) : undefined;
      report(at, 'value', `unknown workload '${String(value)}'`, suggestion ? `did you mean '${suggestion}'?` : `workloads: ${[...workloads.keys()].join(', ') || '(none)'}`);
      return undefined;
    }
    case 'rows':
    case 'cols':
      return positiveInteger(value) !== undefined && (value as number) <= 4096 ? (value as number) : bad('an integer from 1 to 4096');
    case 'clockMhz':
      return typeof value === 'number' && value > 0 && Number.isFinite(value) ? value : bad('a positive number of MHz');
    case 'bandwidthGBps':
      return typeof value === 'number' && value > 0 && Number.isFinite(value) ? value : bad('a positive number of GB/s');
    case 'dataflow': {
      if (typeof value !== 'string') return bad(`one of ${DATAFLOWS.join(', ')} or ws, os, is`);
      const long = SHORT_DATAFLOWS[value] ?? (DATAFLOWS as readonly string[]).find((candidate) => candidate === value);
      return long ?? bad(`one of ${DATAFLOWS.join(', ')} or ws, os, is`, DATAFLOWS);
    }
    case 'method':
      return typeof value === 'string' && (METHOD_NAMES as readonly string[]).includes(value) ? (value as MethodName) : bad(`one of ${METHOD_NAMES.join(', ')}`, METHOD_NAMES);
    case 'format':
      return typeof value === 'string' && tryParseFormat(value) !== undefined ? value : bad('a format name such as e4m3, e5m2, bf16, fp16 or fp32');
    case 'scratchpadBytes':
    case 'accumulatorBytes': {
      if (typeof value === 'number') return positiveInteger(value) ?? bad('a positive number of bytes or a size such as 256 KiB');
      if (typeof value !== 'string') return bad('a positive number of bytes or a size such as 256 KiB');
      const bytes = parseSizeBytes(value);
      return typeof bytes === 'number' ? bytes : bad('a size such as 256 KiB, 1 MiB or 65536');
    }
    case 'node': {
      if (typeof value !== 'string' || value.trim() === '') return bad(`${SHIPPED_NODES.join(', ')} or a cost-model YAML file`);
      const problem = nodeProblem(value);
      if (problem === undefined) return value;
      const looksLikeFile = /[/\\]|\.ya?ml$/i.test(value);
      const suggestion = looksLikeFile ? undefined : suggestNode(value);
      report(at, 'value', looksLikeFile ? problem : `unknown node '${value}': expected ${SHIPPED_NODES.join(', ')} or a cost-model YAML file`, suggestion ? `did you mean '${suggestion}'?` : undefined);
      return undefined;
    }
  }
}

const nodeProblems = new Map<string, string | undefined>();

/**
 * Loads the cost model of a node name or file once per value and sweep file, and returns why it fails, or undefined
 * when it loads. A file path is relative to the working directory, as points load it.
 */
function nodeProblem(node: string): string | undefined {
  if (nodeProblems.has(node)) return nodeProblems.get(node);
  let problem: string | undefined;
  try {
    loadCostModel(node);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    problem = error.message;
  }
  nodeProblems.set(node, problem);
  return problem;
}

function isSweepParameter(key: string): key is SweepParameter {
  return (SWEEP_PARAMETERS as readonly string[]).includes(key);
}

function expandGrid(grid: unknown, workloads: ReadonlyMap<string, Workload>, report: Reporter): PointParameters[] {
  if (!isRecord(grid)) {
    report(['grid'], 'value', 'grid must be a mapping from parameter names to lists of values');
    return [];
  }
  checkKeys(grid, ['grid'], SWEEP_PARAMETERS, report);
  const axes: [SweepParameter, (string | number)[]][] = [];
  for (const [key, values] of Object.entries(grid)) {
    if (!isSweepParameter(key)) continue;
    const list = Array.isArray(values) ? values : [values];
    if (list.length === 0) {
      report(['grid', key], 'value', `grid ${key} has no values`);
      continue;
    }
    const parsed: (string | number)[] = [];
    list.forEach((value, index) => {
      const at = Array.isArray(values) ? ['grid', key, index] : ['grid', key];
      const canonical = parseParameter(key, value, at, workloads, report);
      if (canonical !== undefined) parsed.push(canonical);
    });
    axes.push([key, parsed]);
  }

  const total = axes.reduce((product, [, values]) => product * Math.max(1, values.length), 1);
  if (total > MAX_POINTS) {
    report(['grid'], 'key', `the grid expands to ${total} points; the limit is ${MAX_POINTS}`);
    return [];
  }
  if (axes.length > 0 && !axes.some(([key]) => key === 'workload') && workloads.size > 1) {
    report(['grid'], 'key', 'the grid has no workload axis, so the sweep file must define exactly one workload');
  }

  // Cartesian product with the last axis varying fastest.
  let points: PointParameters[] = [{}];
  for (const [key, values] of axes) {
    const next: PointParameters[] = [];
    for (const point of points) for (const value of values) next.push({ ...point, [key]: value });
    points = next;
  }
  return fillDefaultWorkload(points, workloads);
}

function parsePointList(value: unknown, workloads: ReadonlyMap<string, Workload>, report: Reporter): PointParameters[] {
  if (!Array.isArray(value)) {
    report(['points'], 'value', 'points must be a list of mappings from parameter names to values');
    return [];
  }
  const points: PointParameters[] = [];
  value.forEach((entry, index) => {
    if (!isRecord(entry)) {
      report(['points', index], 'value', 'each point must be a mapping from parameter names to values');
      return;
    }
    checkKeys(entry, ['points', index], SWEEP_PARAMETERS, report);
    const point: PointParameters = {};
    for (const [key, raw] of Object.entries(entry)) {
      if (!isSweepParameter(key)) continue;
      const canonical = parseParameter(key, raw, ['points', index, key], workloads, report);
      if (canonical !== undefined) point[key] = canonical;
    }
    if (point.workload === undefined && workloads.size > 1) report(['points', index], 'value', 'this point names no workload, and the sweep file defines more than one');
    points.push(point);
  });
  return fillDefaultWorkload(points, workloads);
}

/** Sets the only workload on points that name none. */
function fillDefaultWorkload(points: PointParameters[], workloads: ReadonlyMap<string, Workload>): PointParameters[] {
  if (workloads.size !== 1) return points;
  const only = [...workloads.keys()][0];
  return points.map((point) => (point.workload === undefined ? { workload: only, ...point } : point));
}
