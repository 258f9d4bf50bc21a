/**
 * DRAM and host-memory tensors of a run: capacity checks against the machine, and initial values
 * from the program's initialisers. Values are held as doubles already rounded to the tensor's format.
 */
import path from 'node:path';
import { UserError } from '../../common/errors.js';
import type { Diagnostic } from '../../common/diagnostic.js';
import type { ResolvedTensor } from '../../isa/ast.js';
import type { ArchConfig } from '../arch/types.js';
import { readNpyFile } from '../io/npy.js';
import { parseRawBits, readBinaryFile } from '../io/raw.js';
import { decode, parseFormat, roundToFormat, type FloatFormat } from '../numerics/index.js';
import { SplitMix32 } from './random.js';

/** Bytes one element of `format` occupies in memory: its width rounded up to whole bytes. */
export function elementBytes(format: FloatFormat): number {
  return Math.ceil(format.widthBits / 8);
}

/** Number of elements of a tensor shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

function tensorError(tensor: ResolvedTensor, message: string): UserError {
  const diagnostic: Diagnostic = tensor.span ? { severity: 'error', message, span: tensor.span } : { severity: 'error', message };
  return new UserError('', 2, [diagnostic]);
}

/**
 * Checks that the tensors fit the machine: the DRAM tensors in the off-chip memory, the host tensors
 * in host memory, and that host tensors have a host link to reach them. Throws a UserError with the
 * first problem.
 */
export function checkTensorCapacity(tensors: readonly ResolvedTensor[], arch: ArchConfig): void {
  const [first] = tensorCapacityDiagnostics(tensors, arch);
  if (first) throw new UserError('', 2, [first]);
}

/**
 * Returns the errors of checkTensorCapacity: each host tensor without a host link, and the first
 * tensor that overflows the DRAM and the host memory.
 */
export function tensorCapacityDiagnostics(tensors: readonly ResolvedTensor[], arch: ArchConfig): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (tensor: ResolvedTensor, message: string): void => {
    diagnostics.push(tensor.span ? { severity: 'error', message, span: tensor.span } : { severity: 'error', message });
  };
  let dramBytes = 0;
  let hostBytes = 0;
  for (const tensor of tensors) {
    const bytes = elementCount(tensor.shape) * elementBytes(parseFormat(tensor.format));
    if (tensor.placement === 'host') {
      if (!arch.hostLink) {
        report(tensor, `tensor '${tensor.name}' is placed in host memory, but machine '${arch.name}' has no host link`);
        continue;
      }
      hostBytes += bytes;
      if (hostBytes > arch.hostLink.hostCapacityBytes && hostBytes - bytes <= arch.hostLink.hostCapacityBytes) {
        report(tensor, `host tensors need ${hostBytes} bytes up to '${tensor.name}', more than the ${arch.hostLink.hostCapacityBytes} bytes of host memory of machine '${arch.name}'`);
      }
    } else {
      dramBytes += bytes;
      if (dramBytes > arch.memory.capacityBytes && dramBytes - bytes <= arch.memory.capacityBytes) {
        report(tensor, `DRAM tensors need ${dramBytes} bytes up to '${tensor.name}', more than the ${arch.memory.capacityBytes} bytes of ${arch.memory.kind} memory of machine '${arch.name}'`);
      }
    }
  }
  return diagnostics;
}

/** Largest tensor, in elements, that the executor allocates when values are computed. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

/**
 * Creates a tensor's initial values, rounded to its format (with the format's default overflow policy).
 * File paths are relative to the directory of the program file that declares the tensor.
 */
export function initialTensorValues(tensor: ResolvedTensor): Float64Array {
  const format = parseFormat(tensor.format);
  const count = elementCount(tensor.shape);
  if (count > MAX_TENSOR_ELEMENTS) {
    throw tensorError(tensor, `tensor '${tensor.name}' has ${count} elements, more than the ${MAX_TENSOR_ELEMENTS} that runs with values can hold; use --numerics off`);
  }
  const values = new Float64Array(count);
  const init = tensor.init;
  switch (init.kind) {
    case 'zeros':
      break;
    case 'ones':
      values.fill(roundToFormat(format, 1));
      break;
    case 'constant':
      values.fill(roundToFormat(format, init.value));
      break;
    case 'uniform': {
      const random = new SplitMix32(init.seed);
      for (let i = 0; i < count; i++) values[i] = roundToFormat(format, random.uniform(init.low, init.high));
      break;
    }
    case 'normal': {
      const random = new SplitMix32(init.seed);
      for (let i = 0; i < count; i++) values[i] = roundToFormat(format, random.normal(init.mean, init.std));
      break;
    }
    case 'file':
      fillFromFile(tensor, format, values);
      break;
  }
  return values;
}

function fillFromFile(tensor: ResolvedTensor, format: FloatFormat, values: Float64Array): void {
  if (tensor.init.kind !== 'file') return;
  const file = path.isAbsolute(tensor.init.path) ? tensor.init.path : path.join(path.dirname(tensor.span.file), tensor.init.path);
  if (tensor.init.fileFormat === 'npy') {
    const array = readNpyFile(file);
    const sameShape = array.shape.length === tensor.shape.length && array.shape.every((dimension, i) => dimension === tensor.shape[i]);
    if (!sameShape) {
      throw tensorError(tensor, `'${file}' has shape (${array.shape.join(', ')}), but tensor '${tensor.name}' has shape (${tensor.shape.join(', ')})`);
    }
    for (let i = 0; i < values.length; i++) values[i] = roundToFormat(format, array.values[i]);
    return;
  }
  const bits = parseRawBits(readBinaryFile(file), format.widthBits, values.length, file);
  for (let i = 0; i < values.length; i++) values[i] = decode(format, bits[i]);
}
