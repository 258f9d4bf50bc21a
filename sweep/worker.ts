/**
 * Worker-thread entry of the sweep pool, loaded by piscina. On load it posts `loaded` to the main
 * thread, which sends chunks only to loaded workers. Piscina calls the default export once per
 * chunk. The chunk runs its points in order and posts one message per finished point on the
 * chunk's own MessagePort, so that the main thread writes each line at once.
 *
 * Program and gemm points go back unpriced, because loading the cost models with mathjs takes
 * 0.7 s or more. The worker imports them only for its first model point, whose whole-model estimate
 * prices every layer itself.
 */
import { isMainThread, parentPort, threadId, type MessagePort } from 'node:worker_threads';
import { measurePoint, type UnpricedPoint } from './measure.js';
import type { PointRecord, PointTask } from './point.js';

/** One piscina task: points to run in order, and the port that receives a message per point. */
export interface ChunkTask {
  readonly tasks: readonly PointTask[];
  readonly port: MessagePort;
}

/**
 * Messages on a chunk's port: the chunk has started (the worker ran every earlier chunk), one
 * finished point (a model point's record, or a measured point whose energy the main thread
 * prices).
 */
export type ChunkMessage =
  | { readonly kind: 'start' }
  | { readonly kind: 'record'; readonly record: PointRecord }
  | { readonly kind: 'unpriced'; readonly point: UnpricedPoint };

/** Message on the worker's parent port once this module has loaded. Piscina emits it as the pool's 'message' event. */
export interface LoadedMessage {
  readonly sweepWorkerLoaded: number;
}

/**
 * Test hook that makes worker threads fail as a crashed thread would: `load` throws while the
 * module loads, and a point id makes the thread exit with code 70 when it reaches that point.
 * Production sweeps leave the variable unset.
 */
const fault = process.env.LMULSIM_TEST_WORKER_FAULT;
if (fault === 'load') throw new Error('LMULSIM_TEST_WORKER_FAULT=load: the worker module failed to load');

function runTasks(chunk: ChunkTask): Promise<void> | void {
  chunk.port.postMessage({ kind: 'start' } satisfies ChunkMessage);
  for (let index = 0; index < chunk.tasks.length; index++) {
    const task = chunk.tasks[index];
    if (task.id === fault) process.exit(70);
    // A model point loads the cost models first, so the rest of the chunk continues after the import.
    if (task.workload.kind === 'model') return runModelTasks(chunk, index);
    chunk.port.postMessage({ kind: 'unpriced', point: measurePoint(task) } satisfies ChunkMessage);
  }
}

async function runModelTasks(chunk: ChunkTask, from: number): Promise<void> {
  const { runPoint } = await import('./point.js');
  for (const task of chunk.tasks.slice(from)) {
    if (task.id === fault) process.exit(70);
    if (task.workload.kind === 'model') chunk.port.postMessage({ kind: 'record', record: runPoint(task) } satisfies ChunkMessage);
    else chunk.port.postMessage({ kind: 'unpriced', point: measurePoint(task) } satisfies ChunkMessage);
  }
}

/**
 * Piscina hands a worker its next chunk while the current one may still wait for an import, so
 * chunks are chained here to run one after another. The main thread relies on that order when a
 * worker dies: only a chunk that has posted `start` can have a point running.
 */
let previous: Promise<void> = Promise.resolve();

export default function runChunk(chunk: ChunkTask): Promise<void> {
  const run = previous.then(() => runTasks(chunk));
  previous = run.catch(() => undefined);
  return run;
}

if (!isMainThread) parentPort?.postMessage({ sweepWorkerLoaded: threadId } satisfies LoadedMessage);
