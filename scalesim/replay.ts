/**
 * Replays one layer the way SCALE-Sim v2 runs it (scalesim/single_layer_sim.py and
 * memory/double_buffered_scratchpad_mem.py) and returns the figures of its COMPUTE_REPORT.csv.
 *
 * Every demand row is one cycle. Row i is issued at i plus the stalls so far. The three buffers
 * serve it, and the row's stall is the largest delay among them: a read buffer's completion minus
 * the issue cycle minus its hit latency of 1, or the write buffer's completion minus the issue
 * cycle. Total Cycles is the completion cycle of the last OFMAP row.
 */
import { demandSchedule, operandAddresses, visitPrefetchOrder, type DataflowCode } from './demand.js';
import { UnlimitedReadBuffer, UserReadBuffer, WriteBuffer } from './memory.js';
import type { TopologyLayer } from './topology.js';

/** The architecture settings that change SCALE-Sim's cycle counts. */
export interface ReplayConfig {
  readonly arrayRows: number;
  readonly arrayCols: number;
  readonly dataflowCode: DataflowCode;
  /** Buffer sizes in kilobytes of 1024 one-byte words; a fraction gives the words it rounds down to. */
  readonly ifmapSramKb: number;
  readonly filterSramKb: number;
  readonly ofmapSramKb: number;
  readonly interfaceBandwidth: 'USER' | 'CALC';
  /** DRAM words per cycle; SCALE-Sim's USER mode uses the first entry for all three buffers. */
  readonly bandwidthWordsPerCycle: readonly number[];
}

/** One layer's line of COMPUTE_REPORT.csv. */
export interface ScaleSimFigures {
  readonly totalCycles: number;
  readonly stallCycles: number;
  readonly overallUtilPercent: number;
  readonly mappingEfficiencyPercent: number;
  readonly computeUtilPercent: number;
  readonly folds: number;
  /** DRAM traffic of SCALE-Sim's DETAILED_ACCESS_REPORT.csv that follows from the same replay. */
  readonly dram: DramFigures;
}

/** Cycles and word counts of DRAM traffic, as SCALE-Sim reports them. */
export interface DramFigures {
  /** Cycle of the last IFMAP and filter prefetch (USER mode only; CALC mode estimates them instead). */
  readonly ifmapReadStop?: number;
  readonly filterReadStop?: number;
  /** First and last cycle of OFMAP drains, and the words SCALE-Sim counts as written. */
  readonly ofmapWriteStart?: number;
  readonly ofmapWriteStop?: number;
  readonly ofmapWords: number;
}

/**
 * Adds floats as Python 3.12 and later `sum` does, with Neumaier's compensated summation in list
 * order. SCALE-Sim averages its per-fold figures with `sum`. Python 3.11 and earlier add naively,
 * which can change the last digit of the averages.
 */
export function pythonSum(values: readonly number[]): number {
  let high = 0;
  let low = 0;
  for (const value of values) {
    const total = high + value;
    if (Math.abs(high) >= Math.abs(value)) low += high - total + value;
    else low += value - total + high;
    high = total;
  }
  return low !== 0 && Number.isFinite(low) ? high + low : high;
}

/**
 * Replays `layer` on the configured array and returns SCALE-Sim's report figures. In CALC mode the
 * read buffers never stall and the OFMAP buffer drains at ArrayWidth words per cycle. In USER mode
 * all three buffers use the first Bandwidth entry.
 */
export function replayLayer(config: ReplayConfig, layer: TopologyLayer): ScaleSimFigures {
  const rows = config.arrayRows;
  const cols = config.arrayCols;
  const operands = operandAddresses(layer);
  const schedule = demandSchedule(config.dataflowCode, rows, cols, operands);

  // SCALE-Sim stores one-byte words in 1024-byte kilobytes.
  const words = (kb: number): number => Math.floor(kb * 1024);
  let ifmapBuffer: UserReadBuffer | UnlimitedReadBuffer = new UnlimitedReadBuffer();
  let filterBuffer: UserReadBuffer | UnlimitedReadBuffer = new UnlimitedReadBuffer();
  let ofmapBandwidth = cols;
  if (config.interfaceBandwidth === 'USER') {
    const bandwidth = config.bandwidthWordsPerCycle[0];
    ifmapBuffer = new UserReadBuffer(words(config.ifmapSramKb), bandwidth, (visit) => visitPrefetchOrder(config.dataflowCode, rows, cols, operands, 'ifmap', visit));
    filterBuffer = new UserReadBuffer(words(config.filterSramKb), bandwidth, (visit) => visitPrefetchOrder(config.dataflowCode, rows, cols, operands, 'filter', visit));
    ofmapBandwidth = bandwidth;
  }
  const ofmapBuffer = new WriteBuffer(words(config.ofmapSramKb), ofmapBandwidth);

  const ifmapRow = new Int32Array(schedule.ifmapWidth);
  const filterRow = new Int32Array(schedule.filterWidth);
  const ofmapRow = new Int32Array(schedule.ofmapWidth);
  let stallCycles = 0;
  let issued = 0;
  let lastCompletion = 0;
  for (const fold of schedule.folds) {
    for (let row = 0; row < schedule.rowsPerFold; row++) {
      schedule.fill(fold, row, ifmapRow, filterRow, ofmapRow);
      const cycle = issued + stallCycles;
      const ifmapStall = ifmapBuffer.serviceRow(cycle, ifmapRow) - cycle - 1;
      const filterStall = filterBuffer.serviceRow(cycle, filterRow) - cycle - 1;
      lastCompletion = ofmapBuffer.serviceRow(cycle, ofmapRow);
      stallCycles += Math.trunc(Math.max(ifmapStall, filterStall, lastCompletion - cycle));
      issued++;
    }
  }

  ofmapBuffer.drainAll(lastCompletion);
  const dram: DramFigures = {
    ...(ifmapBuffer instanceof UserReadBuffer ? { ifmapReadStop: ifmapBuffer.lastDramReadCycle } : {}),
    ...(filterBuffer instanceof UserReadBuffer ? { filterReadStop: filterBuffer.lastDramReadCycle } : {}),
    ...(ofmapBuffer.firstWriteCycle === undefined ? {} : { ofmapWriteStart: ofmapBuffer.firstWriteCycle }),
    ...(ofmapBuffer.lastWriteCycle === undefined ? {} : { ofmapWriteStop: ofmapBuffer.lastWriteCycle }),
    ofmapWords: ofmapBuffer.wordsWritten,
  };

  const figures = schedule.folds.map((fold) => schedule.foldFigures(fold));
  const folds = schedule.folds.length;
  return {
    totalCycles: lastCompletion,
    stallCycles,
    overallUtilPercent: (layer.macs * 100) / (lastCompletion * rows * cols),
    mappingEfficiencyPercent: (pythonSum(figures.map((fold) => fold.mappingEfficiency)) / folds) * 100,
    computeUtilPercent: (pythonSum(figures.map((fold) => fold.computeUtilization)) / folds) * 100,
    folds,
    dram,
  };
}
