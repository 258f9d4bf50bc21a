/** Exhaustive checks of an 8-bit format over all 65,536 operand pairs, shared by the per-format test files. */
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, makeMultiplier, makeProductTable, multiply, productValue, type FloatFormat, type MethodName } from '../../sim/numerics/index.js';
import { Mismatches, show, hex, sameValue } from './helpers.js';
import {
  refDefaultOffset,
  refMultiplyExact,
  refMultiplyFormula,
  refMultiplyLmul,
  refProductExact,
  refProductFormula,
  refProductLmul,
  toDouble,
  type RefValue,
} from './reference.js';

function referenceMultiply(format: FloatFormat, method: MethodName, a: number, b: number, saturate: boolean): number {
  const offset = method === 'mitchell' ? 0 : refDefaultOffset(format.manBits);
  if (method === 'exact') return refMultiplyExact(format, a, b, saturate);
  if (method === 'lmul-formula') return refMultiplyFormula(format, a, b, offset, saturate);
  return refMultiplyLmul(format, a, b, offset, saturate);
}

function referenceProduct(format: FloatFormat, method: MethodName, a: number, b: number): RefValue {
  const offset = method === 'mitchell' ? 0 : refDefaultOffset(format.manBits);
  if (method === 'exact') return refProductExact(format, a, b);
  if (method === 'lmul-formula') return refProductFormula(format, a, b, offset);
  return refProductLmul(format, a, b, offset);
}

/** Registers the exhaustive tests of one 8-bit format. */
export function describeExhaustive(format: FloatFormat): void {
  describe(`${format.name} all operand pairs`, () => {
    for (const method of METHOD_NAMES) {
      for (const saturate of [true, false]) {
        it(`${method} multiply, saturate ${saturate}`, () => {
          const fast = makeMultiplier(format, method, { saturate });
          const mismatches = new Mismatches();
          const fastMismatches = new Mismatches();

          for (let a = 0; a < 256; a++) {
            for (let b = 0; b < 256; b++) {
              const expected = referenceMultiply(format, method, a, b, saturate);
              const actual = multiply(format, method, a, b, { saturate });
              if (actual !== expected) mismatches.add(`${hex(a)} × ${hex(b)}: got ${hex(actual)}, expected ${hex(expected)}`);
              if (fast(a, b) !== expected) fastMismatches.add(`${hex(a)} × ${hex(b)}: got ${hex(fast(a, b))}, expected ${hex(expected)}`);
            }
          }

          expect(mismatches.first).toEqual([]);
          expect(fastMismatches.first).toEqual([]);
        });
      }

      it(`${method} product value (MAC form)`, () => {
        const table = makeProductTable(format, method);
        const mismatches = new Mismatches();
        const tableMismatches = new Mismatches();

        for (let a = 0; a < 256; a++) {
          for (let b = 0; b < 256; b++) {
            const expected = toDouble(referenceProduct(format, method, a, b));
            const actual = productValue(format, method, a, b);
            if (!sameValue(actual, expected)) mismatches.add(`${hex(a)} × ${hex(b)}: got ${show(actual)}, expected ${show(expected)}`);
            if (!sameValue(table[(a << 8) | b], expected)) tableMismatches.add(`${hex(a)} × ${hex(b)}: got ${show(table[(a << 8) | b])}, expected ${show(expected)}`);
          }
        }

        expect(mismatches.first).toEqual([]);
        expect(tableMismatches.first).toEqual([]);
      });
    }
  });
}
