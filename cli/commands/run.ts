/**
 * `lmulsim run PROGRAM`: validates a `.lasm` program against a machine, runs it cycle by cycle and
 * prints cycles, utilisation, stalls and activity counters. It can also write traces and outputs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { EXIT_INVALID_INPUT, EXIT_USAGE, UserError } from '../../common/errors.js';
import { estimateEnergy, loadCostModel, logicAreaFromArch, type CostModel, type EnergyReport } from '../../costmodels/index.js';
import { loadArch, type ArchConfig } from '../../sim/arch/index.js';
import { compareOutputs, datapathOf, DEFAULT_LIMITS, executeProgram, type RunResult, type TensorError } from '../../sim/exec/index.js';
import { writeNpyFile } from '../../sim/io/npy.js';
import { FIDELITIES, type Fidelity } from '../../sim/matrix/index.js';
import { METHOD_NAMES, type MethodName } from '../../sim/numerics/index.js';
import { openTraceWriter, STALL_CAUSES, type TraceWriter } from '../../sim/trace/index.js';
import { fileSystemReason, makeDirectory, type CliContext } from '../io.js';
import { loadProgramForArch } from '../program.js';
import { checkOutputDirectory, checkOutputFile, parseChoiceOption, parseIntegerOption } from '../options.js';
import { formatRunReport, runReportJson } from '../../sim/exec/report.js';

/** Machine used when --arch is not given: a small array, so that example programs run in milliseconds. */
export const DEFAULT_ARCH = 'edge-npu';
/** Technology node used by --energy when neither --node nor --cost is given. */
const DEFAULT_NODE = '45nm';

interface RunCommandOptions {
  readonly arch: string;
  readonly method?: string;
  readonly numerics: string;
  readonly fidelity: string;
  readonly trace?: string;
  readonly out?: string;
  readonly reference: boolean;
  readonly maxCycles?: string;
  readonly maxInstructions?: string;
  readonly window?: string;
  readonly toggles: boolean;
  readonly energy: boolean;
  readonly node?: string;
  readonly cost?: string;
  readonly json: boolean;
}

/** Registers the `run` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  program
    .command('run')
    .description('run a .lasm program cycle by cycle on a machine and report cycles, stalls and activity')
    .argument('<program>', '.lasm program file')
    .option('-a, --arch <file|preset>', 'machine description: a YAML file or a preset name', DEFAULT_ARCH)
    .option('-m, --method <name>', `multiplier method for every matmul and vmul, overriding the program: ${METHOD_NAMES.join(', ')} (default: as written)`)
    .option('--numerics <on|off>', 'compute values bit-exactly (on) or only cycles and counts (off)', 'on')
    .option('--fidelity <tile|pe>', 'matrix-unit model: closed-form tiles or every processing element each cycle', 'tile')
    .option('--trace <file>', 'write a trace: FILE.json for Chrome trace events (Perfetto), FILE.vcd for a value change dump (GTKWave)')
    .option('-o, --out <dir>', 'write each output tensor to DIR/NAME.npy as float32 values (created if missing)')
    .option('--reference', 'also run in fp64 without rounding and report each output tensor\'s relative error', false)
    .option('--max-cycles <n>', `stop with an error after this many cycles (default ${DEFAULT_LIMITS.maxCycles})`)
    .option('--max-instructions <n>', `stop with an error after this many dispatched instructions per core (default ${DEFAULT_LIMITS.maxInstructions})`)
    .option('--window <cycles>', 'also report counters per window of this many cycles (default: no windows)')
    .option('--toggles', 'count operand bit toggles at the multiplier inputs (needs --numerics on; slower)', false)
    .option('--energy', 'estimate the energy of the run with the cost model; with --toggles, multipliers are priced from measured operand toggles', false)
    .option('--node <name|file>', 'technology node for --energy: 45nm, 7nm, or a cost-model YAML file (default 45nm)')
    .option('--cost <file>', 'cost-model YAML file for --energy; same as --node FILE')
    .option('--json', 'print one JSON object instead of tables', false)
    .action((file: string, options: RunCommandOptions) => runCommand(context(), file, options));
}

interface ParsedOptions {
  readonly arch: ArchConfig;
  readonly method: MethodName | undefined;
  readonly numerics: boolean;
  readonly fidelity: Fidelity;
  readonly maxCycles: number;
  readonly maxInstructions: number;
  readonly windowCycles: number | undefined;
  /** Cost model for --energy, loaded before the run so that a bad --node or --cost fails first. */
  readonly costModel: CostModel | undefined;
}

/** Checks every option, loads the machine and the cost model, and checks the output paths, all before the run. */
function parseOptions(options: RunCommandOptions): ParsedOptions {
  const numerics = parseChoiceOption('--numerics', options.numerics, ['on', 'off']) === 'on';
  const fidelity = parseChoiceOption('--fidelity', options.fidelity, FIDELITIES);
  const method = options.method === undefined ? undefined : parseChoiceOption('--method', options.method, METHOD_NAMES);
  const maxCycles = options.maxCycles === undefined ? DEFAULT_LIMITS.maxCycles : parseIntegerOption('--max-cycles', options.maxCycles, 1, Number.MAX_SAFE_INTEGER);
  const maxInstructions =
    options.maxInstructions === undefined ? DEFAULT_LIMITS.maxInstructions : parseIntegerOption('--max-instructions', options.maxInstructions, 1, Number.MAX_SAFE_INTEGER);
  const windowCycles = options.window === undefined ? undefined : parseIntegerOption('--window', options.window, 1, Number.MAX_SAFE_INTEGER);

  if (!numerics && options.reference) throw new UserError('--reference needs values: drop --numerics off', EXIT_USAGE);
  if (!numerics && options.out !== undefined) throw new UserError('--out needs values: drop --numerics off', EXIT_USAGE);
  if (!numerics && options.toggles) throw new UserError('--toggles needs values: drop --numerics off', EXIT_USAGE);
  if (!options.energy && (options.node !== undefined || options.cost !== undefined)) throw new UserError('--node and --cost apply only with --energy: add --energy or drop them', EXIT_USAGE);
  if (options.node !== undefined && options.cost !== undefined) throw new UserError('give either --node or --cost, not both', EXIT_USAGE);
  if (options.trace !== undefined && !/\.(json|vcd)$/i.test(options.trace)) {
    throw new UserError(`invalid trace file name '${options.trace}': expected a name ending in .json (Chrome trace events) or .vcd (value change dump)`, EXIT_INVALID_INPUT);
  }

  const arch = loadArch(options.arch);
  if (method !== undefined && !arch.core.matrix.datapaths.includes(datapathOf(method))) {
    throw new UserError(
      `machine '${arch.name}' has no ${datapathOf(method)} datapath in its matrix unit, so it cannot run method '${method}' (datapaths: ${arch.core.matrix.datapaths.join(', ')}); pick another --method or --arch`,
      EXIT_INVALID_INPUT,
    );
  }
  const costModel = options.energy ? loadCostModel(options.cost ?? options.node ?? DEFAULT_NODE) : undefined;
  if (options.trace !== undefined) checkOutputFile('trace file', options.trace);
  if (options.out !== undefined) checkOutputDirectory('output directory', options.out);
  return { arch, method, numerics, fidelity, maxCycles, maxInstructions, windowCycles, costModel };
}

async function runCommand(ctx: CliContext, file: string, options: RunCommandOptions): Promise<void> {
  const parsed = parseOptions(options);
  const { arch } = parsed;

  const checked = loadProgramForArch(ctx, file, arch, { methodsReplaced: parsed.method !== undefined });
  const { program } = checked;

  let trace: TraceWriter | undefined;
  let result: RunResult;
  let tensorErrors: TensorError[] | undefined;
  try {
    if (options.trace !== undefined) trace = openTraceWriter(options.trace, arch.clockMhz);
    result = executeProgram(program, {
      arch,
      values: parsed.numerics ? 'hardware' : 'off',
      fidelity: parsed.fidelity,
      method: parsed.method,
      trace,
      windowCycles: parsed.windowCycles,
      toggles: options.toggles,
      limits: { maxCycles: parsed.maxCycles, maxInstructions: parsed.maxInstructions },
    });
    trace?.finish(result.cycles);
    trace = undefined;
    if (options.reference) {
      const reference = executeProgram(program, { arch, values: 'reference', fidelity: 'tile', method: parsed.method, limits: { maxCycles: parsed.maxCycles, maxInstructions: parsed.maxInstructions } });
      tensorErrors = compareOutputs(result.tensors, reference.tensors);
    }
  } catch (error) {
    trace?.abort();
    if (error instanceof UserError) throw new UserError(error.message, error.exitCode, error.diagnostics, checked.sources);
    throw error;
  }

  for (const hazard of result.hazards.first) ctx.warn(`data race: ${hazard.message}`);
  if (result.hazards.count > result.hazards.first.length) ctx.warn(`${result.hazards.count - result.hazards.first.length} more data races not shown`);
  const energy = parsed.costModel === undefined ? undefined : estimateRunEnergy(result, arch, parsed.costModel);
  const written = options.out === undefined ? [] : writeOutputs(options.out, result);
  if (options.json) {
    ctx.out(JSON.stringify(runReportJson({ file, arch, result, fidelity: parsed.fidelity, numerics: parsed.numerics, tensorErrors, written, trace: options.trace, energy }), null, 2));
  } else {
    for (const line of formatRunReport({ file, arch, result, fidelity: parsed.fidelity, numerics: parsed.numerics, tensorErrors, written, trace: options.trace, energy })) ctx.out(line);
  }
}

/** Prices the run's activity and the machine's leakage; multipliers use measured operand toggles when the run counted them. */
function estimateRunEnergy(result: RunResult, arch: ArchConfig, model: CostModel): EnergyReport {
  return estimateEnergy(result.activity(), model, { activity: result.togglesMeasured ? 'measured' : 'default', logicArea: logicAreaFromArch(arch, model) });
}

/** Writes every output tensor to DIR/NAME.npy (float32: every tensor format fits fp32 exactly); returns the paths. */
function writeOutputs(directory: string, result: RunResult): string[] {
  makeDirectory(directory, 'output directory');
  const written: string[] = [];
  for (const tensor of result.tensors) {
    if (!tensor.output || !tensor.values) continue;
    const file = path.join(directory, `${tensor.name}.npy`);
    try {
      writeNpyFile(file, tensor.shape, tensor.values, 'float32');
    } catch (error) {
      throw new UserError(`cannot write '${file}': ${fileSystemReason(error) ?? (error as Error).message}; choose a writable --out directory`, EXIT_INVALID_INPUT);
    }
    written.push(file);
  }
  return written;
}
