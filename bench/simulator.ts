import type { BenchSuite } from './run.js';

export const suite: BenchSuite = {
  name: 'simulator',
  async run() {
    return '';
  },
};
