import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The exhaustive 8-bit numerics tests and the RTL simulations take tens of seconds each.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
