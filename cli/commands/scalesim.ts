/**
 * `lmulsim scalesim --config X.cfg --topology Y.csv`: runs a SCALE-Sim input through a replay of
 * SCALE-Sim v2's cycle model and writes its COMPUTE_REPORT.csv, plus LMULSIM_REPORT.csv with
 * lmulsim's own cycles, energy and numerics for each layer beside SCALE-Sim's cycles.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Diagnostic } from '../../common/diagnostic.js';
import { EXIT_INVALID_INPUT, UserError } from '../../common/errors.js';
import { loadCostModel } from '../../costmodels/index.js';
import { computeReportCsv, lmulsimReportCsv, parseScaleSimConfig, parseTopology, simulateLayers } from '../../scalesim/index.js';
import { writeFileAtomic } from '../../sim/io/atomic.js';
import { METHOD_NAMES } from '../../sim/numerics/index.js';
import { describeFileSystemError, makeDirectory, type CliContext } from '../io.js';
import { checkOutputDirectory, parseChoiceOption, parseFormatOption } from '../options.js';

interface ScaleSimCommandOptions {
  readonly config: string;
  readonly topology: string;
  readonly gemm: boolean;
  readonly out?: string;
  readonly method: string;
  readonly format: string;
  readonly node: string;
}

/** Registers the `scalesim` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  program
    .command('scalesim')
    .description("reproduce SCALE-Sim v2's cycle counts for a configuration and topology in COMPUTE_REPORT.csv, with lmulsim's cycles, energy and numerics beside them in LMULSIM_REPORT.csv")
    .requiredOption('-c, --config <file.cfg>', 'SCALE-Sim architecture configuration (.cfg)')
    .requiredOption('-t, --topology <file.csv>', 'SCALE-Sim topology (.csv), convolution form unless --gemm')
    .option('--gemm', 'the topology has the GEMM form Layer, M, N, K, as SCALE-Sim\'s -i gemm (default: convolution form)', false)
    .option('-o, --out <dir>', 'directory for COMPUTE_REPORT.csv and LMULSIM_REPORT.csv, created if missing (default: ./RUN_NAME from the .cfg)')
    .option('-m, --method <name>', `multiplier method priced and sampled: ${METHOD_NAMES.join(', ')}`, 'lmul')
    .option('--format <name>', 'operand format of the array', 'e4m3')
    .option('--node <name|file>', 'technology node of the energy estimate: 45nm, 7nm or a cost-model YAML file', '45nm')
    .action((options: ScaleSimCommandOptions) => scaleSimCommand(context(), options));
}

function readInput(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${what} ${file}: ${describeFileSystemError(error)}`, EXIT_INVALID_INPUT);
  }
}

function failWith(file: string, text: string, diagnostics: readonly Diagnostic[], what: string): never {
  const count = diagnostics.length === 1 ? '1 error' : `${diagnostics.length} errors`;
  throw new UserError(`invalid ${what} ${file} (${count})`, EXIT_INVALID_INPUT, diagnostics, new Map([[file, text]]));
}

async function scaleSimCommand(ctx: CliContext, options: ScaleSimCommandOptions): Promise<void> {
  const method = parseChoiceOption('--method', options.method, METHOD_NAMES);
  parseFormatOption('--format', options.format);
  const model = loadCostModel(options.node);

  const configText = readInput(options.config, 'SCALE-Sim configuration');
  const parsedConfig = parseScaleSimConfig(configText, options.config);
  if (!parsedConfig.config) failWith(options.config, configText, parsedConfig.diagnostics, 'SCALE-Sim configuration');
  const config = parsedConfig.config;

  const topologyText = readInput(options.topology, 'SCALE-Sim topology');
  const topology = parseTopology(topologyText, options.topology, options.gemm ? 'gemm' : 'conv');
  if (topology.diagnostics.length > 0) failWith(options.topology, topologyText, topology.diagnostics, 'SCALE-Sim topology');

  if (config.ignoredKeys.length > 0 && ctx.verbose) ctx.info(`not modelled, ignored: ${config.ignoredKeys.join(', ')}`);
  const directory = options.out ?? config.runName;
  checkOutputDirectory('output directory', directory);
  const results = simulateLayers(config, topology.layers, { format: options.format, method, model });

  makeDirectory(directory, 'output directory');
  try {
    writeFileAtomic(path.join(directory, 'COMPUTE_REPORT.csv'), computeReportCsv(results));
    writeFileAtomic(path.join(directory, 'LMULSIM_REPORT.csv'), lmulsimReportCsv(results));
  } catch (error) {
    throw new UserError(`cannot write the reports to ${directory}: ${describeFileSystemError(error)}; choose a writable --out directory`, EXIT_INVALID_INPUT);
  }

  const header = ['layer', 'M', 'K', 'N', 'SCALE-Sim cycles', 'stalls', 'util %', 'lmulsim cycles', `energy nJ (${method})`, 'energy nJ (exact)', 'mean rel. error'];
  const rows = results.map((result) => [
    result.layer.name,
    String(result.layer.m),
    String(result.layer.k),
    String(result.layer.n),
    String(result.scaleSim.totalCycles),
    String(result.scaleSim.stallCycles),
    result.scaleSim.overallUtilPercent.toFixed(2),
    String(result.cycles),
    (result.energyPj / 1000).toFixed(1),
    (result.exactEnergyPj / 1000).toFixed(1),
    result.meanRelError.toExponential(2),
  ]);
  const table = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column].length)));
  const memory = config.interfaceBandwidth === 'USER' ? `DRAM ${config.bandwidthWordsPerCycle[0]} words/cycle` : 'CALC bandwidth';
  ctx.out(`${config.runName}: ${config.arrayRows}×${config.arrayCols} ${config.dataflow}, ${memory}, ${results.length} ${results.length === 1 ? 'layer' : 'layers'}, ${options.format} ${method}, ${model.node}`);
  for (const row of table) ctx.out(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
  ctx.info(`wrote ${path.join(directory, 'COMPUTE_REPORT.csv')} and ${path.join(directory, 'LMULSIM_REPORT.csv')}`);
}
