/** Test helpers: a seeded random generator, operand generators that favour boundaries, mismatch lists. */
import type { FloatFormat } from '../../sim/numerics/index.js';

/** Mulberry32: a small seeded generator, so failures reproduce. Returns numbers in [0, 1). */
export function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function randomInt(random: () => number, below: number): number {
  return Math.floor(random() * below);
}

/**
 * Returns a random bit pattern that lands on boundaries often. The exponent field is 0, 1, 2, near the
 * bias, half the bias, one of the top two, or uniform. The mantissa field is 0, 1, all ones,
 * all ones − 1, the half, or uniform.
 */
export function boundaryPattern(format: FloatFormat, random: () => number): number {
  const expTop = 2 ** format.expBits - 1;
  const manTop = 2 ** format.manBits - 1;
  const expChoices = [0, 1, 2, format.bias, format.bias - 1, format.bias + 1, Math.floor(format.bias / 2), expTop - 1, expTop];
  const manChoices = [0, 1, manTop, manTop - 1, 2 ** (format.manBits - 1)];

  const exp = random() < 0.5 ? expChoices[randomInt(random, expChoices.length)] : randomInt(random, expTop + 1);
  const man = random() < 0.4 ? manChoices[randomInt(random, manChoices.length)] : randomInt(random, manTop + 1);
  const sign = random() < 0.5 ? format.signMask : 0;
  return sign + Math.max(0, Math.min(expTop, exp)) * 2 ** format.manBits + Math.max(0, man);
}

/** Returns a uniformly random pattern of the format. */
export function uniformPattern(format: FloatFormat, random: () => number): number {
  return randomInt(random, 2 ** format.widthBits);
}

/** Collects mismatches and keeps the first few for the failure message. */
export class Mismatches {
  count = 0;
  readonly first: string[] = [];

  add(description: string): void {
    this.count++;
    if (this.first.length < 8) this.first.push(description);
  }
}

/** Returns whether two doubles are the same value, with every NaN equal and +0 and −0 different. */
export function sameValue(x: number, y: number): boolean {
  return Object.is(x, y);
}

export function hex(bits: number): string {
  return `0x${bits.toString(16)}`;
}

/** Prints a double for a failure message, keeping the sign of zero visible. */
export function show(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}
