/**
 * `lmulsim sweep FILE.yaml`: runs a design-space sweep on the main thread and worker threads, one JSON line per point,
 * and prints the Pareto front. It exits with status 2 when any point failed, after writing every record.
 * `lmulsim sweep merge OUT.jsonl SHARD...` joins shard outputs.
 */
import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { countOf } from '../../common/plural.js';
import { EXIT_INVALID_INPUT, EXIT_USAGE, UserError } from '../../common/errors.js';
import { frontRows, objectivesOf, paretoFronts, textTable } from '../../sweep/pareto.js';
import type { PointRecord } from '../../sweep/point.js';
import { mergeShards, missingIndices } from '../../sweep/records.js';
import { checkReportPath, writeSweepReport } from '../../sweep/report.js';
import { parseShard, runSweep } from '../../sweep/run.js';
import { loadSweepFile } from '../../sweep/spec.js';
import type { CliContext } from '../io.js';
import { checkOutputFile, parseIntegerOption } from '../options.js';

/** Exit status after Ctrl-C: 128 plus the number of SIGINT, as shells report it. */
const EXIT_INTERRUPTED = 130;

interface SweepCommandOptions {
  readonly out?: string;
  readonly workers?: string;
  readonly shard?: string;
  readonly report?: string;
}

/** Registers the `sweep` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  program
    .command('sweep')
    .description('run a design-space sweep from a YAML file on parallel threads and print the Pareto front of energy, cycles and error; `sweep merge OUT SHARD...` joins shard outputs')
    .argument('<file>', 'sweep YAML file, or the word merge followed by OUT.jsonl and the shard files')
    .argument('[files...]', 'with merge: the output file, then the shard files to join')
    .option('-o, --out <file.jsonl>', 'append one JSON line per point to this file; a rerun skips the points that succeeded in it and reruns failed ones (default: JSON lines on stdout, no resume)')
    .option('-w, --workers <n>', `threads that run points: the main thread and n-1 worker threads, which start only when the sweep is long enough to repay their start-up (default: available parallelism, ${availableParallelism()} here)`)
    .option('--shard <I/N>', 'run only the points whose index modulo N is I; shards count from 0 (default: all points)')
    .option('--report <file>', 'also write the Pareto front of each workload to FILE.md (Markdown) or FILE.html (with a chart) (default: no report)')
    .action((file: string, files: string[], options: SweepCommandOptions) => sweepCommand(context(), file, files, options));
}

async function sweepCommand(ctx: CliContext, file: string, files: string[], options: SweepCommandOptions): Promise<void> {
  if (options.report !== undefined) {
    checkReportPath(options.report);
    checkOutputFile('report', options.report);
  }
  if (options.out !== undefined) checkOutputFile('output file', options.out);
  if (file === 'merge') return mergeCommand(ctx, files, options);
  if (files.length > 0) throw new UserError(`unexpected arguments after the sweep file: ${files.join(' ')}`, EXIT_USAGE);

  const workers = options.workers === undefined ? availableParallelism() : parseIntegerOption('--workers', options.workers, 1, 256);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  const spec = loadSweepFile(file);

  let bar: cliProgress.SingleBar | undefined;
  let pendingPoints = 0;
  let donePoints = 0;
  // Every record is appended whole before the next one, so Ctrl-C loses only the points in flight.
  const onInterrupt = (): void => {
    bar?.stop();
    const resumeHint =
      options.out === undefined
        ? 'the records printed so far are all that is kept; run with --out FILE.jsonl to make a sweep resumable'
        : `the finished points are in ${options.out}, and rerunning the same command runs only the others`;
    ctx.io.stderr(`sweep interrupted after ${donePoints} of ${pendingPoints} points: ${resumeHint}\n`);
    process.exit(EXIT_INTERRUPTED);
  };
  process.once('SIGINT', onInterrupt);
  let result: Awaited<ReturnType<typeof runSweep>>;
  try {
    result = await runSweep(spec, {
      out: options.out,
      workers,
      shard,
      onStart: (pending, skipped) => {
        pendingPoints = pending;
        if (skipped > 0 && pending === 0) ctx.info(`${countOf(skipped, 'point')} already in ${options.out}, so none is left to run`);
        else if (skipped > 0) ctx.info(`${countOf(skipped, 'point')} already in ${options.out}, so only the other ${countOf(pending, 'point')} will run`);
        if (ctx.io.stderrIsTty && !ctx.quiet && pending > 0) {
          bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'sweep [{bar}] {value}/{total} points, {eta}s left' }, cliProgress.Presets.shades_classic);
          bar.start(pending, 0);
        }
      },
      onWarning: (message) => ctx.warn(message),
      onRecord: (record, done) => {
        donePoints = done;
        if (options.out === undefined) ctx.out(JSON.stringify(record));
        bar?.update(done);
      },
    });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  bar?.stop();

  const failed = result.records.filter((record) => record.status === 'failed');
  for (const record of failed.slice(0, 5)) ctx.warn(`point ${record.id} (index ${record.index}) failed: ${record.error}`);
  if (failed.length > 5) ctx.warn(`${countOf(failed.length - 5, 'more point')} failed; see their error fields`);
  await summarise(ctx, result.records, options, file, options.out === undefined);
  if (failed.length > 0) {
    const rerun = options.out === undefined ? '' : `; fix the cause and rerun with --out ${options.out} to run only the failed and missing points`;
    throw new UserError(`${failed.length} of ${result.records.length} points failed${rerun}`, EXIT_INVALID_INPUT);
  }
}

async function mergeCommand(ctx: CliContext, files: string[], options: SweepCommandOptions): Promise<void> {
  if (options.workers !== undefined || options.shard !== undefined || options.out !== undefined) {
    throw new UserError('sweep merge takes no --workers, --shard or --out: the first file after merge is the output', EXIT_USAGE);
  }
  const [out, ...shards] = files;
  if (out === undefined) throw new UserError('sweep merge needs an output file and shard files: lmulsim sweep merge OUT.jsonl SHARD.jsonl...', EXIT_USAGE);
  const records = mergeShards(out, shards);
  ctx.info(`merged ${records.length} points from ${shards.length} shard files into ${out}`);
  const missing = missingIndices(records);
  if (missing.length > 0) {
    const listed = missing.slice(0, 10).join(', ') + (missing.length > 10 ? ', …' : '');
    const largest = Math.max(...records.map((record) => record.index));
    ctx.warn(`the merged points have gaps: ${missing.length} indices below ${largest} have no record (${listed}); a shard file is missing or its job has not finished`);
  }
  await summarise(ctx, records, options, out, false);
}

/** Prints the Pareto front of each workload (to stderr when stdout carries JSON lines) and writes the report. */
async function summarise(ctx: CliContext, records: readonly PointRecord[], options: SweepCommandOptions, title: string, tableToStderr: boolean): Promise<void> {
  const objectives = objectivesOf(records);
  const fronts = paretoFronts(records, objectives);
  const failed = records.filter((record) => record.status === 'failed').length;
  const lines: string[] = [];
  if (fronts.length === 1) {
    const [{ front }] = fronts;
    lines.push(`${countOf(records.length, 'point')}, ${failed} failed; Pareto front of ${objectives.join(', ')}: ${countOf(front.length, 'point')}`);
    if (front.length > 0) lines.push(...textTable(frontRows(front, objectives)));
  } else {
    lines.push(`${countOf(records.length, 'point')}, ${failed} failed; Pareto fronts of ${objectives.join(', ')} for ${fronts.length} workloads`);
    for (const { workload, front } of fronts) {
      lines.push('', `workload ${workload}: ${countOf(front.length, 'point')} on the front`);
      if (front.length > 0) lines.push(...textTable(frontRows(front, objectives)));
    }
  }
  for (const line of lines) {
    if (tableToStderr) ctx.info(line);
    else ctx.out(line);
  }
  if (options.report !== undefined) await writeSweepReport(options.report, { title: `Sweep ${title}`, records, fronts, objectives });
}
