/**
 * Whole-model estimates: runs one generated program per layer kind with values off, scales each by
 * how often a forward pass runs it, prices the activity with a cost model, and decides which
 * resource bounds the run.
 */
import { UserError } from '../../common/errors.js';
import { estimateEnergy, loadCostModel, logicAreaFromArch, REPORT_COMPONENTS } from '../../costmodels/index.js';
import { parseSource, validate, type ResolvedProgram } from '../../isa/index.js';
import type { ArchConfig } from '../../sim/arch/index.js';
import { executeProgram, targetFromArch } from '../../sim/exec/index.js';
import type { MethodName } from '../../sim/numerics/index.js';
import { generateKernels, type KernelKind, type KernelOptions } from './kernels.js';
import type { ModelConfig } from './zoo.js';

/** What bounds a run: the matrix or vector units, off-chip memory bandwidth, or the host link. */
export type Bound = 'compute' | 'memory' | 'host-link';

/** One layer kind under one multiplier method, per run of its program. */
export interface KernelRun {
  readonly kind: KernelKind;
  readonly description: string;
  readonly repeats: number;
  readonly cycles: number;
  readonly macs: number;
  readonly dramBytes: number;
  readonly hostBytes: number;
  /** Largest compute-queue (matrix unit) busy time of any core. */
  readonly matrixBusyCycles: number;
  /** Largest vector-queue busy time of any core. */
  readonly vectorBusyCycles: number;
  readonly energyPj: number;
  readonly energyByComponentPj: Readonly<Record<string, number>>;
}

/** Whole-model figures for one multiplier method. */
export interface MethodEstimate {
  readonly method: MethodName;
  readonly kernels: readonly KernelRun[];
  /** Cycles of one forward pass: the sum over kernels of cycles × repeats. */
  readonly cycles: number;
  readonly seconds: number;
  readonly tokensPerSecond: number;
  readonly bound: Bound;
  /** Busy cycles of each candidate bound over the forward pass; the largest is `bound`. */
  readonly boundCycles: { readonly compute: number; readonly memory: number; readonly hostLink: number };
  readonly energyPerTokenJ: number;
  readonly energyPerTokenByComponentJ: Readonly<Record<string, number>>;
}

export interface ModelEstimate {
  readonly config: ModelConfig;
  readonly options: KernelOptions;
  readonly arch: ArchConfig;
  readonly node: string;
  /** Tokens one forward pass produces (decode) or consumes (prefill). */
  readonly tokensPerPass: number;
  /** Weight bytes one forward pass reads, padding included. */
  readonly weightBytesPerPass: number;
  readonly methods: readonly MethodEstimate[];
}

function checkedProgram(source: string, name: string, arch: ArchConfig): ResolvedProgram {
  const parsed = parseSource(source, name);
  const validated = parsed.ast ? validate(parsed.ast, targetFromArch(arch)) : undefined;
  const errors = [...parsed.diagnostics, ...(validated?.diagnostics ?? [])].filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.length > 0 || !validated?.program) {
    // A generated program that fails validation is a generator bug, not a user mistake.
    throw new Error(`generated program ${name} is invalid: ${errors.map((error) => `${error.span?.line}:${error.span?.column} ${error.message}`).join('; ')}`);
  }
  return validated.program;
}

function maxBusy(units: readonly { unit: string; busyCycles: number }[], unit: string): number {
  let busiest = 0;
  for (const counters of units) if (counters.unit === unit) busiest = Math.max(busiest, counters.busyCycles);
  return busiest;
}

/**
 * Simulates a forward pass of `config` on `arch` for each method: one program per layer kind, run
 * with values off and scaled by its repeat count. Energy comes from the cost model `node` (45nm,
 * 7nm or a YAML file).
 */
export function estimateModel(config: ModelConfig, arch: ArchConfig, options: KernelOptions, methods: readonly MethodName[], node: string): ModelEstimate {
  if (options.weightPlacement === 'host' && !arch.hostLink) {
    throw new UserError(`machine '${arch.name}' has no host link, so weights cannot stay in host memory; use --weights-in dram`);
  }
  const kernels = generateKernels(config, arch, options);
  const programs = kernels.map((kernel) => checkedProgram(kernel.source, `${config.name}-${kernel.kind}.lasm`, arch));
  const costModel = loadCostModel(node);
  const logicArea = logicAreaFromArch(arch, costModel);
  const tokensPerPass = options.phase === 'decode' ? options.batch : options.batch * options.seqTokens;
  const weightBytesPerPass = kernels.reduce((sum, kernel) => sum + kernel.weightBytes * kernel.repeats, 0);

  const estimates = methods.map((method): MethodEstimate => {
    const runs = kernels.map((kernel, index): KernelRun => {
      const result = executeProgram(programs[index], { arch, values: 'off', method });
      const energy = estimateEnergy(result.activity(), costModel, { logicArea });
      const bytesOf = (name: string): number => result.counters.memories.filter((memory) => memory.name === name).reduce((sum, memory) => sum + memory.readBytes + memory.writeBytes, 0);
      return {
        kind: kernel.kind,
        description: kernel.description,
        repeats: kernel.repeats,
        cycles: result.cycles,
        macs: result.macs,
        dramBytes: bytesOf('dram'),
        hostBytes: bytesOf('host'),
        matrixBusyCycles: maxBusy(result.counters.units, 'compute'),
        vectorBusyCycles: maxBusy(result.counters.units, 'vector'),
        energyPj: energy.totalPj,
        energyByComponentPj: energy.byGroup,
      };
    });

    const total = (value: (run: KernelRun) => number): number => runs.reduce((sum, run) => sum + value(run) * run.repeats, 0);
    const cycles = total((run) => run.cycles);
    const seconds = cycles / (arch.clockMhz * 1e6);
    const boundCycles = {
      compute: total((run) => Math.max(run.matrixBusyCycles, run.vectorBusyCycles)),
      memory: total((run) => run.dramBytes) / arch.memory.bandwidthBytesPerCycle,
      hostLink: arch.hostLink ? total((run) => run.hostBytes) / arch.hostLink.bandwidthBytesPerCycle : 0,
    };
    const candidates: Array<[Bound, number]> = [
      ['compute', boundCycles.compute],
      ['memory', boundCycles.memory],
      ['host-link', boundCycles.hostLink],
    ];
    const bound = candidates.reduce((best, candidate) => (candidate[1] > best[1] ? candidate : best))[0];
    const byComponent: Record<string, number> = {};
    for (const component of REPORT_COMPONENTS) byComponent[component] = (total((run) => run.energyByComponentPj[component] ?? 0) * 1e-12) / tokensPerPass;

    return {
      method,
      kernels: runs,
      cycles,
      seconds,
      tokensPerSecond: tokensPerPass / seconds,
      bound,
      boundCycles,
      energyPerTokenJ: (total((run) => run.energyPj) * 1e-12) / tokensPerPass,
      energyPerTokenByComponentJ: byComponent,
    };
  });
  return { config, options, arch, node, tokensPerPass, weightBytesPerPass, methods: estimates };
}
