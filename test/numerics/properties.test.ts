/** Property tests: round trips and invariants over every named format and random eXmY formats. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  METHOD_NAMES,
  NAMED_FORMATS,
  classify,
  decode,
  encode,
  multiply,
  parseFormat,
  productValue,
  roundToFormat,
  type FloatFormat,
} from '../../sim/numerics/index.js';
import { refEncode } from './reference.js';

const namedFormat = fc.constantFrom(...NAMED_FORMATS).map(parseFormat);
const genericFormat = fc.record({ expBits: fc.integer({ min: 1, max: 8 }), manBits: fc.integer({ min: 1, max: 23 }) }).map(({ expBits, manBits }) => parseFormat(`e${expBits}m${manBits}`));
const anyFormat = fc.oneof(namedFormat, genericFormat);

/** A format together with one of its bit patterns. */
const formatAndBits = anyFormat.chain((format) => fc.tuple(fc.constant(format), fc.integer({ min: 0, max: 2 ** format.widthBits - 1 })));

function isNanPattern(format: FloatFormat, bits: number): boolean {
  return classify(format, bits) === 'nan';
}

describe('round trip', () => {
  it('encode(decode(bits)) is bits', () => {
    fc.assert(
      fc.property(formatAndBits, ([format, bits]) => {
        const value = decode(format, bits);
        if (isNanPattern(format, bits)) {
          expect(Number.isNaN(value)).toBe(true);
          expect(encode(format, value)).toBe(format.nanBits);
          return;
        }
        expect(encode(format, value, false)).toBe(bits);
        expect(encode(format, value, true)).toBe(bits);
      }),
      { numRuns: 20_000 },
    );
  });

  it('roundToFormat is idempotent', () => {
    fc.assert(
      fc.property(anyFormat, fc.double({ noNaN: true }), (format, value) => {
        const once = roundToFormat(format, value, false);
        expect(Object.is(roundToFormat(format, once, false), once)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('encode matches reference', () => {
    fc.assert(
      fc.property(anyFormat, fc.double(), fc.boolean(), (format, value, saturate) => {
        expect(encode(format, value, saturate)).toBe(refEncode(format, value, saturate));
      }),
      { numRuns: 20_000 },
    );
  });

  it('encode is monotonic', () => {
    fc.assert(
      fc.property(anyFormat, fc.double({ noNaN: true }), fc.double({ noNaN: true }), (format, x, y) => {
        const [low, high] = x <= y ? [x, y] : [y, x];
        expect(roundToFormat(format, low, true)).toBeLessThanOrEqual(roundToFormat(format, high, true));
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('multiply invariants', () => {
  it('commutative for every method', () => {
    fc.assert(
      fc.property(
        anyFormat.chain((format) => fc.tuple(fc.constant(format), fc.nat(2 ** format.widthBits - 1), fc.nat(2 ** format.widthBits - 1))),
        fc.constantFrom(...METHOD_NAMES),
        ([format, a, b], method) => {
          expect(multiply(format, method, a, b)).toBe(multiply(format, method, b, a));
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('sign is the XOR of operand signs', () => {
    fc.assert(
      fc.property(
        anyFormat.chain((format) => fc.tuple(fc.constant(format), fc.nat(2 ** format.widthBits - 1), fc.nat(2 ** format.widthBits - 1))),
        fc.constantFrom(...METHOD_NAMES),
        ([format, a, b], method) => {
          const product = productValue(format, method, a, b);
          if (Number.isNaN(product) || (product === 0 && !format.hasNegativeZero)) return;
          const negative = a >= format.signMask !== b >= format.signMask;
          expect(product < 0 || Object.is(product, -0)).toBe(negative);
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
