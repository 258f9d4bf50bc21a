/**
 * The deterministic generator behind seeded tensor initialisers. Each tensor has its own stream, so
 * adding a tensor never changes another tensor's data.
 *
 * Generator: SplitMix32, a Weyl sequence (step 0x9e3779b9) passed through MurmurHash3's 32-bit
 * finaliser. A uniform double in [0, 1) takes two outputs (27 + 26 = 53 bits). A normal sample uses
 * the Box-Muller transform on two uniforms and keeps only the cosine branch, so every sample costs
 * exactly four 32-bit outputs. `Math.log`, `Math.cos` and `Math.sqrt` are V8's, so results are
 * reproducible for a given Node.js major version.
 */

/** A seeded stream of uniform and normal doubles. */
export class SplitMix32 {
  private state: number;

  constructor(seed: number) {
    // Seeds wider than 32 bits are folded so that every integer seed gives a distinct stream in practice.
    this.state = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
  }

  /** Returns the next 32-bit unsigned output. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Returns a uniform double in [0, 1) with 53 random bits. */
  nextUnit(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Returns a uniform double in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.nextUnit();
  }

  /** Returns a normal sample with the given mean and standard deviation (Box-Muller, cosine branch). */
  normal(mean: number, std: number): number {
    const u1 = 1 - this.nextUnit();
    const u2 = this.nextUnit();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
