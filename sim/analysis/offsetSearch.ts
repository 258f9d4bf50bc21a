/**
 * Search for the L-Mul offset with the lowest mean |relative error| and the lowest |bias| under
 * adder semantics, over every pair of k-bit mantissas.
 *
 * An offset finer than one LSB of a k-bit mantissa is modelled as an adder with g extra guard bits.
 * Operands with k-bit mantissas are held in e8m(k+g) with their low g mantissa bits zero, and the
 * offset is an integer number of LSBs of that wider format. The relative error of L-Mul depends only
 * on the two mantissas (signs XOR and exponents add exactly while no overflow or underflow occurs),
 * so pairs of values in [1, 2) cover every normal operand pair with equal weight.
 */
import { decode, defaultOffsetLsbs, makeProductFunction, parseFormat, type FloatFormat } from '../numerics/index.js';
import { summarizeErrors } from './statistics.js';

/** Offset resolution of the fine search: offsets are multiples of 2^-FINE_OFFSET_FRACTION_BITS. */
export const FINE_OFFSET_FRACTION_BITS = 10;

/** Widest mantissa the offset search accepts; 2^(2k) pairs are evaluated per candidate offset. */
export const OFFSET_SEARCH_MAX_MANTISSA_BITS = 8;

/** One offset and the error it gives. */
export interface OffsetError {
  /** Offset as a fraction of the leading 1: 0.0625 is 2^-4. */
  readonly offsetFraction: number;
  /** Offset in LSBs of an adder with `guardBits` guard bits below the k-bit mantissa. */
  readonly offsetLsbs: number;
  readonly guardBits: number;
  /** Mean |relative error| over all mantissa pairs, a fraction. */
  readonly meanRelError: number;
  readonly maxRelError: number;
  /** Mean signed relative error (bias), a fraction. */
  readonly meanSignedRelError: number;
}

/** Offsets for one mantissa width. */
export interface OffsetSearchResult {
  readonly mantissaBits: number;
  /** Luo and Sun's offset 2^-l(k) (arXiv 2410.00907): l(k) = k for k <= 3, 3 for k = 4, 4 for k > 4. */
  readonly paper: OffsetError;
  /** Offset 0, plain Mitchell multiplication. */
  readonly mitchell: OffsetError;
  /** Best whole-LSB offset (no guard bits) for mean |relative error|. */
  readonly bestIntegerForMean: OffsetError;
  /** Best offset at 2^-FINE_OFFSET_FRACTION_BITS resolution for mean |relative error|. */
  readonly bestForMean: OffsetError;
  /** Best offset at 2^-FINE_OFFSET_FRACTION_BITS resolution for |bias|. */
  readonly bestForBias: OffsetError;
}

/** Searches the offsets for a k-bit mantissa, 1 <= k <= OFFSET_SEARCH_MAX_MANTISSA_BITS. */
export function searchOffsets(mantissaBits: number): OffsetSearchResult {
  if (!Number.isInteger(mantissaBits) || mantissaBits < 1 || mantissaBits > OFFSET_SEARCH_MAX_MANTISSA_BITS) {
    throw new RangeError(`mantissaBits must be an integer from 1 to ${OFFSET_SEARCH_MAX_MANTISSA_BITS}, got ${mantissaBits}`);
  }

  const plain = new MantissaGrid(mantissaBits, 0);
  const fine = new MantissaGrid(mantissaBits, Math.max(0, FINE_OFFSET_FRACTION_BITS - mantissaBits));
  const halfIntegerLsbs = 2 ** (mantissaBits - 1);
  const halfFineLsbs = 2 ** (fine.totalBits - 1);

  return {
    mantissaBits,
    paper: plain.evaluate(defaultOffsetLsbs(mantissaBits)),
    mitchell: plain.evaluate(0),
    bestIntegerForMean: minimizeOverIntegers((lsbs) => plain.evaluate(lsbs), (e) => e.meanRelError, 0, halfIntegerLsbs),
    bestForMean: minimizeOverIntegers((lsbs) => fine.evaluate(lsbs), (e) => e.meanRelError, 0, halfFineLsbs),
    bestForBias: minimizeOverIntegers((lsbs) => fine.evaluate(lsbs), (e) => Math.abs(e.meanSignedRelError), 0, halfFineLsbs),
  };
}

/** Every pair of k-bit mantissas in [1, 2), held in e8m(k+g). */
class MantissaGrid {
  readonly totalBits: number;
  private readonly format: FloatFormat;
  private readonly patterns: number[] = [];
  private readonly values: number[] = [];
  private readonly cache = new Map<number, OffsetError>();

  constructor(
    readonly mantissaBits: number,
    readonly guardBits: number,
  ) {
    this.totalBits = mantissaBits + guardBits;
    this.format = parseFormat(`e8m${this.totalBits}`);

    // Exponent field = bias gives values in [1, 2).
    const one = this.format.bias * 2 ** this.totalBits;
    for (let mantissa = 0; mantissa < 2 ** mantissaBits; mantissa++) {
      const bits = one + mantissa * 2 ** guardBits;
      this.patterns.push(bits);
      this.values.push(decode(this.format, bits));
    }
  }

  evaluate(offsetLsbs: number): OffsetError {
    const cached = this.cache.get(offsetLsbs);
    if (cached) return cached;

    const count = this.patterns.length;
    const errors = new Float64Array(count * count);
    const product = makeProductFunction(this.format, 'lmul', { offsetLsbs });
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < count; j++) {
        const exact = this.values[i] * this.values[j];
        const approximate = product(this.patterns[i], this.patterns[j]);
        errors[i * count + j] = (approximate - exact) / exact;
      }
    }

    const summary = summarizeErrors(errors);
    const result: OffsetError = {
      offsetFraction: offsetLsbs / 2 ** this.totalBits,
      offsetLsbs,
      guardBits: this.guardBits,
      meanRelError: summary.meanRelError,
      maxRelError: summary.maxRelError,
      meanSignedRelError: summary.meanSignedRelError,
    };
    this.cache.set(offsetLsbs, result);
    return result;
  }
}

/**
 * Finds the integer in [low, high] that minimizes `cost(evaluate(x))`: a grid of at most 33 points,
 * then a local search that halves the step around the best point.
 * NOTE: this finds the global minimum only when the cost has one minimum between grid points, which
 * holds for the mean |error| and |bias| curves of L-Mul (each pair's result grows with the offset).
 */
export function minimizeOverIntegers<T>(evaluate: (x: number) => T, cost: (value: T) => number, low: number, high: number): T {
  let step = Math.max(1, Math.ceil((high - low) / 32));
  let bestX = low;
  let best = evaluate(low);
  for (let x = low + step; x <= high + step - 1; x += step) {
    const clamped = Math.min(x, high);
    const candidate = evaluate(clamped);
    if (cost(candidate) < cost(best)) {
      best = candidate;
      bestX = clamped;
    }
  }

  while (step > 1) {
    step = Math.ceil(step / 2);
    const center = bestX;
    for (const x of [center - step, center + step]) {
      if (x < low || x > high) continue;
      const candidate = evaluate(x);
      if (cost(candidate) < cost(best)) {
        best = candidate;
        bestX = x;
      }
    }
  }
  return best;
}
