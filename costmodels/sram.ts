/**
 * SRAM energy per access from the node's table of `wordBits`-wide SRAMs (64-bit accesses at 8 KB,
 * 32 KB and 1 MB in the shipped nodes), extended to other capacities and word widths.
 *
 * A word wider than the table's is built from `wordBits / tableBits` side-by-side slices, each a
 * `tableBits`-wide SRAM holding `capacity × tableBits / wordBits` bytes, all driven by the same
 * address. One access reads every slice once, and each slice's bits leave next to it, so
 *
 *     E(capacity, wordBits) = (wordBits / tableBits) × E_table(capacity × tableBits / wordBits)
 *
 * Energy per bit then depends on the bytes per slice, not on the total size, and wide words
 * amortise the wire energy that grows with capacity. With the 45 nm table, where E_table grows
 * about as capacity^0.5, a word 32 times wider costs about sqrt(32) times more, not 32 times.
 * A word narrower than the table's is the fraction wordBits / tableBits of a table-width access to
 * the whole array, because its bits still come from anywhere in the array.
 */
import { UserError } from '../common/errors.js';
import { capacityLabel, type CostModel, type SourcedValue } from './model.js';

/** Energy of one SRAM access with the rows it came from. */
export interface SramEnergy {
  /** Energy of one access of the requested width, pJ. */
  readonly energyPj: number;
  /** Table-width accesses one access counts as: wordBits / table word bits, below 1 for narrow words. */
  readonly slices: number;
  /** Capacity of one slice, bytes: capacity × table word bits / wordBits, or the whole capacity for narrow words. */
  readonly sliceCapacityBytes: number;
  /** Energy of one table-width access to one slice, pJ. */
  readonly sliceEnergyPj: number;
  /** Table rows the value was derived from, with their keys. */
  readonly used: Array<[string, SourcedValue]>;
  /** Derivation of the value: the slice split, then a table row, interpolation, extrapolation or clamp. */
  readonly method: string;
}

/**
 * Returns the energy of one `wordBits`-bit access to an SRAM of `capacityBytes`, as `wordBits /
 * table word bits` accesses to slices of `capacityBytes × table word bits / wordBits` bytes (the
 * whole capacity when wordBits is below the table's). Between table rows, slice energy is
 * interpolated linearly in log(energy) over log(capacity). Above the largest row the last
 * segment's slope is extended. Below the smallest row the smallest row's energy is used, because
 * bitline, sense-amplifier and output energy per bit does not shrink with capacity (assumption).
 * `method` records which case applied.
 */
export function sramEnergyPerAccess(model: CostModel, capacityBytes: number, wordBits: number): SramEnergy {
  if (!(capacityBytes > 0) || !(wordBits > 0)) {
    throw new UserError(`invalid SRAM size: capacity ${capacityBytes} bytes and word ${wordBits} bits must both be positive`);
  }
  const tableBits = model.sram.wordBits;
  const slices = wordBits / tableBits;
  const sliceCapacityBytes = capacityBytes / Math.max(1, slices);
  const slice = tableEnergy(model, sliceCapacityBytes);
  const split =
    slices < 1
      ? `${formatSlices(slices)} of a ${tableBits}-bit access to ${formatBytes(sliceCapacityBytes)}`
      : slices === 1
        ? `one ${tableBits}-bit access to ${formatBytes(sliceCapacityBytes)}`
        : `${formatSlices(slices)} slices of ${tableBits} bits x ${formatBytes(sliceCapacityBytes)} side by side (assumption)`;
  return {
    energyPj: slices * slice.energyPj,
    slices,
    sliceCapacityBytes,
    sliceEnergyPj: slice.energyPj,
    used: slice.used,
    method: `${split}, ${slices > 1 ? 'each ' : ''}priced by ${slice.method}`,
  };
}

/** Energy of one table-width access to an SRAM of `capacityBytes`, from the node's rows. */
function tableEnergy(model: CostModel, capacityBytes: number): { energyPj: number; used: Array<[string, SourcedValue]>; method: string } {
  const rows = model.sram.rows;
  const key = (index: number): string => `sram.rows[${index}] ${capacityLabel(rows[index].capacityBytes)}`;

  const exact = rows.findIndex((row) => row.capacityBytes === capacityBytes);
  if (exact >= 0) return { energyPj: rows[exact].energyPj.value, used: [[key(exact), rows[exact].energyPj]], method: 'table row' };
  if (capacityBytes < rows[0].capacityBytes) {
    return { energyPj: rows[0].energyPj.value, used: [[key(0), rows[0].energyPj]], method: 'the smallest table row (clamped below it)' };
  }
  if (rows.length === 1) {
    return { energyPj: rows[0].energyPj.value, used: [[key(0), rows[0].energyPj]], method: 'extrapolation (single table row, taken as constant)' };
  }

  let lower = -1;
  rows.forEach((row, index) => {
    if (row.capacityBytes < capacityBytes) lower = index;
  });
  let method = 'log-log interpolation';
  if (lower === rows.length - 1) {
    lower = rows.length - 2;
    method = 'log-log extrapolation above the largest table row';
  }
  const a = rows[lower];
  const b = rows[lower + 1];
  const slope = Math.log(b.energyPj.value / a.energyPj.value) / Math.log(b.capacityBytes / a.capacityBytes);
  return {
    energyPj: a.energyPj.value * (capacityBytes / a.capacityBytes) ** slope,
    used: [[key(lower), a.energyPj], [key(lower + 1), b.energyPj]],
    method,
  };
}

function formatSlices(slices: number): string {
  return String(Number(slices.toPrecision(4)));
}

function formatBytes(bytes: number): string {
  return Number.isInteger(bytes) ? capacityLabel(bytes) : `${bytes.toPrecision(4)} B`;
}
