import type { BenchSuite } from './run.js';

export const suite: BenchSuite = {
  name: 'numerics',
  async run() {
    return '';
  },
};
