/**
 * Logarithmic shifters built from 2:1 multiplexers: a leading-zero normaliser and a right shifter
 * that collects the bits it shifts out into a sticky bit.
 */
import { type Bit, Netlist, ZERO } from './netlist.js';

/** A left-normalised vector and the leading-zero count that normalised it. */
export interface Normalized {
  /** The input shifted left until its most significant bit is 1 (unchanged when it is all zeros), least significant first. */
  readonly bits: Bit[];
  /** The shift applied, least significant bit first; equals the leading-zero count for a non-zero input. */
  readonly count: Bit[];
}

/**
 * Shifts `bits` (least significant first) left by its leading-zero count, one stage per bit of
 * the count from the largest power of two down: a stage shifts by 2^k when the top 2^k bits are 0.
 */
export function normalizeLeft(netlist: Netlist, bits: readonly Bit[]): Normalized {
  const width = bits.length;
  const stages = Math.max(1, Math.ceil(Math.log2(width)));
  let current = bits.slice();
  const count: Bit[] = new Array<Bit>(stages).fill(ZERO);
  for (let stage = stages - 1; stage >= 0; stage--) {
    const distance = 2 ** stage;
    if (distance >= width) continue;
    const topZero = netlist.not(netlist.orAll(current.slice(width - distance)));
    current = current.map((bit, index) => netlist.mux(topZero, index >= distance ? current[index - distance] : ZERO, bit));
    count[stage] = topZero;
  }
  return { bits: current, count };
}

/**
 * Shifts `bits` right by the unsigned amount `amount` (least significant bit first), filling with
 * zeros, and returns the shifted bits with the OR of every bit shifted out.
 */
export function shiftRightSticky(netlist: Netlist, bits: readonly Bit[], amount: readonly Bit[]): { bits: Bit[]; sticky: Bit } {
  const width = bits.length;
  let current = bits.slice();
  let sticky: Bit = ZERO;
  amount.forEach((select, stage) => {
    const distance = 2 ** stage;
    const lost = netlist.orAll(current.slice(0, Math.min(distance, width)));
    sticky = netlist.or(sticky, netlist.and(select, lost));
    current = current.map((bit, index) => netlist.mux(select, index + distance < width ? current[index + distance] : ZERO, bit));
  });
  return { bits: current, sticky };
}
