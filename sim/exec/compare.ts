/**
 * Error of a run's output tensors against the fp64 reference run of the same program.
 */
import type { TensorResult } from './executor.js';

/** Relative error statistics of one output tensor. */
export interface TensorError {
  readonly tensor: string;
  readonly elements: number;
  /** Largest |x − r| / |r| over elements whose reference r is non-zero and finite; 0 when there are none. */
  readonly maxRelError: number;
  /** Mean of |x − r| / |r| over the same elements; 0 when there are none. */
  readonly meanRelError: number;
  /** Elements in the relative statistics: finite hardware value, finite non-zero reference. */
  readonly relErrorElements: number;
  /** Elements left out of the relative statistics because their reference is zero. */
  readonly zeroReference: number;
  /** Largest |x − r| over the zero-reference elements. */
  readonly maxAbsErrorAtZero: number;
  /** Elements where the hardware value is NaN or infinite but the reference is finite. */
  readonly nonFinite: number;
}

/** Compares every output tensor of `hardware` with the same tensor of `reference`. */
export function compareOutputs(hardware: readonly TensorResult[], reference: readonly TensorResult[]): TensorError[] {
  const errors: TensorError[] = [];
  for (const tensor of hardware) {
    if (!tensor.output || !tensor.values) continue;
    const expected = reference.find((candidate) => candidate.name === tensor.name)?.values;
    if (!expected) continue;
    errors.push(compareValues(tensor.name, tensor.values, expected));
  }
  return errors;
}

/** Relative error statistics of `actual` against `expected`, element by element. */
export function compareValues(name: string, actual: Float64Array, expected: Float64Array): TensorError {
  let max = 0;
  let sum = 0;
  let counted = 0;
  let zeroReference = 0;
  let maxAbsErrorAtZero = 0;
  let nonFinite = 0;
  for (let i = 0; i < actual.length; i++) {
    const x = actual[i];
    const r = expected[i];
    if (!Number.isFinite(r)) continue;
    if (!Number.isFinite(x)) {
      nonFinite += 1;
      continue;
    }
    if (r === 0) {
      zeroReference += 1;
      maxAbsErrorAtZero = Math.max(maxAbsErrorAtZero, Math.abs(x));
      continue;
    }
    const relative = Math.abs(x - r) / Math.abs(r);
    max = Math.max(max, relative);
    sum += relative;
    counted += 1;
  }
  return { tensor: name, elements: actual.length, maxRelError: max, meanRelError: counted > 0 ? sum / counted : 0, relErrorElements: counted, zeroReference, maxAbsErrorAtZero, nonFinite };
}
