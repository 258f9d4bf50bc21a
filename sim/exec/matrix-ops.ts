/**
 * Matrix-unit operations: `preload` copies a k×n weight tile from the scratchpad into the array, and
 * `matmul` computes acc[m×n] (+)= sp[m×k] · weights[k×n] on the systolic array.
 *
 * Timing comes from sim/matrix: the closed form (tile fidelity) or the PE-level simulator (pe
 * fidelity), which agree by construction. With one stationary buffer the tile's cycles already count
 * loading the stationary operand, so `preload` itself takes no cycles; it only reads the scratchpad.
 * With two buffers (weight- or input-stationary), `preload` shifts the first fold's operand into the
 * shadow registers, which may overlap the previous matmul's last fold, and the matmul then waits
 * only for whatever part of that shift is still running.
 */
import type { MatmulInstruction, PreloadInstruction } from '../../isa/ast.js';
import { datapathOf } from '../../isa/matrix-unit.js';
import { runTile, tileTiming, type ArrayShape, type OperandBits } from '../matrix/index.js';
import { encode, makeProductTable, parseFormat, type MethodName } from '../numerics/index.js';
import type { RunContext } from './context.js';
import { captureTile, compileTileAddress, effectiveMethod, noteAccess, runtimeError, type CompiledOp, type Core, type OpBase } from './ops.js';
import { ACCUMULATOR, bufferFormats, SCRATCHPAD } from './sram.js';
import { sramAccesses } from './timing.js';
import { UserError } from '../../common/errors.js';

function operandArray(widthBits: number, length: number): OperandBits {
  if (widthBits <= 8) return new Uint8Array(length);
  if (widthBits <= 16) return new Uint16Array(length);
  return new Uint32Array(length);
}

/** Stationary-operand state of one core's array: the shadow registers of a double-buffered one, in cycles, and the resident weights. */
interface ShadowRegisters {
  /**
   * Input format in which the array still contains the whole weight tile of the last preload,
   * because a weight-stationary matmul of one fold ran since that preload. Undefined when it does
   * not. The next matmul without a preload skips the load only when its `in=` is this format. The
   * registers contain operand bits in that format, and the method only selects the arithmetic that
   * reads them (sim/matrix/pe.ts), so a change of method alone keeps them.
   */
  residentFormat: string | undefined;
  /** Cycle from which the load shift chain may take a new tile: the previous matmul's last fold start. */
  freeAt: number;
  /** Cycle at which a preloaded tile is complete in the shadow registers, or -1 when none waits. */
  readyAt: number;
}

const shadowRegisters = new WeakMap<Core, ShadowRegisters>();

function shadowOf(core: Core): ShadowRegisters {
  let state = shadowRegisters.get(core);
  if (!state) {
    state = { residentFormat: undefined, freeAt: 0, readyAt: -1 };
    shadowRegisters.set(core, state);
  }
  return state;
}

/** Returns the array shape of a run, with the machine's stationary-buffer count. */
export function arrayShapeOf(context: RunContext): ArrayShape {
  return { ...context.array, stationaryBuffers: context.arch.core.matrix.stationaryBuffers };
}

/** True when preloads overlap the previous matmul: two stationary buffers and a stationary dataflow. */
export function preloadOverlaps(context: RunContext): boolean {
  return context.arch.core.matrix.stationaryBuffers === 2 && context.array.dataflow !== 'output-stationary';
}

export { datapathOf };

export function compilePreload(base: OpBase, instruction: PreloadInstruction, context: RunContext): CompiledOp {
  const src = compileTileAddress(instruction.src, context);
  const { k, n } = instruction;
  const sram = context.arch.core.scratchpad;
  const formats = bufferFormats(context);
  const readRange = { endByte: 0, format: '' };
  const counters = context.counters;
  const result = context.result;
  const withValues = context.values !== 'off';
  const overlapped = preloadOverlaps(context);
  const shiftCycles = context.array.rows;

  return {
    ...base,
    capture(core, args, at) {
      args[at] = captureTile(src, k, n, core, instruction);
    },
    ready: () => 0,
    execute(core, args, at, start) {
      result.grantCycle = start;
      result.busyCycles = 0;
      result.conflictCycles = 0;
      result.latencyCycles = 0;
      shadowOf(core).residentFormat = undefined;
      if (overlapped) {
        // The shift waits for the shadow chain; the unit stays free, and tokens go out once the tile is in.
        const shadow = shadowOf(core);
        const shiftEnd = Math.max(start, shadow.freeAt) + shiftCycles;
        shadow.readyAt = shiftEnd;
        result.latencyCycles = shiftEnd - start;
      }
      noteAccess(context, instruction.src.buffer === 'scratchpad', args[at], k, n, src.rowStride, false);
      core.weightRows = k;
      core.weightCols = n;
      // The weights are read in the format in which they were written to the scratchpad.
      const bytes = formats.widestBytes(core.index, instruction.src.buffer === 'scratchpad' ? SCRATCHPAD : ACCUMULATOR, args[at], k, n, src.rowStride, readRange);
      const slot = counters.sram[context.sramSlots[core.index * 2 + (instruction.src.buffer === 'scratchpad' ? 0 : 1)]];
      slot.readBytes += k * n * bytes;
      slot.readAccesses += sramAccesses(sram, k, n * bytes);
      if (!withValues) return;

      const address = args[at];
      const buffer = core.onChip(instruction.src.buffer === 'scratchpad', address + (k - 1) * src.rowStride + n);
      if (!core.weights || core.weights.length < k * n) core.weights = new Float64Array(context.array.rows * context.array.cols);
      for (let r = 0; r < k; r++) {
        for (let c = 0; c < n; c++) core.weights[r * n + c] = buffer[address + r * src.rowStride + c];
      }
    },
  };
}

export function compileMatmul(base: OpBase, instruction: MatmulInstruction, context: RunContext): CompiledOp {
  const arch = context.arch;
  const method = effectiveMethod(instruction.method, context);
  const datapath = datapathOf(method);
  if (!arch.core.matrix.datapaths.includes(datapath)) {
    throw new UserError('', 2, [
      {
        severity: 'error',
        message: `machine '${arch.name}' has no ${datapath} datapath in its matrix unit, so it cannot multiply with method '${method}' (datapaths: ${arch.core.matrix.datapaths.join(', ')})`,
        span: instruction.span,
      },
    ]);
  }
  if (!arch.core.matrix.inputFormats.includes(instruction.inputFormat)) {
    throw new UserError('', 2, [
      {
        severity: 'error',
        message: `machine '${arch.name}' has no matrix datapath for input format '${instruction.inputFormat}' (formats: ${arch.core.matrix.inputFormats.join(', ')})`,
        span: instruction.span,
      },
    ]);
  }

  if (instruction.accumulateFormat !== arch.core.matrix.accumulatorFormat) {
    throw new UserError('', 2, [
      {
        severity: 'error',
        message: `matmul accumulates in ${instruction.accumulateFormat}, but the matrix unit of machine '${arch.name}' accumulates in ${arch.core.matrix.accumulatorFormat}; the machine supports: out=${arch.core.matrix.accumulatorFormat}`,
        span: instruction.span,
      },
    ]);
  }

  const dst = compileTileAddress(instruction.dst, context);
  const src = compileTileAddress(instruction.src, context);
  const { m, k, n } = instruction;
  const formats = bufferFormats(context);
  const accumulatorFormatId = formats.idOf(instruction.accumulateFormat);
  const format = parseFormat(instruction.inputFormat);
  const operandBytes = Math.ceil(format.widthBits / 8);
  const accumulatorBytes = Math.ceil(parseFormat(instruction.accumulateFormat).widthBits / 8);
  const array = arrayShapeOf(context);
  const timing = tileTiming(array, m, k, n);
  const overlapped = preloadOverlaps(context);
  const macs = m * k * n;
  const counters = context.counters;
  const macSlot = counters.macSlot(method, format.name, instruction.accumulateFormat);
  const scratchpad = arch.core.scratchpad;
  const dstSram = instruction.dst.buffer === 'scratchpad' ? scratchpad : arch.core.accumulator;
  const srcReadAccesses = sramAccesses(scratchpad, m, k * operandBytes);
  const dstAccesses = sramAccesses(dstSram, m, n * accumulatorBytes);
  const result = context.result;
  const values = context.values;
  const usePe = context.fidelity === 'pe';
  const a = values === 'hardware' || usePe ? operandArray(format.widthBits, m * k) : undefined;
  const b = values === 'hardware' || usePe ? operandArray(format.widthBits, k * n) : undefined;
  const zeroAcc = usePe && values === 'off' ? new Float64Array(m * n) : undefined;
  const fast = values === 'hardware' && !usePe && !context.countToggles && format.widthBits === 8 && instruction.accumulateFormat === 'fp32';
  const table = fast ? productTable(format.name, method) : undefined;
  const bColumns = fast ? new Uint8Array(k * n) : undefined;
  const toBits = context.conversions.get(`encode/${format.name}`, format.manBits, (value) => encode(format, value));
  const chunk = array.dataflow === 'output-stationary' ? Math.max(1, k) : array.rows;
  const weightStationary = array.dataflow === 'weight-stationary';

  return {
    ...base,
    capture(core, args, at) {
      args[at] = captureTile(dst, m, n, core, instruction);
      args[at + 1] = captureTile(src, m, k, core, instruction);
    },
    ready: () => 0,
    execute(core, args, at, start) {
      if (core.weightRows !== k || core.weightCols !== n) {
        throw runtimeError(instruction, core, `matmul needs a ${k}×${n} weight tile, but the preloaded weights are ${core.weightRows}×${core.weightCols}`);
      }
      const dstAddress = args[at];
      const srcAddress = args[at + 1];
      let cycles = timing.cycles;
      let toggles = 0;

      if (values === 'hardware') {
        const spad = core.onChip(true, srcAddress + (m - 1) * src.rowStride + k);
        const weights = core.weights as Float64Array;
        const aBits = a as OperandBits;
        const bBits = b as OperandBits;
        for (let i = 0; i < m; i++) {
          const row = srcAddress + i * src.rowStride;
          for (let j = 0; j < k; j++) aBits[i * k + j] = toBits.get(spad[row + j]);
        }
        if (table) {
          // Column-major B so that the inner loop reads both operands with stride 1.
          const columns = bColumns as Uint8Array;
          for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) columns[j * k + p] = toBits.get(weights[p * n + j]);
          const acc = core.onChip(instruction.dst.buffer === 'scratchpad', dstAddress + (m - 1) * dst.rowStride + n);
          fp8TileFp32(aBits as Uint8Array, columns, table, acc, dstAddress, dst.rowStride, m, k, n, chunk, instruction.accumulate);
        } else {
          for (let i = 0; i < k * n; i++) bBits[i] = toBits.get(weights[i]);
          const tile = runTile(
            {
              array,
              m,
              k,
              n,
              a: aBits,
              b: bBits,
              acc: core.onChip(instruction.dst.buffer === 'scratchpad', dstAddress + (m - 1) * dst.rowStride + n),
              accOffset: dstAddress,
              accRowStride: dst.rowStride,
              mode: instruction.accumulate ? 'accumulate' : 'overwrite',
              format: format.name,
              method,
              accumulatorFormat: instruction.accumulateFormat,
              countToggles: context.countToggles,
            },
            context.fidelity,
          );
          cycles = tile.cycles;
          toggles = tile.operandToggleBits ?? 0;
        }
      } else {
        if (values === 'reference') {
          const spad = core.onChip(true, srcAddress + (m - 1) * src.rowStride + k);
          const acc = core.onChip(instruction.dst.buffer === 'scratchpad', dstAddress + (m - 1) * dst.rowStride + n);
          multiplyReference(spad, srcAddress, src.rowStride, core.weights as Float64Array, instruction, acc, dstAddress, dst.rowStride);
        }
        if (usePe) {
          const tile = runTile(
            { array, m, k, n, a: a as OperandBits, b: b as OperandBits, acc: zeroAcc as Float64Array, mode: 'overwrite', format: format.name, method, accumulatorFormat: instruction.accumulateFormat },
            'pe',
          );
          cycles = tile.cycles;
        }
      }

      // A weight tile of one fold stays in the array after its matmul, so a matmul without a new
      // preload reuses it and skips the R cycles of loading it. A matmul with another input format
      // needs the weights encoded in that format, so it loads them again.
      const stationary = shadowOf(core);
      const reuse = weightStationary && timing.folds === 1 && stationary.residentFormat === format.name;
      if (overlapped && timing.folds > 0) cycles = doubleBufferedCycles(stationary, start, cycles, timing.firstLoadCycles, timing.folds, timing.cyclesPerFold, reuse);
      else if (reuse) cycles -= array.rows;
      stationary.residentFormat = weightStationary && timing.folds === 1 ? format.name : undefined;

      result.grantCycle = start;
      result.busyCycles = cycles;
      result.conflictCycles = 0;
      result.latencyCycles = 0;
      noteAccess(context, true, srcAddress, m, k, src.rowStride, false);
      noteAccess(context, instruction.dst.buffer === 'scratchpad', dstAddress, m, n, dst.rowStride, true);
      formats.mark(core.index, instruction.dst.buffer === 'scratchpad' ? SCRATCHPAD : ACCUMULATOR, accumulatorFormatId, dstAddress, m, n, dst.rowStride);
      const slot = counters.macs[macSlot];
      slot.count += macs;
      slot.operandToggleBits += toggles;
      if (counters.windows) counters.windows.addMacs(start, macs);
      const spadSlot = counters.sram[context.sramSlots[core.index * 2]];
      spadSlot.readBytes += m * k * operandBytes;
      spadSlot.readAccesses += srcReadAccesses;
      const dstSlot = counters.sram[context.sramSlots[core.index * 2 + (instruction.dst.buffer === 'scratchpad' ? 0 : 1)]];
      dstSlot.writeBytes += m * n * accumulatorBytes;
      dstSlot.writeAccesses += dstAccesses;
      if (instruction.accumulate) {
        dstSlot.readBytes += m * n * accumulatorBytes;
        dstSlot.readAccesses += dstAccesses;
      }
    },
  };
}

/**
 * Returns a double-buffered matmul's cycles from `start`, given the tile's cycles when run alone
 * (first load, folds, pipeline latency), and advances the shadow-register state. A preloaded tile
 * shortens the first load to the part of its shift still running at `start`. Without a preload since
 * the previous matmul, the matmul shifts its first fold in itself, unless `resident`: the weights
 * are still in the array.
 */
function doubleBufferedCycles(shadow: ShadowRegisters, start: number, tileCycles: number, firstLoadCycles: number, folds: number, cyclesPerFold: number, resident: boolean): number {
  let loadEnd: number;
  if (shadow.readyAt >= 0) loadEnd = shadow.readyAt;
  else if (resident) loadEnd = start;
  else loadEnd = Math.max(start, shadow.freeAt) + firstLoadCycles;
  const firstFold = Math.max(start, loadEnd);
  shadow.freeAt = firstFold + (folds - 1) * cyclesPerFold;
  shadow.readyAt = -1;
  return firstFold - start + tileCycles - firstLoadCycles;
}

/** Computes the fp64 reference of a matmul: unrounded operands, products and sums in double, k in increasing order. */
function multiplyReference(
  spad: Float64Array,
  srcAddress: number,
  srcStride: number,
  weights: Float64Array,
  instruction: MatmulInstruction,
  acc: Float64Array,
  dstAddress: number,
  dstStride: number,
): void {
  const { m, k, n } = instruction;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = instruction.accumulate ? acc[dstAddress + i * dstStride + j] : 0;
      for (let p = 0; p < k; p++) sum += spad[srcAddress + i * srcStride + p] * weights[p * n + j];
      acc[dstAddress + i * dstStride + j] = sum;
    }
  }
}

const productTables = new Map<string, Float64Array>();

/** Returns the MAC-form product table of an 8-bit format and method, built once per run of the process. */
function productTable(formatName: string, method: MethodName): Float64Array {
  const key = `${formatName}/${method}`;
  let table = productTables.get(key);
  if (!table) {
    table = makeProductTable(parseFormat(formatName), method);
    productTables.set(key, table);
  }
  return table;
}

/**
 * Computes an 8-bit-operand tile with an fp32 accumulator in sim/matrix's accumulation order (chunks
 * of `chunk` k values, each summed from +0, then added to the accumulator entry). Every product of
 * two 8-bit operands is exactly representable in fp32. The sum of two fp32 values computed in double
 * and then rounded to fp32 is correctly rounded, because double has more than 2·24 + 2 bits. So
 * Math.fround performs the single round-to-nearest-even addition of the numerics core's accumulate().
 */
function fp8TileFp32(
  a: Uint8Array,
  bColumns: Uint8Array,
  table: Float64Array,
  acc: Float64Array,
  accOffset: number,
  accRowStride: number,
  m: number,
  k: number,
  n: number,
  chunk: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const aRow = i * k;
    for (let j = 0; j < n; j++) {
      const index = accOffset + i * accRowStride + j;
      const column = j * k;
      let value = acc[index];
      if (k === 0 && !accumulate) value = 0;
      for (let start = 0; start < k; start += chunk) {
        const end = Math.min(k, start + chunk);
        let sum = 0;
        for (let p = start; p < end; p++) sum = Math.fround(sum + table[(a[aRow + p] << 8) | bColumns[column + p]]);
        value = start === 0 && !accumulate ? sum : Math.fround(value + sum);
      }
      acc[index] = value;
    }
  }
}
