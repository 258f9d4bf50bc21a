import { describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors.js';
import { NAMED_FORMATS, parseFormat, tryParseFormat, type FloatFormat } from '../../sim/numerics/index.js';

interface FormatRow {
  readonly name: string;
  readonly expBits: number;
  readonly manBits: number;
  readonly bias: number;
  readonly maxFinite: number;
  readonly maxFiniteBits: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  readonly nanBits: number;
  readonly hasInf: boolean;
  readonly hasNegativeZero: boolean;
  readonly saturateByDefault: boolean;
}

// Values from IEEE 754 (binary32, binary16), the OCP 8-bit Floating Point Specification (OFP8) 1.0 and,
// for the FNUZ formats, the StableHLO RFC on Float8E4M3FNUZ and Float8E5M2FNUZ.
const TABLE: readonly FormatRow[] = [
  { name: 'fp32', expBits: 8, manBits: 23, bias: 127, maxFinite: 3.4028234663852886e38, maxFiniteBits: 0x7f7fffff, minNormal: 2 ** -126, minSubnormal: 2 ** -149, nanBits: 0x7fc00000, hasInf: true, hasNegativeZero: true, saturateByDefault: false },
  { name: 'fp16', expBits: 5, manBits: 10, bias: 15, maxFinite: 65504, maxFiniteBits: 0x7bff, minNormal: 2 ** -14, minSubnormal: 2 ** -24, nanBits: 0x7e00, hasInf: true, hasNegativeZero: true, saturateByDefault: false },
  { name: 'bf16', expBits: 8, manBits: 7, bias: 127, maxFinite: 3.3895313892515355e38, maxFiniteBits: 0x7f7f, minNormal: 2 ** -126, minSubnormal: 2 ** -133, nanBits: 0x7fc0, hasInf: true, hasNegativeZero: true, saturateByDefault: false },
  { name: 'e4m3', expBits: 4, manBits: 3, bias: 7, maxFinite: 448, maxFiniteBits: 0x7e, minNormal: 2 ** -6, minSubnormal: 2 ** -9, nanBits: 0x7f, hasInf: false, hasNegativeZero: true, saturateByDefault: true },
  { name: 'e5m2', expBits: 5, manBits: 2, bias: 15, maxFinite: 57344, maxFiniteBits: 0x7b, minNormal: 2 ** -14, minSubnormal: 2 ** -16, nanBits: 0x7e, hasInf: true, hasNegativeZero: true, saturateByDefault: true },
  { name: 'e4m3fnuz', expBits: 4, manBits: 3, bias: 8, maxFinite: 240, maxFiniteBits: 0x7f, minNormal: 2 ** -7, minSubnormal: 2 ** -10, nanBits: 0x80, hasInf: false, hasNegativeZero: false, saturateByDefault: true },
  { name: 'e5m2fnuz', expBits: 5, manBits: 2, bias: 16, maxFinite: 57344, maxFiniteBits: 0x7f, minNormal: 2 ** -15, minSubnormal: 2 ** -17, nanBits: 0x80, hasInf: false, hasNegativeZero: false, saturateByDefault: true },
];

describe('format table', () => {
  for (const row of TABLE) {
    it(`${row.name} parameters`, () => {
      const format: FloatFormat = parseFormat(row.name);

      expect(format.name).toBe(row.name);
      expect(format.expBits).toBe(row.expBits);
      expect(format.manBits).toBe(row.manBits);
      expect(format.bias).toBe(row.bias);
      expect(format.widthBits).toBe(1 + row.expBits + row.manBits);
      expect(format.maxFinite).toBe(row.maxFinite);
      expect(format.maxFiniteBits).toBe(row.maxFiniteBits);
      expect(format.minNormal).toBe(row.minNormal);
      expect(format.minSubnormal).toBe(row.minSubnormal);
      expect(format.nanBits).toBe(row.nanBits);
      expect(format.hasInf).toBe(row.hasInf);
      expect(format.hasNegativeZero).toBe(row.hasNegativeZero);
      expect(format.saturateByDefault).toBe(row.saturateByDefault);
      expect(format.signMask).toBe(2 ** (row.expBits + row.manBits));
    });
  }

  it('named list matches table', () => {
    expect([...NAMED_FORMATS]).toEqual(TABLE.map((row) => row.name));
  });
});

describe('parseFormat', () => {
  it('case-insensitive names', () => {
    expect(parseFormat('FP16').name).toBe('fp16');
    expect(parseFormat('E4M3FNUZ').name).toBe('e4m3fnuz');
  });

  it('aliases', () => {
    expect(parseFormat('float32').name).toBe('fp32');
    expect(parseFormat('bfloat16').name).toBe('bf16');
    expect(parseFormat('e4m3fn').name).toBe('e4m3');
    expect(parseFormat('float8_e5m2fnuz').name).toBe('e5m2fnuz');
  });

  it('generic eXmY', () => {
    const e3m4 = parseFormat('e3m4');

    expect(e3m4.name).toBe('e3m4');
    expect(e3m4.bias).toBe(3);
    expect(e3m4.nanStyle).toBe('ieee');
    expect(e3m4.saturateByDefault).toBe(false);
    expect(e3m4.maxFinite).toBe(15.5);
    expect(parseFormat('e6m9').bias).toBe(31);
    expect(parseFormat('E3M4')).toBe(e3m4);
  });

  it('generic spellings of named formats', () => {
    expect(parseFormat('e8m23').name).toBe('fp32');
    expect(parseFormat('e5m10').name).toBe('fp16');
    expect(parseFormat('e8m7').name).toBe('bf16');
    expect(parseFormat('e4m3').nanStyle).toBe('fn');
  });

  it('generic range limits', () => {
    expect(tryParseFormat('e1m1')?.bias).toBe(0);
    expect(tryParseFormat('e8m22')?.widthBits).toBe(31);
    expect(tryParseFormat('e0m3')).toBeUndefined();
    expect(tryParseFormat('e9m3')).toBeUndefined();
    expect(tryParseFormat('e4m0')).toBeUndefined();
    expect(tryParseFormat('e4m24')).toBeUndefined();
  });

  it('unknown name suggests closest', () => {
    expect(() => parseFormat('fp31')).toThrow(UserError);
    expect(() => parseFormat('fp31')).toThrow(/invalid number format 'fp31'.*\(did you mean 'fp32'\?\)/s);
    expect(() => parseFormat('bf61')).toThrow(/fp32, fp16, bf16, e4m3, e5m2, e4m3fnuz, e5m2fnuz/);
  });

  it('out-of-range eXmY names the limits', () => {
    expect(() => parseFormat('e9m3')).toThrow(/1 <= X <= 8/);
    expect(() => parseFormat('e4m24')).toThrow(/1 <= Y <= 23/);
  });
});
