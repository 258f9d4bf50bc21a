/**
 * DMA operations: `load` (off-chip tensor to scratchpad or accumulator, converting to an on-chip
 * format) and `store` (on-chip buffer to an off-chip tensor, converting to the tensor's format).
 *
 * Timing comes from sim/memory (DmaCostModel): the transfer moves whole aligned bursts (DRAM) or
 * packets (host link) over a port shared by all cores. It waits for the port (a `bandwidth` stall),
 * occupies the queue for max(off-chip streaming, DMA engine) cycles, then for any extra cycles the
 * SRAM banks need (a `bank-conflict` stall). Its data lands the port's latency later, when tokens
 * are sent. Each tensor is taken to start at an address aligned to every burst and bank boundary.
 *
 * The on-chip side is sized by the format of the data moved (sram.ts): a load writes its `fmt=`
 * format, and a store reads the format in which the data was written.
 */
import type { LoadInstruction, StoreInstruction } from '../../isa/ast.js';
import { parseFormat, roundToFormat } from '../numerics/index.js';
import type { RunContext, TensorLayout } from './context.js';
import { captureDram, captureTile, compileDramAddress, compileTileAddress, noteAccess, type CompiledOp, type Core, type OpBase } from './ops.js';
import { ACCUMULATOR, bufferFormats, byteRangeError, checkByteRange, SCRATCHPAD } from './sram.js';
import { DmaCostModel, type Channel, type DmaCost } from './timing.js';

export function compileLoad(base: OpBase, instruction: LoadInstruction, context: RunContext): CompiledOp {
  const src = compileDramAddress(instruction.src, context);
  const dst = compileTileAddress(instruction.dst, context);
  const layout = context.tensors[src.tensor];
  const format = parseFormat(instruction.format);
  const dstBytes = Math.ceil(format.widthBits / 8);
  const srcBytes = layout.elementBytes;
  const rows = src.rows;
  const cols = src.cols;
  const transpose = instruction.transpose;
  const onChipRows = transpose ? cols : rows;
  const onChipCols = transpose ? rows : cols;
  const toScratchpad = instruction.dst.buffer === 'scratchpad';
  const sram = toScratchpad ? context.arch.core.scratchpad : context.arch.core.accumulator;
  const buffer = toScratchpad ? SCRATCHPAD : ACCUMULATOR;
  const formats = bufferFormats(context);
  const formatId = formats.idOf(format.name);
  const channel = layout.readChannel;
  const engineBytesPerCycle = context.arch.core.dma.engines * context.arch.core.dma.bytesPerCycleEach;
  const costs = new DmaCostModel(
    layout.offChip,
    engineBytesPerCycle,
    sram,
    { rows, cols, elementBytes: srcBytes, strideBytes: src.pitch * srcBytes },
    { rows: onChipRows, cols: onChipCols, elementBytes: dstBytes, strideBytes: dst.rowStride * dstBytes },
  );
  const usefulSramBytes = rows * cols * dstBytes;
  const payloadBytes = rows * cols * srcBytes;
  const saturate = instruction.saturate;
  const round = context.conversions.get(`round/${format.name}/${saturate}`, format.manBits, (value) => roundToFormat(format, value, saturate));
  const reference = context.values === 'reference';
  const withValues = context.values !== 'off';

  return {
    ...base,
    capture(core, args, at) {
      const address = captureTile(dst, onChipRows, onChipCols, core, instruction);
      checkByteRange(instruction, core, instruction.dst.buffer, sram.capacityBytes, format.name, dstBytes, address, onChipRows, onChipCols, dst.rowStride);
      args[at] = address;
      args[at + 1] = captureDram(src, context, core, instruction);
    },
    ready: () => 0,
    execute(core, args, at, start) {
      const address = args[at];
      const offset = args[at + 1];
      const cost = costs.cost(offset * srcBytes, address * dstBytes);
      chargeTransfer(context, layout, channel, cost, start, core, toScratchpad, usefulSramBytes, payloadBytes, 'load');
      noteAccess(context, toScratchpad, address, onChipRows, onChipCols, dst.rowStride, true);
      formats.mark(core.index, buffer, formatId, address, onChipRows, onChipCols, dst.rowStride);

      if (!withValues) return;
      const tensor = context.tensorValues[src.tensor];
      const values = core.onChip(toScratchpad, address + (onChipRows - 1) * dst.rowStride + onChipCols);
      for (let r = 0; r < rows; r++) {
        const from = offset + r * src.pitch;
        for (let c = 0; c < cols; c++) {
          const value = tensor[from + c];
          const to = transpose ? address + c * dst.rowStride + r : address + r * dst.rowStride + c;
          values[to] = reference ? value : round.get(value);
        }
      }
    },
  };
}

export function compileStore(base: OpBase, instruction: StoreInstruction, context: RunContext): CompiledOp {
  const dst = compileDramAddress(instruction.dst, context);
  const src = compileTileAddress(instruction.src, context);
  const layout = context.tensors[dst.tensor];
  const format = layout.format;
  const dstBytes = layout.elementBytes;
  const rows = dst.rows;
  const cols = dst.cols;
  const fromScratchpad = instruction.src.buffer === 'scratchpad';
  const sram = fromScratchpad ? context.arch.core.scratchpad : context.arch.core.accumulator;
  const buffer = fromScratchpad ? SCRATCHPAD : ACCUMULATOR;
  const formats = bufferFormats(context);
  const channel = layout.writeChannel;
  const engineBytesPerCycle = context.arch.core.dma.engines * context.arch.core.dma.bytesPerCycleEach;
  // The on-chip element size is known only when the store starts, so there is one model per size.
  const costsByBytes = new Map<number, DmaCostModel>();
  const costsFor = (srcBytes: number): DmaCostModel => {
    let costs = costsByBytes.get(srcBytes);
    if (!costs) {
      costs = new DmaCostModel(
        layout.offChip,
        engineBytesPerCycle,
        sram,
        { rows, cols, elementBytes: dstBytes, strideBytes: dst.pitch * dstBytes },
        { rows, cols, elementBytes: srcBytes, strideBytes: src.rowStride * srcBytes },
      );
      costsByBytes.set(srcBytes, costs);
    }
    return costs;
  };
  const readRange = { endByte: 0, format: '' };
  const saturate = instruction.saturate;
  const round = context.conversions.get(`round/${format.name}/${saturate}`, format.manBits, (value) => roundToFormat(format, value, saturate));
  const reference = context.values === 'reference';
  const withValues = context.values !== 'off';

  return {
    ...base,
    capture(core, args, at) {
      args[at] = captureDram(dst, context, core, instruction);
      args[at + 1] = captureTile(src, rows, cols, core, instruction);
    },
    ready: () => 0,
    execute(core, args, at, start) {
      const offset = args[at];
      const address = args[at + 1];
      const srcBytes = formats.widestBytes(core.index, buffer, address, rows, cols, src.rowStride, readRange);
      if (readRange.endByte > sram.capacityBytes) throw byteRangeError(instruction, core, instruction.src.buffer, sram.capacityBytes, readRange.format, srcBytes, address, rows, cols, readRange.endByte);
      const cost = costsFor(srcBytes).cost(offset * dstBytes, address * srcBytes);
      chargeTransfer(context, layout, channel, cost, start, core, fromScratchpad, rows * cols * srcBytes, rows * cols * dstBytes, 'store');
      noteAccess(context, fromScratchpad, address, rows, cols, src.rowStride, false);

      if (!withValues) return;
      const tensor = context.tensorValues[dst.tensor];
      const values = core.onChip(fromScratchpad, address + (rows - 1) * src.rowStride + cols);
      for (let r = 0; r < rows; r++) {
        const to = offset + r * dst.pitch;
        const from = address + r * src.rowStride;
        for (let c = 0; c < cols; c++) {
          const value = values[from + c];
          tensor[to + c] = reference ? value : round.get(value);
        }
      }
    },
  };
}

/**
 * Charges one transfer: reserves the off-chip port, records the instruction's grant, busy, conflict
 * and latency cycles, and counts off-chip bytes, SRAM traffic and per-window bytes. A load reads
 * off chip and writes the SRAM buffer; a store does the reverse.
 */
function chargeTransfer(
  context: RunContext,
  layout: TensorLayout,
  channel: Channel,
  cost: DmaCost,
  start: number,
  core: Core,
  scratchpad: boolean,
  usefulSramBytes: number,
  /** Data bytes off chip, without bursts or packet overhead. */
  payloadBytes: number,
  direction: 'load' | 'store',
): void {
  const movedBytes = cost.offChipBytes;
  const grant = Math.ceil(channel.reserve(start, movedBytes));
  const result = context.result;
  result.grantCycle = grant;
  result.busyCycles = cost.busyCycles;
  result.conflictCycles = cost.sramExtraCycles;
  result.latencyCycles = cost.latencyCycles;

  const counters = context.counters;
  const memory = counters.memories[layout.memorySlot];
  const sramSlot = counters.sram[context.sramSlots[core.index * 2 + (scratchpad ? 0 : 1)]];
  if (direction === 'load') {
    memory.readBytes += movedBytes;
    memory.payloadReadBytes += payloadBytes;
    sramSlot.writeBytes += usefulSramBytes;
    sramSlot.writeAccesses += cost.sramWordAccesses;
  } else {
    memory.writeBytes += movedBytes;
    memory.payloadWriteBytes += payloadBytes;
    sramSlot.readBytes += usefulSramBytes;
    sramSlot.readAccesses += cost.sramWordAccesses;
  }
  sramSlot.conflictCycles += cost.bankConflictCycles;

  const windows = counters.windows;
  if (windows) {
    if (layout.tensor.placement === 'host') windows.addHostBytes(grant, movedBytes);
    else windows.addDramBytes(grant, movedBytes);
  }
}
