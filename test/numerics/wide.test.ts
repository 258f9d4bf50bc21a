/** fp16, bf16, fp32 and generic formats: random and boundary operand pairs against the reference. */
import { describe, expect, it } from 'vitest';
import {
  BF16,
  FP16,
  FP32,
  METHOD_NAMES,
  makeMultiplier,
  multiply,
  parseFormat,
  productValue,
  type FloatFormat,
  type MethodName,
} from '../../sim/numerics/index.js';
import { Mismatches, show, boundaryPattern, hex, makeRandom, randomInt, sameValue, uniformPattern } from './helpers.js';
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

function referenceMultiply(format: FloatFormat, method: MethodName, a: number, b: number, saturate: boolean, offset: number): number {
  if (method === 'exact') return refMultiplyExact(format, a, b, saturate);
  if (method === 'lmul-formula') return refMultiplyFormula(format, a, b, offset, saturate);
  return refMultiplyLmul(format, a, b, method === 'mitchell' ? 0 : offset, saturate);
}

function referenceProduct(format: FloatFormat, method: MethodName, a: number, b: number, offset: number): RefValue {
  if (method === 'exact') return refProductExact(format, a, b);
  if (method === 'lmul-formula') return refProductFormula(format, a, b, offset);
  return refProductLmul(format, a, b, method === 'mitchell' ? 0 : offset);
}

/**
 * Operand pairs: boundary patterns, uniform patterns, and pairs whose exponents sum near the
 * underflow and overflow edges of the result.
 */
function operandPairs(format: FloatFormat, count: number, seed: number): Array<[number, number]> {
  const random = makeRandom(seed);
  const pairs: Array<[number, number]> = [];
  const manScale = 2 ** format.manBits;
  const expTop = 2 ** format.expBits - 1;
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    if (kind === 0) {
      pairs.push([boundaryPattern(format, random), boundaryPattern(format, random)]);
    } else if (kind === 1) {
      pairs.push([uniformPattern(format, random), uniformPattern(format, random)]);
    } else {
      // Exponent fields that add up to about bias (result near 1), 1 (underflow edge) or the top (overflow edge).
      const targets = [format.bias, 1 + format.bias, 2 * format.bias + expTop - 1, 2 * format.bias + expTop];
      const target = targets[randomInt(random, targets.length)] + randomInt(random, 5) - 2;
      const expA = Math.max(1, Math.min(expTop - 1, randomInt(random, expTop)));
      const expB = Math.max(1, Math.min(expTop - 1, target - expA));
      const signA = random() < 0.5 ? format.signMask : 0;
      const signB = random() < 0.5 ? format.signMask : 0;
      pairs.push([signA + expA * manScale + randomInt(random, manScale), signB + expB * manScale + randomInt(random, manScale)]);
    }
  }
  return pairs;
}

function describeSampled(format: FloatFormat, count: number): void {
  describe(`${format.name} sampled pairs`, () => {
    const pairs = operandPairs(format, count, format.widthBits * 101 + format.manBits);
    const offset = refDefaultOffset(format.manBits);

    for (const method of METHOD_NAMES) {
      it(`${method} multiply`, () => {
        const mismatches = new Mismatches();
        for (const saturate of [false, true]) {
          const fast = makeMultiplier(format, method, { saturate });
          for (const [a, b] of pairs) {
            const expected = referenceMultiply(format, method, a, b, saturate, offset);
            const actual = multiply(format, method, a, b, { saturate });
            if (actual !== expected) mismatches.add(`${hex(a)} × ${hex(b)} sat ${saturate}: got ${hex(actual)}, expected ${hex(expected)}`);
            if (fast(a, b) !== expected) mismatches.add(`fast ${hex(a)} × ${hex(b)} sat ${saturate}: got ${hex(fast(a, b))}`);
          }
        }
        expect(mismatches.first).toEqual([]);
      });

      it(`${method} product value`, () => {
        const mismatches = new Mismatches();
        for (const [a, b] of pairs) {
          const expected = toDouble(referenceProduct(format, method, a, b, offset));
          const actual = productValue(format, method, a, b);
          if (!sameValue(actual, expected)) mismatches.add(`${hex(a)} × ${hex(b)}: got ${show(actual)}, expected ${show(expected)}`);
        }
        expect(mismatches.first).toEqual([]);
      });
    }

    it('lmul with other offsets', () => {
      const random = makeRandom(77);
      const mismatches = new Mismatches();
      for (const [a, b] of pairs.slice(0, 3000)) {
        const offsetLsbs = [0, 1, 3, 2 ** format.manBits - 1, 2 ** format.manBits, 3 * 2 ** format.manBits][randomInt(random, 6)];
        const expected = refMultiplyLmul(format, a, b, offsetLsbs, false);
        const actual = multiply(format, 'lmul', a, b, { offsetLsbs, saturate: false });
        if (actual !== expected) mismatches.add(`${hex(a)} × ${hex(b)} offset ${offsetLsbs}: got ${hex(actual)}, expected ${hex(expected)}`);
        const expectedFormula = refMultiplyFormula(format, a, b, offsetLsbs, false);
        const actualFormula = multiply(format, 'lmul-formula', a, b, { offsetLsbs, saturate: false });
        if (actualFormula !== expectedFormula) mismatches.add(`formula ${hex(a)} × ${hex(b)} offset ${offsetLsbs}: got ${hex(actualFormula)}`);
        const expectedValue = toDouble(refProductLmul(format, a, b, offsetLsbs));
        if (!sameValue(productValue(format, 'lmul', a, b, { offsetLsbs }), expectedValue)) mismatches.add(`product ${hex(a)} × ${hex(b)} offset ${offsetLsbs}`);
      }
      expect(mismatches.first).toEqual([]);
    });
  });
}

describeSampled(FP16, 12_000);
describeSampled(BF16, 12_000);
describeSampled(FP32, 12_000);
describeSampled(parseFormat('e3m4'), 3_000);
describeSampled(parseFormat('e6m9'), 3_000);
describeSampled(parseFormat('e2m1'), 256);
describeSampled(parseFormat('e8m2'), 3_000);
