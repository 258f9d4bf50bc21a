/**
 * Runs sweep points on the main thread and on worker threads. The main thread starts on the first
 * point at once. Worker threads start only when the points left would keep the main thread busy
 * for longer than a worker needs to load the simulator. That takes about half a second compiled on
 * a busy 2-core machine, and several seconds from TypeScript sources, because tsx compiles every
 * module again in each worker. Loaded workers take chunks of points from the same queue and post
 * one record per point as it finishes. Piscina creates, replaces and terminates the worker
 * threads, and this module decides when they start and which points they get.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { pricePoint, runPoint, type PointRecord, type PointTask } from './point.js';
import type { ChunkMessage, ChunkTask, LoadedMessage } from './worker.js';

/** Largest chunk sent to a worker. Per-task overhead is small, so this only bounds the tail. */
const MAX_CHUNK_POINTS = 8;
/**
 * Chunks sent to a worker and not yet finished (piscina's concurrentTasksPerWorker). The second one
 * waits in the worker, so the worker keeps running while the main thread is busy with a point of
 * its own and cannot hand out the next chunk.
 */
const CHUNKS_IN_FLIGHT = 2;

export interface PointRunOptions {
  /** Threads that run points: the main thread and `threads - 1` worker threads. */
  readonly threads: number;
  /** Receives each record as its point finishes, in finishing order. */
  readonly onRecord: (record: PointRecord) => void;
  /** Receives a message when a worker thread fails to start or dies. */
  readonly onWarning?: (message: string) => void;
  /**
   * Whether the main thread runs points too (default true). With false, `threads` worker threads
   * run every point and the main thread only writes records.
   */
  readonly mainThread?: boolean;
}

/** How many points each kind of thread ran. */
export interface PointRunCounts {
  readonly mainThread: number;
  readonly workerThreads: number;
}

/**
 * Packages of the worker's module graph that take most of its load time. From sources the bootstrap
 * imports them before it registers tsx, because in Node 20 tsx's hooks run on a separate thread,
 * and every resolve and load of a module registered after them crosses to it. mathjs is left out:
 * a worker loads it (through the cost models) only when it receives a model point.
 */
const PRELOADED_PACKAGES = ['chevrotain', 'yaml', 'ajv'];

/** URLs of the packages to preload, as this module resolves them; none where import.meta.resolve is missing. */
function preloadUrls(): string[] {
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  if (typeof resolve !== 'function') return [];
  const urls: string[] = [];
  for (const name of PRELOADED_PACKAGES) {
    try {
      urls.push(resolve(name));
    } catch {
      // A package the project no longer uses is simply not preloaded.
    }
  }
  return urls;
}

/**
 * Returns the module piscina loads in each worker: the compiled `worker.js` beside this file, or,
 * when running from TypeScript sources (tests, tsx), a bootstrap module written to a temporary
 * directory that registers tsx's loader in the worker and re-exports `worker.ts`. Node 20 does not
 * apply loader hooks given as `--import` in a worker's execArgv, so the worker registers them itself.
 */
function workerEntry(): { filename: string; cleanup: () => void } {
  if (!import.meta.url.endsWith('.ts')) return { filename: fileURLToPath(new URL('./worker.js', import.meta.url)), cleanup: () => {} };

  const resolved = createRequire(import.meta.url).resolve('tsx/esm/api');
  const esmApi = resolved.replace(/\.cjs$/, '.mjs');
  const api = pathToFileURL(fs.existsSync(esmApi) ? esmApi : resolved).href;
  const worker = new URL('./worker.ts', import.meta.url).href;
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lmulsim-sweep-'));
  const filename = path.join(directory, 'worker.mjs');
  const lines = [
    `await Promise.all(${JSON.stringify(preloadUrls())}.map((url) => import(url)));`,
    `const { register } = await import(${JSON.stringify(api)});`,
    'register();',
    `export default (await import(${JSON.stringify(worker)})).default;`,
    '',
  ];
  fs.writeFileSync(filename, lines.join('\n'));
  return { filename, cleanup: () => fs.rmSync(directory, { recursive: true, force: true }) };
}

/** Points waiting to run: the task list in order, and points put back after a worker died. */
class PointQueue {
  private next = 0;
  private readonly retries: PointTask[] = [];

  constructor(private readonly tasks: readonly PointTask[]) {}

  get size(): number {
    return this.tasks.length - this.next + this.retries.length;
  }

  take(count: number): PointTask[] {
    const taken = this.retries.splice(0, count);
    const fromList = Math.min(count - taken.length, this.tasks.length - this.next);
    taken.push(...this.tasks.slice(this.next, this.next + fromList));
    this.next += fromList;
    return taken;
  }

  putBack(tasks: readonly PointTask[]): void {
    this.retries.push(...tasks);
  }
}

/** A chunk handed to piscina: its points, the main thread's end of its port, and how far it got. */
interface Chunk {
  /** The pool that runs the chunk. When that pool is given up after failed starts, none of its points fail. */
  readonly workers: Piscina<ChunkTask, void>;
  readonly tasks: readonly PointTask[];
  readonly port: MessagePort;
  started: boolean;
  /** Points of `tasks` whose records arrived; the worker runs them in order. */
  finished: number;
}

type LoadBalancer = NonNullable<NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer']>;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Expected milliseconds from starting a worker thread to its first point: the load time of the
 * last worker this process started, or the time a worker stopped while loading had already spent.
 * NOTE: before any worker has loaded this is a guess for compiled code on an idle machine. From
 * TypeScript sources a worker takes several times longer, which the first measured start corrects.
 */
let workerStartMs = 1000;

/** Runs every task and passes each record to `options.onRecord`; resolves when all are recorded. */
export async function runPoints(tasks: readonly PointTask[], options: PointRunOptions): Promise<PointRunCounts> {
  const pool = new PointPool(tasks, options);
  try {
    return await pool.run();
  } finally {
    await pool.stop();
  }
}

/** One run of `runPoints`: the queue, the worker pool and the main thread's loop. */
class PointPool {
  private readonly queue: PointQueue;
  private readonly mainThread: boolean;
  private readonly threads: number;
  private workers?: Piscina<ChunkTask, void>;
  /** performance.now() when the worker pool was created. */
  private workersStartedAt = 0;
  /** Threads piscina created with the pool. Only their load times update `workerStartMs`. */
  private readonly firstThreadIds = new Set<number>();
  private firstThreadsLoaded = 0;
  /** Threads that have loaded `worker.ts` and may receive chunks. */
  private readonly loadedThreadIds = new Set<number>();
  private startFailures = 0;
  /** destroy() of a pool given up after failed starts. */
  private abandoned?: Promise<void>;
  private readonly inFlight = new Set<Chunk>();
  private entry?: { filename: string; cleanup: () => void };
  private stopping = false;
  private counts = { mainThread: 0, workerThreads: 0 };
  /** Main-thread wall time of the points after the first, which also pays for compilation and loading. */
  private warmMs = 0;
  private warmPoints = 0;
  /** An exception of onRecord in a worker message handler, rethrown by the main loop. */
  private recordError?: { error: unknown };
  private wake?: () => void;

  constructor(
    tasks: readonly PointTask[],
    private readonly options: PointRunOptions,
  ) {
    this.queue = new PointQueue(tasks);
    this.mainThread = options.mainThread ?? true;
    this.threads = Math.max(1, Math.min(options.threads, tasks.length));
  }

  async run(): Promise<PointRunCounts> {
    if (!this.mainThread) this.startWorkers(this.threads);
    for (;;) {
      if (this.recordError) throw this.recordError.error;
      if (this.queue.size > 0 && (this.mainThread || !this.workers)) {
        this.runOnMainThread();
        // Lets worker messages through: records, finished chunks and loaded workers.
        await yieldToEventLoop();
        continue;
      }
      this.feed();
      if (this.queue.size === 0 && this.inFlight.size === 0) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    return this.counts;
  }

  /** Terminates the worker threads, including those still loading, which never got a point. */
  async stop(): Promise<void> {
    this.stopping = true;
    const workers = this.workers;
    this.workers = undefined;
    if (workers) {
      // A worker stopped while loading would have needed at least this long, so later sweeps wait for more points.
      if (this.firstThreadsLoaded < this.firstThreadIds.size) workerStartMs = Math.max(workerStartMs, performance.now() - this.workersStartedAt);
      await workers.destroy();
    }
    await this.abandoned;
    for (const chunk of this.inFlight) chunk.port.close();
    this.entry?.cleanup();
  }

  private runOnMainThread(): void {
    const [task] = this.queue.take(1);
    const start = performance.now();
    this.options.onRecord(runPoint(task));
    if (this.counts.mainThread > 0) {
      this.warmMs += performance.now() - start;
      this.warmPoints++;
    }
    this.counts.mainThread++;
    if (!this.workers && this.startFailures === 0 && this.threads > 1 && this.workersPayOff()) this.startWorkers(this.threads - 1);
  }

  /**
   * Decides whether worker threads can finish the sweep sooner: the main thread alone would need
   * longer for the remaining points than a worker needs to load. The first point's time is left
   * out because it includes compiling the simulator and loading cost models.
   */
  private workersPayOff(): boolean {
    if (this.warmPoints === 0) return false;
    const remainingMs = (this.queue.size * this.warmMs) / this.warmPoints;
    return remainingMs > workerStartMs;
  }

  /**
   * Starts `count` worker threads at once. Piscina marks the threads it creates with the pool as
   * ready before they have loaded the module, so the balancer gives chunks only to threads that
   * have posted `loaded`. Until then the main thread keeps taking points from the queue.
   * NOTE: piscina 5.3 replaces any thread of this pool that exits, so a thread still loading when
   * the queue runs dry is not stopped on its own. It keeps loading until the last chunk in flight
   * finishes and stop() destroys the pool. A pool of one thread is destroyed at once, because a
   * loading thread has no chunk.
   */
  private startWorkers(count: number): void {
    this.entry ??= workerEntry();
    const balancer: LoadBalancer = (_task, threads) => {
      let chosen = null;
      for (const thread of threads) {
        if (!this.loadedThreadIds.has(thread.id) || thread.currentUsage >= CHUNKS_IN_FLIGHT) continue;
        if (!chosen || thread.currentUsage < chosen.currentUsage) chosen = thread;
      }
      return chosen;
    };
    const workers = new Piscina<ChunkTask, void>({
      filename: this.entry.filename,
      minThreads: count,
      maxThreads: count,
      concurrentTasksPerWorker: CHUNKS_IN_FLIGHT,
      loadBalancer: balancer,
    });
    this.workers = workers;
    this.workersStartedAt = performance.now();
    for (const thread of workers.threads) this.firstThreadIds.add(thread.threadId);

    workers.on('message', (message: LoadedMessage) => {
      if (typeof message?.sweepWorkerLoaded !== 'number') return;
      this.loadedThreadIds.add(message.sweepWorkerLoaded);
      if (this.firstThreadIds.has(message.sweepWorkerLoaded)) {
        this.firstThreadsLoaded++;
        workerStartMs = performance.now() - this.workersStartedAt;
      }
      this.feed();
      this.notify();
    });
    workers.on('workerDestroy', (thread: { id: number }) => this.loadedThreadIds.delete(thread.id));
    // Piscina emits 'error' for a thread that fails while it has no chunk, that is, while loading.
    workers.on('error', (error: Error) => this.workerFailedToStart(workers, error));
  }

  /**
   * Handles a worker thread that died before it loaded. Piscina starts a replacement, because it
   * counts the threads it created with the pool as started. A module that cannot load would fail
   * every replacement too, so after as many failures as the pool has threads the sweep stops
   * using worker threads and the main thread runs the remaining points.
   */
  private workerFailedToStart(workers: Piscina<ChunkTask, void>, error: Error): void {
    if (this.stopping || workers !== this.workers) return;
    this.startFailures++;
    this.options.onWarning?.(`a worker thread failed to start (${error.message}); the sweep continues on the other threads`);
    if (this.startFailures >= workers.options.minThreads) {
      this.workers = undefined;
      // Chunks still in flight are rejected by destroy() and go back to the queue.
      this.abandoned = workers.destroy();
    }
    this.notify();
  }

  /** Hands out chunks while loaded workers have room for CHUNKS_IN_FLIGHT chunks each. */
  private feed(): void {
    const workers = this.workers;
    if (!workers) return;
    while (this.inFlight.size < CHUNKS_IN_FLIGHT * this.loadedThreadIds.size && this.queue.size > 0) {
      // Guided chunks: large while many points remain, single points at the end, so threads finish together.
      const size = Math.max(1, Math.min(MAX_CHUNK_POINTS, Math.floor(this.queue.size / (2 * this.threads))));
      const { port1, port2 } = new MessageChannel();
      const chunk: Chunk = { workers, tasks: this.queue.take(size), port: port1, started: false, finished: 0 };
      this.inFlight.add(chunk);
      port1.on('message', (message: ChunkMessage) => this.chunkMessage(chunk, message));
      workers.run({ tasks: chunk.tasks, port: port2 }, { transferList: [port2] }).then(
        () => this.chunkSettled(chunk),
        (error: unknown) => this.chunkSettled(chunk, error),
      );
    }
  }

  private chunkMessage(chunk: Chunk, message: ChunkMessage): void {
    if (message.kind === 'start') {
      chunk.started = true;
      return;
    }
    chunk.finished++;
    this.record(message.kind === 'record' ? message.record : pricePoint(message.point));
    this.notify();
  }

  /**
   * Handles the end of a chunk. A worker's messages can still wait in the port when piscina
   * settles the task, so they are read first. After a failure, the first unfinished point of a
   * started chunk was running and fails, and the other unfinished points go back to the queue.
   */
  private chunkSettled(chunk: Chunk, error?: unknown): void {
    if (this.stopping) return;
    for (let entry = receiveMessageOnPort(chunk.port); entry !== undefined; entry = receiveMessageOnPort(chunk.port)) {
      this.chunkMessage(chunk, entry.message as ChunkMessage);
    }
    chunk.port.close();
    this.inFlight.delete(chunk);

    const unfinished = chunk.tasks.slice(chunk.finished);
    if (unfinished.length > 0 && chunk.started && chunk.workers === this.workers) {
      const [failed, ...unstarted] = unfinished;
      let reason = 'the chunk ended without a record';
      if (error instanceof Error) reason = error.message;
      else if (error !== undefined) reason = String(error);
      // The point's own wall time died with the worker, so the record gives 0.
      this.record({ id: failed.id, sweep: failed.sweepHash, index: failed.index, params: failed.params, status: 'failed', error: `worker thread failed: ${reason}`, wallMs: 0 });
      this.queue.putBack(unstarted);
      this.options.onWarning?.(`a worker thread failed while running point ${failed.id} (index ${failed.index}): ${reason}; its other points go back to the queue`);
    } else {
      this.queue.putBack(unfinished);
    }
    this.feed();
    this.notify();
  }

  private notify(): void {
    this.wake?.();
    this.wake = undefined;
  }

  private record(record: PointRecord): void {
    this.counts.workerThreads++;
    try {
      this.options.onRecord(record);
    } catch (error) {
      this.recordError ??= { error };
    }
  }
}
