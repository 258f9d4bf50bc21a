/**
 * `lmulsim model NAME`: simulates a language model's forward pass (prefill or one decode step) on a
 * machine. It runs one generated program per layer kind, scales each by the layer count, and prints
 * cycles, tokens per second, energy per token by component, the bound and the L-Mul saving.
 */
import type { Command } from 'commander';
import { UserError } from '../../common/errors.js';
import { loadCostModel } from '../../costmodels/index.js';
import { loadArch, type ArchConfig } from '../../sim/arch/index.js';
import { datapathOf } from '../../sim/exec/index.js';
import { METHOD_NAMES, tryParseFormat, type MethodName } from '../../sim/numerics/index.js';
import { estimateModel, findModel, parameterCount, PHASES, sampleNumerics, type ModelEstimate, type Phase, type SampleError, type WeightPlacement } from '../../workloads/llm/index.js';
import type { CliContext } from '../io.js';
import { didYouMean, parseChoiceList, parseChoiceOption, parseIntegerOption } from '../options.js';

/** Machine used when --arch is not given. */
const DEFAULT_ARCH = 'tpu-v4';
/** Sequence length used when --seq is not given, capped at the model's context. */
const DEFAULT_SEQ_TOKENS = 1024;
const MAX_BATCH = 4096;
const WEIGHT_LOCATIONS = ['hbm', 'dram', 'host'] as const;
const NUMERICS_MODES = ['off', 'sample'] as const;

interface ModelCommandOptions {
  readonly phase: string;
  readonly seq?: string;
  readonly batch: string;
  readonly arch: string;
  readonly methods: string;
  readonly weightsIn: string;
  readonly weightFormat: string;
  readonly numerics: string;
  readonly node: string;
  readonly json: boolean;
}

/** Registers the `model` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  program
    .command('model')
    .description('simulate a language model (prefill or one decode step) on a machine: time, tokens/s, energy per token, bound')
    .argument('<name>', 'model name: gpt2, bert-base, llama-2-7b, llama-2-70b, llama-3.1-8b, mistral-7b')
    .option('--phase <prefill|decode>', 'prefill a prompt or run one decode step with a KV cache', 'decode')
    .option('--seq <tokens>', `prompt length (prefill) or context length including the new token (decode), in tokens (default ${DEFAULT_SEQ_TOKENS}, capped at the model's context)`)
    .option('--batch <sequences>', 'sequences processed together', '1')
    .option('-a, --arch <file|preset>', 'machine description: a YAML file or a preset name', DEFAULT_ARCH)
    .option('--methods <list>', 'comma-separated multiplier methods to compare: exact, lmul, lmul-formula, mitchell', 'exact,lmul')
    .option('--weights-in <hbm|dram|host>', 'where the weights live: the machine\'s off-chip memory (hbm or dram, named after its kind) or host memory behind the host link', 'dram')
    .option('--weight-format <format>', 'format of weights, KV cache and matmul operands; must be an input format of the machine\'s matrix unit', 'e4m3')
    .option('--numerics <off|sample>', 'off: cycles and counts only; sample: also compute one output tile with the model\'s inner dimension bit-exactly per method and report its error against fp64', 'off')
    .option('--node <name|file>', 'technology node of the energy estimate: 45nm, 7nm or a cost-model YAML file', '45nm')
    .option('--json', 'print one JSON object instead of tables', false)
    .action((name: string, options: ModelCommandOptions) => modelCommand(context(), name, options));
}

interface ParsedModelOptions {
  readonly phase: Phase;
  readonly seqTokens: number;
  readonly batch: number;
  readonly arch: ArchConfig;
  readonly methods: MethodName[];
  readonly weightPlacement: WeightPlacement;
  readonly weightsIn: string;
  readonly weightFormat: string;
  readonly sample: boolean;
}

function parseWeightsIn(text: string, arch: ArchConfig): { placement: WeightPlacement; label: string } {
  const location = parseChoiceOption('--weights-in', text, WEIGHT_LOCATIONS);
  if (location === 'host') return { placement: 'host', label: `host memory over ${arch.hostLink?.kind ?? 'the host link'}` };
  const hbm = arch.memory.kind.startsWith('hbm');
  if (location === 'hbm' && !hbm) {
    throw new UserError(`invalid value 'hbm' for --weights-in: machine '${arch.name}' has ${arch.memory.kind} memory, not HBM; use --weights-in dram`);
  }
  return { placement: 'dram', label: `${arch.memory.kind} memory` };
}

function parseOptions(options: ModelCommandOptions, maxContextTokens: number): ParsedModelOptions & { weightsLabel: string } {
  const phase = parseChoiceOption('--phase', options.phase, PHASES);
  const seqTokens = options.seq === undefined ? Math.min(DEFAULT_SEQ_TOKENS, maxContextTokens) : parseIntegerOption('--seq', options.seq, 1, maxContextTokens);
  const batch = parseIntegerOption('--batch', options.batch, 1, MAX_BATCH);
  const sample = parseChoiceOption('--numerics', options.numerics, NUMERICS_MODES) === 'sample';
  const methods = parseChoiceList('--methods', options.methods, METHOD_NAMES, 'method', 'merge');

  const arch = loadArch(options.arch);
  for (const method of methods) {
    if (!arch.core.matrix.datapaths.includes(datapathOf(method))) {
      throw new UserError(`machine '${arch.name}' has no ${datapathOf(method)} datapath, so it cannot run method '${method}' (datapaths: ${arch.core.matrix.datapaths.join(', ')}); drop it from --methods or pick another --arch`);
    }
  }
  const format = tryParseFormat(options.weightFormat.trim().toLowerCase());
  if (!format || !arch.core.matrix.inputFormats.includes(format.name)) {
    const accepted = arch.core.matrix.inputFormats;
    throw new UserError(`invalid value '${options.weightFormat}' for --weight-format: machine '${arch.name}' accepts ${accepted.join(', ')}${didYouMean(options.weightFormat, accepted)}`);
  }
  const weights = parseWeightsIn(options.weightsIn, arch);
  if (weights.placement === 'host' && !arch.hostLink) {
    throw new UserError(`invalid value 'host' for --weights-in: machine '${arch.name}' has no host link; use --weights-in dram`);
  }
  // Loaded here only to reject a bad --node before the simulation; estimateModel loads it again.
  loadCostModel(options.node);
  return { phase, seqTokens, batch, arch, methods, weightPlacement: weights.placement, weightsIn: options.weightsIn.trim().toLowerCase(), weightFormat: format.name, weightsLabel: weights.label, sample };
}

async function modelCommand(ctx: CliContext, name: string, options: ModelCommandOptions): Promise<void> {
  const config = findModel(name);
  const parsed = parseOptions(options, config.maxContextTokens);
  if (config.encoderOnly && parsed.phase === 'decode') {
    throw new UserError(`${config.name} is an encoder-only model and has no decode phase; use --phase prefill`);
  }
  const estimate = estimateModel(
    config,
    parsed.arch,
    { phase: parsed.phase, seqTokens: parsed.seqTokens, batch: parsed.batch, weightFormat: parsed.weightFormat, weightPlacement: parsed.weightPlacement },
    parsed.methods,
    options.node,
  );
  const capacityBytes = parsed.weightPlacement === 'host' ? parsed.arch.hostLink?.hostCapacityBytes : parsed.arch.memory.capacityBytes;
  if (capacityBytes !== undefined && estimate.weightBytesPerPass > capacityBytes) {
    // Only one layer of each kind is simulated, so the executor's capacity check covers a fraction of the weights.
    ctx.warn(`the model's weights (${bytesText(estimate.weightBytesPerPass)}) exceed the ${bytesText(capacityBytes)} of ${parsed.weightsLabel} on '${parsed.arch.name}'; the estimate assumes they fit`);
  }
  const samples = parsed.sample ? sampleNumerics(config, parsed.arch, parsed.weightFormat, parsed.methods) : undefined;
  if (options.json) ctx.out(JSON.stringify(estimateJson(estimate, parsed.weightsIn, samples), null, 2));
  else {
    for (const line of formatEstimate(estimate, parsed.weightsLabel)) ctx.out(line);
    if (samples) for (const line of formatSamples(samples)) ctx.out(line);
  }
}

/** Fraction of exact's energy per token that lmul saves, when both were run. */
function lmulSaving(estimate: ModelEstimate): { energyFraction: number; multiplierEnergyFraction: number } | undefined {
  const exact = estimate.methods.find((method) => method.method === 'exact');
  const lmul = estimate.methods.find((method) => method.method === 'lmul');
  if (!exact || !lmul) return undefined;
  const multipliers = 'matrix-unit multipliers';
  const exactMultiplierJ = exact.energyPerTokenByComponentJ[multipliers];
  return {
    energyFraction: 1 - lmul.energyPerTokenJ / exact.energyPerTokenJ,
    multiplierEnergyFraction: exactMultiplierJ > 0 ? 1 - lmul.energyPerTokenByComponentJ[multipliers] / exactMultiplierJ : 0,
  };
}

function estimateJson(estimate: ModelEstimate, weightsIn: string, samples: readonly SampleError[] | undefined): unknown {
  const { config, options, arch } = estimate;
  return {
    model: config.name,
    displayName: config.displayName,
    source: config.sourceUrl,
    parameters: parameterCount(config),
    phase: options.phase,
    seqTokens: options.seqTokens,
    batch: options.batch,
    arch: arch.name,
    clockMhz: arch.clockMhz,
    weightsIn,
    weightFormat: options.weightFormat,
    node: estimate.node,
    tokensPerPass: estimate.tokensPerPass,
    weightBytesPerPass: estimate.weightBytesPerPass,
    methods: estimate.methods.map((method) => ({
      method: method.method,
      cycles: method.cycles,
      seconds: method.seconds,
      tokensPerSecond: method.tokensPerSecond,
      bound: method.bound,
      boundCycles: method.boundCycles,
      energyPerTokenJ: method.energyPerTokenJ,
      energyPerTokenByComponentJ: method.energyPerTokenByComponentJ,
      kernels: method.kernels.map((kernel) => ({
        kind: kernel.kind,
        repeats: kernel.repeats,
        cycles: kernel.cycles,
        macs: kernel.macs,
        dramBytes: kernel.dramBytes,
        hostBytes: kernel.hostBytes,
        matrixBusyCycles: kernel.matrixBusyCycles,
        vectorBusyCycles: kernel.vectorBusyCycles,
        energyPj: kernel.energyPj,
      })),
    })),
    lmulSaving: lmulSaving(estimate) ?? null,
    numericsSample: samples ?? null,
  };
}

function pad(text: string, width: number, left = false): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

function bytesText(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

function secondsText(seconds: number): string {
  if (seconds >= 1) return `${seconds.toFixed(3)} s`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toFixed(3)} ms`;
  return `${(seconds * 1e6).toFixed(2)} µs`;
}

function formatEstimate(estimate: ModelEstimate, weightsLabel: string): string[] {
  const { config, options, arch } = estimate;
  const lines: string[] = [];
  const workload = options.phase === 'decode' ? `one decode step, context ${options.seqTokens} tokens` : `prefill of ${options.seqTokens} tokens`;
  lines.push(`${config.displayName} (${config.name}), ${workload}, batch ${options.batch}`);
  lines.push(`machine: ${arch.name}, ${arch.coreCount} cores of ${arch.core.matrix.rows}×${arch.core.matrix.cols} at ${arch.clockMhz} MHz; ${arch.memory.kind} ${arch.memory.bandwidthGBps} GB/s${arch.hostLink ? `; ${arch.hostLink.kind} ${arch.hostLink.bandwidthGBps} GB/s` : ''}`);
  lines.push(`weights: ${options.weightFormat} in ${weightsLabel}, ${bytesText(estimate.weightBytesPerPass)} read per forward pass; ${(parameterCount(config) / 1e9).toFixed(2)}e9 parameters`);
  lines.push('');

  const first = estimate.methods[0];
  lines.push(`per layer kind (method ${first.method}; one program simulated, then scaled):`);
  lines.push(`${pad('kernel', 10, true)} ${pad('repeats', 7)} ${pad('cycles', 12)} ${pad('time', 11)} ${pad('MACs', 10)} ${pad('dram', 10)} ${pad('host link', 10)}`);
  for (const kernel of first.kernels) {
    lines.push(
      `${pad(kernel.kind, 10, true)} ${pad(String(kernel.repeats), 7)} ${pad(String(kernel.cycles), 12)} ${pad(secondsText(kernel.cycles / (arch.clockMhz * 1e6)), 11)} ${pad(kernel.macs.toExponential(2), 10)} ${pad(bytesText(kernel.dramBytes), 10)} ${pad(bytesText(kernel.hostBytes), 10)}`,
    );
  }
  const layerCycles = first.kernels.filter((kernel) => kernel.kind !== 'lm-head').reduce((sum, kernel) => sum + kernel.cycles, 0);
  lines.push(`${pad('one layer', 10, true)} ${pad('', 7)} ${pad(String(layerCycles), 12)} ${pad(secondsText(layerCycles / (arch.clockMhz * 1e6)), 11)}`);
  lines.push(`${pad('model', 10, true)} ${pad('', 7)} ${pad(String(first.cycles), 12)} ${pad(secondsText(first.seconds), 11)}`);
  lines.push('');

  lines.push(`${pad('method', 13, true)} ${pad('time/pass', 11)} ${pad('tokens/s', 10)} ${pad('bound', 10)} ${pad('energy/token', 13)}`);
  for (const method of estimate.methods) {
    lines.push(`${pad(method.method, 13, true)} ${pad(secondsText(method.seconds), 11)} ${pad(method.tokensPerSecond.toPrecision(4), 10)} ${pad(method.bound, 10)} ${pad(`${method.energyPerTokenJ.toExponential(3)} J`, 13)}`);
  }
  lines.push('');
  lines.push(`busy cycles per pass (method ${first.method}): compute ${first.boundCycles.compute.toExponential(3)}, memory ${first.boundCycles.memory.toExponential(3)}, host link ${first.boundCycles.hostLink.toExponential(3)}`);
  lines.push('');

  lines.push(`energy per token by component (J, ${estimate.node}):`);
  lines.push(`${pad('component', 26, true)} ${estimate.methods.map((method) => pad(method.method, 12)).join(' ')}`);
  for (const component of Object.keys(first.energyPerTokenByComponentJ)) {
    if (estimate.methods.every((method) => method.energyPerTokenByComponentJ[component] === 0)) continue;
    lines.push(`${pad(component, 26, true)} ${estimate.methods.map((method) => pad(method.energyPerTokenByComponentJ[component].toExponential(3), 12)).join(' ')}`);
  }
  const saving = lmulSaving(estimate);
  if (saving) {
    lines.push('');
    lines.push(`L-Mul saving: ${(saving.energyFraction * 100).toFixed(2)}% of energy per token (${(saving.multiplierEnergyFraction * 100).toFixed(1)}% of the matrix-unit multipliers' energy)`);
  }
  return lines;
}

function formatSamples(samples: readonly SampleError[]): string[] {
  const [rows, k, n] = samples[0].shape;
  const lines = ['', `sampled numerics (${rows} × ${k} times ${k} × ${n}, relative error against fp64 on the same inputs):`];
  lines.push(`${pad('method', 13, true)} ${pad('normwise', 11)} ${pad('max', 11)} ${pad('mean', 11)}`);
  for (const sample of samples) {
    lines.push(`${pad(sample.method, 13, true)} ${pad(sample.normRelError.toExponential(3), 11)} ${pad(sample.maxRelError.toExponential(3), 11)} ${pad(sample.meanRelError.toExponential(3), 11)}`);
  }
  return lines;
}
