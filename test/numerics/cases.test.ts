/**
 * Known cases by name. Each is a bug seen in public L-Mul or float8 code, or a value given by Luo and Sun,
 * "Addition is All You Need for Energy-efficient Language Models" (arXiv 2410.00907).
 */
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
  decode,
  defaultOffsetLsbs,
  encode,
  lmulConstant,
  multiply,
  parseFormat,
  parseMethod,
  productValue,
} from '../../sim/numerics/index.js';

const f32 = (value: number) => encode(FP32, value);
const fromF32 = (bits: number) => decode(FP32, bits);

describe('zero operands', () => {
  it('e4m3 zero times 0x78 under lmul', () => {
    expect(multiply(E4M3, 'lmul', 0x00, 0x78)).toBe(0x00);
    expect(multiply(E4M3, 'lmul', 0x78, 0x00)).toBe(0x00);
  });

  it('zero times anything is signed zero', () => {
    for (const method of METHOD_NAMES) {
      for (const x of [0.5, 3, 1e30, -2.5, 2 ** -140]) {
        const product = fromF32(multiply(FP32, method, f32(0), f32(x)));
        expect(Math.abs(product)).toBe(0);
        expect(Object.is(product, x < 0 ? -0 : 0)).toBe(true);
      }
    }
  });

  it('negative zero times five', () => {
    for (const method of METHOD_NAMES) {
      expect(Object.is(fromF32(multiply(FP32, method, f32(-0), f32(5))), -0)).toBe(true);
      expect(multiply(FP16, method, 0x8000, encode(FP16, 5))).toBe(0x8000);
      expect(multiply(E4M3, method, 0x80, encode(E4M3, 5))).toBe(0x80);
    }
  });

  it('fnuz never gives negative zero', () => {
    for (const method of METHOD_NAMES) {
      expect(multiply(E4M3FNUZ, method, 0x00, encode(E4M3FNUZ, -5))).toBe(0x00);
      expect(multiply(E5M2FNUZ, method, encode(E5M2FNUZ, -(2 ** -16)), encode(E5M2FNUZ, 2 ** -16))).toBe(0x00);
      expect(Object.is(productValue(E4M3FNUZ, method, 0x00, encode(E4M3FNUZ, -5)), 0)).toBe(true);
    }
  });

  it('subnormal operand gives zero under lmul', () => {
    expect(multiply(E4M3, 'lmul', 0x01, 0x7e)).toBe(0x00);
    expect(multiply(E4M3, 'lmul', 0x81, 0x7e)).toBe(0x80);
    expect(multiply(E4M3, 'exact', 0x01, 0x7e)).toBe(encode(E4M3, 2 ** -9 * 448));
  });
});

describe('overflow', () => {
  it('e4m3 saturates to 0x7e, never the NaN code', () => {
    for (const method of METHOD_NAMES) {
      expect(multiply(E4M3, method, 0x7e, 0x7e, { saturate: true })).toBe(0x7e);
      expect(multiply(E4M3, method, 0xfe, 0x7e, { saturate: true })).toBe(0xfe);
      expect(multiply(E4M3, method, 0x7e, 0x7e, { saturate: false })).toBe(0x7f);
    }
  });

  it('e4m3 lmul just above max', () => {
    // 0x77 = 240: the adder gives 183 = 0xB7, beyond 0x7E.
    expect(multiply(E4M3, 'lmul', 0x77, 0x77)).toBe(0x7e);
    expect(multiply(E4M3, 'lmul', 0x77, 0xf7)).toBe(0xfe);
  });

  it('e5m2 overflow policies', () => {
    expect(multiply(E5M2, 'exact', 0x7b, 0x7b, { saturate: true })).toBe(0x7b);
    expect(multiply(E5M2, 'exact', 0x7b, 0x7b, { saturate: false })).toBe(0x7c);
    expect(multiply(E5M2, 'lmul', 0x7c, 0x3c, { saturate: true })).toBe(0x7c);
  });

  it('fp32 lmul 1e30 squared is inf', () => {
    expect(fromF32(multiply(FP32, 'lmul', f32(1e30), f32(1e30)))).toBe(Infinity);
    expect(fromF32(multiply(FP32, 'lmul', f32(-1e30), f32(1e30), { saturate: true }))).toBe(-FP32.maxFinite);
  });

  it('fp32 lmul 1e-30 squared is zero', () => {
    expect(Object.is(fromF32(multiply(FP32, 'lmul', f32(1e-30), f32(1e-30))), 0)).toBe(true);
    expect(Object.is(fromF32(multiply(FP32, 'lmul', f32(-1e-30), f32(1e-30))), -0)).toBe(true);
  });

  it('fp32 lmul MAC form keeps the range', () => {
    const value = productValue(FP32, 'lmul', f32(1e30), f32(1e30));

    expect(value).toBeGreaterThan(9e59);
    expect(value).toBeLessThan(1.1e60);
    expect(productValue(FP32, 'lmul', f32(1e-30), f32(1e-30))).toBeGreaterThan(9e-61);
  });
});

describe('special operands', () => {
  it('nan propagates', () => {
    for (const method of METHOD_NAMES) {
      expect(multiply(FP32, method, 0x7fc00000, f32(2))).toBe(FP32.nanBits);
      expect(multiply(E4M3, method, 0x7f, 0x38)).toBe(0x7f);
      expect(multiply(E4M3FNUZ, method, 0x80, 0x40)).toBe(0x80);
      expect(Number.isNaN(productValue(FP16, method, 0x7e01, 0x3c00))).toBe(true);
    }
  });

  it('inf times zero is nan', () => {
    for (const method of METHOD_NAMES) {
      expect(multiply(FP16, method, 0x7c00, 0x0000)).toBe(FP16.nanBits);
      expect(multiply(E5M2, method, 0x80, 0xfc)).toBe(E5M2.nanBits);
    }
  });

  it('inf times subnormal is inf', () => {
    for (const method of METHOD_NAMES) {
      expect(multiply(FP16, method, 0x7c00, 0x8001)).toBe(0xfc00);
      expect(productValue(FP16, method, 0x7c00, 0x8001)).toBe(-Infinity);
    }
  });
});

describe('adder versus formula', () => {
  it('fp32 1.5 times 1.5', () => {
    expect(fromF32(multiply(FP32, 'lmul', f32(1.5), f32(1.5)))).toBe(2.125);
    expect(fromF32(multiply(FP32, 'lmul-formula', f32(1.5), f32(1.5)))).toBe(2.0625);
    expect(fromF32(multiply(FP32, 'exact', f32(1.5), f32(1.5)))).toBe(2.25);
    expect(fromF32(multiply(FP32, 'mitchell', f32(1.5), f32(1.5)))).toBe(2);
  });

  it('e4m3 lmul one times one', () => {
    expect(multiply(E4M3, 'lmul', 0x38, 0x38)).toBe(0x39);
    expect(decode(E4M3, multiply(E4M3, 'lmul', 0x38, 0x38))).toBe(1.125);
    expect(multiply(E4M3, 'mitchell', 0x38, 0x38)).toBe(0x38);
  });

  it('generic format multiply', () => {
    const e3m4 = parseFormat('e3m4');
    // 1.5 × 1.5 in e3m4 (l(4) = 3): adder 1 + 0.5 + 0.5 + 0.125 carries to 2 · 1.125 = 2.25.
    expect(decode(e3m4, multiply(e3m4, 'lmul', encode(e3m4, 1.5), encode(e3m4, 1.5)))).toBe(2.25);
    expect(decode(e3m4, multiply(e3m4, 'lmul-formula', encode(e3m4, 1.5), encode(e3m4, 1.5)))).toBe(2.125);
  });

  it('offset option', () => {
    expect(decode(E4M3, multiply(E4M3, 'lmul', 0x38, 0x38, { offsetLsbs: 0 }))).toBe(1);
    expect(decode(E4M3, multiply(E4M3, 'lmul', 0x38, 0x38, { offsetLsbs: 2 }))).toBe(1.25);
    expect(decode(E4M3, multiply(E4M3, 'mitchell', 0x38, 0x38, { offsetLsbs: 2 }))).toBe(1);
    expect(() => multiply(E4M3, 'lmul', 0x38, 0x38, { offsetLsbs: -1 })).toThrow(UserError);
    expect(() => multiply(E4M3, 'lmul', 0x38, 0x38, { offsetLsbs: 0.5 })).toThrow(/invalid L-Mul offset 0.5/);
  });
});

describe('lmul constants', () => {
  it('K per format', () => {
    expect(lmulConstant(FP32)).toBe(0x3f780000);
    expect(lmulConstant(BF16)).toBe(0x3f78);
    expect(lmulConstant(FP16)).toBe(0x3bc0);
    expect(lmulConstant(E4M3)).toBe(55);
    expect(lmulConstant(E5M2)).toBe(59);
    expect(lmulConstant(E4M3, 0)).toBe(56);
  });

  it('default offset from l(m)', () => {
    expect([1, 2, 3, 4, 5, 7, 10, 23].map(defaultOffsetLsbs)).toEqual([1, 1, 1, 2, 2, 8, 64, 2 ** 19]);
  });
});

describe('conversion boundaries', () => {
  it('e4m3', () => {
    expect(decode(E4M3, encode(E4M3, 464))).toBe(448);
    expect(decode(E4M3, encode(E4M3, 465, true))).toBe(448);
    expect(Number.isNaN(decode(E4M3, encode(E4M3, 465, false)))).toBe(true);
    expect(decode(E4M3, encode(E4M3, 4.25))).toBe(4);
    expect(decode(E4M3, encode(E4M3, 2 ** -10))).toBe(0);
    expect(decode(E4M3, encode(E4M3, 1.8131605))).toBe(1.875);
  });

  it('e4m3 subnormal rounding', () => {
    expect(encode(E4M3, 0.000538887)).toBe(0x00);
    expect(encode(E4M3, 0.00103349)).toBe(0x01);
    expect(encode(E4M3, 0.00112769)).toBe(0x01);
  });

  it('e5m2', () => {
    expect(decode(E5M2, encode(E5M2, 61439, false))).toBe(57344);
    expect(decode(E5M2, encode(E5M2, 61440, false))).toBe(Infinity);
    expect(decode(E5M2, encode(E5M2, 61440, true))).toBe(57344);
    expect(decode(E5M2, encode(E5M2, 58000))).toBe(57344);
  });

  it('fp16 65520 is inf', () => {
    expect(decode(FP16, encode(FP16, 65520))).toBe(Infinity);
    expect(decode(FP16, encode(FP16, 65519.99))).toBe(65504);
  });
});

describe('decoding', () => {
  it('e4m3 0x7f is nan, not 480', () => {
    expect(Number.isNaN(decode(E4M3, 0x7f))).toBe(true);
    expect(Number.isNaN(decode(E4M3, 0xff))).toBe(true);
    expect(decode(E4M3, 0x7e)).toBe(448);
  });

  it('e5m2 0x7c is inf, not 65536', () => {
    expect(decode(E5M2, 0x7c)).toBe(Infinity);
    expect(decode(E5M2, 0xfc)).toBe(-Infinity);
    expect(decode(E5M2, 0x7b)).toBe(57344);
    expect(E5M2.maxFinite).toBe(57344);
  });

  it('fnuz codes', () => {
    expect(Number.isNaN(decode(E4M3FNUZ, 0x80))).toBe(true);
    expect(decode(E4M3FNUZ, 0x7f)).toBe(240);
    expect(decode(E5M2FNUZ, 0x7f)).toBe(57344);
    expect(decode(E5M2FNUZ, 0xff)).toBe(-57344);
  });
});

describe('parseMethod', () => {
  it('accepts names case-insensitively', () => {
    expect(parseMethod('LMUL')).toBe('lmul');
    expect(parseMethod('lmul-formula')).toBe('lmul-formula');
  });

  it('rejects unknown names with a suggestion', () => {
    expect(() => parseMethod('lmull')).toThrow(UserError);
    expect(() => parseMethod('lmull')).toThrow(/invalid multiplication method 'lmull': expected one of exact, lmul, lmul-formula, mitchell \(did you mean 'lmul'\?\)/);
  });
});

describe('pattern validation', () => {
  it('rejects out-of-range patterns', () => {
    expect(() => multiply(E4M3, 'lmul', 0x100, 0x38)).toThrow(RangeError);
    expect(() => multiply(FP16, 'exact', 0x3c00, -1)).toThrow(/Invalid fp16 bit pattern -1/);
    expect(() => productValue(E5M2, 'exact', 0x38, 1.5)).toThrow(RangeError);
    expect(() => productValue(FP32, 'lmul', 2 ** 32, 0)).toThrow(RangeError);
  });
});
