/**
 * Carry-propagate adder generators: ripple-carry, Kogge-Stone and Brent-Kung parallel-prefix.
 */
import { type Bit, Netlist, ZERO } from './netlist.js';

/** Carry-propagate adder architectures. */
export const ADDER_KINDS = ['rca', 'ks', 'bk'] as const;
export type AdderKind = (typeof ADDER_KINDS)[number];

/** Sum bits (least significant first, same width as the operands) and the carry out. */
export interface AdderResult {
  readonly sum: Bit[];
  readonly carryOut: Bit;
}

interface GeneratePropagate {
  g: Bit;
  p: Bit;
}

/**
 * Adds two equal-width operands (least significant bit first) and a carry in with the chosen
 * architecture. Constant operand bits are folded, so adding a constant costs fewer cells.
 */
export function addVectors(netlist: Netlist, x: readonly Bit[], y: readonly Bit[], carryIn: Bit, kind: AdderKind): AdderResult {
  if (x.length !== y.length) throw new Error(`adder operands differ in width: ${x.length} and ${y.length}`);
  if (kind === 'rca') return rippleCarry(netlist, x, y, carryIn);
  return parallelPrefix(netlist, x, y, carryIn, kind);
}

function rippleCarry(netlist: Netlist, x: readonly Bit[], y: readonly Bit[], carryIn: Bit): AdderResult {
  const sum: Bit[] = [];
  let carry = carryIn;
  for (let index = 0; index < x.length; index++) {
    const cell = netlist.fullAdder(x[index], y[index], carry);
    sum.push(cell.sum);
    carry = cell.carry;
  }
  return { sum, carryOut: carry };
}

/** Combines a more significant group (high) with the adjacent less significant group (low). */
function prefixCell(netlist: Netlist, high: GeneratePropagate, low: GeneratePropagate): GeneratePropagate {
  return { g: netlist.or(high.g, netlist.and(high.p, low.g)), p: netlist.and(high.p, low.p) };
}

function parallelPrefix(netlist: Netlist, x: readonly Bit[], y: readonly Bit[], carryIn: Bit, kind: 'ks' | 'bk'): AdderResult {
  const width = x.length;
  const propagate = x.map((bit, index) => netlist.xor(bit, y[index]));
  const generate = x.map((bit, index) => netlist.and(bit, y[index]));

  // The carry in joins bit 0's generate, so group i's generate is the carry into bit i + 1.
  const groups: GeneratePropagate[] = propagate.map((p, index) => ({ g: generate[index], p }));
  if (width > 0 && carryIn !== ZERO) groups[0] = { g: netlist.or(generate[0], netlist.and(propagate[0], carryIn)), p: propagate[0] };

  if (kind === 'ks') koggeStone(netlist, groups);
  else brentKung(netlist, groups);

  const sum = propagate.map((p, index) => netlist.xor(p, index === 0 ? carryIn : groups[index - 1].g));
  return { sum, carryOut: width > 0 ? groups[width - 1].g : carryIn };
}

/** Kogge-Stone: log2(n) levels, every position combined at every level. */
function koggeStone(netlist: Netlist, groups: GeneratePropagate[]): void {
  for (let distance = 1; distance < groups.length; distance *= 2) {
    const previous = groups.slice();
    for (let index = distance; index < groups.length; index++) {
      groups[index] = prefixCell(netlist, previous[index], previous[index - distance]);
    }
  }
}

/** Brent-Kung: an up-sweep over power-of-two spans, then a down-sweep filling the other positions. */
function brentKung(netlist: Netlist, groups: GeneratePropagate[]): void {
  const width = groups.length;
  let distance = 1;
  for (; distance < width; distance *= 2) {
    for (let index = 2 * distance - 1; index < width; index += 2 * distance) {
      groups[index] = prefixCell(netlist, groups[index], groups[index - distance]);
    }
  }
  for (distance = Math.floor(distance / 2); distance >= 1; distance = Math.floor(distance / 2)) {
    for (let index = 3 * distance - 1; index < width; index += 2 * distance) {
      groups[index] = prefixCell(netlist, groups[index], groups[index - distance]);
    }
  }
}
