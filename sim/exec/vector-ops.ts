/**
 * Vector-unit operations. Registers contain fp32 values, and every arithmetic result is rounded to
 * fp32 once (round to nearest, ties to even). In reference mode lanes contain doubles instead.
 *
 * Timing: a pipelined unit takes `lanes` elements per initiation interval. An operation occupies the
 * unit for ceil(length / lanes) × interval cycles, and its result is ready the operation kind's
 * latency later (sim/vector's latency + groups × interval in total). An operation that reads a register waits until that register's result is ready
 * (a `dependency` stall). `vload` and `vstore` occupy the unit for the cycles the SRAM needs to move
 * the bytes at its full bank width. Those bytes are the `vstore`'s `fmt=` format, and for `vload`
 * the format the data was written in (sram.ts).
 */
import type {
  Instruction,
  VBinaryInstruction,
  VFillInstruction,
  VImmediateInstruction,
  VLoadInstruction,
  VReduceInstruction,
  VSetLenInstruction,
  VStoreInstruction,
  VUnaryInstruction,
} from '../../isa/ast.js';
import { compileExpr } from '../../isa/expr.js';
import type { VectorOp } from '../arch/types.js';
import { encode, parseFormat, productValue, roundToFormat } from '../numerics/index.js';
import type { RunContext } from './context.js';
import { effectiveMethod, noteAccess, runtimeError, type CompiledOp, type Core, type OpBase } from './ops.js';
import { ACCUMULATOR, bufferFormats, byteRangeError, checkByteRange, SCRATCHPAD } from './sram.js';
import { sramAccesses, sramVectorCycles, vectorBusyCycles } from './timing.js';

/** Timing kind of each vector instruction; moves, negation and fills use the `add` pipeline. */
function timingKind(instruction: Instruction): VectorOp {
  switch (instruction.kind) {
    case 'vbinary':
      return instruction.op;
    case 'vunary':
      if (instruction.op === 'exp') return 'exp';
      if (instruction.op === 'recip') return 'reciprocal';
      if (instruction.op === 'rsqrt') return 'rsqrt';
      return 'add';
    case 'vimm':
      return instruction.op === 'scale' ? 'scale' : 'add';
    case 'vreduce':
      return instruction.op === 'sum' ? 'reduce-sum' : 'reduce-max';
    default:
      return 'add';
  }
}

/** Counter name of each vector instruction: the arch's operation kinds, plus mov, neg and fill. */
function counterName(instruction: Instruction): string {
  if (instruction.kind === 'vunary' && (instruction.op === 'mov' || instruction.op === 'neg')) return instruction.op;
  if (instruction.kind === 'vfill') return 'fill';
  return timingKind(instruction);
}

export function compileVectorOp(base: OpBase, instruction: Instruction, context: RunContext): CompiledOp {
  switch (instruction.kind) {
    case 'vload':
      return compileVLoad(base, instruction, context);
    case 'vstore':
      return compileVStore(base, instruction, context);
    case 'vsetlen':
      return compileVSetLen(base, instruction, context);
    case 'vbinary':
    case 'vunary':
    case 'vimm':
    case 'vfill':
    case 'vreduce':
      return compileArithmetic(base, instruction, context);
    default:
      throw new Error(`no vector operation for instruction kind ${instruction.kind}`);
  }
}

function setResult(context: RunContext, start: number, busy: number, latency: number, destination: number): void {
  const result = context.result;
  result.grantCycle = start;
  result.busyCycles = busy;
  result.conflictCycles = 0;
  result.latencyCycles = latency;
  result.vectorDestination = destination;
}

function vectorAddress(instruction: Instruction, core: Core, address: number, length: number, capacity: number, buffer: string): number {
  if (!Number.isSafeInteger(address) || address < 0 || address + length > capacity) {
    throw runtimeError(instruction, core, `${buffer} address out of range at run time: ${length} elements at element ${address} end at ${address + length}, but the ${buffer} has room for ${capacity} elements`);
  }
  return address;
}

function compileVLoad(base: OpBase, instruction: VLoadInstruction, context: RunContext): CompiledOp {
  const address = compileExpr(instruction.src.address);
  const scratchpad = instruction.src.buffer === 'scratchpad';
  const sram = scratchpad ? context.arch.core.scratchpad : context.arch.core.accumulator;
  const capacity = scratchpad ? context.scratchpadElements : context.accumulatorElements;
  const buffer = scratchpad ? SCRATCHPAD : ACCUMULATOR;
  const formats = bufferFormats(context);
  const readRange = { endByte: 0, format: '' };
  const registerLength = context.arch.core.vectorRegisters.lengthElements;
  const dst = instruction.dst;
  const reference = context.values === 'reference';
  const withValues = context.values !== 'off';
  const counters = context.counters;

  return {
    ...base,
    capture(core, args, at) {
      args[at] = core.vectorLength;
      args[at + 1] = vectorAddress(instruction, core, address(core.env), core.vectorLength, capacity, instruction.src.buffer);
    },
    ready: () => 0,
    execute(core, args, at, start) {
      const length = args[at];
      const from = args[at + 1];
      // The bytes read are those of the format the data was written in.
      const bytes = formats.widestBytes(core.index, buffer, from, 1, length, length, readRange);
      if (readRange.endByte > sram.capacityBytes) throw byteRangeError(instruction, core, instruction.src.buffer, sram.capacityBytes, readRange.format, bytes, from, 1, length, readRange.endByte);
      setResult(context, start, sramVectorCycles(sram, length * bytes), 1, dst);
      noteAccess(context, scratchpad, from, 1, length, length, false);
      const slot = counters.sram[context.sramSlots[core.index * 2 + (scratchpad ? 0 : 1)]];
      slot.readBytes += length * bytes;
      slot.readAccesses += sramAccesses(sram, 1, length * bytes);
      if (!withValues) return;
      const values = core.onChip(scratchpad, from + length);
      const registers = core.vectorRegisters as Float64Array;
      for (let l = 0; l < length; l++) registers[dst * registerLength + l] = reference ? values[from + l] : Math.fround(values[from + l]);
    },
  };
}

function compileVStore(base: OpBase, instruction: VStoreInstruction, context: RunContext): CompiledOp {
  const address = compileExpr(instruction.dst.address);
  const scratchpad = instruction.dst.buffer === 'scratchpad';
  const sram = scratchpad ? context.arch.core.scratchpad : context.arch.core.accumulator;
  const capacity = scratchpad ? context.scratchpadElements : context.accumulatorElements;
  const format = parseFormat(instruction.format);
  const bytes = Math.ceil(format.widthBits / 8);
  const buffer = scratchpad ? SCRATCHPAD : ACCUMULATOR;
  const formats = bufferFormats(context);
  const formatId = formats.idOf(format.name);
  const registerLength = context.arch.core.vectorRegisters.lengthElements;
  const src = instruction.src;
  const saturate = instruction.saturate;
  const round = context.conversions.get(`round/${format.name}/${saturate}`, format.manBits, (value) => roundToFormat(format, value, saturate));
  const reference = context.values === 'reference';
  const withValues = context.values !== 'off';
  const counters = context.counters;

  return {
    ...base,
    capture(core, args, at) {
      const length = core.vectorLength;
      const to = vectorAddress(instruction, core, address(core.env), length, capacity, instruction.dst.buffer);
      checkByteRange(instruction, core, instruction.dst.buffer, sram.capacityBytes, format.name, bytes, to, 1, length, length);
      args[at] = length;
      args[at + 1] = to;
    },
    ready: (core) => core.vectorReady[src],
    execute(core, args, at, start) {
      const length = args[at];
      const to = args[at + 1];
      setResult(context, start, sramVectorCycles(sram, length * bytes), 0, -1);
      noteAccess(context, scratchpad, to, 1, length, length, true);
      formats.mark(core.index, buffer, formatId, to, 1, length, length);
      const slot = counters.sram[context.sramSlots[core.index * 2 + (scratchpad ? 0 : 1)]];
      slot.writeBytes += length * bytes;
      slot.writeAccesses += sramAccesses(sram, 1, length * bytes);
      if (!withValues) return;
      const values = core.onChip(scratchpad, to + length);
      const registers = core.vectorRegisters as Float64Array;
      for (let l = 0; l < length; l++) {
        const value = registers[src * registerLength + l];
        values[to + l] = reference ? value : round.get(value);
      }
    },
  };
}

function compileVSetLen(base: OpBase, instruction: VSetLenInstruction, context: RunContext): CompiledOp {
  const length = compileExpr(instruction.length);
  const registerLength = context.arch.core.vectorRegisters.lengthElements;
  return {
    ...base,
    capture(core, args, at) {
      const value = length(core.env);
      if (!Number.isSafeInteger(value) || value < 1 || value > registerLength) {
        throw runtimeError(instruction, core, `vector length ${value} is out of range at run time: expected 1 to ${registerLength}, the register length`);
      }
      // The vector queue runs in order, so tracking the length in dispatch order gives every later vector instruction the right value.
      core.vectorLength = value;
      args[at] = value;
    },
    ready: () => 0,
    execute(_core, _args, _at, start) {
      setResult(context, start, 1, 0, -1);
    },
  };
}

/** Register-to-register operations: binary, unary, immediate, fill and reductions. */
function compileArithmetic(base: OpBase, instruction: VBinaryInstruction | VUnaryInstruction | VImmediateInstruction | VFillInstruction | VReduceInstruction, context: RunContext): CompiledOp {
  const timing = context.arch.core.vector.ops[timingKind(instruction)];
  const lanes = context.arch.core.vector.lanes;
  const registerLength = context.arch.core.vectorRegisters.lengthElements;
  const reference = context.values === 'reference';
  const withValues = context.values !== 'off';
  const counters = context.counters;
  const isMul = instruction.kind === 'vbinary' && instruction.op === 'mul';
  const method = isMul ? effectiveMethod((instruction as VBinaryInstruction).method, context) : undefined;
  const formatName = isMul ? (instruction as VBinaryInstruction).format : 'fp32';
  const slot = counters.vectorSlot(counterName(instruction), formatName, method);
  const sources = instruction.kind === 'vbinary' ? [instruction.a, instruction.b] : instruction.kind === 'vfill' ? [] : [instruction.src];
  const compute = withValues ? laneFunction(instruction, context, reference) : undefined;

  return {
    ...base,
    capture(core, args, at) {
      args[at] = core.vectorLength;
    },
    ready(core) {
      let ready = 0;
      for (const source of sources) ready = Math.max(ready, core.vectorReady[source]);
      return ready;
    },
    execute(core, args, at, start) {
      const length = args[at];
      setResult(context, start, vectorBusyCycles(timing, lanes, length), timing.latencyCycles, instruction.dst);
      counters.vectorOps[slot].elementOps += length;
      if (compute) compute(core.vectorRegisters as Float64Array, registerLength, length);
    },
  };
}

type LaneFunction = (registers: Float64Array, registerLength: number, length: number) => void;

function laneFunction(instruction: VBinaryInstruction | VUnaryInstruction | VImmediateInstruction | VFillInstruction | VReduceInstruction, context: RunContext, reference: boolean): LaneFunction {
  const round = reference ? (x: number) => x : Math.fround;
  const d = instruction.dst;
  switch (instruction.kind) {
    case 'vbinary': {
      const { a, b } = instruction;
      let op: (x: number, y: number) => number;
      switch (instruction.op) {
        case 'add':
          op = (x, y) => round(x + y);
          break;
        case 'sub':
          op = (x, y) => round(x - y);
          break;
        case 'max':
          op = Math.max;
          break;
        case 'min':
          op = Math.min;
          break;
        case 'mul': {
          const format = parseFormat(instruction.format);
          const method = effectiveMethod(instruction.method, context);
          const toBits = context.conversions.get(`encode/${format.name}`, format.manBits, (value) => encode(format, value));
          op = reference ? (x, y) => x * y : (x, y) => Math.fround(productValue(format, method, toBits.get(x), toBits.get(y)));
          break;
        }
      }
      return (registers, length, lanes) => {
        for (let l = 0; l < lanes; l++) registers[d * length + l] = op(registers[a * length + l], registers[b * length + l]);
      };
    }
    case 'vunary': {
      const s = instruction.src;
      let op: (x: number) => number;
      switch (instruction.op) {
        case 'mov':
          op = (x) => x;
          break;
        case 'neg':
          op = (x) => -x;
          break;
        case 'exp':
          op = (x) => round(Math.exp(x));
          break;
        case 'recip':
          op = (x) => round(1 / x);
          break;
        case 'rsqrt':
          op = (x) => round(1 / Math.sqrt(x));
          break;
      }
      return (registers, length, lanes) => {
        for (let l = 0; l < lanes; l++) registers[d * length + l] = op(registers[s * length + l]);
      };
    }
    case 'vimm': {
      const s = instruction.src;
      const value = round(instruction.value);
      const scale = instruction.op === 'scale';
      return (registers, length, lanes) => {
        for (let l = 0; l < lanes; l++) {
          const x = registers[s * length + l];
          registers[d * length + l] = round(scale ? x * value : x + value);
        }
      };
    }
    case 'vfill': {
      const value = round(instruction.value);
      return (registers, length, lanes) => {
        registers.fill(value, d * length, d * length + lanes);
      };
    }
    case 'vreduce': {
      const s = instruction.src;
      const sum = instruction.op === 'sum';
      return (registers, length, lanes) => {
        // Lanes are combined in increasing lane order, one rounding per addition.
        let total = sum ? 0 : -Infinity;
        for (let l = 0; l < lanes; l++) {
          const x = registers[s * length + l];
          total = sum ? round(total + x) : Math.max(total, x);
        }
        registers.fill(total, d * length, d * length + lanes);
      };
    }
  }
}
