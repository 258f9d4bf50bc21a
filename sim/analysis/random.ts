/**
 * Seeded input distributions for the error analysis. Every draw comes from pure-rand's
 * xoroshiro128+ generator, so a seed reproduces the same inputs on every platform.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** Names of the sampled input distributions, in report order. */
export const DISTRIBUTION_NAMES = ['uniform', 'normal', 'lognormal'] as const;
export type DistributionName = (typeof DISTRIBUTION_NAMES)[number];

/** One-line definitions of the distributions, used in reports and help text. */
export const DISTRIBUTION_DEFINITIONS: Readonly<Record<DistributionName, string>> = {
  uniform: 'U(-1, 1)',
  normal: 'N(0, 1)',
  lognormal: 'exp(N(0, 1)), positive',
};

/** A stream of real numbers drawn from one distribution. */
export type RealSampler = () => number;

/**
 * Creates a sampler for `distribution` seeded with `seed` (an integer; only its low 32 bits are
 * used by the generator).
 */
export function makeSampler(distribution: DistributionName, seed: number): RealSampler {
  const rng = xoroshiro128plus(seed | 0);
  switch (distribution) {
    case 'uniform':
      return () => 2 * uniformFloat64(rng) - 1;
    case 'normal':
      return makeNormalSampler(rng);
    case 'lognormal': {
      const normal = makeNormalSampler(rng);
      return () => Math.exp(normal());
    }
  }
}

/** Standard normal deviates by the Box-Muller transform; each pair of uniforms gives two deviates. */
function makeNormalSampler(rng: RandomGenerator): RealSampler {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }

    // 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng)));
    const angle = 2 * Math.PI * uniformFloat64(rng);
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}
