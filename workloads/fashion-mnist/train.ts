/**
 * Trains the 784-256-10 MLP on the Fashion-MNIST training split and writes its weights as float16
 * `.npy` files. Softmax cross-entropy loss, Adam, He-initialised weights and zero biases, with a
 * seeded generator so that a run is reproducible on the same Node.js version.
 *
 *   npx tsx workloads/fashion-mnist/train.ts [--epochs 5] [--batch 64] [--lr 0.001] [--seed 1]
 *                                            [--data DIR] [--out DIR]
 */
import { parseArgs } from 'node:util';
import { SplitMix32 } from '../../sim/exec/index.js';
import { CLASS_COUNT, DEFAULT_DATA_DIRECTORY, IMAGE_PIXELS, loadFashionMnist, pixelToInput, type FashionMnistSplit } from './dataset.js';
import { argmaxRows, HIDDEN_UNITS, logitsFp64, saveWeightsFp16, WEIGHTS_DIRECTORY, type MlpWeights } from './model.js';

/** Training hyperparameters. */
export interface TrainSettings {
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam step size. */
  readonly learningRate: number;
  readonly seed: number;
}

/** Adam's moment decay rates and denominator guard, the defaults of Kingma and Ba (2015). */
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

class AdamParameter {
  readonly gradient: Float64Array;
  private readonly firstMoment: Float64Array;
  private readonly secondMoment: Float64Array;

  constructor(readonly values: Float64Array) {
    this.gradient = new Float64Array(values.length);
    this.firstMoment = new Float64Array(values.length);
    this.secondMoment = new Float64Array(values.length);
  }

  /** Applies one Adam step with the averaged gradient, then clears the gradient. */
  step(learningRate: number, stepNumber: number, batchSize: number): void {
    const correction1 = 1 - BETA1 ** stepNumber;
    const correction2 = 1 - BETA2 ** stepNumber;
    for (let i = 0; i < this.values.length; i++) {
      const g = this.gradient[i] / batchSize;
      this.firstMoment[i] = BETA1 * this.firstMoment[i] + (1 - BETA1) * g;
      this.secondMoment[i] = BETA2 * this.secondMoment[i] + (1 - BETA2) * g * g;
      const mHat = this.firstMoment[i] / correction1;
      const vHat = this.secondMoment[i] / correction2;
      this.values[i] -= (learningRate * mHat) / (Math.sqrt(vHat) + EPSILON);
    }
    this.gradient.fill(0);
  }
}

/** Trains the MLP on `data` and returns its weights in fp64; `log` receives one line per epoch. */
export function trainMlp(data: FashionMnistSplit, settings: TrainSettings, log: (line: string) => void = () => {}): MlpWeights {
  const random = new SplitMix32(settings.seed);
  const w1 = new Float64Array(IMAGE_PIXELS * HIDDEN_UNITS).map(() => random.normal(0, Math.sqrt(2 / IMAGE_PIXELS)));
  const w2 = new Float64Array(HIDDEN_UNITS * CLASS_COUNT).map(() => random.normal(0, Math.sqrt(2 / HIDDEN_UNITS)));
  const parameters = {
    w1: new AdamParameter(w1),
    b1: new AdamParameter(new Float64Array(HIDDEN_UNITS)),
    w2: new AdamParameter(w2),
    b2: new AdamParameter(new Float64Array(CLASS_COUNT)),
  };

  const input = new Float64Array(IMAGE_PIXELS);
  const hidden = new Float64Array(HIDDEN_UNITS);
  const hiddenGradient = new Float64Array(HIDDEN_UNITS);
  const probabilities = new Float64Array(CLASS_COUNT);
  const order = Array.from({ length: data.count }, (_, i) => i);
  let stepNumber = 0;

  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    shuffle(order, random);
    let lossSum = 0;
    for (let start = 0; start < data.count; start += settings.batchSize) {
      const end = Math.min(data.count, start + settings.batchSize);
      for (let position = start; position < end; position++) {
        const image = order[position];
        for (let p = 0; p < IMAGE_PIXELS; p++) input[p] = pixelToInput(data.pixels[image * IMAGE_PIXELS + p]);
        lossSum += accumulateGradients(parameters, input, data.labels[image], hidden, hiddenGradient, probabilities);
      }
      stepNumber += 1;
      for (const parameter of Object.values(parameters)) parameter.step(settings.learningRate, stepNumber, end - start);
    }
    log(`epoch ${epoch}: mean training loss ${(lossSum / data.count).toFixed(4)}`);
  }
  return { w1: parameters.w1.values, b1: parameters.b1.values, w2: parameters.w2.values, b2: parameters.b2.values };
}

/** Adds one example's gradients to the parameters' gradient buffers and returns its cross-entropy loss. */
function accumulateGradients(
  parameters: Record<'w1' | 'b1' | 'w2' | 'b2', AdamParameter>,
  input: Float64Array,
  label: number,
  hidden: Float64Array,
  hiddenGradient: Float64Array,
  probabilities: Float64Array,
): number {
  const { w1, b1, w2, b2 } = parameters;

  hidden.set(b1.values);
  for (let p = 0; p < IMAGE_PIXELS; p++) {
    const x = input[p];
    if (x === 0) continue;
    const row = p * HIDDEN_UNITS;
    for (let h = 0; h < HIDDEN_UNITS; h++) hidden[h] += x * w1.values[row + h];
  }
  for (let h = 0; h < HIDDEN_UNITS; h++) hidden[h] = Math.max(0, hidden[h]);

  // Softmax with the maximum subtracted, so that exp never overflows.
  let maxLogit = -Infinity;
  for (let c = 0; c < CLASS_COUNT; c++) {
    let sum = b2.values[c];
    for (let h = 0; h < HIDDEN_UNITS; h++) sum += hidden[h] * w2.values[h * CLASS_COUNT + c];
    probabilities[c] = sum;
    maxLogit = Math.max(maxLogit, sum);
  }
  let total = 0;
  for (let c = 0; c < CLASS_COUNT; c++) {
    probabilities[c] = Math.exp(probabilities[c] - maxLogit);
    total += probabilities[c];
  }
  for (let c = 0; c < CLASS_COUNT; c++) probabilities[c] /= total;
  const loss = -Math.log(Math.max(probabilities[label], 1e-300));

  // The gradient of the loss with respect to the logits is probabilities − one-hot(label).
  probabilities[label] -= 1;
  hiddenGradient.fill(0);
  for (let h = 0; h < HIDDEN_UNITS; h++) {
    if (hidden[h] === 0) continue;
    for (let c = 0; c < CLASS_COUNT; c++) {
      w2.gradient[h * CLASS_COUNT + c] += hidden[h] * probabilities[c];
      hiddenGradient[h] += w2.values[h * CLASS_COUNT + c] * probabilities[c];
    }
  }
  for (let c = 0; c < CLASS_COUNT; c++) b2.gradient[c] += probabilities[c];
  for (let h = 0; h < HIDDEN_UNITS; h++) b1.gradient[h] += hiddenGradient[h];
  for (let p = 0; p < IMAGE_PIXELS; p++) {
    const x = input[p];
    if (x === 0) continue;
    const row = p * HIDDEN_UNITS;
    for (let h = 0; h < HIDDEN_UNITS; h++) w1.gradient[row + h] += x * hiddenGradient[h];
  }
  return loss;
}

/** Fisher-Yates shuffle driven by the seeded generator. */
function shuffle(values: number[], random: SplitMix32): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = random.nextUint32() % (i + 1);
    [values[i], values[j]] = [values[j], values[i]];
  }
}

/** Returns the fraction of `data` that `weights` classifies correctly, computed in fp64. */
export function accuracyFp64(weights: MlpWeights, data: FashionMnistSplit): number {
  const inputs = new Float64Array(data.count * IMAGE_PIXELS);
  for (let i = 0; i < inputs.length; i++) inputs[i] = pixelToInput(data.pixels[i]);
  const predictions = argmaxRows(logitsFp64(weights, inputs, data.count), data.count);
  let correct = 0;
  for (let i = 0; i < data.count; i++) if (predictions[i] === data.labels[i]) correct += 1;
  return correct / data.count;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '5' },
      batch: { type: 'string', default: '64' },
      lr: { type: 'string', default: '0.001' },
      seed: { type: 'string', default: '1' },
      data: { type: 'string', default: DEFAULT_DATA_DIRECTORY },
      out: { type: 'string', default: WEIGHTS_DIRECTORY },
    },
  });
  const settings: TrainSettings = { epochs: Number(values.epochs), batchSize: Number(values.batch), learningRate: Number(values.lr), seed: Number(values.seed) };
  const started = Date.now();
  const train = loadFashionMnist('train', values.data);
  const test = loadFashionMnist('test', values.data);
  console.log(`training on ${train.count} images: ${JSON.stringify(settings)}`);
  const weights = trainMlp(train, settings, (line) => console.log(`${line} (${((Date.now() - started) / 1000).toFixed(0)} s)`));
  console.log(`test accuracy, fp64 weights: ${accuracyFp64(weights, test).toFixed(4)}`);
  saveWeightsFp16(weights, values.out);
  console.log(`wrote float16 weights to ${values.out}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) main();
