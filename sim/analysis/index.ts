/** Error analysis of the multiplication methods: input distributions, statistics and the L-Mul comparisons. */
export * from './mantissaComparison.js';
export * from './offsetSearch.js';
export * from './productError.js';
export * from './random.js';
export * from './statistics.js';
