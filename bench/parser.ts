import type { BenchSuite } from './run.js';

export const suite: BenchSuite = {
  name: 'parser',
  async run() {
    return '';
  },
};
