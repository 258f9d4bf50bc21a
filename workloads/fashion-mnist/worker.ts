/**
 * Worker thread of the accuracy table: runs one numeric configuration per message with
 * `runInference` and posts the logits back, or the error's message and exit code.
 */
import { parentPort } from 'node:worker_threads';
import { UserError } from '../../common/errors.js';
import { loadArch } from '../../sim/arch/index.js';
import { NUMERIC_CONFIGS, runInference } from './inference.js';

/** A job for the worker. */
export interface WorkerRequest {
  readonly configName: string;
  readonly pixels: Uint8Array;
  readonly imageCount: number;
  /** Machine YAML file or preset name. */
  readonly arch: string;
  readonly batchSize: number;
  readonly weightsDirectory?: string;
  readonly node?: string;
}

/** The worker's response to one request. */
export type WorkerResponse =
  | { readonly ok: true; readonly configName: string; readonly logits: Float64Array; readonly cycles: number; readonly energyJ: number }
  | { readonly ok: false; readonly configName: string; readonly message: string; readonly exitCode: number | undefined };

parentPort?.on('message', (request: WorkerRequest) => {
  let response: WorkerResponse;
  try {
    const config = NUMERIC_CONFIGS.find((candidate) => candidate.name === request.configName);
    if (!config) throw new Error(`unknown configuration '${request.configName}'`);
    const result = runInference(request.pixels, request.imageCount, config, {
      arch: loadArch(request.arch),
      batchSize: request.batchSize,
      weightsDirectory: request.weightsDirectory,
      node: request.node,
    });
    response = { ok: true, configName: config.name, ...result };
  } catch (error) {
    const exitCode = error instanceof UserError ? error.exitCode : undefined;
    // Diagnostics do not cross the thread boundary, so their messages go into the text.
    const details = error instanceof UserError ? error.diagnostics.map((diagnostic) => diagnostic.message) : [];
    const message = [(error as Error).message, ...details].filter((part) => part !== '').join(': ');
    response = { ok: false, configName: request.configName, message, exitCode };
  }
  parentPort?.postMessage(response);
});
