/**
 * Turns schema-valid machine data into a resolved ArchConfig: converts sizes, GB/s and nanoseconds to
 * bytes and cycles, fills defaults and checks what the schema cannot express.
 */
import { closestMatch, type Diagnostic } from '../../common/diagnostic.js';
import { NAMED_FORMATS, tryParseFormat } from '../numerics/index.js';
import {
  DATAPATHS,
  VECTOR_OPS,
  type AccumulatorFormat,
  type ArchConfig,
  type Dataflow,
  type Datapath,
  type HostLinkKind,
  type MemoryKind,
  type SramConfig,
  type VectorOp,
  type VectorOpTiming,
} from './types.js';
import { formatKeyPath, type KeyPath, type YamlSource } from './yaml-source.js';

/** Default transfer granularity of off-chip memory: one 64-byte burst (BL8 on a 64-bit channel). */
export const DEFAULT_BURST_BYTES = 64;
/** Default PCIe maximum payload size in bytes, a common setting of root complexes. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 256;
/**
 * Default link bytes per PCIe packet (estimate): a 16-byte header with 64-bit address, 2-byte sequence
 * number, 4-byte LCRC and about 2 bytes of framing.
 */
export const DEFAULT_PACKET_OVERHEAD_BYTES = 24;

const SIZE_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
};

// Shapes of the schema-valid input, in which optional keys may be absent.
interface TimingInput {
  latencyCycles: number;
  initiationIntervalCycles: number;
}
interface SramInput {
  capacityBytes: number | string;
  banks: number;
  portsPerBank?: number;
  wordBits: number;
}
export interface MachineInput {
  name?: string;
  description?: string;
  clockMhz: number;
  cores?: number;
  core: {
    matrix: {
      rows: number;
      cols: number;
      dataflow: Dataflow;
      datapaths?: Datapath[];
      inputFormats: string[];
      accumulatorFormat: AccumulatorFormat;
      pipelineLatencyCycles?: number;
      stationaryBuffers?: 1 | 2;
    };
    vector: { lanes: number; ops: Partial<Record<VectorOp | 'default', TimingInput>> };
    scratchpad: SramInput;
    accumulator: SramInput;
    vectorRegisters: { count: number; lengthElements: number };
    dma: { engines: number; bytesPerCycleEach: number };
  };
  memory: {
    kind: MemoryKind;
    bandwidthGBps?: number;
    bandwidthBytesPerCycle?: number;
    latencyNs?: number;
    latencyCycles?: number;
    capacityBytes: number | string;
    burstBytes?: number;
  };
  hostLink?: {
    kind: HostLinkKind;
    bandwidthGBps: number;
    latencyNs?: number;
    latencyCycles?: number;
    hostCapacityBytes: number | string;
    maxPayloadBytes?: number;
    packetOverheadBytes?: number;
  };
}

/** Converts a size (integer bytes or a string such as "24 MiB") to bytes, or returns an error message. */
export function parseSizeBytes(value: number | string): number | string {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : `${value} bytes is beyond the largest supported size, 2^53 − 1`;
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*$/.exec(value);
  const factor = match ? SIZE_UNITS[match[2]] : undefined;
  if (!match || factor === undefined) return `invalid size '${value}'`;
  const bytes = Number(match[1]) * factor;
  if (!Number.isInteger(bytes)) return `size '${value}' is not a whole number of bytes`;
  if (!Number.isSafeInteger(bytes)) return `size '${value}' is beyond the largest supported size, 2^53 − 1 bytes`;
  if (bytes < 1) return `size '${value}' must be at least 1 byte`;
  return bytes;
}

/** Converts nanoseconds at a clock in MHz to whole cycles, rounding up. */
export function nsToCycles(latencyNs: number, clockMhz: number): number {
  const cycles = (latencyNs * clockMhz) / 1000;
  // A product such as 100 ns × 700 MHz may land a hair above an integer, which must not add a cycle.
  return Math.max(0, Math.ceil(cycles - 1e-9));
}

/** Converts GB/s (10^9 bytes per second) to bytes per cycle at a clock in MHz. */
export function gbpsToBytesPerCycle(bandwidthGBps: number, clockMhz: number): number {
  return (bandwidthGBps * 1000) / clockMhz;
}

/**
 * Resolves schema-valid data into an ArchConfig. Problems the schema cannot catch (unknown operand
 * formats, missing vector timings, SRAM sizes that are not whole rows of banks) are appended to
 * `diagnostics`. The returned value is only meaningful when none were added.
 */
export function resolveMachine(input: MachineInput, source: YamlSource, name: string, diagnostics: Diagnostic[]): ArchConfig {
  const report = (path: KeyPath, target: 'key' | 'value', message: string, hint?: string) => {
    diagnostics.push({ severity: 'error', message, span: source.spanOf(path, target), hint });
  };
  const size = (path: KeyPath, value: number | string): number => {
    const bytes = parseSizeBytes(value);
    if (typeof bytes === 'string') {
      report(path, 'value', `${formatKeyPath(path)}: ${bytes}`);
      return 1;
    }
    return bytes;
  };

  const clockMhz = input.clockMhz;
  const matrixInput = input.core.matrix;

  matrixInput.inputFormats.forEach((formatName, index) => {
    if (tryParseFormat(formatName)) return;
    const suggestion = closestMatch(formatName, NAMED_FORMATS);
    report(['core', 'matrix', 'inputFormats', index], 'value', `unknown operand format '${formatName}' in core.matrix.inputFormats`, suggestion ? `did you mean '${suggestion}'?` : `expected one of ${NAMED_FORMATS.join(', ')} or eXmY`);
  });
  const datapaths = DATAPATHS.filter((datapath) => (matrixInput.datapaths ?? DATAPATHS).includes(datapath));

  const ops = {} as Record<VectorOp, VectorOpTiming>;
  const fallback = input.core.vector.ops.default;
  const missing: VectorOp[] = [];
  for (const op of VECTOR_OPS) {
    const timing = input.core.vector.ops[op] ?? fallback;
    if (!timing) missing.push(op);
    else ops[op] = { latencyCycles: timing.latencyCycles, initiationIntervalCycles: timing.initiationIntervalCycles };
  }
  if (missing.length > 0) {
    report(['core', 'vector', 'ops'], 'key', `core.vector.ops has no timing for ${missing.join(', ')}`, "add these kinds, or a 'default' entry for every kind not listed");
  }

  const sram = (key: 'scratchpad' | 'accumulator'): SramConfig => {
    const raw = input.core[key];
    const capacityBytes = size(['core', key, 'capacityBytes'], raw.capacityBytes);
    const rowBytes = (raw.banks * raw.wordBits) / 8;
    if (capacityBytes % rowBytes !== 0) {
      report(['core', key, 'capacityBytes'], 'value', `core.${key}.capacityBytes (${capacityBytes}) is not a multiple of banks × wordBits / 8 = ${rowBytes} bytes`);
    }
    return { capacityBytes, banks: raw.banks, portsPerBank: raw.portsPerBank ?? 1, wordBits: raw.wordBits };
  };

  const memoryInput = input.memory;
  const memoryGBps = memoryInput.bandwidthGBps ?? ((memoryInput.bandwidthBytesPerCycle ?? 0) * clockMhz) / 1000;
  const memoryBytesPerCycle = memoryInput.bandwidthBytesPerCycle ?? gbpsToBytesPerCycle(memoryGBps, clockMhz);
  const memoryLatencyCycles = memoryInput.latencyCycles ?? nsToCycles(memoryInput.latencyNs ?? 0, clockMhz);

  const linkInput = input.hostLink;
  const hostLink = linkInput
    ? {
        kind: linkInput.kind,
        bandwidthBytesPerCycle: gbpsToBytesPerCycle(linkInput.bandwidthGBps, clockMhz),
        bandwidthGBps: linkInput.bandwidthGBps,
        latencyCycles: linkInput.latencyCycles ?? nsToCycles(linkInput.latencyNs ?? 0, clockMhz),
        hostCapacityBytes: size(['hostLink', 'hostCapacityBytes'], linkInput.hostCapacityBytes),
        maxPayloadBytes: linkInput.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
        packetOverheadBytes: linkInput.packetOverheadBytes ?? DEFAULT_PACKET_OVERHEAD_BYTES,
      }
    : undefined;

  const config: ArchConfig = {
    name: input.name ?? name,
    file: source.file,
    description: input.description ?? '',
    clockMhz,
    coreCount: input.cores ?? 1,
    core: {
      matrix: {
        rows: matrixInput.rows,
        cols: matrixInput.cols,
        dataflow: matrixInput.dataflow,
        datapaths,
        inputFormats: matrixInput.inputFormats.map((formatName) => tryParseFormat(formatName)?.name ?? formatName),
        accumulatorFormat: matrixInput.accumulatorFormat,
        pipelineLatencyCycles: matrixInput.pipelineLatencyCycles ?? 0,
        stationaryBuffers: matrixInput.stationaryBuffers ?? 1,
      },
      vector: { lanes: input.core.vector.lanes, ops },
      scratchpad: sram('scratchpad'),
      accumulator: sram('accumulator'),
      vectorRegisters: { count: input.core.vectorRegisters.count, lengthElements: input.core.vectorRegisters.lengthElements },
      dma: { engines: input.core.dma.engines, bytesPerCycleEach: input.core.dma.bytesPerCycleEach },
    },
    memory: {
      kind: memoryInput.kind,
      bandwidthBytesPerCycle: memoryBytesPerCycle,
      bandwidthGBps: memoryGBps,
      latencyCycles: memoryLatencyCycles,
      capacityBytes: size(['memory', 'capacityBytes'], memoryInput.capacityBytes),
      burstBytes: memoryInput.burstBytes ?? DEFAULT_BURST_BYTES,
    },
    ...(hostLink ? { hostLink } : {}),
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
