import { describe, expect, it } from 'vitest';
import { VECTOR_OPS, type VectorOpTiming, type VectorUnitConfig } from '../../sim/arch/types.js';
import { vectorOpTiming } from '../../sim/vector/index.js';

const ops = Object.fromEntries(VECTOR_OPS.map((op) => [op, { latencyCycles: 2, initiationIntervalCycles: 1 }])) as Record<(typeof VECTOR_OPS)[number], VectorOpTiming>;
const vector: VectorUnitConfig = { lanes: 16, ops: { ...ops, exp: { latencyCycles: 9, initiationIntervalCycles: 3 } } };

describe('vector timing', () => {
  it('pipelined add', () => {
    // ceil(100 / 16) = 7 groups, one per cycle, plus 2 cycles of latency.
    expect(vectorOpTiming(vector, 'add', 100)).toEqual({ cycles: 9, groups: 7, laneUtilization: 100 / 112 });
  });

  it('slow exp', () => {
    expect(vectorOpTiming(vector, 'exp', 100).cycles).toBe(9 + 7 * 3);
  });

  it('full group', () => {
    expect(vectorOpTiming(vector, 'reduce-sum', 16)).toEqual({ cycles: 3, groups: 1, laneUtilization: 1 });
  });

  it('no elements', () => {
    expect(vectorOpTiming(vector, 'mul', 0).cycles).toBe(0);
  });

  it('rejects bad counts', () => {
    expect(() => vectorOpTiming(vector, 'add', -1)).toThrow(RangeError);
    expect(() => vectorOpTiming(vector, 'add', 2.5)).toThrow(RangeError);
  });
});
