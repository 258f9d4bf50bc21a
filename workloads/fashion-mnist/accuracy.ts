/**
 * The accuracy table: runs each numeric configuration over the first N test images on the simulated
 * machine and reports test accuracy, agreement with the fp32 configuration's predictions and
 * estimated energy per image.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UserError } from '../../common/errors.js';
import { loadArch } from '../../sim/arch/index.js';
import { IMAGE_PIXELS, loadFashionMnist } from './dataset.js';
import { hostLogits } from './host.js';
import { NUMERIC_CONFIGS, runInference, unsupportedReason, type InferenceResult, type NumericConfig } from './inference.js';
import { argmaxRows, loadWeights, type MlpWeights } from './model.js';
import type { WorkerRequest, WorkerResponse } from './worker.js';

/** One row of the table. */
export interface AccuracyRow {
  readonly config: string;
  /** Fraction of images whose predicted class equals the label. */
  readonly accuracy: number;
  /** Fraction of images whose predicted class equals the fp32 configuration's. */
  readonly agreementWithFp32: number;
  /** Estimated energy of the run divided by the number of images, J; null when the row was not simulated. */
  readonly energyPerImageJ: number | null;
  /** Simulated cycles of the whole run; null when the row was not simulated. */
  readonly cycles: number | null;
  /** False when the machine cannot run the configuration and the numerics core's gemm computed the row. */
  readonly simulated: boolean;
  /** Reason the row was not simulated. */
  readonly note?: string;
}

/** Settings of the table. */
export interface AccuracyOptions {
  readonly configs: readonly NumericConfig[];
  /** Number of test images, from the first. */
  readonly limit: number;
  /** Machine YAML file or preset name. */
  readonly arch: string;
  readonly batchSize: number;
  /** Worker threads; 1 runs every configuration in this thread. */
  readonly jobs: number;
  readonly dataDirectory?: string;
  readonly weightsDirectory?: string;
  readonly node?: string;
}

/**
 * Computes the table. The fp32 configuration also runs when it is not requested, for the agreement
 * column. Configurations whose operand format or datapath the machine lacks are computed with the
 * numerics core's gemm instead, and their rows carry a note.
 */
export async function accuracyTable(options: AccuracyOptions): Promise<AccuracyRow[]> {
  const test = loadFashionMnist('test', options.dataDirectory);
  const imageCount = Math.min(options.limit, test.count);
  const pixels = test.pixels.subarray(0, imageCount * IMAGE_PIXELS);

  const arch = loadArch(options.arch);
  const fp32 = NUMERIC_CONFIGS[0];
  const toRun = options.configs.some((config) => config.name === fp32.name) ? [...options.configs] : [fp32, ...options.configs];

  const simulated = toRun.filter((config) => unsupportedReason(arch, config) === undefined);
  const results = await runAll(simulated, pixels, imageCount, options, arch);
  const notes = new Map<string, string>();
  const unsimulated = toRun.filter((config) => !simulated.includes(config));
  const weights = unsimulated.length > 0 ? loadWeights(options.weightsDirectory) : undefined;
  for (const config of unsimulated) {
    notes.set(config.name, `computed with the numerics core's gemm, not simulated: machine '${arch.name}' cannot run it because ${unsupportedReason(arch, config)}`);
    results.set(config.name, { logits: hostLogits(pixels, imageCount, config, weights as MlpWeights), cycles: NaN, energyJ: NaN });
  }

  const reference = argmaxRows((results.get(fp32.name) as InferenceResult).logits, imageCount);
  return options.configs.map((config): AccuracyRow => {
    const result = results.get(config.name) as InferenceResult;
    const note = notes.get(config.name);
    const predictions = argmaxRows(result.logits, imageCount);
    let correct = 0;
    let agree = 0;
    for (let i = 0; i < imageCount; i++) {
      if (predictions[i] === test.labels[i]) correct += 1;
      if (predictions[i] === reference[i]) agree += 1;
    }
    const common = { config: config.name, accuracy: correct / imageCount, agreementWithFp32: agree / imageCount };
    if (note !== undefined) return { ...common, energyPerImageJ: null, cycles: null, simulated: false, note };
    return { ...common, energyPerImageJ: result.energyJ / imageCount, cycles: result.cycles, simulated: true };
  });
}

async function runAll(
  configs: readonly NumericConfig[],
  pixels: Uint8Array,
  imageCount: number,
  options: AccuracyOptions,
  arch: ReturnType<typeof loadArch>,
): Promise<Map<string, InferenceResult>> {
  const results = new Map<string, InferenceResult>();
  const workerFile = fileURLToPath(new URL('./worker.js', import.meta.url));
  // Workers need the compiled worker.js; under a TypeScript loader (tsx, vitest) this module is a .ts file.
  const useWorkers = options.jobs > 1 && configs.length > 1 && import.meta.url.endsWith('.js');
  if (!useWorkers) {
    for (const config of configs) {
      results.set(config.name, runInference(pixels, imageCount, config, { arch, batchSize: options.batchSize, weightsDirectory: options.weightsDirectory, node: options.node }));
    }
    return results;
  }

  // Longest jobs first. Only 8-bit formats use product tables, and bf16 L-Mul measured about three
  // times as long as exact bf16.
  const queue = [...configs].sort((a, b) => cost(b) - cost(a));
  const workerCount = Math.min(options.jobs, queue.length);
  const workers = Array.from({ length: workerCount }, () => new Worker(workerFile));
  try {
    await Promise.all(
      workers.map(async (worker) => {
        for (let config = queue.shift(); config; config = queue.shift()) {
          const request: WorkerRequest = { configName: config.name, pixels, imageCount, arch: options.arch, batchSize: options.batchSize, weightsDirectory: options.weightsDirectory, node: options.node };
          const response = await new Promise<WorkerResponse>((resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
            worker.postMessage(request);
          });
          worker.removeAllListeners('error');
          if (!response.ok) {
            if (response.exitCode !== undefined) throw new UserError(response.message, response.exitCode);
            throw new Error(`configuration '${response.configName}' failed: ${response.message}`);
          }
          results.set(response.configName, { logits: response.logits, cycles: response.cycles, energyJ: response.energyJ });
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results;
}

/** Relative run time of a configuration, for scheduling only. */
function cost(config: NumericConfig): number {
  if (config.format === 'e4m3' || config.format === 'e5m2') return 1;
  return config.method === 'exact' ? 2 : 7;
}
