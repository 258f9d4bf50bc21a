/**
 * Sharing one bandwidth (DRAM or host link) among several cores' transfers. Allocation is max-min fair:
 * every active transfer gets an equal share, and what a transfer cannot use (its engine is slower)
 * goes to the others. Transfers are treated as fluid streams, as in processor-sharing queues.
 */

/**
 * Splits `capacity` among requesters that can each use at most `demands[i]`, max-min fairly
 * (water-filling). The shares sum to min(capacity, sum of demands).
 */
export function fairShares(capacity: number, demands: readonly number[]): number[] {
  if (!(capacity >= 0)) throw new RangeError(`capacity must be non-negative, got ${capacity}`);
  const shares = new Array<number>(demands.length).fill(0);
  const order = demands.map((demand, index) => ({ demand, index })).sort((x, y) => x.demand - y.demand);
  let remaining = capacity;
  for (let position = 0; position < order.length; position++) {
    const equalShare = remaining / (order.length - position);
    const { demand, index } = order[position];
    if (!(demand >= 0)) throw new RangeError(`demand ${index} must be non-negative, got ${demand}`);
    const share = Math.min(demand, equalShare);
    shares[index] = share;
    remaining -= share;
  }
  return shares;
}

export interface SharedTransfer {
  /** Bytes to move after the latency. */
  readonly bytes: number;
  /** Cycle at which the transfer starts streaming (after its latency). */
  readonly startCycle: number;
  /** Fastest rate this transfer can use alone, in bytes per cycle (its DMA engine); default unlimited. */
  readonly maxBytesPerCycle?: number;
}

/**
 * Returns the cycle at which each transfer finishes when all of them share `bandwidthBytesPerCycle`
 * max-min fairly while active. Finish cycles are rounded up to whole cycles; a transfer of 0 bytes
 * finishes at its start.
 */
export function sharedTransferFinishCycles(bandwidthBytesPerCycle: number, transfers: readonly SharedTransfer[]): number[] {
  if (!(bandwidthBytesPerCycle > 0)) throw new RangeError(`bandwidthBytesPerCycle must be positive, got ${bandwidthBytesPerCycle}`);
  transfers.forEach((transfer, index) => {
    if (!(transfer.bytes >= 0 && Number.isFinite(transfer.bytes))) throw new RangeError(`transfer ${index}: bytes must be a finite non-negative number, got ${transfer.bytes}`);
    if (!(transfer.startCycle >= 0 && Number.isFinite(transfer.startCycle))) throw new RangeError(`transfer ${index}: startCycle must be a finite non-negative number, got ${transfer.startCycle}`);
    if (transfer.maxBytesPerCycle !== undefined && !(transfer.maxBytesPerCycle > 0)) {
      throw new RangeError(`transfer ${index}: maxBytesPerCycle must be positive, got ${transfer.maxBytesPerCycle}`);
    }
  });
  const remaining = transfers.map((transfer) => transfer.bytes);
  const finish = transfers.map((transfer) => (transfer.bytes === 0 ? transfer.startCycle : Infinity));
  let time = transfers.length > 0 ? Math.min(...transfers.map((transfer) => transfer.startCycle)) : 0;

  for (;;) {
    const active = transfers.map((transfer, index) => index).filter((index) => transfers[index].startCycle <= time && remaining[index] > 0);
    const pendingStarts = transfers.filter((transfer, index) => transfer.startCycle > time && remaining[index] > 0).map((transfer) => transfer.startCycle);
    if (active.length === 0) {
      if (pendingStarts.length === 0) break;
      time = Math.min(...pendingStarts);
      continue;
    }

    const rates = fairShares(
      bandwidthBytesPerCycle,
      active.map((index) => transfers[index].maxBytesPerCycle ?? Infinity),
    );
    // Advance to the next event: a transfer finishing or a new one starting.
    let step = Math.min(...active.map((index, position) => remaining[index] / rates[position]));
    if (pendingStarts.length > 0) step = Math.min(step, Math.min(...pendingStarts) - time);
    time += step;
    active.forEach((index, position) => {
      remaining[index] -= rates[position] * step;
      // Floating-point residue below a millionth of a byte counts as done.
      if (remaining[index] <= 1e-6) {
        remaining[index] = 0;
        finish[index] = time;
      }
    });
  }
  return finish.map((cycle) => Math.max(0, Math.ceil(cycle - 1e-9)));
}
