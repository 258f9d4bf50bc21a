/**
 * Fast conversions from fp32 values to narrow formats. Converting a double to a narrow format is the
 * most expensive step of a run with values on, and a run converts millions of elements.
 *
 * Round-to-nearest-even into a format with m mantissa bits depends only on a few bits of an fp32
 * input: the sign, the exponent, the top m + 1 mantissa bits (the kept bits and the round bit) and
 * whether any lower bit is set (the sticky bit). This holds for subnormal results too, whose round bit lies
 * higher, because the key keeps every bit above the sticky ones exactly. So for targets with up to 7
 * mantissa bits a table indexed by that key, filled on first use with the numerics core's own result
 * for the value that produced the key, gives identical results. Inputs that are not fp32 values go
 * straight to the numerics core.
 */

/** Largest target mantissa width the table serves: 7 bits gives a key of 1 + 8 + 8 + 1 = 18 bits. */
const MAX_TABLE_MANTISSA_BITS = 7;

/** A conversion of fp32 values with a lazily filled table in front of it. */
export class ConversionCache {
  private readonly results: Float64Array | undefined;
  private readonly filled: Uint8Array | undefined;
  /** Low mantissa bits folded into the sticky bit. */
  private readonly stickyBits: number;
  private readonly stickyMask: number;
  private readonly scratch = new Float32Array(1);
  private readonly scratchBits = new Uint32Array(this.scratch.buffer);

  constructor(
    private readonly convert: (value: number) => number,
    targetMantissaBits: number,
  ) {
    this.stickyBits = 23 - (targetMantissaBits + 1);
    this.stickyMask = (1 << this.stickyBits) - 1;
    if (targetMantissaBits <= MAX_TABLE_MANTISSA_BITS) {
      const size = 1 << (32 - this.stickyBits + 1);
      this.results = new Float64Array(size);
      this.filled = new Uint8Array(size);
    }
  }

  /** Returns convert(value), from the table when an fp32 value with the same rounding key was converted before. */
  get(value: number): number {
    const results = this.results;
    const filled = this.filled;
    if (!results || !filled) return this.convert(value);
    this.scratch[0] = value;
    if (this.scratch[0] !== value && value === value) return this.convert(value);

    const bits = this.scratchBits[0];
    const key = ((bits >>> this.stickyBits) << 1) | ((bits & this.stickyMask) !== 0 ? 1 : 0);
    if (filled[key] === 1) return results[key];
    const result = this.convert(value);
    results[key] = result;
    filled[key] = 1;
    return result;
  }
}

/** Conversion tables of one run, shared by every instruction with the same conversion. */
export class ConversionCaches {
  private readonly caches = new Map<string, ConversionCache>();

  /** Returns the table for `key`, creating it with `convert` and the target's mantissa width on first use. */
  get(key: string, targetMantissaBits: number, convert: (value: number) => number): ConversionCache {
    let cache = this.caches.get(key);
    if (!cache) {
      cache = new ConversionCache(convert, targetMantissaBits);
      this.caches.set(key, cache);
    }
    return cache;
  }
}
