/**
 * Checks scalesim/demand.ts, memory.ts and replay.ts against a direct reference written here:
 * whole demand and prefetch matrices built step by step as SCALE-Sim v2's
 * systolic_compute_{os,ws,is}.py builds them (slice, pad with −1, flip, concatenate, skew), and a
 * memory replay that keeps SCALE-Sim's data structures (one Set of addresses per buffer line, a
 * list of written lines) instead of the closed-form bookkeeping of the implementation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demandSchedule, operandAddresses, parseTopology, replayLayer, scaleSimStallFreeCycles, visitPrefetchOrder, type ReplayConfig, type TopologyLayer } from '../../scalesim/index.js';

type Matrix = number[][];
type Dataflow = 'os' | 'ws' | 'is';

const filled = (rows: number, cols: number): Matrix => Array.from({ length: rows }, () => new Array<number>(cols).fill(-1));
const transpose = (m: Matrix, cols: number): Matrix => Array.from({ length: cols }, (_, c) => m.map((row) => row[c]));
const sliceOf = (m: Matrix, r0: number, r1: number, c0: number, c1: number): Matrix => m.slice(r0, r1).map((row) => row.slice(c0, c1));
const padCols = (m: Matrix, width: number): Matrix => m.map((row) => [...row, ...new Array<number>(width - row.length).fill(-1)]);
const padRows = (m: Matrix, height: number, width: number): Matrix => [...m, ...filled(height - m.length, width)];
const flipRows = (m: Matrix): Matrix => [...m].reverse();

/** SCALE-Sim's skew_matrix: column c moves down by c rows. */
function skew(m: Matrix, width: number): Matrix {
  const out = filled(m.length + width - 1, width);
  for (let c = 0; c < width; c++) for (let r = 0; r < m.length; r++) out[r + c][c] = m[r][c];
  return out;
}

/** Operand address matrices, following operand_matrix.py's calc_*_elem_addr line by line. */
function operandMatrices(layer: TopologyLayer): { ifmap: Matrix; filter: Matrix; ofmap: Matrix } {
  const s = layer.shape;
  const ifmap: Matrix = [];
  for (let i = 0; i < layer.m; i++) {
    const row: number[] = [];
    for (let j = 0; j < layer.k; j++) {
      const iRow = Math.floor(i / s.ofmapWidth) * s.strideHeight;
      const iCol = (i % s.ofmapWidth) * s.strideWidth;
      const windowAddress = iRow * s.ifmapWidth * s.channels + iCol * s.channels;
      const cRow = Math.floor(j / (s.filterWidth * s.channels));
      const rest = j % (s.filterWidth * s.channels);
      const cCol = Math.floor(rest / s.channels);
      const channel = rest % s.channels;
      const padded = cRow + iRow >= s.ifmapHeight || cCol + iCol >= s.ifmapWidth;
      row.push(padded ? -1 : cRow * s.ifmapWidth * s.channels + cCol * s.channels + channel + windowAddress);
    }
    ifmap.push(row);
  }
  const filter = Array.from({ length: layer.k }, (_, i) => Array.from({ length: layer.n }, (_, j) => j * s.filterHeight * s.filterWidth * s.channels + i));
  const ofmap = Array.from({ length: layer.m }, (_, i) => Array.from({ length: layer.n }, (_, j) => layer.n * i + j));
  return { ifmap, filter, ofmap };
}

/** Reads a matrix by anti-diagonals, each from its lowest row up (the prefetch roll-out). */
function diagonalOrder(m: Matrix): number[] {
  const height = m.length;
  const width = m[0].length;
  const out: number[] = [];
  for (let d = 0; d < height + width; d++) {
    const top = Math.max(0, d - width + 1);
    for (let r = Math.min(d, height - 1); r >= top; r--) out.push(m[r][d - r]);
  }
  return out;
}

interface Reference {
  readonly ifmapDemand: Matrix;
  readonly filterDemand: Matrix;
  readonly ofmapDemand: Matrix;
  readonly ifmapPrefetch: number[];
  readonly filterPrefetch: number[];
}

/** Builds SCALE-Sim's demand matrices and prefetch orders for one layer. */
function reference(dataflow: Dataflow, R: number, C: number, layer: TopologyLayer): Reference {
  const { ifmap, filter, ofmap } = operandMatrices(layer);
  const ifmapT = transpose(ifmap, layer.k);
  const filterT = (r0: number, r1: number): Matrix => transpose(filter.slice(r0, r1), layer.n);
  const ofmapT = (c0: number, c1: number): Matrix => transpose(ofmap.slice(c0, c1), layer.n);
  const [Sr, Sc, T] = dataflow === 'os' ? [layer.m, layer.n, layer.k] : dataflow === 'ws' ? [layer.k, layer.n, layer.m] : [layer.k, layer.m, layer.n];
  const rowFolds = Math.ceil(Sr / R);
  const colFolds = Math.ceil(Sc / C);
  const ifmapDemand: Matrix = [];
  const filterDemand: Matrix = [];
  const ofmapDemand: Matrix = [];

  for (let fc = 0; fc < colFolds; fc++) {
    for (let fr = 0; fr < rowFolds; fr++) {
      const r0 = fr * R;
      const r1 = Math.min(r0 + R, Sr);
      const c0 = fc * C;
      const c1 = Math.min(c0 + C, Sc);
      if (dataflow === 'os') {
        ifmapDemand.push(...skew([...padCols(sliceOf(ifmapT, 0, T, r0, r1), R), ...filled(C - 1, R)], R));
        filterDemand.push(...skew([...padCols(sliceOf(filter, 0, T, c0, c1), C), ...filled(R - 1, C)], C));
        const out = flipRows(padRows(padCols(sliceOf(ofmap, r0, r1, c0, c1), C), R, C));
        ofmapDemand.push(...skew([...filled(T - 1, C), ...out], C));
      } else if (dataflow === 'ws') {
        ifmapDemand.push(...skew([...filled(R, R), ...padCols(sliceOf(ifmap, 0, T, r0, r1), R), ...filled(C - 1, R)], R));
        filterDemand.push(...flipRows(padRows(padCols(sliceOf(filter, r0, r1, c0, c1), C), R, C)), ...filled(R + C + T - 2, C));
        ofmapDemand.push(...skew([...filled(2 * R - 1, C), ...padCols(sliceOf(ofmap, 0, T, c0, c1), C)], C));
      } else {
        ifmapDemand.push(...flipRows(padRows(padCols(sliceOf(ifmapT, r0, r1, c0, c1), C), R, C)), ...filled(R + C + T - 2, C));
        filterDemand.push(...skew([...filled(R, R), ...padCols(filterT(r0, r1), R), ...filled(C - 1, R)], R));
        ofmapDemand.push(...skew([...filled(2 * R - 1, C), ...padCols(ofmapT(c0, c1), C)], C));
      }
    }
  }

  const stack = (parts: Matrix[]): Matrix => parts.flat();
  const byRowFold = (part: (r0: number, r1: number) => Matrix): Matrix => stack(Array.from({ length: rowFolds }, (_, fr) => padCols(part(fr * R, Math.min(fr * R + R, Sr)), R)));
  const byColFold = (part: (c0: number, c1: number) => Matrix): Matrix => stack(Array.from({ length: colFolds }, (_, f) => padCols(part(f * C, Math.min(f * C + C, Sc)), C)));
  let ifmapPrefetch: number[];
  let filterPrefetch: number[];
  if (dataflow === 'os') {
    ifmapPrefetch = diagonalOrder(byRowFold((r0, r1) => sliceOf(ifmapT, 0, T, r0, r1)));
    filterPrefetch = diagonalOrder(byColFold((c0, c1) => sliceOf(filter, 0, T, c0, c1)));
  } else if (dataflow === 'ws') {
    ifmapPrefetch = diagonalOrder(byRowFold((r0, r1) => sliceOf(ifmap, 0, T, r0, r1)));
    filterPrefetch = byColFold((c0, c1) => sliceOf(filter, 0, Sr, c0, c1)).flat();
  } else {
    ifmapPrefetch = byColFold((c0, c1) => sliceOf(ifmapT, 0, Sr, c0, c1)).flat();
    filterPrefetch = diagonalOrder(byRowFold((r0, r1) => filterT(r0, r1)));
  }
  return { ifmapDemand, filterDemand, ofmapDemand, ifmapPrefetch, filterPrefetch };
}

/** read_buffer.py's USER-mode buffer with its hashed lines of addresses. */
class ReferenceReadBuffer {
  readonly lines: Set<number>[] = [];
  activeLines: number;
  prefetchLines: number;
  window: [number, number] = [0, 0];
  last = 0;
  started = false;

  constructor(
    readonly size: number,
    readonly bw: number,
    order: number[],
  ) {
    let current = new Set<number>();
    let count = 0;
    for (const address of order) {
      if (address === -1) continue;
      current.add(address);
      count++;
      if (count === bw) {
        this.lines.push(current);
        current = new Set();
        count = 0;
      }
    }
    this.lines.push(current);
    const active = Math.ceil(size * 0.5);
    const second = size - active;
    this.activeLines = Math.min(Math.ceil(active / bw), this.lines.length);
    this.prefetchLines = Math.min(Math.ceil(second / bw), this.lines.length - this.activeLines);
  }

  hit(address: number): boolean {
    const [start, end] = this.window;
    const ids = start < end ? range(start, end) : [...range(start, this.lines.length), ...range(0, end)];
    return ids.some((id) => this.lines[id].has(address));
  }

  service(cycle: number, row: number[]): number {
    if (!this.started) {
      this.started = true;
      this.window = [0, this.activeLines];
      this.last = cycle - 1;
    }
    let offset = 1;
    for (const address of row) {
      if (address === -1) continue;
      while (!this.hit(address)) {
        const start = (this.window[0] + this.prefetchLines) % this.lines.length;
        this.window = [start, (start + this.activeLines) % this.lines.length];
        const requests = Math.ceil((this.size - Math.ceil(this.size * 0.5)) / this.bw);
        const responses = range(0, requests).map((i) => this.last + i + 1 + 1);
        this.last = responses[responses.length - 1];
        const potential = this.last - (cycle + offset);
        offset += potential;
        if (potential > 0) offset += potential;
      }
    }
    return cycle + offset;
  }
}

/** write_buffer.py's buffer with its list of written lines. */
class ReferenceWriteBuffer {
  readonly trace: number[][] = [];
  line: number[] = [];
  free: number;
  drainStart = 0;
  drainEnd = 0;
  readonly active: number;
  readonly drainSize: number;

  constructor(
    readonly size: number,
    readonly bw: number,
  ) {
    this.free = size;
    this.active = Math.ceil(size * 0.5);
    this.drainSize = size - this.active;
  }

  service(cycle: number, row: number[]): number {
    let current = cycle;
    for (const address of row) {
      if (address === -1) continue;
      this.line.push(address);
      this.free -= 1;
      if (this.line.length === this.bw) {
        this.trace.push(this.line);
        this.line = [];
      }
      if (current < this.drainEnd) {
        if (this.free <= 0) current = this.drainEnd;
      } else if (this.free < this.size - this.drainSize) {
        if (this.line.length > 0) this.trace.push([...this.line, ...new Array<number>(this.bw - this.line.length).fill(-1)]);
        this.line = [];
        const end = Math.min(this.drainStart + Math.ceil(this.drainSize / this.bw), this.trace.length);
        const drained = this.trace.slice(this.drainStart, end);
        const words = drained.length * this.bw - drained[drained.length - 1].filter((x) => x === -1).length;
        this.free += words;
        this.drainStart = end;
        this.drainEnd = current + drained.length - 1;
      }
    }
    return current;
  }
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}

/** double_buffered_scratchpad_mem.py's loop over the demand rows. */
function referenceReplay(config: ReplayConfig, layer: TopologyLayer): { total: number; stalls: number } {
  const R = config.arrayRows;
  const C = config.arrayCols;
  const ref = reference(config.dataflowCode, R, C, layer);
  const words = (kb: number): number => Math.floor(kb * 1024);
  const user = config.interfaceBandwidth === 'USER';
  const bw = config.bandwidthWordsPerCycle[0];
  const ifmap = user ? new ReferenceReadBuffer(words(config.ifmapSramKb), bw, ref.ifmapPrefetch) : undefined;
  const filter = user ? new ReferenceReadBuffer(words(config.filterSramKb), bw, ref.filterPrefetch) : undefined;
  const ofmap = new ReferenceWriteBuffer(words(config.ofmapSramKb), user ? bw : C);
  let stalls = 0;
  let total = 0;
  for (let i = 0; i < ref.ofmapDemand.length; i++) {
    const cycle = i + stalls;
    const ifmapOut = ifmap ? ifmap.service(cycle, ref.ifmapDemand[i]) : cycle + 1;
    const filterOut = filter ? filter.service(cycle, ref.filterDemand[i]) : cycle + 1;
    total = ofmap.service(cycle, ref.ofmapDemand[i]);
    stalls += Math.trunc(Math.max(ifmapOut - cycle - 1, filterOut - cycle - 1, total - cycle));
  }
  return { total, stalls };
}

function convLayer(h: number, w: number, fh: number, fw: number, channels: number, filters: number, stride: number): TopologyLayer {
  const { layers, diagnostics } = parseTopology(`header\nL, ${h}, ${w}, ${fh}, ${fw}, ${channels}, ${filters}, ${stride},\n`, 't.csv', 'conv');
  expect(diagnostics).toEqual([]);
  return layers[0];
}

function gemmLayer(m: number, n: number, k: number): TopologyLayer {
  return parseTopology(`header\nL, ${m}, ${n}, ${k},\n`, 't.csv', 'gemm').layers[0];
}

const arbitraryLayer = fc.oneof(
  fc.record({ m: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 9 }) }).map(({ m, n, k }) => gemmLayer(m, n, k)),
  fc
    .record({ h: fc.integer({ min: 2, max: 7 }), fh: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 3 }), f: fc.integer({ min: 1, max: 5 }), s: fc.integer({ min: 1, max: 3 }) })
    .filter(({ h, fh }) => fh <= h)
    .map(({ h, fh, c, f, s }) => convLayer(h, h + 1, fh, fh, c, f, s)),
);
const arbitraryDataflow = fc.constantFrom<Dataflow>('os', 'ws', 'is');

describe('scalesim demand rows', () => {
  it('match the literal matrices', () => {
    fc.assert(
      fc.property(arbitraryDataflow, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), arbitraryLayer, (dataflow, R, C, layer) => {
        const ref = reference(dataflow, R, C, layer);
        const schedule = demandSchedule(dataflow, R, C, operandAddresses(layer));
        const ifmap = new Int32Array(schedule.ifmapWidth);
        const filter = new Int32Array(schedule.filterWidth);
        const ofmap = new Int32Array(schedule.ofmapWidth);
        const rows: number[][][] = [];
        for (const fold of schedule.folds) {
          for (let row = 0; row < schedule.rowsPerFold; row++) {
            schedule.fill(fold, row, ifmap, filter, ofmap);
            rows.push([[...ifmap], [...filter], [...ofmap]]);
          }
        }

        expect(rows.map((row) => row[0])).toEqual(ref.ifmapDemand);
        expect(rows.map((row) => row[1])).toEqual(ref.filterDemand);
        expect(rows.map((row) => row[2])).toEqual(ref.ofmapDemand);
      }),
      { numRuns: 150 },
    );
  });

  it('prefetch orders match', () => {
    fc.assert(
      fc.property(arbitraryDataflow, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), arbitraryLayer, (dataflow, R, C, layer) => {
        const ref = reference(dataflow, R, C, layer);
        const operands = operandAddresses(layer);
        const ifmap: number[] = [];
        const filter: number[] = [];
        visitPrefetchOrder(dataflow, R, C, operands, 'ifmap', (address) => ifmap.push(address));
        visitPrefetchOrder(dataflow, R, C, operands, 'filter', (address) => filter.push(address));

        expect(ifmap).toEqual(ref.ifmapPrefetch);
        expect(filter).toEqual(ref.filterPrefetch);
      }),
      { numRuns: 150 },
    );
  });

  it('padded ifmap addresses', () => {
    // 6 × 6 input, 3 × 3 filter, stride 2: ⌈(6 − 3 + 2) / 2⌉ = 3 outputs per side, the last window
    // reaches column 6, past the input, so SCALE-Sim marks those lanes −1.
    const layer = convLayer(6, 6, 3, 3, 1, 1, 2);
    const operands = operandAddresses(layer);

    expect(layer.m).toBe(9);
    expect(operands.ifmap(2, 2)).toBe(-1);
    expect(operands.ifmap(2, 1)).toBe(5);
    expect(operands.ifmap(8, 8)).toBe(-1);
  });
});

describe('scalesim memory replay', () => {
  const smallConfig = fc.record({
    arrayRows: fc.integer({ min: 1, max: 4 }),
    arrayCols: fc.integer({ min: 1, max: 4 }),
    dataflowCode: arbitraryDataflow,
    ifmapSramKb: fc.integer({ min: 2, max: 40 }).map((words) => words / 1024),
    filterSramKb: fc.integer({ min: 2, max: 40 }).map((words) => words / 1024),
    ofmapSramKb: fc.integer({ min: 2, max: 40 }).map((words) => words / 1024),
    interfaceBandwidth: fc.constantFrom<'USER' | 'CALC'>('USER', 'CALC'),
    bandwidthWordsPerCycle: fc.integer({ min: 1, max: 6 }).map((bandwidth) => [bandwidth]),
  });

  it('matches the literal replay', () => {
    fc.assert(
      fc.property(smallConfig, arbitraryLayer, (config, layer) => {
        const expected = referenceReplay(config, layer);

        const got = replayLayer(config, layer);

        expect(got.totalCycles).toBe(expected.total);
        expect(got.stallCycles).toBe(expected.stalls);
      }),
      { numRuns: 300 },
    );
  });

  it('tiny buffers do stall', () => {
    // A guard that the property above exercises prefetches and drains: 8-word buffers at one word
    // per cycle cannot keep a 3 × 3 array fed.
    const config: ReplayConfig = { arrayRows: 3, arrayCols: 3, dataflowCode: 'ws', ifmapSramKb: 8 / 1024, filterSramKb: 8 / 1024, ofmapSramKb: 8 / 1024, interfaceBandwidth: 'USER', bandwidthWordsPerCycle: [1] };
    const layer = gemmLayer(7, 5, 6);

    const got = replayLayer(config, layer);

    expect(got.stallCycles).toBeGreaterThan(0);
    expect(got).toMatchObject({ totalCycles: referenceReplay(config, layer).total, stallCycles: referenceReplay(config, layer).stalls });
  });

  it('stall-free closed form', () => {
    // With CALC bandwidth and an OFMAP buffer larger than the layer's output, nothing stalls and
    // Total Cycles is the closed form folds · rows per fold − 1.
    fc.assert(
      fc.property(arbitraryDataflow, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), arbitraryLayer, (dataflow, R, C, layer) => {
        const config: ReplayConfig = { arrayRows: R, arrayCols: C, dataflowCode: dataflow, ifmapSramKb: 1, filterSramKb: 1, ofmapSramKb: 64, interfaceBandwidth: 'CALC', bandwidthWordsPerCycle: [] };

        const got = replayLayer(config, layer);

        expect(got.stallCycles).toBe(0);
        expect(got.totalCycles).toBe(scaleSimStallFreeCycles(config, layer.m, layer.k, layer.n));
        expect(got.totalCycles).toBe(referenceReplay(config, layer).total);
      }),
      { numRuns: 150 },
    );
  });
});
