/**
 * Runs a resolved `.lasm` program on a machine: builds the run context, compiles the program, runs
 * the cores and collects cycles, counters and output tensors.
 */
import type { ResolvedProgram } from '../../isa/ast.js';
import { DEFAULT_TARGET } from '../../isa/ast.js';
import type { ArchConfig } from '../arch/types.js';
import type { Fidelity } from '../matrix/index.js';
import { parseFormat, type MethodName } from '../numerics/index.js';
import type { RunActivity } from '../../costmodels/activity.js';
import type { TraceWriter } from '../trace/types.js';
import { bufferGeometry, type RunContext, type TensorLayout, type ValueMode } from './context.js';
import { Counters, toRunActivity, WindowCounters } from './counters.js';
import { DEFAULT_LIMITS, type RunLimits } from './limits.js';
import { ConversionCaches } from './conversion-cache.js';
import { HazardTracker, type Hazard } from './hazards.js';
import { CoreState, QUEUE_NAMES, UNIT_NAMES } from './machine.js';
import { compileBlock, type CompiledOp, type Node } from './ops.js';
import { runCores } from './scheduler.js';
import { checkTensorCapacity, elementBytes, initialTensorValues } from './tensors.js';
import { Channel, type OffChipSide } from './timing.js';

/** Settings of one run. */
export interface ExecuteOptions {
  readonly arch: ArchConfig;
  /** `hardware` computes bit-exact values, `reference` computes in fp64 without rounding, `off` skips values. Default hardware. */
  readonly values?: ValueMode;
  /** Matrix-unit fidelity; default tile. */
  readonly fidelity?: Fidelity;
  /** Replaces the multiplier method of every matmul and vmul. */
  readonly method?: MethodName;
  /** Receives busy and stall intervals as the run proceeds; the caller finishes or aborts it. */
  readonly trace?: TraceWriter;
  /** Also count per window of this many cycles. */
  readonly windowCycles?: number;
  /** Count operand toggles at the multiplier inputs (needs values). */
  readonly toggles?: boolean;
  readonly limits?: Partial<RunLimits>;
}

/** A tensor after the run. */
export interface TensorResult {
  readonly name: string;
  readonly shape: readonly number[];
  readonly format: string;
  readonly output: boolean;
  /** Values in the tensor's format (or fp64 in reference mode); absent when values are off. */
  readonly values?: Float64Array;
}

/** Outcome of a run. */
export interface RunResult {
  readonly cycles: number;
  readonly clockMhz: number;
  readonly seconds: number;
  readonly coreCount: number;
  /** Instructions dispatched over all cores, control instructions and loop iterations included. */
  readonly instructions: number;
  readonly macs: number;
  /** MACs divided by the MACs all arrays could do in `cycles`. */
  readonly utilization: number;
  readonly counters: Counters;
  readonly tensors: readonly TensorResult[];
  readonly togglesMeasured: boolean;
  /** Conflicting accesses from different queues that tokens do not order (see hazards.ts). */
  readonly hazards: { readonly count: number; readonly first: readonly Hazard[] };
  /** The activity record the energy model prices. */
  activity(): RunActivity;
}

/** Runs `program` on every core of `options.arch`. Throws UserError for run-time errors in the program. */
export function executeProgram(program: ResolvedProgram, options: ExecuteOptions): RunResult {
  const arch = options.arch;
  const values = options.values ?? 'hardware';
  const limits: RunLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const coreCount = arch.coreCount;
  checkTensorCapacity(program.tensors, arch);

  const counters = new Counters();
  const { tensors, tensorValues } = layoutTensors(program, arch, counters, values);
  const geometry = bufferGeometry(arch);

  const unitBase: number[] = [];
  const tracks: number[] = [];
  const sramSlots: number[] = [];
  for (let core = 0; core < coreCount; core++) {
    unitBase.push(counters.units.length);
    for (const unit of UNIT_NAMES) {
      counters.addUnit(core, unit);
      if (options.trace) tracks.push(options.trace.addTrack(core, unit));
    }
    sramSlots.push(counters.sramSlot(`core${core}.scratchpad`, arch.core.scratchpad.capacityBytes, arch.core.scratchpad.wordBits));
    sramSlots.push(counters.sramSlot(`core${core}.accumulator`, arch.core.accumulator.capacityBytes, arch.core.accumulator.wordBits));
  }
  if (options.windowCycles !== undefined) counters.windows = new WindowCounters(options.windowCycles, counters.units.length, limits.maxWindows);

  const context: RunContext = {
    arch,
    array: { rows: arch.core.matrix.rows, cols: arch.core.matrix.cols, dataflow: arch.core.matrix.dataflow, pipelineLatencyCycles: arch.core.matrix.pipelineLatencyCycles },
    coreCount,
    values,
    fidelity: options.fidelity ?? 'tile',
    methodOverride: options.method,
    countToggles: Boolean(options.toggles) && values === 'hardware',
    counters,
    trace: options.trace,
    limits,
    tensors,
    tensorValues,
    ...geometry,
    result: {
      grantCycle: 0,
      busyCycles: 0,
      conflictCycles: 0,
      latencyCycles: 0,
      vectorDestination: -1,
      accesses: Array.from({ length: 4 }, () => ({ buffer: 0, address: 0, rows: 0, cols: 0, rowStride: 0, write: false })),
      accessCount: 0,
    },
    sramSlots,
    unitBase,
    tracks,
    hazards: new HazardTracker(coreCount, QUEUE_NAMES),
    conversions: new ConversionCaches(),
  };

  const body = compileBlock(program.body, context);
  const registers = arch.core.vectorRegisters;
  const cores = Array.from({ length: coreCount }, (_, index) => {
    const core = new CoreState<CompiledOp, Node>(index, coreCount, DEFAULT_TARGET.scalarRegisters, program.loopDepth, limits.queueDepth, registers.count, registers.lengthElements);
    core.scratchpadCapacity = geometry.scratchpadElements;
    core.accumulatorCapacity = geometry.accumulatorElements;
    if (values !== 'off') core.vectorRegisters = new Float64Array(registers.count * registers.lengthElements);
    return core;
  });

  const cycles = runCores(cores, body, context);
  // Windows cover the whole run, including trailing windows in which nothing started.
  if (counters.windows && cycles > 0) counters.windows.row(cycles - 1);
  const macs = counters.totalMacs();
  const peak = cycles * arch.core.matrix.rows * arch.core.matrix.cols * coreCount;
  const togglesMeasured = context.countToggles;
  return {
    cycles,
    clockMhz: arch.clockMhz,
    seconds: cycles / (arch.clockMhz * 1e6),
    coreCount,
    instructions: cores.reduce((sum, core) => sum + core.dispatched, 0),
    macs,
    utilization: peak > 0 ? macs / peak : 0,
    counters,
    tensors: program.tensors.map((tensor) => ({
      name: tensor.name,
      shape: tensor.shape,
      format: tensor.format,
      output: tensor.output,
      ...(values !== 'off' ? { values: tensorValues[tensor.index] } : {}),
    })),
    togglesMeasured,
    hazards: { count: context.hazards.count, first: context.hazards.reported },
    activity: () => toRunActivity(counters, cycles, arch.clockMhz, togglesMeasured),
  };
}

/** Builds each tensor's layout and port, and its initial values when values are on. */
function layoutTensors(program: ResolvedProgram, arch: ArchConfig, counters: Counters, values: ValueMode): { tensors: TensorLayout[]; tensorValues: Float64Array[] } {
  const memory = arch.memory;
  const dram = new Channel('dram', memory.kind, memory.bandwidthBytesPerCycle);
  const dramSide: OffChipSide = { kind: 'memory', memory: { bandwidthBytesPerCycle: memory.bandwidthBytesPerCycle, latencyCycles: memory.latencyCycles, burstBytes: memory.burstBytes } };
  const dramSlot = counters.memorySlot('dram', memory.kind);
  const link = arch.hostLink;
  const hostRead = link ? new Channel('host', link.kind, link.bandwidthBytesPerCycle) : undefined;
  const hostWrite = link ? new Channel('host', link.kind, link.bandwidthBytesPerCycle) : undefined;
  const hostSide: OffChipSide | undefined = link
    ? { kind: 'host-link', link: { bandwidthBytesPerCycle: link.bandwidthBytesPerCycle, latencyCycles: link.latencyCycles, maxPayloadBytes: link.maxPayloadBytes, packetOverheadBytes: link.packetOverheadBytes } }
    : undefined;
  const hostSlot = link && program.tensors.some((tensor) => tensor.placement === 'host') ? counters.memorySlot('host', link.kind) : -1;

  const tensors = program.tensors.map((tensor): TensorLayout => {
    const format = parseFormat(tensor.format);
    const strides = tensor.shape.map((_, d) => tensor.shape.slice(d + 1).reduce((product, size) => product * size, 1));
    const host = tensor.placement === 'host';
    return {
      tensor,
      format,
      elementBytes: elementBytes(format),
      strides,
      offChip: host ? (hostSide as OffChipSide) : dramSide,
      readChannel: host ? (hostRead as Channel) : dram,
      writeChannel: host ? (hostWrite as Channel) : dram,
      memorySlot: host ? hostSlot : dramSlot,
    };
  });
  const tensorValues = values === 'off' ? [] : program.tensors.map((tensor) => initialTensorValues(tensor));
  return { tensors, tensorValues };
}
