/**
 * `lmulsim compare PROGRAM`: runs one `.lasm` program under each multiplier method and once in fp64,
 * and prints cycles, energy by component, energy per MAC, output error and saving side by side.
 * `--report FILE` also writes an HTML, Markdown, JSON or CSV report.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { EXIT_INVALID_INPUT, UserError } from '../../common/errors.js';
import { loadCostModel } from '../../costmodels/index.js';
import { comparisonNotes, formatTextTable, methodSummaries, reportExtension, runComparison, writeReport, type CompareReport } from '../../report/index.js';
import { loadArch, type ArchConfig } from '../../sim/arch/index.js';
import { datapathOf } from '../../sim/exec/index.js';
import { METHOD_NAMES, type MethodName } from '../../sim/numerics/index.js';
import type { CliContext } from '../io.js';
import { checkOutputFile, parseChoiceList } from '../options.js';
import { loadProgramForArch } from '../program.js';
import { DEFAULT_ARCH } from './run.js';

/** Methods compared when --methods is not given. */
export const DEFAULT_METHODS: readonly MethodName[] = ['exact', 'lmul'];
/** Technology node used when --node is not given. */
export const DEFAULT_NODE = '45nm';
/** Work shorter than this shows no progress bar, ms. */
const PROGRESS_DELAY_MS = 1000;

interface CompareCommandOptions {
  readonly arch: string;
  readonly methods: string;
  readonly node: string;
  readonly report?: string;
  readonly json: boolean;
}

/** Registers the `compare` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  program
    .command('compare')
    .description('run a .lasm program under several multiplier methods and compare cycles, energy and output error against fp64')
    .argument('<program>', '.lasm program file')
    .option('-a, --arch <file|preset>', 'machine description: a YAML file or a preset name', DEFAULT_ARCH)
    .option('-m, --methods <list>', `comma-separated multiplier methods, from ${METHOD_NAMES.join(', ')}`, DEFAULT_METHODS.join(','))
    .option('--node <name|file>', 'technology node of the energy estimate: 45nm, 7nm, or a cost-model YAML file; energies in pJ', DEFAULT_NODE)
    .option('--report <file>', 'also write a report; the extension picks the format: .html (charts), .md, .json or .csv (default: no report)')
    .option('--json', 'print {"methods": [...]} as JSON instead of a table (energies in pJ, errors and savings as fractions)', false)
    .action((file: string, options: CompareCommandOptions) => compareCommand(context(), file, options));
}

/** Parses --methods: known names, no repeats, at least one. */
export function parseMethodList(text: string): MethodName[] {
  return parseChoiceList('--methods', text, METHOD_NAMES, 'method', 'reject');
}

/** Throws a UserError when the machine's matrix unit lacks the datapath of one of `methods`. */
function checkDatapaths(arch: ArchConfig, methods: readonly MethodName[]): void {
  for (const method of methods) {
    const datapath = datapathOf(method);
    if (!arch.core.matrix.datapaths.includes(datapath)) {
      throw new UserError(
        `machine '${arch.name}' has no ${datapath} datapath in its matrix unit, so it cannot run method '${method}' (datapaths: ${arch.core.matrix.datapaths.join(', ')}); drop it from --methods or pick another --arch`,
        EXIT_INVALID_INPUT,
      );
    }
  }
}

async function compareCommand(ctx: CliContext, file: string, options: CompareCommandOptions): Promise<void> {
  // Check every option, and that the report can be written, before the slow work starts.
  const methods = parseMethodList(options.methods);
  if (options.report !== undefined) {
    reportExtension(options.report);
    checkOutputFile('report', options.report);
  }
  const arch = loadArch(options.arch);
  checkDatapaths(arch, methods);
  const model = loadCostModel(options.node);

  const checked = loadProgramForArch(ctx, file, arch, { methodsReplaced: true });

  const progress = new DelayedProgress(ctx.io.stderrIsTty && !ctx.quiet);
  let report: CompareReport;
  try {
    report = runComparison({ file, program: checked.program, arch, methods, model, onStep: (done, total, label) => progress.update(done, total + (options.report ? 1 : 0), label) });
    if (options.report !== undefined) {
      await writeReport(options.report, report);
      progress.update(Number.POSITIVE_INFINITY, 0, 'report written');
    }
  } catch (error) {
    if (error instanceof UserError) throw new UserError(error.message, error.exitCode, error.diagnostics, checked.sources);
    throw error;
  } finally {
    progress.stop();
  }

  // The values of a racy program depend on timing, so its errors and energies describe this timing only.
  for (const message of report.dataRaces.messages) ctx.warn(`data race: ${message}`);
  if (report.dataRaces.count > report.dataRaces.messages.length) ctx.warn(`${report.dataRaces.count - report.dataRaces.messages.length} more data races not shown`);
  if (options.json) {
    ctx.out(JSON.stringify({ methods: methodSummaries(report) }, null, 2));
  } else {
    ctx.out(`program ${file}, machine ${report.arch}, cost model ${report.node}`);
    ctx.out('');
    for (const line of formatTextTable(report)) ctx.out(line);
    for (const note of comparisonNotes(report)) ctx.out(`note: ${note}`);
  }
  if (options.report !== undefined) ctx.info(`wrote ${options.report}`);
}

/**
 * A progress bar on stderr that appears only when the work has lasted PROGRESS_DELAY_MS and stderr
 * is a terminal. Steps are synchronous, so the bar moves between steps, not during them.
 */
class DelayedProgress {
  private readonly startMs = Date.now();
  private bar: cliProgress.SingleBar | undefined;

  constructor(private readonly enabled: boolean) {}

  /** Moves the bar to `done` of `total` steps; a non-finite `done` fills it. */
  update(done: number, total: number, label: string): void {
    if (!this.enabled) return;
    if (!this.bar) {
      if (Date.now() - this.startMs < PROGRESS_DELAY_MS || !Number.isFinite(done)) return;
      this.bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: 'compare [{bar}] {value}/{total} steps, {step}', hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, done, { step: label });
      return;
    }
    if (Number.isFinite(done)) this.bar.update(done, { step: label });
  }

  /** Removes the bar from the terminal. */
  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

