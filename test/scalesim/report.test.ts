import { describe, expect, it } from 'vitest';
import { formatPythonFloat, pythonSum } from '../../scalesim/index.js';

describe('scalesim python floats', () => {
  it('repr of floats', () => {
    // Expected strings are Python 3's repr() of the same doubles.
    const cases: [number, string][] = [
      [100, '100.0'],
      [0.1, '0.1'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [15.619577859553454, '15.619577859553454'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [123456789012345680, '1.2345678901234568e+17'],
      [2.5e-7, '2.5e-07'],
      [-3.5, '-3.5'],
      [94.53125, '94.53125'],
      [1.5e300, '1.5e+300'],
      [0, '0.0'],
    ];

    for (const [value, expected] of cases) expect(formatPythonFloat(value)).toBe(expected);
  });

  it('compensated sum', () => {
    // Python 3.12: sum([256 / 318] * 32) / 32 * 100 == 80.50314465408806; a naive loop gives …805.
    const values = new Array<number>(32).fill(256 / 318);
    let naive = 0;
    for (const value of values) naive += value;

    expect((pythonSum(values) / 32) * 100).toBe(80.50314465408806);
    expect((naive / 32) * 100).toBe(80.50314465408805);
    expect(pythonSum([1e100, 1, -1e100])).toBe(1);
  });
});
