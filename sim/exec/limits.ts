/**
 * Run-time limits of the executor. Each guards against a program that would otherwise run for hours
 * or exhaust memory; each has a command-line option to raise it.
 */

export interface RunLimits {
  /** Largest simulated cycle count; a run that passes it stops with an error. */
  readonly maxCycles: number;
  /** Largest number of instructions dispatched per core, control instructions included. */
  readonly maxInstructions: number;
  /** Largest trip count of one loop, checked when the loop is entered. */
  readonly maxLoopCount: number;
  /** Entries of each instruction queue; the dispatcher waits when a queue is full. */
  readonly queueDepth: number;
  /** Largest number of unconsumed dependency tokens in one queue-to-queue channel. */
  readonly maxPendingTokens: number;
  /** Largest number of counter windows kept with --window. */
  readonly maxWindows: number;
}

/**
 * Defaults. 1e11 cycles is 100 s of simulated time at 1 GHz. 1e8 instructions take about half a
 * minute with values off, at the 3 million instructions per CPU second that bench/simulator.ts
 * measures. The queue depth of 512 entries is an assumption. A program that needs deeper queues gets
 * a deadlock error naming the full queue, as the hardware would stall for good.
 */
export const DEFAULT_LIMITS: RunLimits = {
  maxCycles: 1e11,
  maxInstructions: 1e8,
  maxLoopCount: 2 ** 31 - 1,
  queueDepth: 512,
  maxPendingTokens: 1 << 20,
  maxWindows: 1_000_000,
};
