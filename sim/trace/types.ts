/**
 * The interface between the executor and the trace file formats. Each unit of each core is one track.
 * The executor reports every busy and stall interval of a track in increasing time order, tracks
 * interleaving arbitrarily, and the writer streams them to disk.
 */

/** Reasons a unit waits instead of working. */
export const STALL_CAUSES = ['dependency', 'dma', 'bank-conflict', 'barrier', 'bandwidth'] as const;
export type StallCause = (typeof STALL_CAUSES)[number];

/** Extra fields shown with a busy interval: source location, operand shapes, byte counts. */
export type TraceArgs = Readonly<Record<string, string | number>>;

/** Receives the busy and stall intervals of every track, in cycles, as the run proceeds. */
export interface TraceWriter {
  /** Declares a track before any interval is reported; returns its id. */
  addTrack(core: number, unit: string): number;
  /** Reports that `track` worked on `name` during [startCycle, endCycle). */
  busy(track: number, startCycle: number, endCycle: number, name: string, args?: TraceArgs): void;
  /** Reports that `track` waited for `cause` during [startCycle, endCycle). */
  stall(track: number, startCycle: number, endCycle: number, cause: StallCause): void;
  /** Completes the file and renames it into place. */
  finish(totalCycles: number): void;
  /** Deletes every temporary file; the target path is left untouched. */
  abort(): void;
}
