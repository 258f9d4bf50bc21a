/**
 * Analytic activity of whole kernels, a GEMM and one attention head, from a documented tiling
 * model. The result is a RunActivity, the same shape the simulator produces, so the energy
 * accounting is shared. A simulated RunActivity can replace this one without other changes.
 *
 * Tiling model (output stationary): a rows x cols MAC array computes one rows x cols output tile
 * at a time, streaming the K dimension. Every operand element enters the array once per tile that
 * needs it: A (M x K) once per column tile of the output, B (K x N) once per row tile. Operands
 * come from DRAM into the scratchpad once per such pass (no reuse across passes, an upper bound
 * for a scratchpad too small to keep a whole operand), are written to the scratchpad, and read from
 * it into the array. Outputs leave the array once, as accumulator-format words written to the
 * scratchpad and to DRAM. One MAC per array cell per cycle, no stalls.
 */
import type { MacActivity, MemoryActivity, RunActivity, SramActivity, VectorActivity } from './activity.js';
import { floatFormatBits, intFormatBits } from './unitCost.js';

/** The machine the analytic model assumes. */
export interface AnalyticMachine {
  readonly arrayRows: number;
  readonly arrayCols: number;
  readonly clockMhz: number;
  readonly scratchpadBytes: number;
  /** Scratchpad access width, bits. */
  readonly scratchpadWordBits: number;
  /** Off-chip memory kind priced from the offchip table, for example ddr3 or gddr6. */
  readonly dramKind: string;
}

/** Default machine per shipped node: a 128 x 128 array at 1 GHz with a 1 MiB, 64-bit-wide scratchpad. */
export function defaultMachine(node: string): AnalyticMachine {
  return {
    arrayRows: 128,
    arrayCols: 128,
    clockMhz: 1000,
    scratchpadBytes: 1024 * 1024,
    scratchpadWordBits: 64,
    // Each node is paired with the DRAM figure of its own calibration source.
    dramKind: node === '7nm' ? 'gddr6' : 'ddr3',
  };
}

/** Operand and accumulator formats and the multiplier method of a kernel. */
export interface KernelNumerics {
  readonly format: string;
  /** exact, lmul, lmul-formula or mitchell. */
  readonly method: string;
  /** fp32 for floating-point formats, int32 for integer formats, unless given. */
  readonly accumulator?: string;
}

function bytesOf(format: string): number {
  const intBits = intFormatBits(format);
  if (intBits !== undefined) return intBits / 8;
  const bits = floatFormatBits(format);
  return (1 + bits.expBits + bits.manBits) / 8;
}

function accumulatorOf(numerics: KernelNumerics): string {
  return numerics.accumulator ?? (intFormatBits(numerics.format) !== undefined ? 'int32' : 'fp32');
}

interface Traffic {
  macs: number;
  cycles: number;
  /** Operand bytes read from the scratchpad into the array. */
  operandBytes: number;
  /** Operand bytes loaded from DRAM (and written to the scratchpad). */
  dramReadBytes: number;
  /** Output bytes written to the scratchpad. */
  outputBytes: number;
  /** Output bytes written to DRAM. */
  dramWriteBytes: number;
}

/** Counts MACs, cycles and bytes moved for an M x K by K x N matrix product under the tiling model. */
function gemmTraffic(m: number, k: number, n: number, numerics: KernelNumerics, machine: AnalyticMachine): Traffic {
  const rowTiles = Math.ceil(m / machine.arrayRows);
  const colTiles = Math.ceil(n / machine.arrayCols);
  const operand = bytesOf(numerics.format);
  const accumulator = bytesOf(accumulatorOf(numerics));
  const operandBytes = (m * k * colTiles + k * n * rowTiles) * operand;
  return {
    macs: m * k * n,
    cycles: rowTiles * colTiles * k,
    operandBytes,
    dramReadBytes: operandBytes,
    outputBytes: m * n * accumulator,
    dramWriteBytes: m * n * accumulator,
  };
}

function activityFrom(traffic: Traffic, numerics: KernelNumerics, machine: AnalyticMachine, vectorOps: VectorActivity[]): RunActivity {
  const wordBytes = machine.scratchpadWordBits / 8;
  const mac: MacActivity = { method: numerics.method, format: numerics.format, accumulator: accumulatorOf(numerics), count: traffic.macs };
  const scratchpad: SramActivity = {
    buffer: 'scratchpad',
    capacityBytes: machine.scratchpadBytes,
    wordBits: machine.scratchpadWordBits,
    readBytes: traffic.operandBytes,
    writeBytes: traffic.dramReadBytes + traffic.outputBytes,
    readAccesses: Math.ceil(traffic.operandBytes / wordBytes),
    writeAccesses: Math.ceil((traffic.dramReadBytes + traffic.outputBytes) / wordBytes),
  };
  const dram: MemoryActivity = { name: 'dram', kind: machine.dramKind, readBytes: traffic.dramReadBytes, writeBytes: traffic.dramWriteBytes };
  return { cycles: traffic.cycles, clockMhz: machine.clockMhz, macs: [mac], vectorOps, sram: [scratchpad], memories: [dram] };
}

/** Analytic activity of C = A x B with A of M x K and B of K x N. */
export function gemmActivity(m: number, k: number, n: number, numerics: KernelNumerics, machine: AnalyticMachine): RunActivity {
  return activityFrom(gemmTraffic(m, k, n, numerics, machine), numerics, machine, []);
}

/**
 * Analytic activity of one attention head over `sequence` tokens with head dimension `headDim`:
 * S = Q Kᵀ (sequence x headDim x sequence), softmax over each row of S (scale, max, exp, sum,
 * reciprocal, normalise, in the operand format), then O = P V (sequence x sequence x headDim).
 * Q, K and V are read from DRAM and O is written back; S and P stay in the scratchpad, and P is
 * the second product's A operand.
 */
export function attentionActivity(sequence: number, headDim: number, numerics: KernelNumerics, machine: AnalyticMachine): RunActivity {
  const scores = gemmTraffic(sequence, headDim, sequence, numerics, machine);
  const output = gemmTraffic(sequence, sequence, headDim, numerics, machine);
  const elements = sequence * sequence;
  const format = intFormatBits(numerics.format) !== undefined ? 'fp16' : numerics.format;
  const method = numerics.method === 'exact' ? 'exact' : numerics.method;
  const vectorOps: VectorActivity[] = [
    { op: 'scale', format, method, elementOps: elements },
    { op: 'reduce-max', format, elementOps: elements },
    { op: 'sub', format, elementOps: elements },
    { op: 'exp', format, elementOps: elements },
    { op: 'reduce-sum', format, elementOps: elements },
    { op: 'reciprocal', format, elementOps: sequence },
    { op: 'mul', format, method, elementOps: elements },
  ];
  // S and P stay in the scratchpad: DRAM supplies Q, K and V and receives O only.
  const vBytes = headDim * sequence * Math.ceil(sequence / machine.arrayRows) * bytesOf(numerics.format);
  const combined: Traffic = {
    macs: scores.macs + output.macs,
    cycles: scores.cycles + output.cycles,
    operandBytes: scores.operandBytes + output.operandBytes,
    dramReadBytes: scores.dramReadBytes + vBytes,
    outputBytes: scores.outputBytes + output.outputBytes,
    dramWriteBytes: output.dramWriteBytes,
  };
  return activityFrom(combined, numerics, machine, vectorOps);
}
