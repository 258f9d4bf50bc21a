/** Accumulation with one rounding per addition, and the dot and gemm kernels built on it. */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors.js';
import {
  BF16,
  E4M3,
  E4M3FNUZ,
  E5M2,
  E5M2FNUZ,
  FP16,
  FP32,
  METHOD_NAMES,
  accumulate,
  decode,
  dot,
  encode,
  gemm,
  parseFormat,
  productValue,
  roundToFormat,
  type FloatFormat,
  type MethodName,
} from '../../sim/numerics/index.js';
import { Mismatches, show, boundaryPattern, makeRandom, randomInt, sameValue } from './helpers.js';
import {
  refAccumulate,
  refDecode,
  refDefaultOffset,
  refEncode,
  refProductExact,
  refProductFormula,
  refProductLmul,
  toDouble,
} from './reference.js';

const ACCUMULATORS = [FP32, FP16, BF16];

function referenceProduct(format: FloatFormat, method: MethodName, a: number, b: number): number {
  const offset = refDefaultOffset(format.manBits);
  if (method === 'exact') return toDouble(refProductExact(format, a, b));
  if (method === 'lmul-formula') return toDouble(refProductFormula(format, a, b, offset));
  return toDouble(refProductLmul(format, a, b, method === 'mitchell' ? 0 : offset));
}

/** Returns the spacing of the accumulator's values in the binade of |x|. */
function ulpOf(format: FloatFormat, x: number): number {
  if (Math.abs(x) < format.minNormal) return format.minSubnormal;
  return 2 ** (Math.floor(Math.log2(Math.abs(x))) - format.manBits);
}

describe('accumulate adversarial', () => {
  it('fp32 double-rounding midpoints', () => {
    // The double sum lands on the fp32 midpoint; the bits lost below it decide the direction.
    expect(accumulate(FP32, 1, 2 ** -24 + 2 ** -60)).toBe(1 + 2 ** -23);
    expect(accumulate(FP32, 1 + 2 ** -23, 2 ** -24 - 2 ** -60)).toBe(1 + 2 ** -23);
    expect(accumulate(FP32, -1, -(2 ** -24) - 2 ** -60)).toBe(-1 - 2 ** -23);
    expect(accumulate(FP32, 1, 2 ** -24)).toBe(1);
    expect(accumulate(FP32, 1 + 2 ** -23, 2 ** -24)).toBe(1 + 2 ** -22);
  });

  it('fp16 and bf16 double-rounding midpoints', () => {
    expect(accumulate(FP16, 1, 2 ** -11 + 2 ** -60)).toBe(1 + 2 ** -10);
    expect(accumulate(FP16, 1 + 2 ** -10, 2 ** -11 - 2 ** -60)).toBe(1 + 2 ** -10);
    expect(accumulate(BF16, 1, 2 ** -8 + 2 ** -58)).toBe(1 + 2 ** -7);
    expect(accumulate(BF16, 1 + 2 ** -7, 2 ** -8 - 2 ** -58)).toBe(1 + 2 ** -7);
  });

  it('huge exponent gaps', () => {
    expect(accumulate(FP32, 1e30, 1e-30)).toBe(Math.fround(1e30));
    expect(accumulate(FP32, 2 ** -149, 2 ** 100)).toBe(2 ** 100);
    expect(accumulate(FP32, 2 ** -149, -(2 ** -300))).toBe(2 ** -149);
    expect(accumulate(FP16, 2 ** -24, 2 ** -26)).toBe(2 ** -24);
    expect(accumulate(FP16, 0, 2 ** -25 + 2 ** -70)).toBe(2 ** -24);
    expect(accumulate(FP16, 0, 2 ** -25)).toBe(0);
  });

  it('overflow to inf', () => {
    const halfUlp = 2 ** 103;
    expect(accumulate(FP32, FP32.maxFinite, halfUlp)).toBe(Infinity);
    expect(accumulate(FP32, FP32.maxFinite, halfUlp - 2 ** 60)).toBe(FP32.maxFinite);
    expect(accumulate(FP32, -FP32.maxFinite, -halfUlp)).toBe(-Infinity);
    expect(accumulate(FP32, 0, 1e60)).toBe(Infinity);
    expect(accumulate(FP16, 65504, 16)).toBe(Infinity);
    expect(accumulate(FP16, 65504, 16 - 2 ** -40)).toBe(65504);
    expect(accumulate(BF16, BF16.maxFinite, 2 ** 119)).toBe(Infinity);
    expect(accumulate(BF16, BF16.maxFinite, 2 ** 119 - 2 ** 70)).toBe(BF16.maxFinite);
  });

  it('signed zeros', () => {
    for (const format of ACCUMULATORS) {
      expect(Object.is(accumulate(format, -0, -0), -0)).toBe(true);
      expect(Object.is(accumulate(format, -0, 0), 0)).toBe(true);
      expect(Object.is(accumulate(format, 1, -1), 0)).toBe(true);
      expect(Object.is(accumulate(format, 0, -(2 ** -200)), -0)).toBe(true);
    }
  });

  it('nan and inf', () => {
    for (const format of ACCUMULATORS) {
      expect(accumulate(format, Infinity, -1e300)).toBe(Infinity);
      expect(Number.isNaN(accumulate(format, Infinity, -Infinity))).toBe(true);
      expect(Number.isNaN(accumulate(format, 1, NaN))).toBe(true);
      expect(Number.isNaN(accumulate(format, NaN, 1))).toBe(true);
    }
  });
});

describe('accumulate random', () => {
  for (const accumulator of ACCUMULATORS) {
    it(`${accumulator.name} against reference`, () => {
      const random = makeRandom(accumulator.widthBits + 3);
      const mismatches = new Mismatches();
      const inputs = [FP32, BF16, FP16];
      for (let i = 0; i < 15_000; i++) {
        const acc = decode(accumulator, boundaryPattern(accumulator, random));
        const input = inputs[i % inputs.length];
        const method = METHOD_NAMES[randomInt(random, METHOD_NAMES.length)];
        let product = productValue(input, method, boundaryPattern(input, random), boundaryPattern(input, random));
        // Every fourth case moves the product so that the double sum sits on an accumulator midpoint.
        if (i % 4 === 0 && Number.isFinite(acc) && Number.isFinite(product)) {
          const target = roundToFormat(accumulator, acc + product, false);
          if (Number.isFinite(target)) {
            const midpoint = target + ulpOf(accumulator, target) / 2;
            const tiny = [0, 2 ** -40, -(2 ** -40)][randomInt(random, 3)] * ulpOf(accumulator, target);
            product = midpoint - acc + tiny;
          }
        }
        const expected = refAccumulate(accumulator, acc, product);
        const actual = accumulate(accumulator, acc, product);
        if (!sameValue(actual, expected)) mismatches.add(`${acc} + ${product}: got ${show(actual)}, expected ${show(expected)}`);
      }
      expect(mismatches.first).toEqual([]);
    });
  }
});

/** Sequential reference dot product from reference products and reference accumulation. */
function referenceDot(format: FloatFormat, method: MethodName, accumulator: FloatFormat, a: ArrayLike<number>, b: ArrayLike<number>, initial: number): number {
  let acc = toDouble(refDecode(accumulator, refEncode(accumulator, initial, false)));
  for (let k = 0; k < a.length; k++) acc = refAccumulate(accumulator, acc, referenceProduct(format, method, a[k], b[k]));
  return acc;
}

function randomVector(format: FloatFormat, length: number, random: () => number): Uint8Array | Uint16Array | Uint32Array {
  const values = Array.from({ length }, () => {
    const bits = boundaryPattern(format, random);
    // Mostly finite values near 1 so that long sums do not saturate at inf or NaN at once.
    if (random() < 0.9) return (bits % 2 ** format.manBits) + (format.bias + randomInt(random, 7) - 3) * 2 ** format.manBits + (random() < 0.5 ? format.signMask : 0);
    return bits;
  });
  if (format.widthBits <= 8) return Uint8Array.from(values);
  if (format.widthBits <= 16) return Uint16Array.from(values);
  return Uint32Array.from(values);
}

describe('dot', () => {
  const formats = [E4M3, E5M2, E4M3FNUZ, E5M2FNUZ, FP16, BF16, FP32, parseFormat('e3m4')];
  for (const format of formats) {
    for (const accumulator of ACCUMULATORS) {
      it(`${format.name} into ${accumulator.name}`, () => {
        const random = makeRandom(format.widthBits * 13 + accumulator.widthBits);
        const mismatches = new Mismatches();
        for (const method of METHOD_NAMES) {
          for (let trial = 0; trial < 12; trial++) {
            const length = [0, 1, 7, 64, 300][trial % 5];
            const a = randomVector(format, length, random);
            const b = randomVector(format, length, random);
            const initial = [0, -0, 1.5, -1e4][trial % 4];
            const expected = referenceDot(format, method, accumulator, a, b, initial);
            const actual = dot(format, method, a, b, { accumulator, initial });
            if (!sameValue(actual, expected)) mismatches.add(`${method} trial ${trial}: got ${show(actual)}, expected ${show(expected)}`);
          }
        }
        expect(mismatches.first).toEqual([]);
      });
    }
  }

  it('fp32 lmul fast path edges', () => {
    // Overflowing, underflowing, zero, subnormal, inf and NaN operands leave the reinterpretation path.
    const a = Uint32Array.from([0x7f000000, 0x00800000, 0x00000000, 0x00000001, 0x3fc00000, 0x7f800000, 0x3f800000, 0x80000000]);
    const b = Uint32Array.from([0x7f000000, 0x00800000, 0x3f800000, 0x7f7fffff, 0xbfc00000, 0x3f800000, 0x7fc00000, 0x3f800000]);
    for (const method of ['lmul', 'mitchell'] as const) {
      for (let length = 0; length <= a.length; length++) {
        const expected = referenceDot(FP32, method, FP32, a.subarray(0, length), b.subarray(0, length), 0);
        expect(dot(FP32, method, a.subarray(0, length), b.subarray(0, length))).toBe(expected);
      }
    }
  });

  it('fp32 exact midpoint after double rounding', () => {
    // (1 + 2^-23) · (1 − 2^-23) · 2^6 = 2^6 − 2^-40: the double sum rounds onto the fp32 midpoint
    // 2^30 + 2^7 + 2^6, and the exact sum lies below it, so the odd neighbour 2^30 + 2^7 is correct.
    const a = Uint32Array.from([encode(FP32, 2 ** 30 + 2 ** 7), encode(FP32, 1 + 2 ** -23)]);
    const b = Uint32Array.from([encode(FP32, 1), encode(FP32, (1 - 2 ** -23) * 2 ** 6)]);

    expect(dot(FP32, 'exact', a, b)).toBe(2 ** 30 + 2 ** 7);
    expect(gemm(FP32, 'exact', a, b, 1, 2, 1)[0]).toBe(2 ** 30 + 2 ** 7);
    expect(referenceDot(FP32, 'exact', FP32, a, b, 0)).toBe(2 ** 30 + 2 ** 7);
  });

  it('offset option reaches the kernels', () => {
    const random = makeRandom(9);
    for (const format of [FP32, BF16, E4M3]) {
      const a = randomVector(format, 50, random);
      const b = randomVector(format, 50, random);
      expect(dot(format, 'lmul', a, b, { offsetLsbs: 0 })).toBe(dot(format, 'mitchell', a, b));
      // For fp32, 2^31 LSBs makes K negative, which the int32 fast loop must not handle.
      for (const offsetLsbs of [3, format === FP32 ? 2 ** 31 : 3 * 2 ** format.manBits]) {
        let expected = 0;
        for (let k = 0; k < a.length; k++) expected = refAccumulate(FP32, expected, toDouble(refProductLmul(format, a[k], b[k], offsetLsbs)));
        expect(dot(format, 'lmul', a, b, { offsetLsbs })).toBe(expected);
      }
    }
    // With K < 0 the int32 sum of two magnitudes near 2^66 would wrap back into the normal range.
    const big = Uint32Array.from([encode(FP32, 2 ** 66)]);
    expect(dot(FP32, 'lmul', big, big, { offsetLsbs: 2 ** 31 })).toBe(Infinity);
  });

  it('rejects length mismatch and non-IEEE accumulator', () => {
    expect(() => dot(E4M3, 'lmul', new Uint8Array(2), new Uint8Array(3))).toThrow(RangeError);
    expect(() => dot(E4M3, 'lmul', new Uint8Array(2), new Uint8Array(2), { accumulator: E4M3 })).toThrow(UserError);
  });
});

describe('gemm', () => {
  for (const format of [E4M3, FP16, FP32]) {
    it(`${format.name} equals per-element dot`, () => {
      const random = makeRandom(format.widthBits);
      const [m, k, n] = [3, 17, 5];
      const a = randomVector(format, m * k, random);
      const b = randomVector(format, k * n, random);
      for (const method of METHOD_NAMES) {
        for (const accumulator of [FP32, BF16]) {
          const c = gemm(format, method, a, b, m, k, n, { accumulator, initial: 0.25 });
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              const row = Array.from({ length: k }, (_, kk) => a[i * k + kk]);
              const column = Array.from({ length: k }, (_, kk) => b[kk * n + j]);
              expect(c[i * n + j]).toBe(referenceDot(format, method, accumulator, row, column, 0.25));
            }
          }
        }
      }
    });
  }

  it('accumulates into c in place', () => {
    const a = Uint8Array.from([0x38, 0x40]);
    const b = Uint8Array.from([0x38, 0x40]);
    const c = Float64Array.from([1, 2, 3, 4]);

    const result = gemm(E4M3, 'exact', a, b, 2, 1, 2, { c });

    expect(result).toBe(c);
    expect([...c]).toEqual([2, 4, 5, 8]);
  });

  it('accepts plain arrays', () => {
    // A = [1 2; 3 4] and B = [1 2; 2 1] in e4m3 (0x38 = 1, 0x40 = 2, 0x44 = 3, 0x48 = 4).
    const result = gemm(E4M3, 'exact', [0x38, 0x40, 0x44, 0x48], [0x38, 0x40, 0x40, 0x38], 2, 2, 2);

    expect([...result]).toEqual([5, 4, 11, 10]);
  });

  it('rejects wrong sizes', () => {
    expect(() => gemm(E4M3, 'lmul', new Uint8Array(6), new Uint8Array(6), 2, 3, 3)).toThrow(/B has 6 elements/);
    expect(() => gemm(E4M3, 'lmul', new Uint8Array(6), new Uint8Array(6), 2, 3, 2, { c: new Float64Array(3) })).toThrow(/C has 3/);
    expect(() => gemm(E4M3, 'lmul', new Uint8Array(0), new Uint8Array(0), -1, 0, 0)).toThrow(/invalid size m/);
  });
});
