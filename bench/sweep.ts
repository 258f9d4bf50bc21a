/**
 * Sweep benchmark: points per second of 288-point sweeps on one thread and on two (the main thread
 * and a worker thread). It also fits a power law to the wall time of one point as the GEMM size
 * grows, with numerics off.
 */
import { performance } from 'node:perf_hooks';
import { pointTasks, runPoint } from '../sweep/point.js';
import { runSweep } from '../sweep/run.js';
import { sweepFromYamlText } from '../sweep/spec.js';
import type { BenchSuite } from './run.js';

/** 4 · 4 · 3 · 2 · 3 = 288 points on edge-npu; the workload and numerics are filled in. */
const GRID = `
base: edge-npu
grid:
  rows: [2, 4, 8, 16]
  cols: [2, 4, 8, 16]
  dataflow: [ws, os, is]
  method: [exact, lmul]
  bandwidthGBps: [6.4, 12.8, 25.6]
`;

/**
 * The throughput sweeps: GEMMs whose points take long enough in total for a worker thread to pay
 * for its start-up, small GEMMs with bit-exact values, and tiny points that take milliseconds.
 */
const THROUGHPUT_SWEEPS = [
  { label: '64×64×64 GEMM, numerics on', text: `numerics: on\nworkloads:\n  medium: { gemm: { m: 64, k: 64, n: 64 } }\n${GRID}` },
  { label: '16×16×16 GEMM, numerics on', text: `numerics: on\nworkloads:\n  small: { gemm: { m: 16, k: 16, n: 16 } }\n${GRID}` },
  { label: '8×8×8 GEMM, numerics off', text: `numerics: off\nworkloads:\n  tiny: { gemm: { m: 8, k: 8, n: 8 } }\n${GRID}` },
] as const;
/** Runs of each sweep per thread count, alternating one and two threads; the fastest counts. */
const THROUGHPUT_REPEATS = 2;

/** Square GEMM sizes of the scaling fit; each runs on the 16×16 edge-npu preset. */
const GEMM_SIZES = [32, 64, 128, 256, 512];
/** Runs per size: the first, and the fastest of the others. */
const REPEATS = 4;

interface Throughput {
  readonly points: number;
  readonly wallS: number;
  /** CPU time of the whole process (every thread) during the run. */
  readonly cpuS: number;
  readonly workerThreadPoints: number;
}

async function measureThroughput(text: string, workers: number): Promise<Throughput> {
  const spec = sweepFromYamlText(text, 'bench-sweep.yaml');
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const result = await runSweep(spec, { workers });
  const wallS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const failed = result.records.filter((record) => record.status === 'failed');
  if (failed.length > 0) throw new Error(`benchmark point failed: ${failed[0].error}`);
  return { points: result.records.length, wallS, cpuS: (cpu.user + cpu.system) / 1e6, workerThreadPoints: result.threadPoints.workerThreads };
}

/** Measures each sweep on one and two threads, alternating, and keeps the fastest run of each. */
async function measureThroughputTable(): Promise<string[]> {
  const rows: string[] = [];
  for (const sweep of THROUGHPUT_SWEEPS) {
    const best = new Map<number, Throughput>();
    for (let repeat = 0; repeat < THROUGHPUT_REPEATS; repeat++) {
      for (const workers of [1, 2]) {
        const run = await measureThroughput(sweep.text, workers);
        const previous = best.get(workers);
        if (!previous || run.wallS < previous.wallS) best.set(workers, run);
      }
    }
    const one = best.get(1) as Throughput;
    for (const [workers, run] of best) {
      const rate = run.points / run.wallS;
      const speedup = workers === 1 ? '1.00' : ((one.wallS / run.wallS)).toFixed(2);
      rows.push(`| ${sweep.label} | ${workers} | ${rate.toFixed(1)} | ${speedup} | ${run.cpuS.toFixed(1)} | ${(run.cpuS / run.wallS).toFixed(2)} | ${run.workerThreadPoints} |`);
    }
  }
  return rows;
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

/**
 * Times one point per size: the first run generates and checks the program, and the later runs
 * take it from the thread's cache, as points that share a machine do.
 */
function measureScaling(): { size: number; macs: number; cycles: number; firstMs: number; cachedMs: number }[] {
  const rows = [];
  // One unmeasured point lets the JIT compile the simulator before the first timed size. Its size is
  // not among GEMM_SIZES, so that no timed first run finds its program in the cache.
  runPoint(pointTasks(sweepFromYamlText('workloads:\n  g: { gemm: { m: 48, k: 48, n: 48 } }\npoints:\n  - { method: exact }\n', 'bench-warmup.yaml'))[0]);
  for (const size of GEMM_SIZES) {
    const spec = sweepFromYamlText(`workloads:\n  g: { gemm: { m: ${size}, k: ${size}, n: ${size} } }\npoints:\n  - { method: lmul }\n`, 'bench-scaling.yaml');
    const [task] = pointTasks(spec);
    const times: number[] = [];
    let cycles = 0;
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const start = performance.now();
      const record = runPoint(task);
      times.push(performance.now() - start);
      if (record.status !== 'ok') throw new Error(`benchmark point failed: ${record.error}`);
      cycles = record.cycles ?? 0;
    }
    rows.push({ size, macs: size ** 3, cycles, firstMs: times[0], cachedMs: Math.min(...times.slice(1)) });
  }
  return rows;
}

export const suite: BenchSuite = {
  name: 'sweep',
  async run() {
    // One unmeasured point per sweep lets the JIT compile the simulator before the first timed run.
    for (const sweep of THROUGHPUT_SWEEPS) runPoint(pointTasks(sweepFromYamlText(sweep.text, 'bench-warmup.yaml'))[0]);
    const throughput = await measureThroughputTable();
    const scaling = measureScaling();
    const exponent = powerLawExponent(
      scaling.map((row) => row.macs),
      scaling.map((row) => row.firstMs),
    );
    // Small sizes are dominated by the fixed cost of a point (machine description, validation, energy model).
    const large = scaling.slice(-3);
    const largeExponent = powerLawExponent(
      large.map((row) => row.macs),
      large.map((row) => row.firstMs),
    );

    return [
      '## Sweep',
      '',
      `Throughput: 288-point sweeps on edge-npu (rows and columns 2 to 16, three dataflows, two methods, three bandwidths), run with \`--workers 1\` and \`--workers 2\` alternately, the faster of ${THROUGHPUT_REPEATS} runs each. Points per second count the whole run, worker start-up included. CPU is the process's CPU time over all threads; CPU / wall is the number of cores the run kept busy. Worker points: how many points worker threads ran; the others ran on the main thread, so a speed-up with no worker points is run-to-run variation.`,
      '',
      '| sweep | threads | points/s | speed-up | CPU (s) | CPU / wall | worker points |',
      '|---|---|---|---|---|---|---|',
      ...throughput,
      '',
      `Scaling: one point of an N×N×N GEMM on edge-npu (16×16 array), numerics off, in the main thread. "First" is the first run of each size, which generates and checks its program (all sizes share one machine, built by the warm-up point); "cached" is the fastest of ${REPEATS - 1} more runs, which take the program from the thread's cache. Fitted first-run wall time ∝ MACs^${exponent.toFixed(2)} over all sizes, MACs^${largeExponent.toFixed(2)} (∝ N^${(3 * largeExponent).toFixed(2)}) over the largest three.`,
      '',
      '| N | MACs | cycles | first (ms) | cached (ms) |',
      '|---|---|---|---|---|',
      ...scaling.map((row) => `| ${row.size} | ${row.macs} | ${row.cycles} | ${row.firstMs.toFixed(1)} | ${row.cachedMs.toFixed(1)} |`),
      '',
    ].join('\n');
  },
};
