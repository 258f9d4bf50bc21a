/**
 * Runs a sweep's points on the main thread and worker threads (pool.ts). Each finished point is
 * appended to the output file at once, so an interrupted sweep keeps its finished points. A rerun
 * skips every point whose latest record in the file has status ok, and runs failed and missing
 * points. A rerun point's new line follows its old failed line, which stays in the file.
 */
import fs from 'node:fs';
import { EXIT_INVALID_INPUT, UserError } from '../common/errors.js';
import { pointTasks, type PointRecord, type PointTask } from './point.js';
import { runPoints, type PointRunCounts } from './pool.js';
import { checkSameSweep, dropPartialLine, readRecordFile } from './records.js';
import type { SweepSpec } from './spec.js';
import { describeFileSystemError } from '../common/file-system.js';

/** A 0-based shard: this run takes the points whose index modulo `count` equals `index`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface SweepRunOptions {
  /** JSONL file that receives one line per point; resumed when it exists. */
  readonly out?: string;
  /** Threads that run points, at least 1: the main thread and `workers - 1` worker threads. */
  readonly workers: number;
  readonly shard?: Shard;
  /** Receives each record as it finishes, after it has been appended to `out`. */
  readonly onRecord?: (record: PointRecord, done: number, total: number) => void;
  /** Whether the main thread runs points besides the worker threads (default true). */
  readonly mainThread?: boolean;
  /** Receives a message when a worker thread fails to start or dies. */
  readonly onWarning?: (message: string) => void;
  /** Called once before the first point runs, with the number of points to run and of points skipped because `out` has them. */
  readonly onStart?: (pending: number, skipped: number) => void;
}

export interface SweepRunResult {
  /** Points of this shard, finished now or earlier, in sweep order. */
  readonly records: readonly PointRecord[];
  readonly ran: number;
  readonly skipped: number;
  /** Points this run computed on the main thread and on worker threads. */
  readonly threadPoints: PointRunCounts;
}

/** Parses `I/N` with 0 ≤ I < N; throws UserError (exit 2) otherwise. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new UserError(`invalid value '${text}' for --shard: expected I/N with N ≥ 1 and 0 ≤ I < N (shards count from 0)`, EXIT_INVALID_INPUT);
  }
  return { index, count };
}

/** Returns the points of `spec` that belong to `shard`, in sweep order. */
export function shardTasks(spec: SweepSpec, shard?: Shard): PointTask[] {
  const tasks = pointTasks(spec);
  return shard ? tasks.filter((task) => task.index % shard.count === shard.index) : tasks;
}

/** Runs the pending points of `spec` and returns all records of the shard. */
export async function runSweep(spec: SweepSpec, options: SweepRunOptions): Promise<SweepRunResult> {
  const tasks = shardTasks(spec, options.shard);
  const finished = new Map<string, PointRecord>();
  if (options.out !== undefined) {
    const existing = readRecordFile(options.out);
    checkSameSweep(existing.records, spec.sweepHash, options.out);
    dropPartialLine(options.out, existing);
    // Later lines supersede earlier ones, so `finished` keeps the latest record of each point.
    for (const record of existing.records) finished.set(record.id, record);
    try {
      fs.appendFileSync(options.out, '');
    } catch (error) {
      throw new UserError(`cannot write sweep output ${options.out}: ${describeFileSystemError(error)}`, EXIT_INVALID_INPUT);
    }
  }
  const shardIds = new Set(tasks.map((task) => task.id));
  const pending = tasks.filter((task) => finished.get(task.id)?.status !== 'ok');
  const skipped = tasks.length - pending.length;
  options.onStart?.(pending.length, skipped);

  const fresh: PointRecord[] = [];
  let threadPoints: PointRunCounts = { mainThread: 0, workerThreads: 0 };
  if (pending.length > 0) {
    threadPoints = await runPoints(pending, {
      threads: options.workers,
      onRecord: (record) => {
        // appendFileSync writes the whole line before the next point is recorded.
        if (options.out !== undefined) fs.appendFileSync(options.out, JSON.stringify(record) + '\n');
        fresh.push(record);
        options.onRecord?.(record, fresh.length, pending.length);
      },
      onWarning: options.onWarning,
      mainThread: options.mainThread,
    });
  }

  const freshIds = new Set(fresh.map((record) => record.id));
  const kept = [...finished.values()].filter((record) => shardIds.has(record.id) && !freshIds.has(record.id));
  const records = [...kept, ...fresh].sort((x, y) => x.index - y.index);
  return { records, ran: fresh.length, skipped, threadPoints };
}
