/**
 * SCALE-Sim v2's double-buffered scratchpads: the read buffers of the IFMAP and filter operands
 * (scalesim/memory/read_buffer.py) and the OFMAP write buffer (write_buffer.py). Each class keeps
 * only the state that decides cycle counts and leaves out the address traces SCALE-Sim writes.
 *
 * Both split their capacity in half: an active half that serves the array and a second half that
 * is filled from, or drained to, DRAM at the interface bandwidth in words per cycle.
 */
import { NO_REQUEST } from './demand.js';

/** Splits a buffer of `total` words into SCALE-Sim's active half (rounded up) and second half. */
function halves(total: number): { total: number; active: number; second: number } {
  const active = Math.ceil(total * 0.5);
  return { total, active, second: total - active };
}

/** A read buffer that never stalls: SCALE-Sim's CALC mode serves every read after the hit latency. */
export class UnlimitedReadBuffer {
  serviceRow(cycle: number): number {
    return cycle + 1;
  }
}

/**
 * The read buffer of SCALE-Sim's USER mode. The prefetch order is cut into lines of `bandwidth`
 * requests (−1 entries skipped). The active window contains ⌈active / bandwidth⌉ lines. A read that
 * misses the window slides it forward by one prefetch of ⌈second / bandwidth⌉ lines, which
 * completes that many cycles plus one DRAM latency after the previous prefetch.
 */
export class UserReadBuffer {
  private readonly lineCount: number;
  private readonly activeLines: number;
  private readonly prefetchLines: number;
  private readonly requestsPerPrefetch: number;
  /**
   * Lines that contain each address, in increasing order: those of address a are
   * lineIds[firstLine[a]] up to lineIds[endLine[a] − 1]. Addresses are small non-negative integers
   * (offsets into one operand), so arrays indexed by address replace a hash map.
   */
  private readonly firstLine: Int32Array;
  private readonly endLine: Int32Array;
  private readonly lineIds: Int32Array;
  private started = false;
  private lastPrefetchCycle = 0;
  private windowStart = 0;
  private windowEnd = 0;

  /** `visitOrder` calls its argument with every entry of the operand's prefetch order. */
  constructor(words: number, bandwidth: number, visitOrder: (visit: (address: number) => void) => void) {
    const { active, second } = halves(words);

    let maxAddress = -1;
    visitOrder((address) => {
      if (address > maxAddress) maxAddress = address;
    });
    const occurrences = new Int32Array(maxAddress + 2);
    let valid = 0;
    visitOrder((address) => {
      if (address === NO_REQUEST) return;
      occurrences[address + 1]++;
      valid++;
    });
    for (let address = 1; address < occurrences.length; address++) occurrences[address] += occurrences[address - 1];
    this.firstLine = occurrences.subarray(0, maxAddress + 1);
    this.endLine = Int32Array.from(this.firstLine);
    this.lineIds = new Int32Array(valid);
    let position = 0;
    visitOrder((address) => {
      if (address === NO_REQUEST) return;
      const line = Math.floor(position / bandwidth);
      position++;
      const end = this.endLine[address];
      if (end > this.firstLine[address] && this.lineIds[end - 1] === line) return;
      this.lineIds[end] = line;
      this.endLine[address] = end + 1;
    });

    // SCALE-Sim closes a line after every `bandwidth` requests and always keeps the line after
    // the last one closed, even when it is empty.
    this.lineCount = Math.floor(valid / bandwidth) + 1;
    this.activeLines = Math.min(Math.ceil(active / bandwidth), this.lineCount);
    this.prefetchLines = Math.min(Math.ceil(second / bandwidth), this.lineCount - this.activeLines);
    this.requestsPerPrefetch = Math.ceil(second / bandwidth);
  }

  /**
   * Tells whether a line of the active window contains `address`. The window is [start, end) of the
   * lines, or wraps past the last line when start ≥ end.
   */
  private hit(address: number): boolean {
    const first = address < this.firstLine.length ? this.firstLine[address] : 0;
    const end = address < this.endLine.length ? this.endLine[address] : 0;
    if (first === end) throw new Error(`address ${address} is not in the prefetch order`);
    const windowStart = this.windowStart;
    const windowEnd = this.windowEnd;
    const wraps = windowStart >= windowEnd;
    for (let index = first; index < end; index++) {
      const line = this.lineIds[index];
      if (wraps ? line >= windowStart || line < windowEnd : line >= windowStart && line < windowEnd) return true;
    }
    return false;
  }

  /** Slides the active window by one prefetch and moves the prefetch end cycle past it. */
  private prefetch(): void {
    this.windowStart = (this.windowStart + this.prefetchLines) % this.lineCount;
    this.windowEnd = (this.windowStart + this.activeLines) % this.lineCount;
    // Request i goes out at last + i + 1 and returns one cycle later (read_port latency 1).
    this.lastPrefetchCycle += this.requestsPerPrefetch + 1;
  }

  /** Cycle at which the last DRAM read returned, as in SCALE-Sim's DRAM IFMAP and Filter Stop Cycle. */
  get lastDramReadCycle(): number {
    return this.lastPrefetchCycle;
  }

  /**
   * Serves one demand row issued at `cycle` and returns the cycle it completes; the stall is that
   * minus `cycle` minus the hit latency of 1. The first row fills the active half before cycle 0.
   * After each prefetch forced by a miss, the offset moves by the prefetch end minus the current
   * completion cycle, and by that amount again when it is positive, as read_buffer.py does at
   * SCALE-Sim commit 18975c2. The offset can therefore fall below the hit latency after a prefetch
   * that ended early, which gives a negative stall that the caller's maximum discards.
   * NOTE: that version also charges ⌈L / 2⌉ − 1 cycles for a row touching L distinct lines of a
   * two-port bank. With that charge its os golden run would end at 52445, not 52447, so it is left out.
   */
  serviceRow(cycle: number, addresses: Int32Array): number {
    if (!this.started) {
      this.started = true;
      this.lastPrefetchCycle = cycle - 1;
      this.windowStart = 0;
      this.windowEnd = this.activeLines;
    }
    let offset = 1;
    for (const address of addresses) {
      if (address === NO_REQUEST) continue;
      let prefetchesForAddress = 0;
      while (!this.hit(address)) {
        // Each prefetch slides the window by at most its width, so lineCount prefetches visit every line.
        if (++prefetchesForAddress > this.lineCount) throw new Error(`address ${address} never enters the active window`);
        this.prefetch();
        const potential = this.lastPrefetchCycle - (cycle + offset);
        offset += potential;
        if (potential > 0) offset += potential;
      }
    }
    return cycle + offset;
  }
}

/**
 * The OFMAP write buffer. Writes fill the active half. Once more than the second half's size is
 * waiting, the buffer drains ⌈second / bandwidth⌉ lines of `bandwidth` words to DRAM, one line per
 * cycle, while the array goes on. A write that finds the buffer full during a drain waits for the
 * drain to end.
 */
export class WriteBuffer {
  private readonly active: number;
  private readonly linesPerDrain: number;
  private freeSpace: number;
  /** Valid words of each line handed to DRAM so far or waiting, in order. */
  private readonly lineWords: number[] = [];
  private wordsInOpenLine = 0;
  private nextDrainLine = 0;
  private drainEndCycle = 0;
  /** Words sent to DRAM as SCALE-Sim counts them, and the cycles of the first and last line. */
  wordsWritten = 0;
  firstWriteCycle: number | undefined;
  lastWriteCycle: number | undefined;

  constructor(
    words: number,
    private readonly bandwidth: number,
  ) {
    const { total, active, second } = halves(words);
    this.active = active;
    this.linesPerDrain = Math.ceil(second / bandwidth);
    this.freeSpace = total;
  }

  private store(): void {
    this.freeSpace--;
    this.wordsInOpenLine++;
    if (this.wordsInOpenLine === this.bandwidth) {
      this.lineWords.push(this.bandwidth);
      this.wordsInOpenLine = 0;
    }
  }

  /** Closes the open line, padded, as SCALE-Sim does before every drain. */
  private closeOpenLine(): void {
    if (this.wordsInOpenLine === 0) return;
    this.lineWords.push(this.wordsInOpenLine);
    this.wordsInOpenLine = 0;
  }

  /** Drains the next lines from `start` and returns the cycle of the last line written. */
  private drain(start: number): number {
    const end = Math.min(this.nextDrainLine + this.linesPerDrain, this.lineWords.length);
    const lines = end - this.nextDrainLine;
    // A drain starts only when more than the second half's words are held, and SCALE-Sim's count
    // of held words never exceeds the words in undrained lines, so there is always a line.
    if (lines <= 0) throw new Error('OFMAP drain with no line to write');
    // SCALE-Sim counts every drained line as full except for the padding of the last one.
    const words = (lines - 1) * this.bandwidth + this.lineWords[end - 1];
    this.freeSpace += words;
    this.wordsWritten += words;
    this.nextDrainLine = end;
    this.firstWriteCycle ??= start;
    this.lastWriteCycle = start + lines - 1;
    return start + lines - 1;
  }

  /** Drains everything still held, back to back from `cycle`, as SCALE-Sim does after the last row. */
  drainAll(cycle: number): void {
    this.closeOpenLine();
    let start = cycle;
    while (this.nextDrainLine < this.lineWords.length) {
      this.drainEndCycle = this.drain(start);
      start = this.drainEndCycle + 1;
    }
  }

  /** Serves one OFMAP demand row issued at `cycle` and returns the cycle it completes. */
  serviceRow(cycle: number, addresses: Int32Array): number {
    let current = cycle;
    for (const address of addresses) {
      if (address === NO_REQUEST) continue;
      this.store();
      if (current < this.drainEndCycle) {
        if (this.freeSpace <= 0) current = this.drainEndCycle;
      } else if (this.freeSpace < this.active) {
        this.closeOpenLine();
        // The drain runs beside the array: the row that starts it does not wait.
        this.drainEndCycle = this.drain(current);
      }
    }
    return current;
  }

}
