/**
 * Runs the MLP on the simulated accelerator. The images go to a temporary `.npy` file, and the
 * program generated for the machine and numeric configuration is validated and executed with
 * bit-exact values. The cost model then prices the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT_INVALID_INPUT, UserError } from '../../common/errors.js';
import { estimateEnergy, loadCostModel } from '../../costmodels/index.js';
import { checkFiles } from '../../isa/index.js';
import type { ArchConfig } from '../../sim/arch/index.js';
import { bufferGeometry, datapathOf, executeProgram, targetFromArch } from '../../sim/exec/index.js';
import { writeNpyFile } from '../../sim/io/npy.js';
import type { MethodName } from '../../sim/numerics/index.js';
import { CLASS_COUNT, IMAGE_PIXELS, pixelToInput } from './dataset.js';
import { workloadDirectory } from './files.js';
import { WEIGHT_FILES, WEIGHTS_DIRECTORY } from './model.js';
import { bufferElements, generateMlpProgram } from './program.js';

/** Default machine of the accuracy command: workloads/fashion-mnist/machine.yaml. */
export const DEFAULT_MACHINE_FILE = path.join(workloadDirectory(), 'machine.yaml');

/** Default images per batch of the generated program, equal to the default machine's array rows. */
export const DEFAULT_BATCH_SIZE = 256;

/** A numeric configuration: operand format and multiplier method; accumulation is fp32 in every one. */
export interface NumericConfig {
  readonly name: string;
  readonly format: string;
  readonly method: MethodName;
}

/** The configurations of the accuracy table, in table order. */
export const NUMERIC_CONFIGS: readonly NumericConfig[] = [
  { name: 'fp32', format: 'fp32', method: 'exact' },
  { name: 'bf16', format: 'bf16', method: 'exact' },
  { name: 'bf16-lmul', format: 'bf16', method: 'lmul' },
  { name: 'e4m3-exact', format: 'e4m3', method: 'exact' },
  { name: 'e4m3-lmul', format: 'e4m3', method: 'lmul' },
  { name: 'e5m2-exact', format: 'e5m2', method: 'exact' },
  { name: 'e5m2-lmul', format: 'e5m2', method: 'lmul' },
];

/** Outcome of one configuration's run. */
export interface InferenceResult {
  /** imageCount × 10 logits, row-major. */
  readonly logits: Float64Array;
  readonly cycles: number;
  /** Estimated energy of the whole run, J. */
  readonly energyJ: number;
}

/** Settings of one inference run. */
export interface InferenceOptions {
  readonly arch: ArchConfig;
  readonly batchSize?: number;
  /** Directory of the four weight `.npy` files; default the shipped weights. */
  readonly weightsDirectory?: string;
  /** Cost-model node or file for the energy estimate; default 45nm. */
  readonly node?: string;
}

/**
 * Returns why the matrix unit of `arch` cannot multiply `config`'s operands (format or datapath
 * missing), or undefined when it can.
 */
export function unsupportedReason(arch: ArchConfig, config: NumericConfig): string | undefined {
  const matrix = arch.core.matrix;
  if (!matrix.inputFormats.includes(config.format)) return `its matrix unit takes no ${config.format} operands (formats: ${matrix.inputFormats.join(', ')})`;
  if (!matrix.datapaths.includes(datapathOf(config.method))) return `it has no ${datapathOf(config.method)} datapath`;
  return undefined;
}

/**
 * Checks that `arch` can run `config`: an fp32 accumulator, the configuration's operand format and
 * datapath, and an array and vector length wide enough for the 10 output classes.
 */
export function checkMachineFor(arch: ArchConfig, config: NumericConfig): void {
  const matrix = arch.core.matrix;
  const problems: string[] = [];
  if (matrix.accumulatorFormat !== 'fp32') problems.push(`its accumulator format is ${matrix.accumulatorFormat}, not fp32`);
  const unsupported = unsupportedReason(arch, config);
  if (unsupported !== undefined) problems.push(unsupported);
  if (matrix.cols < CLASS_COUNT || arch.core.vectorRegisters.lengthElements < CLASS_COUNT) problems.push(`its array columns and vector length must be at least ${CLASS_COUNT}`);
  if (arch.core.vectorRegisters.count < 4) problems.push('the program needs 4 vector registers');
  if (problems.length > 0) throw new UserError(`machine '${arch.name}' cannot run configuration '${config.name}': ${problems.join('; ')}`, EXIT_INVALID_INPUT);
}

/** Checks that the weights and one batch fit the scratchpad and accumulator, before generating a program. */
function checkBuffers(arch: ArchConfig, batchSize: number): void {
  const needed = bufferElements(batchSize);
  const geometry = bufferGeometry(arch);
  // The weights and biases stay resident whatever the batch size, so a buffer too small for them
  // alone plus one image cannot be fixed with a smaller --batch.
  const fixed = bufferElements(0);
  const oneImage = bufferElements(1);
  for (const [buffer, contents, fixedContents, neededElements, fixedElements, minimumElements, availableElements] of [
    ['scratchpad', "the MLP's weights and", "the MLP's weights", needed.scratchpad, fixed.scratchpad, oneImage.scratchpad, geometry.scratchpadElements],
    ['accumulator', 'the activations and biases of', "the MLP's biases", needed.accumulator, fixed.accumulator, oneImage.accumulator, geometry.accumulatorElements],
  ] as const) {
    if (minimumElements > availableElements) {
      const alone = fixedElements > availableElements ? `${fixedContents} alone need ${fixedElements} elements` : `${fixedContents} and one image need ${minimumElements} elements`;
      throw new UserError(
        `machine '${arch.name}' has room for ${availableElements} elements in its ${buffer}, but ${alone}, whatever the batch size: use a machine whose ${buffer} holds at least ${minimumElements} elements`,
        EXIT_INVALID_INPUT,
      );
    }
    if (neededElements > availableElements) {
      throw new UserError(
        `machine '${arch.name}' has room for ${availableElements} elements in its ${buffer}, but ${contents} a batch of ${batchSize} images need ${neededElements}: use a smaller --batch or a machine with a larger ${buffer}`,
        EXIT_INVALID_INPUT,
      );
    }
  }
}

/**
 * Returns `arch` with the matrix unit's operand formats narrowed to `format`. The executor sizes
 * scratchpad elements by the widest operand format the machine accepts, so without this an e4m3 run
 * on a machine that also accepts fp32 would be charged 4 bytes per scratchpad element.
 */
function narrowToFormat(arch: ArchConfig, format: string): ArchConfig {
  return { ...arch, core: { ...arch.core, matrix: { ...arch.core.matrix, inputFormats: [format] } } };
}

/**
 * Runs the first `imageCount` images of `pixels` (imageCount × 784 bytes) through the MLP on the
 * simulated machine with one numeric configuration.
 */
export function runInference(pixels: Uint8Array, imageCount: number, config: NumericConfig, options: InferenceOptions): InferenceResult {
  checkMachineFor(options.arch, config);
  const arch = narrowToFormat(options.arch, config.format);
  const weightsDirectory = options.weightsDirectory ?? WEIGHTS_DIRECTORY;
  const batchSize = Math.min(options.batchSize ?? DEFAULT_BATCH_SIZE, imageCount);
  checkBuffers(arch, batchSize);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lmulsim-fashion-mnist-'));
  try {
    const inputsFile = path.join(directory, 'inputs.npy');
    const inputs = new Float32Array(imageCount * IMAGE_PIXELS);
    for (let i = 0; i < inputs.length; i++) inputs[i] = pixelToInput(pixels[i]);
    writeNpyFile(inputsFile, [imageCount, IMAGE_PIXELS], inputs, 'float32');

    const programFile = path.join(directory, `mlp-${config.name}.lasm`);
    const text = generateMlpProgram({
      geometry: { arrayRows: arch.core.matrix.rows, arrayCols: arch.core.matrix.cols, vectorLength: arch.core.vectorRegisters.lengthElements },
      imageCount,
      batchSize,
      inputFormat: config.format,
      method: config.method,
      files: {
        inputs: inputsFile,
        w1: path.resolve(weightsDirectory, WEIGHT_FILES.w1.file),
        b1: path.resolve(weightsDirectory, WEIGHT_FILES.b1.file),
        w2: path.resolve(weightsDirectory, WEIGHT_FILES.w2.file),
        b2: path.resolve(weightsDirectory, WEIGHT_FILES.b2.file),
      },
    });
    fs.writeFileSync(programFile, text);

    const [checked] = checkFiles([programFile], targetFromArch(arch));
    if (!checked.program) {
      throw new UserError(`the generated program for '${config.name}' on machine '${arch.name}' is invalid`, EXIT_INVALID_INPUT, checked.diagnostics, checked.sources);
    }
    const result = executeProgram(checked.program, { arch, values: 'hardware' });
    const logits = result.tensors.find((tensor) => tensor.name === 'LOGITS')?.values;
    if (!logits) throw new Error('the generated program has no LOGITS output');
    const energy = estimateEnergy(result.activity(), loadCostModel(options.node ?? '45nm'));
    return { logits, cycles: result.cycles, energyJ: energy.totalPj * 1e-12 };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}
