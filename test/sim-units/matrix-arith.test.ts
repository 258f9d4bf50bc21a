import { describe, expect, it } from 'vitest';
import { buildArithmetic } from '../../sim/matrix/arith.js';
import { accumulate, parseFormat, productValue, type MethodName } from '../../sim/numerics/index.js';

/** Deterministic pseudo-random 32-bit integers. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** Patterns that reach every branch: zeros, subnormals, the smallest and largest normals, infinities and NaNs of both signs. */
function edgePatterns(widthBits: number, manBits: number): number[] {
  const sign = 2 ** (widthBits - 1);
  const inf = sign - 2 ** manBits;
  const magnitudes = [0, 1, 2 ** manBits - 1, 2 ** manBits, 2 ** manBits + 1, inf - 1, inf, inf + 1, sign - 1, inf / 2, inf / 2 + 5];
  return magnitudes.flatMap((magnitude) => [magnitude, sign + magnitude]);
}

describe('PE arithmetic fast paths', () => {
  const cases: ReadonlyArray<{ format: string; method: MethodName }> = [
    { format: 'bf16', method: 'lmul' },
    { format: 'bf16', method: 'mitchell' },
    { format: 'fp16', method: 'lmul' },
    { format: 'fp32', method: 'lmul' },
    { format: 'fp32', method: 'mitchell' },
  ];

  for (const c of cases) {
    it(`product matches the numerics core: ${c.format} ${c.method}`, () => {
      const format = parseFormat(c.format);
      const arithmetic = buildArithmetic(c.format, c.method, 'fp32');
      const edges = edgePatterns(format.widthBits, format.manBits);
      const random = generator(7);
      const mask = 2 ** format.widthBits;
      const pairs: Array<[number, number]> = [];
      for (const a of edges) for (const b of edges) pairs.push([a, b]);
      for (let i = 0; i < 200_000; i++) pairs.push([random() % mask, random() % mask]);

      let mismatches = 0;
      let first = '';
      for (const [a, b] of pairs) {
        const expected = productValue(format, c.method, a, b);
        const actual = arithmetic.product(a, b);
        if (!Object.is(actual, expected)) {
          mismatches++;
          first ||= `${a.toString(16)} × ${b.toString(16)}: ${actual} instead of ${expected}`;
        }
      }
      expect(first).toBe('');
      expect(mismatches).toBe(0);
    });
  }

  for (const name of ['bf16', 'fp32']) {
    it(`fp32 add matches accumulate: ${name} lmul products`, () => {
      // L-Mul products, including ones far outside the fp32 range, added to fp32 accumulator values.
      const format = parseFormat(name);
      const fp32 = parseFormat('fp32');
      const arithmetic = buildArithmetic(name, 'lmul', 'fp32');
      const random = generator(11);
      const mask = 2 ** format.widthBits;
      let first = '';
      for (let i = 0; i < 200_000; i++) {
        const product = productValue(format, 'lmul', random() % mask, random() % mask);
        const acc = accumulate(fp32, 0, productValue(format, 'exact', random() % mask, random() % mask));
        const expected = accumulate(fp32, acc, product);
        const actual = arithmetic.add(acc, product);
        if (!Object.is(actual, expected)) first ||= `${acc} + ${product}: ${actual} instead of ${expected}`;
      }
      expect(first).toBe('');
    });
  }
});
