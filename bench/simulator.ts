/**
 * Simulator benchmark: how fast the executor runs programs with values off (timing only) and on
 * (bit-exact values). It reports wall and CPU time and instructions and simulated MACs per second,
 * then the matrix unit's own section (bench/pe.ts) with the PE-level fidelity's PE-cycles per second.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseSource, validate, type ResolvedProgram } from '../isa/index.js';
import { archFromYamlText, presetDirectory, type ArchConfig } from '../sim/arch/index.js';
import { executeProgram, targetFromArch, type RunResult } from '../sim/exec/index.js';
import { dot, encode, parseFormat } from '../sim/numerics/index.js';
import { peFidelitySection } from './pe.js';
import type { BenchSuite } from './run.js';

/** Loads the tpu-v4 preset reduced to one core, so that the GEMM runs on exactly one 128×128 array. */
function singleCoreTpu(): ArchConfig {
  const text = fs.readFileSync(path.join(presetDirectory(), 'tpu-v4.yaml'), 'utf8').replace(/^cores: \d+/m, 'cores: 1');
  return archFromYamlText(text, 'tpu-v4-one-core.yaml');
}

/**
 * Writes a double-buffered tiled GEMM with T×T tiles. Each loop iteration covers two k tiles in two
 * scratchpad buffer pairs, so the load queue fills one pair while the array multiplies from the other.
 */
export function gemmProgram(m: number, k: number, n: number, t: number, format: string, method: string): string {
  const tile = t * t;
  return `
.tensor A fp32[${m}, ${k}] init=uniform(-1, 1, seed=1)
.tensor B fp32[${k}, ${n}] init=uniform(-1, 1, seed=2)
.tensor C fp32[${m}, ${n}] output
sync compute signal=load
sync compute signal=load
loop i, ${m / t}
  loop j, ${n / t}
    loop kk, ${k / t / 2}
      load sp[0], A[i * ${t} +: ${t}, 2 * kk * ${t} +: ${t}] fmt=${format} wait=compute
      load sp[${2 * tile}], B[2 * kk * ${t} +: ${t}, j * ${t} +: ${t}] fmt=${format} signal=compute
      load sp[${tile}], A[i * ${t} +: ${t}, (2 * kk + 1) * ${t} +: ${t}] fmt=${format} wait=compute
      load sp[${3 * tile}], B[(2 * kk + 1) * ${t} +: ${t}, j * ${t} +: ${t}] fmt=${format} signal=compute
      preload sp[${2 * tile}] k=${t} n=${t} wait=load
      matmul acc[0], sp[0] m=${t} k=${t} n=${t} method=${method} in=${format} out=fp32 accumulate signal=load
      preload sp[${3 * tile}] k=${t} n=${t} wait=load
      matmul acc[0], sp[${tile}] m=${t} k=${t} n=${t} method=${method} in=${format} out=fp32 accumulate signal=load
    endloop
    fence
    store C[i * ${t} +: ${t}, j * ${t} +: ${t}], acc[0]
    fence
  endloop
endloop
sync load wait=compute
sync load wait=compute
halt
`;
}

function compileProgram(source: string, arch: ArchConfig): ResolvedProgram {
  const parsed = parseSource(source, 'bench.lasm');
  const validated = parsed.ast ? validate(parsed.ast, targetFromArch(arch)) : undefined;
  if (!validated?.program) throw new Error(`benchmark program is invalid: ${[...parsed.diagnostics, ...(validated?.diagnostics ?? [])].map((d) => d.message).join('; ')}`);
  return validated.program;
}

interface Timed {
  readonly result: RunResult;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

function timeRun(run: () => RunResult): Timed {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const result = run();
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { result, wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Best CPU-time rate of the numerics core's e4m3 L-Mul dot product with fp32 accumulation, in MACs per second. */
function numericsDotRate(): number {
  const format = parseFormat('e4m3');
  const length = 4096;
  const a = new Uint8Array(length);
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    a[i] = encode(format, Math.sin(i) * 2);
    b[i] = encode(format, Math.cos(i * 0.7));
  }
  let sink = 0;
  for (let i = 0; i < 50; i++) sink += dot(format, 'lmul', a, b);
  let best = 0;
  for (let round = 0; round < 5; round++) {
    const start = process.cpuUsage();
    let calls = 0;
    let elapsed = 0;
    while (elapsed < 0.05) {
      sink += dot(format, 'lmul', a, b);
      calls++;
      const used = process.cpuUsage(start);
      elapsed = (used.user + used.system) / 1e6;
    }
    best = Math.max(best, (calls * length) / elapsed);
  }
  if (Number.isNaN(sink)) throw new Error('dot product produced NaN');
  return best;
}

const format = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 3 });
const exponent = (value: number): string => value.toExponential(3);

export const suite: BenchSuite = {
  name: 'simulator',
  async run() {
    const arch = singleCoreTpu();
    const lines: string[] = ['## Simulator', ''];

    // 1. The 8192³ GEMM with values off: timing and counters only.
    const big = compileProgram(gemmProgram(8192, 8192, 8192, 128, 'bf16', 'lmul'), arch);
    const rssBefore = process.memoryUsage().rss;
    const timing = timeRun(() => executeProgram(big, { arch, values: 'off' }));
    const peakRssMib = process.resourceUsage().maxRSS / 1024;
    const r = timing.result;
    lines.push(
      '### 8192×8192×8192 GEMM, tile fidelity, numerics off',
      '',
      `Machine: tpu-v4 preset with one core (128×128 weight-stationary array, ${arch.clockMhz} MHz, HBM2); bf16 operands, L-Mul, fp32 accumulation; double-buffered 128×128 tiles.`,
      '',
      '| figure | value |',
      '|---|---|',
      `| simulated cycles | ${format(r.cycles)} |`,
      `| simulated MACs | ${exponent(r.macs)} |`,
      `| array utilization | ${(r.utilization * 100).toFixed(1)}% |`,
      `| instructions dispatched | ${format(r.instructions)} |`,
      `| wall time | ${timing.wallSeconds.toFixed(3)} s |`,
      `| CPU time | ${timing.cpuSeconds.toFixed(3)} s |`,
      `| instructions per CPU second | ${exponent(r.instructions / timing.cpuSeconds)} |`,
      `| simulated MACs per CPU second | ${exponent(r.macs / timing.cpuSeconds)} |`,
      `| process peak RSS | ${peakRssMib.toFixed(0)} MiB (RSS before the run ${(rssBefore / 2 ** 20).toFixed(0)} MiB) |`,
      '',
    );

    // 2. Values on: a GEMM small enough to hold its tensors, against the numerics core's raw MAC rate.
    const small = compileProgram(gemmProgram(512, 512, 512, 128, 'e4m3', 'lmul'), arch);
    executeProgram(compileProgram(gemmProgram(128, 256, 128, 128, 'e4m3', 'lmul'), arch), { arch });
    let bestValues: Timed | undefined;
    for (let round = 0; round < 3; round++) {
      const timed = timeRun(() => executeProgram(small, { arch }));
      if (!bestValues || timed.cpuSeconds < bestValues.cpuSeconds) bestValues = timed;
    }
    const values = bestValues as Timed;
    const simulatedRate = values.result.macs / values.cpuSeconds;
    const dotRate = numericsDotRate();
    lines.push(
      '### Tile fidelity with values against the numerics core',
      '',
      '512×512×512 GEMM, e4m3 L-Mul with fp32 accumulation (every addition rounded), same machine; best of three runs by CPU time.',
      '',
      '| figure | value |',
      '|---|---|',
      `| executor, values on | ${exponent(simulatedRate)} MACs per CPU second (${values.cpuSeconds.toFixed(3)} s CPU) |`,
      `| numerics core dot(), e4m3 lmul, length 4096 | ${exponent(dotRate)} MACs per CPU second |`,
      `| ratio | ${(simulatedRate / dotRate).toFixed(2)} (target at least 0.3) |`,
      '',
    );

    // 3. The PE-level fidelity, from the matrix unit's benchmark.
    lines.push(peFidelitySection(500));
    return lines.join('\n');
  },
};
