/**
 * Unsigned integer multiplier generators: carry-save array, Dadda tree and radix-4 Booth with a
 * Dadda tree, each finished by a carry-propagate adder of the selected kind.
 */
import { addVectors, type AdderKind } from './adders.js';
import { type Bit, Netlist, ONE, ZERO } from './netlist.js';

/** Multiplier architectures. */
export const MULTIPLIER_KINDS = ['array', 'dadda', 'booth'] as const;
export type MultiplierKind = (typeof MULTIPLIER_KINDS)[number];

/** Bits to be summed, grouped by column (weight 2^column). */
type Columns = Bit[][];

/**
 * Multiplies two unsigned operands of equal width n (least significant bit first) and returns
 * the 2n-bit product, least significant bit first.
 */
export function multiplyUnsigned(netlist: Netlist, x: readonly Bit[], y: readonly Bit[], kind: MultiplierKind, adder: AdderKind): Bit[] {
  const width = x.length;
  const productWidth = 2 * width;
  if (kind === 'array') return arrayMultiplier(netlist, x, y, adder);
  const columns = kind === 'dadda' ? andPartialProducts(netlist, x, y, productWidth) : boothPartialProducts(netlist, x, y, productWidth);
  const [top, bottom] = daddaReduce(netlist, columns);
  return addVectors(netlist, top, bottom, ZERO, adder).sum;
}

function emptyColumns(width: number): Columns {
  return Array.from({ length: width }, () => []);
}

function andPartialProducts(netlist: Netlist, x: readonly Bit[], y: readonly Bit[], productWidth: number): Columns {
  const columns = emptyColumns(productWidth);
  y.forEach((yBit, row) => x.forEach((xBit, column) => columns[row + column].push(netlist.and(xBit, yBit))));
  return columns;
}

/**
 * Carry-save array: partial-product rows are added one after another into a sum row and a carry
 * row, so the depth grows linearly with the width. Row r's carries land in columns r+1..r+n,
 * which row r+1 covers, so every carry is absorbed; the last two rows go to the final adder.
 */
function arrayMultiplier(netlist: Netlist, x: readonly Bit[], y: readonly Bit[], adder: AdderKind): Bit[] {
  const productWidth = 2 * x.length;
  let sums: Bit[] = new Array<Bit>(productWidth).fill(ZERO);
  let carries: Bit[] = new Array<Bit>(productWidth).fill(ZERO);
  y.forEach((yBit, row) => {
    const nextSums = sums.slice();
    const nextCarries: Bit[] = new Array<Bit>(productWidth).fill(ZERO);
    x.forEach((xBit, offset) => {
      const column = row + offset;
      const cell = netlist.fullAdder(sums[column], carries[column], netlist.and(xBit, yBit));
      nextSums[column] = cell.sum;
      if (column + 1 < productWidth) nextCarries[column + 1] = cell.carry;
    });
    sums = nextSums;
    carries = nextCarries;
  });
  return addVectors(netlist, sums, carries, ZERO, adder).sum;
}

/**
 * Radix-4 Booth partial products for unsigned operands: y, extended by a zero sign bit, is recoded
 * into digits in {-2, -1, 0, 1, 2}. Each row is a signed (n+2)-bit value whose sign bit is inverted.
 * The constant -2^(n+1) per row is then added once, modulo 2^(2n), so no row needs sign extension.
 */
function boothPartialProducts(netlist: Netlist, x: readonly Bit[], y: readonly Bit[], productWidth: number): Columns {
  const width = x.length;
  const columns = emptyColumns(productWidth);
  const yAt = (index: number): Bit => (index >= 0 && index < width ? y[index] : ZERO);
  const xAt = (index: number): Bit => (index >= 0 && index < width ? x[index] : ZERO);
  const modulus = 1n << BigInt(productWidth);
  let constant = 0n;

  for (let digit = 0; 2 * digit <= width; digit++) {
    const shift = 2 * digit;
    const high = yAt(shift + 1);
    const middle = yAt(shift);
    const low = yAt(shift - 1);
    const negative = high;
    const one = netlist.xor(middle, low);
    const two = netlist.or(
      netlist.and(high, netlist.and(netlist.not(middle), netlist.not(low))),
      netlist.and(netlist.not(high), netlist.and(middle, low)),
    );

    // Bits 0..n of |digit| * x, inverted for negative digits; bit n+1 is the row's sign.
    for (let bit = 0; bit <= width; bit++) {
      const selected = netlist.or(netlist.and(one, xAt(bit)), netlist.and(two, xAt(bit - 1)));
      if (shift + bit < productWidth) columns[shift + bit].push(netlist.xor(selected, negative));
    }
    if (shift + width + 1 < productWidth) columns[shift + width + 1].push(netlist.not(negative));
    // Two's complement of a negative row: the +1 enters at the row's least significant column.
    if (shift < productWidth) columns[shift].push(negative);
    constant -= 1n << BigInt(shift + width + 1);
  }

  const folded = ((constant % modulus) + modulus) % modulus;
  for (let column = 0; column < productWidth; column++) {
    if ((folded >> BigInt(column)) & 1n) columns[column].push(ONE);
  }
  for (const column of columns) removeZeros(column);
  return columns;
}

function removeZeros(column: Bit[]): void {
  for (let index = column.length - 1; index >= 0; index--) if (column[index] === ZERO) column.splice(index, 1);
}

/**
 * Dadda reduction: lowers the maximum column height through the sequence 2, 3, 4, 6, 9, 13, ...
 * with as few full and half adders as each stage needs, and returns two rows. Carries out of the
 * most significant column are dropped (the product is taken modulo 2^columns).
 */
function daddaReduce(netlist: Netlist, input: Columns): [Bit[], Bit[]] {
  let columns = input.map((column) => column.slice());
  const heights = [2];
  const maxHeight = (): number => Math.max(...columns.map((column) => column.length));
  while (heights[heights.length - 1] < maxHeight()) heights.push(Math.floor((heights[heights.length - 1] * 3) / 2));
  heights.pop();

  for (let stage = heights.length - 1; stage >= 0; stage--) {
    const target = heights[stage];
    const next = emptyColumns(columns.length);
    let carriesIn: Bit[] = [];
    for (let index = 0; index < columns.length; index++) {
      const bits = columns[index].slice();
      const out = next[index];
      out.push(...carriesIn);
      carriesIn = [];
      while (bits.length + out.length > target) {
        const excess = bits.length + out.length - target;
        if (excess >= 2 && bits.length >= 3) {
          const cell = netlist.fullAdder(bits.shift()!, bits.shift()!, bits.shift()!);
          out.push(cell.sum);
          carriesIn.push(cell.carry);
        } else if (bits.length >= 2) {
          const cell = netlist.halfAdder(bits.shift()!, bits.shift()!);
          out.push(cell.sum);
          carriesIn.push(cell.carry);
        } else {
          break;
        }
      }
      out.push(...bits);
      removeZeros(out);
    }
    columns = next;
  }

  if (maxHeight() > 2) throw new Error(`Dadda reduction left a column of height ${maxHeight()}`);
  const top = columns.map((column) => column[0] ?? ZERO);
  const bottom = columns.map((column) => column[1] ?? ZERO);
  return [top, bottom];
}
