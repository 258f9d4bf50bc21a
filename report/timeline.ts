/**
 * Per-unit busy intervals of a run, collected through the executor's TraceWriter interface and
 * merged down to a bounded count so that a chart of them stays small.
 */
import type { StallCause, TraceArgs, TraceWriter } from '../sim/trace/index.js';
import type { MethodName } from '../sim/numerics/index.js';
import type { BusyInterval, Timeline } from './model.js';

/** Upper bound on the intervals a timeline keeps over all units. */
export const MAX_TIMELINE_INTERVALS = 2000;

/** A TraceWriter that keeps busy intervals in memory and ignores stalls. */
export class BusyCollector implements TraceWriter {
  private readonly tracks: { unit: string; intervals: BusyInterval[] }[] = [];
  private recorded = 0;

  addTrack(core: number, unit: string): number {
    this.tracks.push({ unit: `core${core}.${unit}`, intervals: [] });
    return this.tracks.length - 1;
  }

  busy(track: number, startCycle: number, endCycle: number, name: string, _args?: TraceArgs): void {
    if (endCycle <= startCycle) return;
    this.tracks[track].intervals.push({ startCycle, endCycle, name });
    this.recorded += 1;
  }

  stall(_track: number, _startCycle: number, _endCycle: number, _cause: StallCause): void {}

  finish(_totalCycles: number): void {}

  abort(): void {}

  /** Builds the timeline, merging intervals so that at most `maxIntervals` remain over all units. */
  timeline(method: MethodName, totalCycles: number, maxIntervals: number = MAX_TIMELINE_INTERVALS): Timeline {
    const busyUnits = this.tracks.filter((track) => track.intervals.length > 0);
    if (this.recorded <= maxIntervals || busyUnits.length === 0) {
      return { method, totalCycles, recordedIntervals: this.recorded, mergeGapCycles: 0, units: this.tracks.map((track) => ({ unit: track.unit, intervals: sortedByStart(track.intervals) })) };
    }

    // After merging every gap shorter than g, each unit keeps at most totalCycles / g + 1 intervals,
    // so g = totalCycles / (budget per unit − 1) bounds the total by the budget.
    const perUnit = Math.max(2, Math.floor(maxIntervals / busyUnits.length));
    const mergeGapCycles = Math.max(1, Math.ceil(totalCycles / (perUnit - 1)));
    return {
      method,
      totalCycles,
      recordedIntervals: this.recorded,
      mergeGapCycles,
      units: this.tracks.map((track) => ({ unit: track.unit, intervals: mergeIntervals(sortedByStart(track.intervals), mergeGapCycles) })),
    };
  }
}

function sortedByStart(intervals: readonly BusyInterval[]): BusyInterval[] {
  return [...intervals].sort((a, b) => a.startCycle - b.startCycle);
}

/**
 * Merges neighbouring intervals separated by less than `gapCycles`. A merged interval keeps its name
 * when all its parts share it and is called `several` otherwise.
 */
export function mergeIntervals(intervals: readonly BusyInterval[], gapCycles: number): BusyInterval[] {
  const merged: BusyInterval[] = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last && interval.startCycle - last.endCycle < gapCycles) {
      merged[merged.length - 1] = {
        startCycle: last.startCycle,
        endCycle: Math.max(last.endCycle, interval.endCycle),
        name: last.name === interval.name ? last.name : 'several',
      };
    } else {
      merged.push(interval);
    }
  }
  return merged;
}
