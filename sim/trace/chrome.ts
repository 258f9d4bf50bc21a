/**
 * Chrome trace-event JSON (the format Perfetto and chrome://tracing open): one process per core, one
 * thread per unit, a complete event (`ph: "X"`) per busy or stall interval. Timestamps are in
 * microseconds at the machine's clock; each event's args also give its start and length in cycles.
 */
import { AtomicStreamFile } from '../io/atomic.js';
import type { StallCause, TraceArgs, TraceWriter } from './types.js';

/** Streams a Chrome trace-event JSON file through a temporary name. */
export class ChromeTraceWriter implements TraceWriter {
  private readonly file: AtomicStreamFile;
  private readonly tracks: { pid: number; tid: number }[] = [];
  private readonly threadsPerCore = new Map<number, number>();
  private first = true;

  constructor(
    path: string,
    private readonly clockMhz: number,
  ) {
    this.file = new AtomicStreamFile(path);
    this.file.write('{"displayTimeUnit":"ns","traceEvents":[\n');
  }

  addTrack(core: number, unit: string): number {
    const tid = this.threadsPerCore.get(core) ?? 0;
    if (tid === 0) this.event({ name: 'process_name', ph: 'M', pid: core, tid: 0, args: { name: `core ${core}` } });
    this.threadsPerCore.set(core, tid + 1);
    this.event({ name: 'thread_name', ph: 'M', pid: core, tid, args: { name: unit } });
    this.event({ name: 'thread_sort_index', ph: 'M', pid: core, tid, args: { sort_index: tid } });
    this.tracks.push({ pid: core, tid });
    return this.tracks.length - 1;
  }

  busy(track: number, startCycle: number, endCycle: number, name: string, args?: TraceArgs): void {
    const { pid, tid } = this.tracks[track];
    this.event({
      name,
      cat: 'busy',
      ph: 'X',
      ts: this.microseconds(startCycle),
      dur: this.microseconds(endCycle - startCycle),
      pid,
      tid,
      args: { startCycle, cycles: endCycle - startCycle, ...args },
    });
  }

  stall(track: number, startCycle: number, endCycle: number, cause: StallCause): void {
    const { pid, tid } = this.tracks[track];
    this.event({
      name: `stall: ${cause}`,
      cat: 'stall',
      ph: 'X',
      ts: this.microseconds(startCycle),
      dur: this.microseconds(endCycle - startCycle),
      pid,
      tid,
      args: { startCycle, cycles: endCycle - startCycle, cause },
    });
  }

  finish(totalCycles: number): void {
    this.file.write(`\n],"otherData":{"generator":"lmulsim","clockMhz":${this.clockMhz},"totalCycles":${totalCycles}}}\n`);
    this.file.commit();
  }

  abort(): void {
    this.file.abort();
  }

  private microseconds(cycles: number): number {
    return cycles / this.clockMhz;
  }

  private event(value: object): void {
    this.file.write((this.first ? '' : ',\n') + JSON.stringify(value));
    this.first = false;
  }
}
