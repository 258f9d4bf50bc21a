/**
 * A sweep point with a language-model workload: the whole-model estimate of `lmulsim model` for one
 * multiplier method on the point's machine. Cycles and energy are summed over one forward pass, so
 * that they sit on the same Pareto front as the other points of the sweep.
 */
import { UserError } from '../common/errors.js';
import type { ArchConfig } from '../sim/arch/types.js';
import type { MethodName } from '../sim/numerics/index.js';
import { estimateModel, findModel, sampleNumerics } from '../workloads/llm/index.js';
import type { PointMeasurements } from './point.js';
import type { ModelWorkload } from './spec.js';

/** The multiplier the generated model programs name; a point without `method` runs it. */
const PROGRAM_METHOD: MethodName = 'exact';

export interface ModelPointOptions {
  readonly method?: MethodName;
  /** Cost model of the energy estimate: 45nm, 7nm or a YAML file. */
  readonly node: string;
  /** Operand format from the point's `format` parameter; replaces the workload's weight format. */
  readonly format?: string;
  /** With numerics on, one output tile is computed bit-exactly and compared with fp64. */
  readonly numerics: boolean;
}

/** Checks that `arch` accepts the weight format and has the memory the weights are placed in, as `lmulsim model` does. */
function checkPlacement(workload: ModelWorkload, arch: ArchConfig, weightFormat: string): void {
  if (!arch.core.matrix.inputFormats.includes(weightFormat)) {
    throw new UserError(`machine '${arch.name}' does not accept weight format ${weightFormat} (input formats: ${arch.core.matrix.inputFormats.join(', ')}); set weightFormat or add a format parameter`);
  }
  if (workload.weightsIn === 'hbm' && !arch.memory.kind.startsWith('hbm')) {
    throw new UserError(`weightsIn hbm needs HBM, but machine '${arch.name}' has ${arch.memory.kind} memory; use weightsIn: dram`);
  }
  if (workload.weightsIn === 'host' && !arch.hostLink) {
    throw new UserError(`weightsIn host needs a host link, but machine '${arch.name}' has none; use weightsIn: dram`);
  }
}

/**
 * Estimates one forward pass (a prefill, or one decode step for the whole batch) of the workload's
 * model. Cycles, MACs and energy cover the pass; tokens per second, energy per token and the bound
 * are those `lmulsim model` prints. Throws UserError when the machine cannot run the workload.
 */
export function runModelPoint(workload: ModelWorkload, arch: ArchConfig, options: ModelPointOptions): PointMeasurements {
  const config = findModel(workload.name);
  const weightFormat = options.format ?? workload.weightFormat;
  checkPlacement(workload, arch, weightFormat);
  const method = options.method ?? PROGRAM_METHOD;
  const kernelOptions = {
    phase: workload.phase,
    seqTokens: workload.seqTokens,
    batch: workload.batch,
    weightFormat,
    weightPlacement: workload.weightsIn === 'host' ? ('host' as const) : ('dram' as const),
  };

  const estimate = estimateModel(config, arch, kernelOptions, [method], options.node);
  const [figures] = estimate.methods;
  const macs = figures.kernels.reduce((sum, kernel) => sum + kernel.macs * kernel.repeats, 0);
  const energyPj = figures.kernels.reduce((sum, kernel) => sum + kernel.energyPj * kernel.repeats, 0);
  const peakMacs = figures.cycles * arch.core.matrix.rows * arch.core.matrix.cols * arch.coreCount;

  let errors: { maxRelError: number; meanRelError: number } | undefined;
  if (options.numerics) {
    const [sample] = sampleNumerics(config, arch, weightFormat, [method]);
    errors = { maxRelError: sample.maxRelError, meanRelError: sample.meanRelError };
  }
  return {
    cycles: figures.cycles,
    macs,
    utilization: peakMacs > 0 ? macs / peakMacs : 0,
    energyPj,
    ...(macs > 0 ? { pjPerMac: energyPj / macs } : {}),
    tokensPerPass: estimate.tokensPerPass,
    tokensPerSecond: figures.tokensPerSecond,
    energyPerTokenJ: figures.energyPerTokenJ,
    bound: figures.bound,
    ...(errors ?? {}),
  };
}
