/**
 * The Fashion-MNIST data set (Xiao, Rasul and Vollgraf, 2017): 28×28 grey-scale images of clothing in
 * 10 classes, 60,000 for training and 10,000 for testing, as installed by Debian's
 * `dataset-fashion-mnist` package.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EXIT_INVALID_INPUT, UserError } from '../../common/errors.js';
import { readIdxFile } from './idx.js';

/** Directory where Debian's `dataset-fashion-mnist` package installs the gzipped IDX files. */
export const DEFAULT_DATA_DIRECTORY = '/usr/share/datasets/fashion-mnist';

/** Pixels per image (28 × 28). */
export const IMAGE_PIXELS = 784;

/** Number of classes. */
export const CLASS_COUNT = 10;

/** Class names by label, from the data set's README (/usr/share/doc/dataset-fashion-mnist). */
export const CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** One split of the data set. */
export interface FashionMnistSplit {
  readonly count: number;
  /** `count` × 784 pixels, row-major, 0 (background) to 255. */
  readonly pixels: Uint8Array;
  /** `count` labels, 0 to 9. */
  readonly labels: Uint8Array;
}

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/**
 * Loads the training or test split from `directory`, accepting each file gzipped (`.gz`) or not.
 * Missing files raise a UserError (exit 2) that names the package to install.
 */
export function loadFashionMnist(split: 'train' | 'test', directory = DEFAULT_DATA_DIRECTORY): FashionMnistSplit {
  const [imagesName, labelsName] = FILES[split];
  const images = readIdxFile(findFile(directory, imagesName));
  const labels = readIdxFile(findFile(directory, labelsName));

  if (images.shape.length !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28) {
    throw new UserError(`invalid Fashion-MNIST images in '${directory}': shape (${images.shape.join(', ')}), expected (N, 28, 28)`, EXIT_INVALID_INPUT);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new UserError(`invalid Fashion-MNIST labels in '${directory}': shape (${labels.shape.join(', ')}), expected (${images.shape[0]}) to match the images`, EXIT_INVALID_INPUT);
  }
  const badLabel = labels.data.findIndex((label) => label >= CLASS_COUNT);
  if (badLabel >= 0) throw new UserError(`invalid Fashion-MNIST label ${labels.data[badLabel]} at index ${badLabel} in '${directory}': expected 0 to 9`, EXIT_INVALID_INPUT);
  return { count: images.shape[0], pixels: images.data, labels: labels.data };
}

function findFile(directory: string, name: string): string {
  for (const candidate of [path.join(directory, `${name}.gz`), path.join(directory, name)]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new UserError(
    `Fashion-MNIST file '${name}.gz' not found in '${directory}': install the data set with 'apt-get install dataset-fashion-mnist', or pass --data DIR with the IDX files`,
    EXIT_INVALID_INPUT,
  );
}

/** Scales pixels 0…255 to the model's inputs 0…1 (division by 255, rounded to fp32). */
export function pixelToInput(pixel: number): number {
  return Math.fround(pixel / 255);
}
