/**
 * Generates a tiled GEMM `.lasm` program, C[M×N] = A[M×K] · B[K×N], for sweep workloads. Tiles are
 * the largest divisors of M, K and N that fit the array (K ≤ rows, N ≤ columns) and the on-chip
 * buffers, so every size runs on every array without ragged edges. Output tiles are shared among
 * cores as in examples/gemm.lasm. Loads, the matrix product and the store are separated by fences:
 * the program measures the matrix unit and memory, not a software pipeline.
 */
import type { ArchConfig } from '../sim/arch/types.js';
import { bufferGeometry } from '../sim/exec/index.js';
import type { GemmWorkload } from './spec.js';

/** Largest divisor of `value` that is at most `limit` (at least 1). */
export function largestDivisorAtMost(value: number, limit: number): number {
  for (let candidate = Math.min(value, Math.floor(limit)); candidate > 1; candidate--) {
    if (value % candidate === 0) return candidate;
  }
  return 1;
}

/** Tile sizes of the generated program on `arch`; throws Error when not even a 1×1×1 tile fits. */
export function gemmTiles(workload: GemmWorkload, arch: ArchConfig): { tileM: number; tileK: number; tileN: number } {
  const { scratchpadElements, accumulatorElements } = bufferGeometry(arch);
  const tileK = largestDivisorAtMost(workload.k, arch.core.matrix.rows);
  const tileN = largestDivisorAtMost(workload.n, arch.core.matrix.cols);
  // The scratchpad holds one A tile (tileM × tileK) and one B tile (tileK × tileN); the accumulator one C tile.
  const byScratchpad = Math.floor((scratchpadElements - tileK * tileN) / tileK);
  const byAccumulator = Math.floor(accumulatorElements / tileN);
  const limit = Math.min(byScratchpad, byAccumulator, 1024);
  if (limit < 1) throw new Error(`a ${tileK}×${tileN} weight tile does not fit the on-chip buffers of machine '${arch.name}'`);
  return { tileM: largestDivisorAtMost(workload.m, limit), tileK, tileN };
}

/** Returns the program text of `workload` on `arch` with operand format `format`. */
export function gemmProgram(workload: GemmWorkload, arch: ArchConfig, format: string): string {
  const { m, k, n } = workload;
  const { tileM, tileK, tileN } = gemmTiles(workload, arch);
  const out = arch.core.matrix.accumulatorFormat;
  const lines = [
    `; Generated GEMM ${m}×${k} · ${k}×${n} in ${format}, tiles ${tileM}×${tileK}×${tileN}.`,
    `.const M = ${m}`,
    `.const K = ${k}`,
    `.const N = ${n}`,
    `.const TM = ${tileM}`,
    `.const TK = ${tileK}`,
    `.const TN = ${tileN}`,
    '.const TILES = M / TM * (N / TN)',
    '.const B_TILE = TM * TK',
    '.tensor A fp32[M, K] init=uniform(-1, 1, seed=1)',
    '.tensor B fp32[K, N] init=uniform(-1, 1, seed=2)',
    '.tensor C fp32[M, N] output',
    'loop t, (TILES + ncores - 1) / ncores',
    '    set r1, t * ncores + core',
    '    bnez r1 / TILES, next',
    '    set r2, r1 / (N / TN) * TM',
    '    set r3, r1 % (N / TN) * TN',
    `    load sp[0], A[r2 +: TM, 0 +: TK] fmt=${format}`,
    `    load sp[B_TILE], B[0 +: TK, r3 +: TN] fmt=${format}`,
    '    fence',
    '    preload sp[B_TILE] k=TK n=TN',
    `    matmul acc[0], sp[0] m=TM k=TK n=TN in=${format} out=${out}`,
    '    fence',
  ];
  if (k > tileK) {
    lines.push(
      '    loop j, K / TK - 1',
      `        load sp[0], A[r2 +: TM, (j + 1) * TK +: TK] fmt=${format}`,
      `        load sp[B_TILE], B[(j + 1) * TK +: TK, r3 +: TN] fmt=${format}`,
      '        fence',
      '        preload sp[B_TILE] k=TK n=TN',
      `        matmul acc[0], sp[0] m=TM k=TK n=TN in=${format} out=${out} accumulate`,
      '        fence',
      '    endloop',
    );
  }
  lines.push('    store C[r2 +: TM, r3 +: TN], acc[0]', '    fence', '    next:', 'endloop', 'barrier', 'halt', '');
  return lines.join('\n');
}
