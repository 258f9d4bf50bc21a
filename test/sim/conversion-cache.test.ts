import { describe, expect, it } from 'vitest';
import { ConversionCache } from '../../sim/exec/conversion-cache.js';
import { decode, encode, parseFormat, roundToFormat } from '../../sim/numerics/index.js';

/** fp32 values around every value of an 8- or 16-bit format: the value, its neighbours and the midpoints. */
function boundaryInputs(formatName: string): number[] {
  const format = parseFormat(formatName);
  const values: number[] = [];
  const patterns = 2 ** format.widthBits;
  const step = patterns > 4096 ? 97 : 1;
  for (let bits = 0; bits < patterns; bits += step) {
    const value = decode(format, bits);
    const next = decode(format, bits + 1 < patterns ? bits + 1 : bits);
    values.push(value, Math.fround((value + next) / 2), Math.fround(value * (1 + 2 ** -20)), Math.fround(value * (1 - 2 ** -20)));
  }
  values.push(0, -0, Infinity, -Infinity, NaN, 3.4e38, -3.4e38, 1e-45, -1e-45, format.maxFinite * 1.0625, format.minSubnormal / 2, -format.minSubnormal / 2);
  return values.filter((value) => Number.isNaN(value) || Math.fround(value) === value || !Number.isFinite(value));
}

/** Deterministic pseudo-random fp32 bit patterns, all exponents. */
function randomFp32(count: number): number[] {
  const words = new Uint32Array(1);
  const floats = new Float32Array(words.buffer);
  const out: number[] = [];
  let state = 12345;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    words[0] = state;
    out.push(floats[0]);
  }
  return out;
}

describe('conversion cache', () => {
  for (const formatName of ['e4m3', 'e5m2', 'e4m3fnuz', 'bf16', 'e3m4']) {
    it(`matches the numerics core for ${formatName}`, () => {
      const format = parseFormat(formatName);
      const inputs = [...boundaryInputs(formatName), ...randomFp32(50_000), 1e300, -1e-300];
      for (const saturate of [true, false]) {
        const round = new ConversionCache((value) => roundToFormat(format, value, saturate), format.manBits);
        const toBits = new ConversionCache((value) => encode(format, value, saturate), format.manBits);

        // Two passes: the first fills the table, the second reads it.
        const mismatches: string[] = [];
        for (let pass = 0; pass < 2; pass++) {
          for (const value of inputs) {
            if (!Object.is(round.get(value), roundToFormat(format, value, saturate))) mismatches.push(`round ${value} saturate=${saturate}`);
            if (toBits.get(value) !== encode(format, value, saturate)) mismatches.push(`encode ${value} saturate=${saturate}`);
          }
        }
        expect(mismatches.slice(0, 5)).toEqual([]);
      }
    });
  }
});
