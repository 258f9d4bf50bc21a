import { describe, expect, it } from 'vitest';
import {
  BF16,
  E4M3,
  E4M3FNUZ,
  E5M2,
  E5M2FNUZ,
  FP16,
  FP32,
  NAMED_FORMATS,
  classify,
  decode,
  encode,
  formatBits,
  parseFormat,
  roundToFormat,
  type FloatFormat,
} from '../../sim/numerics/index.js';
import { Mismatches, show, boundaryPattern, hex, makeRandom, randomInt, sameValue } from './helpers.js';
import { fieldsOf, refDecode, refEncode, refIsNan, toDouble } from './reference.js';

const EIGHT_BIT = [E4M3, E5M2, E4M3FNUZ, E5M2FNUZ];

/** Returns a random double spread over the format's range and beyond, with exact boundary values mixed in. */
function randomDouble(format: FloatFormat, random: () => number): number {
  const choice = random();
  const sign = random() < 0.5 ? -1 : 1;
  if (choice < 0.1) {
    // A value of the format plus a fraction of its spacing: ties, near-ties and exact values.
    const bits = boundaryPattern(format, random);
    const value = decode(format, bits);
    if (!Number.isFinite(value)) return value;
    const spacing = Math.max(format.minSubnormal, Math.abs(value) * 2 ** -format.manBits);
    const fractions = [0, 0.5, -0.5, 0.25, 0.5 + 2 ** -30, 0.5 - 2 ** -30, 0.75, 1e-9];
    return value + fractions[randomInt(random, fractions.length)] * spacing;
  }
  if (choice < 0.15) return sign * [0, Infinity, NaN, format.maxFinite, format.minSubnormal / 2, Number.MIN_VALUE, Number.MAX_VALUE][randomInt(random, 7)];
  const minExponent = Math.log2(format.minSubnormal) - 3;
  const maxExponent = Math.log2(format.maxFinite) + 3;
  return sign * 2 ** (minExponent + random() * (maxExponent - minExponent));
}

function describeDecodeAll(format: FloatFormat): void {
  it(`${format.name} every pattern`, () => {
    const mismatches = new Mismatches();
    for (let bits = 0; bits < 2 ** format.widthBits; bits++) {
      const expected = toDouble(refDecode(format, bits));
      const actual = decode(format, bits);
      if (!sameValue(actual, expected)) mismatches.add(`${hex(bits)}: got ${show(actual)}, expected ${show(expected)}`);
    }
    expect(mismatches.first).toEqual([]);
  });
}

describe('decode', () => {
  for (const format of [...EIGHT_BIT, FP16, BF16, parseFormat('e3m4'), parseFormat('e2m1')]) describeDecodeAll(format);

  it('fp32 sampled patterns', () => {
    const random = makeRandom(1);
    const mismatches = new Mismatches();
    for (let i = 0; i < 50_000; i++) {
      const bits = i % 2 === 0 ? boundaryPattern(FP32, random) : randomInt(random, 2 ** 32);
      const expected = toDouble(refDecode(FP32, bits));
      const actual = decode(FP32, bits);
      if (!sameValue(actual, expected)) mismatches.add(`${hex(bits)}: got ${show(actual)}, expected ${show(expected)}`);
    }
    expect(mismatches.first).toEqual([]);
  });
});

describe('encode', () => {
  for (const name of [...NAMED_FORMATS, 'e3m4', 'e6m9', 'e2m5', 'e8m1', 'e1m3']) {
    const format = parseFormat(name);
    for (const saturate of [true, false]) {
      it(`${name} random values, saturate ${saturate}`, () => {
        const random = makeRandom(name.length * 7919 + (saturate ? 1 : 0));
        const mismatches = new Mismatches();
        for (let i = 0; i < 20_000; i++) {
          const value = randomDouble(format, random);
          const expected = refEncode(format, value, saturate);
          const actual = encode(format, value, saturate);
          if (actual !== expected) mismatches.add(`${value}: got ${hex(actual)}, expected ${hex(expected)}`);
        }
        expect(mismatches.first).toEqual([]);
      });
    }
  }

  it('fp32 equals Math.fround', () => {
    const random = makeRandom(5);
    const view = new Float32Array(1);
    const bitsView = new Uint32Array(view.buffer);
    const mismatches = new Mismatches();
    for (let i = 0; i < 50_000; i++) {
      const value = i % 2 === 0 ? randomDouble(FP32, random) : (random() - 0.5) * 2 ** randomInt(random, 300) * 2 ** -150;
      if (Number.isNaN(value)) continue;
      view[0] = value;
      if (encode(FP32, value) !== bitsView[0]) mismatches.add(`${value}: got ${hex(encode(FP32, value))}, expected ${hex(bitsView[0])}`);
    }
    expect(mismatches.first).toEqual([]);
  });

  it('default policy per format', () => {
    expect(encode(E4M3, 1000)).toBe(0x7e);
    expect(encode(E5M2, -1e6)).toBe(0xfb);
    expect(encode(E4M3FNUZ, 1000)).toBe(0x7f);
    expect(encode(FP16, 1e6)).toBe(0x7c00);
    expect(encode(BF16, -1e39)).toBe(0xff80);
    expect(encode(FP32, 1e39)).toBe(0x7f800000);
  });

  it('infinity input', () => {
    expect(encode(E5M2, Infinity, true)).toBe(0x7c);
    expect(encode(E5M2, -Infinity, false)).toBe(0xfc);
    expect(encode(E4M3, Infinity, true)).toBe(0x7e);
    expect(encode(E4M3, -Infinity, true)).toBe(0xfe);
    expect(encode(E4M3, Infinity, false)).toBe(0x7f);
    expect(encode(E4M3FNUZ, -Infinity, false)).toBe(0x80);
    expect(encode(FP32, Infinity, true)).toBe(0x7f800000);
  });

  it('nan and signed zero', () => {
    expect(encode(FP16, NaN)).toBe(0x7e00);
    expect(encode(E4M3, NaN)).toBe(0x7f);
    expect(encode(E5M2FNUZ, NaN)).toBe(0x80);
    expect(encode(FP16, -0)).toBe(0x8000);
    expect(encode(E4M3, -0)).toBe(0x80);
    expect(encode(E4M3FNUZ, -0)).toBe(0x00);
    expect(encode(E4M3FNUZ, -1e-9)).toBe(0x00);
    expect(encode(E4M3, -1e-9)).toBe(0x80);
  });

  it('roundToFormat decodes encode', () => {
    expect(roundToFormat(E4M3, 4.25)).toBe(4);
    expect(roundToFormat(FP16, 1 + 2 ** -11)).toBe(1);
    expect(roundToFormat(FP16, 1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    expect(Object.is(roundToFormat(E5M2, -1e-9), -0)).toBe(true);
  });
});

describe('classify', () => {
  for (const format of [...EIGHT_BIT, FP16, BF16]) {
    it(`${format.name} every pattern`, () => {
      const mismatches = new Mismatches();
      for (let bits = 0; bits < 2 ** format.widthBits; bits++) {
        const value = refDecode(format, bits);
        const { exp } = fieldsOf(format, bits);
        let expected: string;
        if (refIsNan(format, bits)) expected = 'nan';
        else if (value.kind === 'inf') expected = 'inf';
        else if (value.kind === 'finite' && value.value.n === 0n) expected = 'zero';
        else expected = exp === 0 ? 'subnormal' : 'normal';
        if (classify(format, bits) !== expected) mismatches.add(`${hex(bits)}: got ${classify(format, bits)}, expected ${expected}`);
      }
      expect(mismatches.first).toEqual([]);
    });
  }

  it('fp32 boundaries', () => {
    expect(classify(FP32, 0x80000000)).toBe('zero');
    expect(classify(FP32, 0x007fffff)).toBe('subnormal');
    expect(classify(FP32, 0x00800000)).toBe('normal');
    expect(classify(FP32, 0xff800000)).toBe('inf');
    expect(classify(FP32, 0xff800001)).toBe('nan');
  });
});

describe('formatBits', () => {
  it('pads to width', () => {
    expect(formatBits(E4M3, 0x7e)).toBe('0x7e');
    expect(formatBits(E4M3, 0x1)).toBe('0x01');
    expect(formatBits(FP16, 0x3c00)).toBe('0x3c00');
    expect(formatBits(FP32, 0x3f780000)).toBe('0x3f780000');
    expect(formatBits(FP32, 0)).toBe('0x00000000');
    expect(formatBits(parseFormat('e3m4'), 0x5)).toBe('0x05');
    expect(formatBits(parseFormat('e2m1'), 0x5)).toBe('0x5');
  });
});
