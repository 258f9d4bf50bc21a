/**
 * Throughput of the matrix unit's two fidelities, for `npm run bench`: PE-cycles per CPU second of the
 * PE-level simulator, and MACs per CPU second of the tile kernel against the numerics core's gemm.
 */
import { parseFormat, parseMethod, gemm } from '../numerics/index.js';
import { buildArithmetic } from './arith.js';
import { computeTileValues } from './kernel.js';
import { resolveOperands } from './operands.js';
import { simulateTilePe } from './pe.js';
import type { ArrayShape, OperandBits, TileParams } from './types.js';

export interface PeBenchResult {
  readonly format: string;
  readonly method: string;
  readonly accumulatorFormat: string;
  /** PE updates per second of the PE-level simulator, weight-stationary 32×32 array. */
  readonly peCyclesPerSecond: number;
  /** Useful MACs per second of the tile kernel. */
  readonly tileMacsPerSecond: number;
  /** MACs per second of the numerics core's gemm on the same operands. */
  readonly numericsMacsPerSecond: number;
  /** tileMacsPerSecond / numericsMacsPerSecond. */
  readonly tileToNumericsRatio: number;
}

/** Deterministic operand bit patterns from a 32-bit xorshift generator. */
function randomBits(count: number, widthBits: number, seed: number): OperandBits {
  let out: OperandBits = new Uint32Array(count);
  if (widthBits <= 8) out = new Uint8Array(count);
  else if (widthBits <= 16) out = new Uint16Array(count);
  let state = seed >>> 0 || 1;
  const mask = 2 ** widthBits - 1;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state & mask;
  }
  return out;
}

/** CPU time of this process in milliseconds, user plus system. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Runs `work` repeatedly for at least `minMs` milliseconds of CPU time and returns the rate of
 * `unitsPerRun` per CPU second. CPU time, unlike wall time, does not count time the process waits
 * for a core on a loaded machine.
 */
function measureRate(work: () => void, unitsPerRun: number, minMs: number): number {
  work();
  let runs = 0;
  const start = cpuMs();
  let elapsed = 0;
  while (elapsed < minMs) {
    work();
    runs++;
    elapsed = cpuMs() - start;
  }
  return (runs * unitsPerRun) / (elapsed / 1000);
}

/**
 * Measures both fidelities for one operand format and method with an fp32 accumulator. Each figure
 * runs for about `minMs` milliseconds.
 */
export function benchPeFidelity(formatName = 'e4m3', methodName = 'lmul', minMs = 1000): PeBenchResult {
  const format = parseFormat(formatName);
  const method = parseMethod(methodName);
  const arithmetic = buildArithmetic(formatName, methodName, 'fp32');

  const array: ArrayShape = { rows: 32, cols: 32, dataflow: 'weight-stationary' };
  const peSize = 64;
  const peParams: TileParams = {
    array,
    m: peSize,
    k: peSize,
    n: peSize,
    a: randomBits(peSize * peSize, format.widthBits, 1),
    b: randomBits(peSize * peSize, format.widthBits, 2),
    acc: new Float64Array(peSize * peSize),
    mode: 'overwrite',
    format: formatName,
    method: methodName,
    accumulatorFormat: 'fp32',
  };
  const peOperands = resolveOperands(peParams);
  const peCycles = simulateTilePe(peOperands, arithmetic).peCycles;
  const peCyclesPerSecond = measureRate(() => simulateTilePe(peOperands, arithmetic), peCycles, minMs);

  const size = 128;
  const a = randomBits(size * size, format.widthBits, 3);
  const b = randomBits(size * size, format.widthBits, 4);
  const tileOperands = resolveOperands({ ...peParams, array: { ...array, rows: 128, cols: 128 }, m: size, k: size, n: size, a, b, acc: new Float64Array(size * size) });
  const macs = size * size * size;
  const tileMacsPerSecond = measureRate(() => computeTileValues(tileOperands, arithmetic), macs, minMs);
  const numericsMacsPerSecond = measureRate(() => gemm(format, method, a, b, size, size, size), macs, minMs);

  return {
    format: formatName,
    method: methodName,
    accumulatorFormat: 'fp32',
    peCyclesPerSecond,
    tileMacsPerSecond,
    numericsMacsPerSecond,
    tileToNumericsRatio: tileMacsPerSecond / numericsMacsPerSecond,
  };
}
