/**
 * Runs a sweep's points on a pool of worker threads (piscina). Each finished point is appended to
 * the output file at once, so an interrupted sweep keeps its finished points, and a rerun skips
 * every point id already in the file.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { EXIT_INVALID_INPUT, UserError } from '../common/errors.js';
import { pointTasks, type PointRecord, type PointTask } from './point.js';
import { checkSameSweep, dropPartialLine, readRecordFile } from './records.js';
import type { SweepSpec } from './spec.js';

/** A 0-based shard: this run takes the points whose index modulo `count` equals `index`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface SweepRunOptions {
  /** JSONL file that receives one line per point; resumed when it exists. */
  readonly out?: string;
  /** Worker threads, at least 1. */
  readonly workers: number;
  readonly shard?: Shard;
  /** Receives each record as it finishes, after it has been appended to `out`. */
  readonly onRecord?: (record: PointRecord, done: number, total: number) => void;
  /** Called once before the first point runs, with the number of points to run. */
  readonly onStart?: (pending: number, skipped: number) => void;
}

export interface SweepRunResult {
  /** Points of this shard, finished now or earlier, in sweep order. */
  readonly records: readonly PointRecord[];
  readonly ran: number;
  readonly skipped: number;
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

/**
 * Returns the worker module for piscina: the compiled `worker.js` beside this file, or, when running
 * from TypeScript sources (tests, tsx), a bootstrap module written to a temporary directory that
 * registers tsx's loader in the worker and re-exports `worker.ts`. Node 20 does not apply loader
 * hooks given as `--import` in a worker's execArgv, so the worker registers them itself.
 */
function workerEntry(): { filename: string; cleanup: () => void } {
  if (!import.meta.url.endsWith('.ts')) return { filename: fileURLToPath(new URL('./worker.js', import.meta.url)), cleanup: () => {} };

  const resolved = createRequire(import.meta.url).resolve('tsx/esm/api');
  const esmApi = resolved.replace(/\.cjs$/, '.mjs');
  const api = pathToFileURL(fs.existsSync(esmApi) ? esmApi : resolved).href;
  const worker = new URL('./worker.ts', import.meta.url).href;
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lmulsim-sweep-'));
  const filename = path.join(directory, 'worker.mjs');
  fs.writeFileSync(filename, `import { register } from ${JSON.stringify(api)};\nregister();\nconst worker = await import(${JSON.stringify(worker)});\nexport default worker.default;\n`);
  return { filename, cleanup: () => fs.rmSync(directory, { recursive: true, force: true }) };
}

/** Runs `task` in the pool; a worker that dies (out of memory, a crash) fails the point, not the sweep. */
async function runInPool(pool: Piscina<PointTask, PointRecord>, task: PointTask): Promise<PointRecord> {
  const start = performance.now();
  try {
    return await pool.run(task);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { id: task.id, sweep: task.sweepHash, index: task.index, params: task.params, status: 'failed', error: `worker thread failed: ${message}`, wallMs: performance.now() - start };
  }
}

/** Runs the pending points of `spec` and returns all records of the shard. */
export async function runSweep(spec: SweepSpec, options: SweepRunOptions): Promise<SweepRunResult> {
  const tasks = shardTasks(spec, options.shard);
  const finished = new Map<string, PointRecord>();
  if (options.out !== undefined) {
    const existing = readRecordFile(options.out);
    checkSameSweep(existing.records, spec.sweepHash, options.out);
    dropPartialLine(options.out, existing);
    for (const record of existing.records) finished.set(record.id, record);
    try {
      fs.appendFileSync(options.out, '');
    } catch (error) {
      throw new UserError(`cannot write sweep output ${options.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT_INVALID_INPUT);
    }
  }
  const shardIds = new Set(tasks.map((task) => task.id));
  const pending = tasks.filter((task) => !finished.has(task.id));
  const skipped = tasks.length - pending.length;
  options.onStart?.(pending.length, skipped);

  const fresh: PointRecord[] = [];
  if (pending.length > 0) {
    const threads = Math.max(1, Math.min(options.workers, pending.length));
    const { filename, cleanup } = workerEntry();
    const pool = new Piscina<PointTask, PointRecord>({ filename, minThreads: threads, maxThreads: threads });
    let done = 0;
    try {
      await Promise.all(
        pending.map(async (task) => {
          const record = await runInPool(pool, task);
          // appendFileSync writes the whole line before the next point is recorded.
          if (options.out !== undefined) fs.appendFileSync(options.out, JSON.stringify(record) + '\n');
          fresh.push(record);
          done++;
          options.onRecord?.(record, done, pending.length);
        }),
      );
    } finally {
      await pool.destroy();
      cleanup();
    }
  }

  const records = [...[...finished.values()].filter((record) => shardIds.has(record.id)), ...fresh].sort((x, y) => x.index - y.index);
  return { records, ran: fresh.length, skipped };
}
