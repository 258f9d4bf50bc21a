/**
 * Value change dump (IEEE 1364 VCD, opens in GTKWave): per core a scope, per unit a scope with two
 * 1-bit wires, `busy` and `stall`. Time is in picoseconds at the machine's clock (one cycle lasts
 * 1e6 / clockMhz ps, rounded to whole picoseconds at each change).
 *
 * VCD needs all changes in global time order, but units report their intervals ahead of one another.
 * Each track therefore spools its own (time-ordered) changes to a temporary binary file, and `finish`
 * merges the spools into the output file, so memory stays bounded by the spool buffers.
 */
import fs from 'node:fs';
import { AtomicStreamFile, temporaryPathFor } from '../io/atomic.js';
import type { StallCause, TraceWriter } from './types.js';

const SPOOL_ENTRIES = 4096;
const BUSY = 0;
const STALL = 1;

/** One track's pending changes: entries are (cycle, signal * 2 + value) pairs. */
class Spool {
  readonly buffer = new Float64Array(SPOOL_ENTRIES * 2);
  length = 0;
  fd: number;
  /** Time of a falling edge not yet written, per signal, or -1; a rise at the same time cancels it. */
  readonly pendingFall = [-1, -1];

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'w+');
  }

  push(cycle: number, signal: number, value: number): void {
    this.buffer[this.length * 2] = cycle;
    this.buffer[this.length * 2 + 1] = signal * 2 + value;
    this.length += 1;
    if (this.length === SPOOL_ENTRIES) this.flush();
  }

  flush(): void {
    if (this.length === 0) return;
    fs.writeSync(this.fd, new Uint8Array(this.buffer.buffer, 0, this.length * 16));
    this.length = 0;
  }
}

/** Reads a spool file back in chunks. */
class SpoolReader {
  private readonly buffer = new Float64Array(SPOOL_ENTRIES * 2);
  private count = 0;
  private index = 0;
  private position = 0;

  constructor(private readonly fd: number) {
    this.refill();
  }

  get done(): boolean {
    return this.index >= this.count;
  }

  get cycle(): number {
    return this.buffer[this.index * 2];
  }

  get code(): number {
    return this.buffer[this.index * 2 + 1];
  }

  next(): void {
    this.index += 1;
    if (this.index >= this.count) this.refill();
  }

  private refill(): void {
    const bytes = fs.readSync(this.fd, new Uint8Array(this.buffer.buffer), 0, SPOOL_ENTRIES * 16, this.position);
    this.position += bytes;
    this.count = bytes / 16;
    this.index = 0;
  }
}

/** Returns the VCD identifier code for signal number `n` (printable ASCII 33 to 126, base 94). */
export function vcdIdentifier(n: number): string {
  let text = '';
  do {
    text = String.fromCharCode(33 + (n % 94)) + text;
    n = Math.floor(n / 94);
  } while (n > 0);
  return text;
}

/** Streams a VCD file of every unit's busy and stall wires through a temporary name. */
export class VcdTraceWriter implements TraceWriter {
  private readonly tracks: { core: number; unit: string; spool: Spool }[] = [];
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly clockMhz: number,
  ) {}

  addTrack(core: number, unit: string): number {
    this.tracks.push({ core, unit, spool: new Spool(temporaryPathFor(this.path)) });
    return this.tracks.length - 1;
  }

  busy(track: number, startCycle: number, endCycle: number): void {
    this.interval(this.tracks[track].spool, BUSY, startCycle, endCycle);
  }

  stall(track: number, startCycle: number, endCycle: number, _cause: StallCause): void {
    this.interval(this.tracks[track].spool, STALL, startCycle, endCycle);
  }

  finish(totalCycles: number): void {
    const out = new AtomicStreamFile(this.path);
    try {
      this.writeHeader(out);
      this.writeChanges(out, totalCycles);
      out.commit();
    } catch (error) {
      out.abort();
      throw error;
    } finally {
      this.removeSpools();
    }
  }

  abort(): void {
    this.removeSpools();
  }

  private interval(spool: Spool, signal: number, startCycle: number, endCycle: number): void {
    if (endCycle <= startCycle) return;
    const other = 1 - signal;

    // Falls at or before this start are final, except one at exactly this start on the same wire,
    // which merges two back-to-back intervals into one.
    if (spool.pendingFall[other] >= 0 && spool.pendingFall[other] <= startCycle) {
      spool.push(spool.pendingFall[other], other, 0);
      spool.pendingFall[other] = -1;
    }
    if (spool.pendingFall[signal] === startCycle) {
      spool.pendingFall[signal] = endCycle;
      return;
    }
    if (spool.pendingFall[signal] >= 0) spool.push(spool.pendingFall[signal], signal, 0);
    spool.push(startCycle, signal, 1);
    spool.pendingFall[signal] = endCycle;
  }

  private writeHeader(out: AtomicStreamFile): void {
    out.write(`$date\n  ${new Date().toISOString()}\n$end\n$version\n  lmulsim\n$end\n`);
    out.write(`$comment\n  busy and stall wires of each unit; clock ${this.clockMhz} MHz\n$end\n$timescale 1 ps $end\n`);
    const cores = [...new Set(this.tracks.map((track) => track.core))];
    for (const core of cores) {
      out.write(`$scope module core${core} $end\n`);
      this.tracks.forEach((track, index) => {
        if (track.core !== core) return;
        out.write(`$scope module ${track.unit.replace(/[^A-Za-z0-9_]/g, '_')} $end\n`);
        out.write(`$var wire 1 ${vcdIdentifier(index * 2 + BUSY)} busy $end\n`);
        out.write(`$var wire 1 ${vcdIdentifier(index * 2 + STALL)} stall $end\n`);
        out.write('$upscope $end\n');
      });
      out.write('$upscope $end\n');
    }
    out.write('$enddefinitions $end\n#0\n$dumpvars\n');
    for (let i = 0; i < this.tracks.length * 2; i++) out.write(`0${vcdIdentifier(i)}\n`);
    out.write('$end\n');
  }

  private writeChanges(out: AtomicStreamFile, totalCycles: number): void {
    const readers: SpoolReader[] = [];
    for (const track of this.tracks) {
      const spool = track.spool;
      for (const signal of [BUSY, STALL]) {
        if (spool.pendingFall[signal] >= 0) spool.push(spool.pendingFall[signal], signal, 0);
        spool.pendingFall[signal] = -1;
      }
      spool.flush();
      readers.push(new SpoolReader(spool.fd));
    }

    // A k-way merge by time; k is the number of tracks, so a linear scan for the minimum is enough.
    let lastTime = 0;
    for (;;) {
      let best = -1;
      for (let i = 0; i < readers.length; i++) {
        if (!readers[i].done && (best < 0 || readers[i].cycle < readers[best].cycle)) best = i;
      }
      if (best < 0) break;
      const reader = readers[best];
      const time = this.picoseconds(reader.cycle);
      if (time !== lastTime) out.write(`#${time}\n`);
      lastTime = time;
      const code = reader.code;
      out.write(`${code & 1}${vcdIdentifier(best * 2 + (code >> 1))}\n`);
      reader.next();
    }
    const endTime = this.picoseconds(totalCycles);
    if (endTime > lastTime) out.write(`#${endTime}\n`);
  }

  private picoseconds(cycles: number): number {
    return Math.round((cycles * 1e6) / this.clockMhz);
  }

  private removeSpools(): void {
    if (this.closed) return;
    this.closed = true;
    for (const track of this.tracks) {
      fs.closeSync(track.spool.fd);
      fs.rmSync(track.spool.path, { force: true });
    }
  }
}
