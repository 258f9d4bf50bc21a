import { describe, expect, it } from 'vitest';
import { loadCostModel, unitCost } from '../../costmodels/index.js';

const model = loadCostModel('45nm');
const evaluate = (component: string, args: Record<string, number>) => model.evaluator.evaluate(component, args);

/** Kogge-Stone prefix cells counted level by level: at distance d, positions d..n-1 each get one cell. */
function koggeStoneCellsByLevels(n: number): number {
  let cells = 0;
  for (let distance = 1; distance < n; distance *= 2) cells += n - distance;
  return cells;
}

/** Brent-Kung prefix cells counted by the up-sweep and down-sweep loops. */
function brentKungCellsByLoops(n: number): number {
  let cells = 0;
  let distance = 1;
  for (; distance < n; distance *= 2) for (let index = 2 * distance - 1; index < n; index += 2 * distance) cells++;
  for (distance = Math.floor(distance / 2); distance >= 1; distance = Math.floor(distance / 2)) {
    for (let index = 3 * distance - 1; index < n; index += 2 * distance) cells++;
  }
  return cells;
}

describe('structure formulas', () => {
  it('ripple-carry adder', () => {
    for (const n of [2, 8, 23, 32]) {
      const adder = evaluate('rca', { n });
      expect(adder.cells.FA, `n=${n}`).toBe(n - 1);
      expect(adder.cells.HA, `n=${n}`).toBe(1);
      expect(evaluate('rca_cin', { n }).cells.FA, `n=${n}`).toBe(n);
    }
  });

  it('Kogge-Stone prefix cells', () => {
    for (const n of [4, 8, 16, 32, 64]) {
      const adder = evaluate('kogge_stone', { n });
      expect(adder.values.prefixCells, `n=${n}`).toBe(n * Math.log2(n) - n + 1);
      expect(adder.values.prefixCells, `n=${n}`).toBe(koggeStoneCellsByLevels(n));
      expect(adder.cells.OR2, `n=${n}`).toBe(adder.values.prefixCells);
      expect(adder.depth, `n=${n}`).toBe(2 * Math.log2(n) + 2);
    }
    for (const n of [5, 12, 24, 27]) expect(evaluate('kogge_stone', { n }).values.prefixCells, `n=${n}`).toBe(koggeStoneCellsByLevels(n));
  });

  it('Brent-Kung prefix cells', () => {
    for (const n of [4, 8, 16, 32, 64]) {
      const adder = evaluate('brent_kung', { n });
      expect(adder.values.prefixCells, `n=${n}`).toBe(2 * n - 2 - Math.log2(n));
      expect(adder.values.prefixCells, `n=${n}`).toBe(brentKungCellsByLoops(n));
    }
  });

  it('array multiplier', () => {
    for (const n of [3, 4, 8, 24]) {
      const multiplier = evaluate('array_multiplier', { n });
      expect(multiplier.cells.AND2, `n=${n}`).toBe(n * n);
      expect(multiplier.cells.FA, `n=${n}`).toBe(n * (n - 2));
      expect(multiplier.cells.HA, `n=${n}`).toBe(n);
    }
  });

  it('Dadda multiplier', () => {
    for (const n of [3, 4, 8, 11, 24]) {
      const multiplier = evaluate('dadda', { n });
      const final = multiplier.parts.find((part) => part.name === 'final');
      expect(final?.instance.args.n, `n=${n}`).toBe(2 * n - 2);
      // Own cells plus the (2n-2)-bit ripple-carry adder's 2n-3 FA and 1 HA.
      expect(multiplier.cells.AND2, `n=${n}`).toBe(n * n);
      expect(multiplier.cells.FA, `n=${n}`).toBe(n * n - 4 * n + 3 + (2 * n - 3));
      expect(multiplier.cells.HA, `n=${n}`).toBe(n - 1 + 1);
    }
  });

  it('Dadda stages', () => {
    // Dadda heights 2, 3, 4, 6, 9, 13, 19, 28, 42: the stage count is how many lie below n.
    const heights = [2, 3, 4, 6, 9, 13, 19, 28, 42];
    for (const n of [3, 4, 5, 8, 11, 24, 32]) {
      expect(evaluate('dadda', { n }).values.stages, `n=${n}`).toBe(heights.filter((height) => height < n).length);
    }
  });

  it('radix-4 Booth rows', () => {
    for (const n of [8, 16, 24]) {
      const multiplier = evaluate('booth4', { n });
      const final = multiplier.parts.find((part) => part.name === 'final');
      expect(multiplier.values.rows, `n=${n}`).toBe(Math.floor(n / 2) + 1);
      expect(multiplier.values.selectorBits, `n=${n}`).toBe((Math.floor(n / 2) + 1) * (n + 1));
      expect(final?.instance.args.n, `n=${n}`).toBe(2 * n - 2);
      // About half the partial products of an array multiplier, so fewer reduction FAs.
      expect(multiplier.cells.FA, `n=${n}`).toBeLessThan(evaluate('dadda', { n }).cells.FA);
    }
  });

  it('intmul full product matches Dadda', () => {
    for (const n of [4, 8, 16]) {
      const full = evaluate('intmul', { n, p: 2 * n });
      const dadda = evaluate('dadda', { n });
      expect(full.cells, `n=${n}`).toEqual(dadda.cells);
    }
  });

  it('units within 30% of Yosys', () => {
    // Generic cells and logic depth of the generated RTL (rca adders, Dadda multipliers, no
    // pipeline stages), from `lmulsim synth --json` with Yosys 0.23 and ABC to AND, NAND, OR, NOR,
    // XOR, XNOR, ANDNOT, ORNOT and MUX.
    const yosys: ReadonlyArray<readonly [string, string, 'exact' | 'lmul' | undefined, number, number]> = [
      ['lmul', 'e4m3', undefined, 99, 18],
      ['lmul', 'e5m2', undefined, 107, 19],
      ['lmul', 'bf16', undefined, 210, 35],
      ['lmul', 'fp16', undefined, 194, 35],
      ['lmul', 'fp32', undefined, 382, 67],
      ['fpmul', 'e4m3', undefined, 264, 48],
      ['fpmul', 'e5m2', undefined, 221, 46],
      ['fpmul', 'bf16', undefined, 766, 81],
      ['fpmul', 'fp16', undefined, 1131, 90],
      ['fpmul', 'fp32', undefined, 4405, 181],
      ['fpadd', 'e5m2', undefined, 310, 62],
      ['fpadd', 'bf16', undefined, 638, 86],
      ['fpadd', 'fp16', undefined, 648, 91],
      ['fpadd', 'fp32', undefined, 1362, 138],
      ['mac', 'e4m3', 'exact', 1409, 164],
      ['mac', 'e5m2', 'exact', 1396, 170],
      ['mac', 'bf16', 'exact', 2180, 221],
      ['mac', 'fp16', 'exact', 2266, 208],
      ['mac', 'fp32', 'exact', 5808, 327],
      ['mac', 'e4m3', 'lmul', 1273, 154],
      ['mac', 'e5m2', 'lmul', 1305, 152],
      ['mac', 'bf16', 'lmul', 1451, 176],
      ['mac', 'fp16', 'lmul', 1441, 164],
      ['mac', 'fp32', 'lmul', 1718, 213],
    ];

    for (const [unit, format, method, cells, depth] of yosys) {
      const cost = unitCost(unit, format, model, method ? { method } : {});
      const label = `${unit} ${method ?? ''} ${format}: model ${Math.round(cost.genericCells)} cells, depth ${cost.depth}; Yosys ${cells}, ${depth}`;
      expect(Math.abs(cost.genericCells / cells - 1), label).toBeLessThanOrEqual(0.3);
      expect(Math.abs(cost.depth / depth - 1), label).toBeLessThanOrEqual(0.3);
    }
  });

  it('generic cells expand FA and HA', () => {
    const adder = unitCost('intadd', 'int8', model);

    // 7 FA x 5 generic cells + 1 HA x 2.
    expect(adder.genericCells).toBe(37);
    expect(adder.areaGe).toBeCloseTo((7 * 4.256 + 2.66) / 0.798, 10);
  });
});
