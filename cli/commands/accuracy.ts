/**
 * `lmulsim accuracy fashion-mnist`: classifies the Fashion-MNIST test images with the shipped MLP on
 * the simulated accelerator, once per numeric configuration, and prints test accuracy, agreement with
 * the fp32 predictions and estimated energy per image.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { loadCostModel } from '../../costmodels/index.js';
import { loadArch } from '../../sim/arch/index.js';
import { accuracyTable, type AccuracyRow } from '../../workloads/fashion-mnist/accuracy.js';
import { DEFAULT_DATA_DIRECTORY } from '../../workloads/fashion-mnist/dataset.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_MACHINE_FILE, NUMERIC_CONFIGS, type NumericConfig } from '../../workloads/fashion-mnist/inference.js';
import type { CliContext } from '../io.js';
import { parseChoiceList, parseChoiceOption, parseIntegerOption } from '../options.js';

/** Workloads the command accepts. */
const WORKLOADS = ['fashion-mnist'] as const;

/** Test images in the Fashion-MNIST test split, the default and maximum of --limit. */
const TEST_IMAGES = 10000;

interface AccuracyCommandOptions {
  readonly configs?: string;
  readonly limit?: string;
  readonly arch?: string;
  readonly batch?: string;
  readonly jobs?: string;
  readonly data?: string;
  readonly node?: string;
  readonly json: boolean;
}

/** Registers the `accuracy` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  const names = NUMERIC_CONFIGS.map((config) => config.name);
  program
    .command('accuracy')
    .description('classify a test set with a trained model on the simulated accelerator and report accuracy and energy per numeric configuration')
    .argument('<workload>', `workload: ${WORKLOADS.join(', ')}`)
    .option('--configs <list>', `comma-separated numeric configurations: ${names.join(', ')} (default: all)`)
    .option('--limit <n>', `number of test images, from the first (default ${TEST_IMAGES}, all)`)
    .option('-a, --arch <file|preset>', 'machine description: a YAML file or a preset name (default: workloads/fashion-mnist/machine.yaml)')
    .option('--batch <n>', `images per batch in the generated program (default ${DEFAULT_BATCH_SIZE})`)
    .option('-j, --jobs <n>', 'worker threads, each running whole configurations (default: available CPUs, at most the number of configurations to run)')
    .option('--data <dir>', `directory with the Fashion-MNIST IDX files (default ${DEFAULT_DATA_DIRECTORY})`)
    .option('--node <name|file>', 'technology node for the energy estimate: 45nm, 7nm or a cost-model YAML file (default 45nm)')
    .option('--json', 'print {"rows":[{config, accuracy, agreementWithFp32, energyPerImageJ, simulated}]} with fractions and joules (energy null for rows not simulated)', false)
    .action((workload: string, options: AccuracyCommandOptions) => runAccuracy(context(), workload, options));
}

function parseConfigs(text: string): NumericConfig[] {
  const names = parseChoiceList('--configs', text, NUMERIC_CONFIGS.map((config) => config.name), 'configuration', 'merge');
  return names.map((name) => NUMERIC_CONFIGS.find((config) => config.name === name) as NumericConfig);
}

async function runAccuracy(ctx: CliContext, workload: string, options: AccuracyCommandOptions): Promise<void> {
  parseChoiceOption('<workload>', workload, WORKLOADS);
  const configs = options.configs === undefined ? [...NUMERIC_CONFIGS] : parseConfigs(options.configs);
  const limit = options.limit === undefined ? TEST_IMAGES : parseIntegerOption('--limit', options.limit, 1, TEST_IMAGES);
  const batchSize = options.batch === undefined ? DEFAULT_BATCH_SIZE : parseIntegerOption('--batch', options.batch, 1, TEST_IMAGES);
  const jobs = options.jobs === undefined ? Math.min(os.availableParallelism(), configs.length + 1) : parseIntegerOption('--jobs', options.jobs, 1, 64);
  const arch = options.arch ?? DEFAULT_MACHINE_FILE;
  const node = options.node ?? '45nm';
  // Loaded here only to reject a bad --arch or --node before the images are classified.
  loadArch(arch);
  loadCostModel(node);

  const started = Date.now();
  const rows = await accuracyTable({
    configs,
    limit,
    arch,
    batchSize,
    jobs,
    dataDirectory: options.data ?? DEFAULT_DATA_DIRECTORY,
    node,
  });
  const seconds = (Date.now() - started) / 1000;
  if (options.json) {
    const jsonRows = rows.map(({ config, accuracy, agreementWithFp32, energyPerImageJ, simulated, note }) => ({ config, accuracy, agreementWithFp32, energyPerImageJ, simulated, ...(note ? { note } : {}) }));
    ctx.out(JSON.stringify({ workload, images: limit, rows: jsonRows }));
    return;
  }
  printTable(ctx, rows, limit);
  ctx.info(`${configs.length} configuration${configs.length === 1 ? '' : 's'} in ${seconds.toFixed(1)} s`);
}

function printTable(ctx: CliContext, rows: readonly AccuracyRow[], images: number): void {
  ctx.out(`Fashion-MNIST MLP 784-256-10, first ${images} test images, fp32 accumulation, energy from the cost model`);
  ctx.out(`${'config'.padEnd(12)}${'accuracy'.padStart(10)}${'agree fp32'.padStart(12)}${'energy/image'.padStart(15)}${'cycles'.padStart(12)}`);
  for (const row of rows) {
    const energy = row.energyPerImageJ === null ? 'not simulated' : `${(row.energyPerImageJ * 1e6).toFixed(3)} µJ`;
    const cycles = row.cycles === null ? '-' : String(row.cycles);
    ctx.out(`${row.config.padEnd(12)}${(row.accuracy * 100).toFixed(2).padStart(9)}%${(row.agreementWithFp32 * 100).toFixed(2).padStart(11)}%${energy.padStart(15)}${cycles.padStart(12)}`);
  }
  for (const row of rows) if (row.note) ctx.out(`${row.config}: ${row.note}`);
}
