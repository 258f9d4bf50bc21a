/**
 * Vector-unit timing. The unit is pipelined per operation kind: `lanes` elements enter every
 * initiation interval, and the last group's result appears `latencyCycles` later.
 */
import type { VectorOp, VectorUnitConfig } from '../arch/types.js';

export interface VectorOpTimingResult {
  readonly cycles: number;
  /** Lane groups issued: ceil(elements / lanes). */
  readonly groups: number;
  /** elements / (groups × lanes), from 0 to 1; 0 for no elements. */
  readonly laneUtilization: number;
}

/**
 * Computes the cycles of one vector operation on `elements` elements:
 * `cycles = latencyCycles + ceil(elements / lanes) × initiationIntervalCycles`, or 0 for no elements.
 * Reductions use the same formula; their latency includes the adder or comparator tree.
 */
export function vectorOpTiming(vector: VectorUnitConfig, op: VectorOp, elements: number): VectorOpTimingResult {
  if (!Number.isSafeInteger(elements) || elements < 0) throw new RangeError(`elements must be a non-negative integer, got ${elements}`);
  const timing = vector.ops[op];
  if (!timing) throw new RangeError(`no timing for vector operation '${op}'`);
  if (elements === 0) return { cycles: 0, groups: 0, laneUtilization: 0 };
  const groups = Math.ceil(elements / vector.lanes);
  return {
    cycles: timing.latencyCycles + groups * timing.initiationIntervalCycles,
    groups,
    laneUtilization: elements / (groups * vector.lanes),
  };
}
