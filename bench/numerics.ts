/**
 * Numerics benchmark: bit-exact dot products and matrix multiplies for every format and method,
 * as MAC rates and as ratios to a plain Float64Array dot product measured in the same run.
 */
import { dot, encode, gemm, METHOD_NAMES, NAMED_FORMATS, parseFormat, type FloatFormat, type MethodName } from '../sim/numerics/index.js';
import type { BenchSuite } from './run.js';

const DOT_LENGTH = 4096;
const GEMM_SIZE = 48;
/** CPU time of one timing round, in milliseconds; each round repeats whole kernels until it passes. */
const ROUND_MS = 25;
/** Timing rounds per kernel, alternating with rounds of the baseline; the fastest round of each counts. */
const ROUNDS = 8;

/** Receives every kernel result so that the JIT cannot drop the work. */
let sink = 0;

/** Returns the CPU time (user + system) this process has used since `start`, in milliseconds. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Runs `kernel` for one round and returns its MAC rate per CPU second. */
function timeRound(kernel: () => number, macsPerCall: number): number {
  let calls = 0;
  const start = process.cpuUsage();
  let elapsedMs = 0;
  while (elapsedMs < ROUND_MS) {
    sink += kernel();
    calls++;
    elapsedMs = cpuMsSince(start);
  }
  return (calls * macsPerCall) / (elapsedMs / 1000);
}

interface Measurement {
  readonly macsPerSecond: number;
  readonly baselineMacsPerSecond: number;
}

/**
 * Measures `kernel` (which performs `macsPerCall` MACs per call) in rounds that alternate with rounds of
 * the baseline, so that both see the same machine load. Rates are per CPU second, because wall time
 * also counts time lost to other processes on the same cores.
 */
function measure(kernel: () => number, macsPerCall: number, baseline: () => number): Measurement {
  // Warm-up lets the JIT compile the kernel before timing.
  for (let i = 0; i < 20; i++) sink += kernel();

  let best = 0;
  let bestBaseline = 0;
  for (let round = 0; round < ROUNDS; round++) {
    bestBaseline = Math.max(bestBaseline, timeRound(baseline, DOT_LENGTH));
    best = Math.max(best, timeRound(kernel, macsPerCall));
  }
  return { macsPerSecond: best, baselineMacsPerSecond: bestBaseline };
}

/** Returns seeded values in [−2, 2] with a few small magnitudes, so that sums stay finite in every format. */
function randomValues(count: number, seed: number): number[] {
  let state = seed;
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const unit = state / 2 ** 32;
    values.push((unit * 4 - 2) * (i % 7 === 0 ? 1 / 64 : 1));
  }
  return values;
}

function toPatterns(format: FloatFormat, values: readonly number[]): Uint8Array | Uint16Array | Uint32Array {
  const patterns = values.map((value) => encode(format, value));
  if (format.widthBits <= 8) return Uint8Array.from(patterns);
  if (format.widthBits <= 16) return Uint16Array.from(patterns);
  return Uint32Array.from(patterns);
}

function formatRate(macsPerSecond: number): string {
  return `${(macsPerSecond / 1e6).toFixed(1)}`;
}

export const suite: BenchSuite = {
  name: 'numerics',
  async run() {
    const valuesA = randomValues(DOT_LENGTH, 1);
    const valuesB = randomValues(DOT_LENGTH, 2);

    const plainA = Float64Array.from(valuesA);
    const plainB = Float64Array.from(valuesB);
    const baseline = (): number => {
      let acc = 0;
      for (let k = 0; k < DOT_LENGTH; k++) acc += plainA[k] * plainB[k];
      return acc;
    };

    const rows: string[] = [];
    let baselineMax = 0;
    for (const name of NAMED_FORMATS) {
      const format = parseFormat(name);
      const a = toPatterns(format, valuesA);
      const b = toPatterns(format, valuesB);
      const gemmA = toPatterns(format, valuesA.slice(0, GEMM_SIZE * GEMM_SIZE));
      const gemmB = toPatterns(format, valuesB.slice(0, GEMM_SIZE * GEMM_SIZE));
      for (const method of METHOD_NAMES as readonly MethodName[]) {
        const dotResult = measure(() => dot(format, method, a, b), DOT_LENGTH, baseline);
        const gemmResult = measure(() => gemm(format, method, gemmA, gemmB, GEMM_SIZE, GEMM_SIZE, GEMM_SIZE)[0], GEMM_SIZE ** 3, baseline);
        baselineMax = Math.max(baselineMax, dotResult.baselineMacsPerSecond, gemmResult.baselineMacsPerSecond);
        const dotRatio = dotResult.macsPerSecond / dotResult.baselineMacsPerSecond;
        const gemmRatio = gemmResult.macsPerSecond / gemmResult.baselineMacsPerSecond;
        rows.push(
          `| ${name} | ${method} | ${formatRate(dotResult.macsPerSecond)} | ${dotRatio.toFixed(2)} | ${formatRate(gemmResult.macsPerSecond)} | ${gemmRatio.toFixed(2)} |`,
        );
      }
    }

    return [
      '## Numerics',
      '',
      `Bit-exact MAC kernels with an fp32 accumulator and one round-to-nearest-even per addition. dot: vectors of ${DOT_LENGTH} elements; gemm: ${GEMM_SIZE}×${GEMM_SIZE} by ${GEMM_SIZE}×${GEMM_SIZE}. Rates are MACs per CPU second, the best of ${ROUNDS} rounds of ${ROUND_MS} ms. Each ratio divides by a plain Float64Array dot product (no rounding) timed in rounds alternating with the kernel's; its best rate in this run was ${formatRate(baselineMax)} M MAC/s.`,
      '',
      '| format | method | dot (M MAC/s) | dot ratio | gemm (M MAC/s) | gemm ratio |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n');
  },
};
