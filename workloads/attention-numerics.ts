/**
 * Attention-numerics study: one attention head computed bit-exactly with each number format and
 * multiplication method, compared with fp64 attention on the unrounded inputs. It tests the claim of
 * Luo and Sun (arXiv 2410.00907) that attention with L-Mul is almost lossless.
 */
import { encode, gemm, type FloatFormat, type MethodName } from '../sim/numerics/index.js';

/** Spread of the per-channel log-scales of Q and K: scale = exp(CHANNEL_LOG_SIGMA · z), z ~ N(0, 1). */
export const CHANNEL_LOG_SIGMA = 0.75;

/** Random inputs of one attention head, row-major Float64Arrays. */
export interface AttentionInputs {
  readonly seqTokens: number;
  readonly headDim: number;
  /** seqTokens × headDim queries. */
  readonly q: Float64Array;
  /** seqTokens × headDim keys. */
  readonly k: Float64Array;
  /** seqTokens × headDim values. */
  readonly v: Float64Array;
}

/** Scores, softmax probabilities and outputs of one attention computation. */
export interface AttentionResult {
  /** seqTokens × seqTokens scores Q·Kᵀ/√d. */
  readonly scores: Float64Array;
  /** seqTokens × seqTokens softmax of each score row in fp64, before any rounding to the operand format. */
  readonly probabilities: Float64Array;
  /** seqTokens × headDim outputs softmax(S)·V. */
  readonly outputs: Float64Array;
}

/** Max and mean over rows of a per-row measure. */
export interface RowStatistics {
  readonly max: number;
  readonly mean: number;
}

/** One row of the study: the errors of one format and method against the fp64 reference. */
export interface AttentionErrorRow {
  readonly format: string;
  readonly method: MethodName;
  readonly scoreMaxRelError: number;
  readonly scoreMeanRelError: number;
  readonly outputMaxRelError: number;
  readonly outputMeanRelError: number;
  readonly klMean: number;
  readonly klMax: number;
}

/** Returns a deterministic generator of uniform doubles in [0, 1) (mulberry32 on a 32-bit seed). */
export function uniformGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a deterministic generator of standard normal doubles (Box-Muller on `uniformGenerator`). */
export function normalGenerator(seed: number): () => number {
  const uniform = uniformGenerator(seed);
  return () => {
    const u1 = 1 - uniform(); // in (0, 1], so the logarithm is finite
    const u2 = uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
}

/**
 * Draws Q, K and V for one head. Q and K entries are N(0, 1) times a per-channel scale
 * exp(CHANNEL_LOG_SIGMA · z), drawn once per tensor and channel, so a few channels carry outliers.
 * V entries are N(0, 1). The same seed gives the same arrays.
 */
export function generateAttentionInputs(seqTokens: number, headDim: number, seed: number): AttentionInputs {
  const normal = normalGenerator(seed);
  const scaled = (): Float64Array => {
    const channelScales = Float64Array.from({ length: headDim }, () => Math.exp(CHANNEL_LOG_SIGMA * normal()));
    const values = new Float64Array(seqTokens * headDim);
    for (let i = 0; i < values.length; i++) values[i] = channelScales[i % headDim] * normal();
    return values;
  };
  const q = scaled();
  const k = scaled();
  const v = Float64Array.from({ length: seqTokens * headDim }, () => normal());
  return { seqTokens, headDim, q, k, v };
}

/** Returns the softmax of each row of `scores` (rows × cols), computed in fp64 after subtracting the row max. */
export function softmaxRows(scores: Float64Array, rows: number, cols: number): Float64Array {
  const probabilities = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, scores[base + c]);
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(scores[base + c] - max);
      probabilities[base + c] = e;
      sum += e;
    }
    for (let c = 0; c < cols; c++) probabilities[base + c] /= sum;
  }
  return probabilities;
}

/** Computes attention in fp64 on the unrounded inputs. */
export function referenceAttention(inputs: AttentionInputs): AttentionResult {
  const { seqTokens: n, headDim: d, q, k, v } = inputs;
  const invSqrtD = 1 / Math.sqrt(d);
  const scores = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let c = 0; c < d; c++) sum += q[i * d + c] * k[j * d + c];
      scores[i * n + j] = sum * invSqrtD;
    }
  }
  const probabilities = softmaxRows(scores, n, n);
  const outputs = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = probabilities[i * n + j];
      for (let c = 0; c < d; c++) outputs[i * d + c] += p * v[j * d + c];
    }
  }
  return { scores, probabilities, outputs };
}

function encodeAll(format: FloatFormat, values: Float64Array, length: number, at: (index: number) => number): Uint32Array {
  const bits = new Uint32Array(length);
  for (let i = 0; i < length; i++) bits[i] = encode(format, values[at(i)]);
  return bits;
}

/**
 * Computes attention as an accelerator with `format` operands and an fp32 accumulator would: Q and K
 * are rounded to the format, S = fround(Q·Kᵀ / √d) with the products of `method` accumulated in fp32,
 * the softmax is taken in fp64 on those scores, and P and V are rounded to the format before P·V.
 */
export function formatAttention(inputs: AttentionInputs, format: FloatFormat, method: MethodName): AttentionResult {
  const { seqTokens: n, headDim: d } = inputs;
  const qBits = encodeAll(format, inputs.q, n * d, (i) => i);
  // Kᵀ is d × n row-major: element (c, j) is K[j][c].
  const kTransposedBits = encodeAll(format, inputs.k, d * n, (i) => (i % n) * d + Math.floor(i / n));
  const products = gemm(format, method, qBits, kTransposedBits, n, d, n);
  const invSqrtD = 1 / Math.sqrt(d);
  const scores = new Float64Array(n * n);
  for (let i = 0; i < scores.length; i++) scores[i] = Math.fround(products[i] * invSqrtD);

  const probabilities = softmaxRows(scores, n, n);
  const pBits = encodeAll(format, probabilities, n * n, (i) => i);
  const vBits = encodeAll(format, inputs.v, n * d, (i) => i);
  const outputs = gemm(format, method, pBits, vBits, n, n, d);
  return { scores, probabilities, outputs };
}

/**
 * Computes the normwise relative error ‖a_r − e_r‖₂ / ‖e_r‖₂ of each row r of a rows × cols matrix
 * and returns its max and mean over rows. A row whose reference is all zero counts as 0 error when
 * the actual row is also zero and as +Infinity otherwise.
 */
export function rowRelativeErrors(actual: Float64Array, expected: Float64Array, rows: number, cols: number): RowStatistics {
  let max = 0;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    let differenceSquares = 0;
    let referenceSquares = 0;
    for (let c = 0; c < cols; c++) {
      const e = expected[r * cols + c];
      const difference = actual[r * cols + c] - e;
      differenceSquares += difference * difference;
      referenceSquares += e * e;
    }
    let error = 0;
    if (referenceSquares > 0) error = Math.sqrt(differenceSquares / referenceSquares);
    else if (differenceSquares > 0) error = Infinity;
    max = Math.max(max, error);
    sum += error;
  }
  return { max, mean: rows > 0 ? sum / rows : 0 };
}

/**
 * Computes KL(p ‖ q) = Σ p_i · ln(p_i / q_i) in nats for one distribution row. Terms with p_i = 0 are
 * 0, and a term with p_i > 0 and q_i = 0 makes the result +Infinity.
 */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>, offset = 0, length = p.length): number {
  let sum = 0;
  for (let i = offset; i < offset + length; i++) {
    if (p[i] === 0) continue;
    if (q[i] === 0) return Infinity;
    sum += p[i] * Math.log(p[i] / q[i]);
  }
  return sum;
}

/** Computes KL(reference row ‖ actual row) for each row of two rows × cols matrices and returns the max and mean over rows. */
export function rowKlDivergences(reference: Float64Array, actual: Float64Array, rows: number, cols: number): RowStatistics {
  let max = 0;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const kl = klDivergence(reference, actual, r * cols, cols);
    max = Math.max(max, kl);
    sum += kl;
  }
  return { max, mean: rows > 0 ? sum / rows : 0 };
}

/** Runs the study on one set of inputs: one row per format and method, in the order given. */
export function attentionErrorTable(inputs: AttentionInputs, formats: readonly FloatFormat[], methods: readonly MethodName[]): AttentionErrorRow[] {
  const n = inputs.seqTokens;
  const reference = referenceAttention(inputs);
  const rows: AttentionErrorRow[] = [];
  for (const format of formats) {
    for (const method of methods) {
      const result = formatAttention(inputs, format, method);
      const scoreErrors = rowRelativeErrors(result.scores, reference.scores, n, n);
      const outputErrors = rowRelativeErrors(result.outputs, reference.outputs, n, inputs.headDim);
      const kl = rowKlDivergences(reference.probabilities, result.probabilities, n, n);
      rows.push({
        format: format.name,
        method,
        scoreMaxRelError: scoreErrors.max,
        scoreMeanRelError: scoreErrors.mean,
        outputMaxRelError: outputErrors.max,
        outputMeanRelError: outputErrors.mean,
        klMean: kl.mean,
        klMax: kl.max,
      });
    }
  }
  return rows;
}
