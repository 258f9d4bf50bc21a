/**
 * Sweep benchmark: points per second on one and on two worker threads, and how the wall time of
 * one point grows with the GEMM size with numerics off, as a power law fitted over the sizes.
 */
import { performance } from 'node:perf_hooks';
import { pointTasks, runPoint } from '../sweep/point.js';
import { runSweep } from '../sweep/run.js';
import { sweepFromYamlText } from '../sweep/spec.js';
import type { BenchSuite } from './run.js';

/** 4 · 4 · 3 · 2 = 96 points of an 8×8×8 GEMM, numerics off. */
const THROUGHPUT_SWEEP = `
base: edge-npu
numerics: off
workloads:
  tiny: { gemm: { m: 8, k: 8, n: 8 } }
grid:
  rows: [2, 4, 8, 16]
  cols: [2, 4, 8, 16]
  dataflow: [ws, os, is]
  method: [exact, lmul]
`;

/** Square GEMM sizes of the scaling fit; each runs on the 16×16 edge-npu preset. */
const GEMM_SIZES = [32, 64, 128, 256, 512];
/** Runs per size; the fastest counts. */
const REPEATS = 3;

interface Throughput {
  /** Points over the whole run, pool start-up included. */
  readonly overallPerSecond: number;
  /** Points after the first one finished, over the time from the first to the last. */
  readonly steadyPerSecond: number;
}

async function measureThroughput(workers: number): Promise<Throughput> {
  const spec = sweepFromYamlText(THROUGHPUT_SWEEP, 'bench-sweep.yaml');
  const finishTimes: number[] = [];
  const start = performance.now();
  await runSweep(spec, { workers, onRecord: () => finishTimes.push(performance.now()) });
  const end = performance.now();
  const points = finishTimes.length;
  return {
    overallPerSecond: points / ((end - start) / 1000),
    steadyPerSecond: (points - 1) / ((finishTimes[points - 1] - finishTimes[0]) / 1000),
  };
}

/** Least-squares slope of log(y) against log(x). */
function powerLawExponent(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const meanX = lx.reduce((sum, value) => sum + value, 0) / lx.length;
  const meanY = ly.reduce((sum, value) => sum + value, 0) / ly.length;
  let numerator = 0;
  let denominator = 0;
  for (let index = 0; index < lx.length; index++) {
    numerator += (lx[index] - meanX) * (ly[index] - meanY);
    denominator += (lx[index] - meanX) ** 2;
  }
  return numerator / denominator;
}

function measureScaling(): { size: number; macs: number; cycles: number; wallMs: number }[] {
  const rows = [];
  // One unmeasured point lets the JIT compile the simulator before the first timed size.
  runPoint(pointTasks(sweepFromYamlText('workloads:\n  g: { gemm: { m: 64, k: 64, n: 64 } }\npoints:\n  - { method: exact }\n', 'bench-warmup.yaml'))[0]);
  for (const size of GEMM_SIZES) {
    const spec = sweepFromYamlText(`workloads:\n  g: { gemm: { m: ${size}, k: ${size}, n: ${size} } }\npoints:\n  - { method: lmul }\n`, 'bench-scaling.yaml');
    const [task] = pointTasks(spec);
    let best = Infinity;
    let cycles = 0;
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const start = performance.now();
      const record = runPoint(task);
      best = Math.min(best, performance.now() - start);
      if (record.status !== 'ok') throw new Error(`benchmark point failed: ${record.error}`);
      cycles = record.cycles ?? 0;
    }
    rows.push({ size, macs: size ** 3, cycles, wallMs: best });
  }
  return rows;
}

export const suite: BenchSuite = {
  name: 'sweep',
  async run() {
    const one = await measureThroughput(1);
    const two = await measureThroughput(2);
    const scaling = measureScaling();
    const exponent = powerLawExponent(
      scaling.map((row) => row.macs),
      scaling.map((row) => row.wallMs),
    );
    // Small sizes are dominated by the fixed cost of a point (machine description, validation, energy model).
    const large = scaling.slice(-3);
    const largeExponent = powerLawExponent(
      large.map((row) => row.macs),
      large.map((row) => row.wallMs),
    );

    return [
      '## Sweep',
      '',
      'Throughput: a 96-point sweep of an 8×8×8 GEMM on edge-npu with numerics off. "Overall" counts the whole run with worker start-up; "steady" counts from the first finished point to the last.',
      '',
      '| workers | overall (points/s) | steady (points/s) |',
      '|---|---|---|',
      `| 1 | ${one.overallPerSecond.toFixed(1)} | ${one.steadyPerSecond.toFixed(1)} |`,
      `| 2 | ${two.overallPerSecond.toFixed(1)} | ${two.steadyPerSecond.toFixed(1)} |`,
      '',
      `Scaling: one point of an N×N×N GEMM on edge-npu (16×16 array), numerics off, in the main thread, fastest of ${REPEATS} runs. Fitted wall time ∝ MACs^${exponent.toFixed(2)} over all sizes, MACs^${largeExponent.toFixed(2)} (∝ N^${(3 * largeExponent).toFixed(2)}) over the largest three.`,
      '',
      '| N | MACs | cycles | wall (ms) |',
      '|---|---|---|---|',
      ...scaling.map((row) => `| ${row.size} | ${row.macs} | ${row.cycles} | ${row.wallMs.toFixed(1)} |`),
      '',
    ].join('\n');
  },
};
