/** SRAM energy per access from the node's table, interpolated by capacity in the spirit of CACTI. */
import { UserError } from '../common/errors.js';
import { capacityLabel, type CostModel, type SourcedValue } from './model.js';

/** Energy of one SRAM access with the rows it came from. */
export interface SramEnergy {
  /** Energy of one access of the requested width, pJ. */
  readonly energyPj: number;
  /** Table rows the value was derived from, with their keys. */
  readonly used: Array<[string, SourcedValue]>;
  /** Derivation of the value: a table row, interpolation or extrapolation. */
  readonly method: string;
}

/**
 * Returns the energy of one `wordBits`-bit access to an SRAM of `capacityBytes`. Between table
 * rows, energy is interpolated linearly in log(energy) over log(capacity). Outside them, the
 * nearest segment's slope is extended (a single row is taken as constant), and `method` records
 * the extrapolation. The width scales as (wordBits / table word bits) ^ widthExponent.
 */
export function sramEnergyPerAccess(model: CostModel, capacityBytes: number, wordBits: number): SramEnergy {
  if (!(capacityBytes > 0) || !(wordBits > 0)) {
    throw new UserError(`invalid SRAM size: capacity ${capacityBytes} bytes and word ${wordBits} bits must both be positive`);
  }
  const rows = model.sram.rows;
  const key = (index: number): string => `sram.rows[${index}] ${capacityLabel(rows[index].capacityBytes)}`;
  const widthFactor = (wordBits / model.sram.wordBits) ** model.sram.widthExponent.value;
  const widthUsed: [string, SourcedValue] = ['sram.widthScaling', model.sram.widthExponent];

  const exact = rows.findIndex((row) => row.capacityBytes === capacityBytes);
  if (exact >= 0) {
    return { energyPj: rows[exact].energyPj.value * widthFactor, used: [[key(exact), rows[exact].energyPj], widthUsed], method: 'table row' };
  }
  if (rows.length === 1) {
    return { energyPj: rows[0].energyPj.value * widthFactor, used: [[key(0), rows[0].energyPj], widthUsed], method: 'extrapolated (single table row, taken as constant)' };
  }

  let lower = -1;
  rows.forEach((row, index) => {
    if (row.capacityBytes < capacityBytes) lower = index;
  });
  let method = 'log-log interpolation';
  if (lower < 0) {
    lower = 0;
    method = 'log-log extrapolation below the smallest table row';
  } else if (lower === rows.length - 1) {
    lower = rows.length - 2;
    method = 'log-log extrapolation above the largest table row';
  }
  const a = rows[lower];
  const b = rows[lower + 1];
  const slope = Math.log(b.energyPj.value / a.energyPj.value) / Math.log(b.capacityBytes / a.capacityBytes);
  const energy64 = a.energyPj.value * (capacityBytes / a.capacityBytes) ** slope;
  return {
    energyPj: energy64 * widthFactor,
    used: [[key(lower), a.energyPj], [key(lower + 1), b.energyPj], widthUsed],
    method,
  };
}
