/**
 * Simulates a SCALE-Sim topology two ways on the array of a SCALE-Sim configuration: with SCALE-Sim
 * v2's own cycle model (`replayLayer`, memory stalls included) for COMPUTE_REPORT.csv, and with
 * lmulsim's matrix-unit timing (`tileTiming`) for lmulsim's energy estimate. Each layer is priced
 * with the cost model and the chosen multiplier's numerics are sampled.
 */
import { estimateEnergy, gemmActivity, defaultMachine, type CostModel } from '../costmodels/index.js';
import { SplitMix32 } from '../sim/exec/index.js';
import { tileTiming } from '../sim/matrix/index.js';
import { decode, dot, encode, parseFormat, type MethodName } from '../sim/numerics/index.js';
import type { ScaleSimConfig } from './config.js';
import { spatialTemporal } from './demand.js';
import { replayLayer, type ScaleSimFigures } from './replay.js';
import type { TopologyLayer } from './topology.js';

/** Dot products sampled per layer to estimate the multiplier's error. */
export const SAMPLED_OUTPUTS = 8;

/** One layer's figures, in lmulsim's terms and in SCALE-Sim's report columns. */
export interface LayerResult {
  readonly layer: TopologyLayer;
  readonly folds: number;
  /** lmulsim's compute cycles: folds · (2R + C + T − 2) for every dataflow. */
  readonly cycles: number;
  /** MACs · 100 / (lmulsim's cycles · R · C). */
  readonly utilPercent: number;
  /** SCALE-Sim v2's COMPUTE_REPORT.csv figures for this layer, memory stalls included. */
  readonly scaleSim: ScaleSimFigures;
  /** SCALE-Sim v2's Total Cycles for this layer if no memory request stalled (see `scaleSimStallFreeCycles`). */
  readonly scaleSimStallFreeCycles: number;
  readonly energyPj: number;
  readonly exactEnergyPj: number;
  readonly pjPerMac: number;
  /** Mean and largest relative error of the sampled dot products against an fp64 sum of the same rounded operands. */
  readonly meanRelError: number;
  readonly maxRelError: number;
}

/**
 * Returns the Total Cycles that SCALE-Sim v2 reports for a layer when no memory request stalls.
 * Its demand matrices have one row per cycle: 2R + C + T − 2 rows per fold under ws and is, and
 * R + C + T − 2 under os, which has no separate drain of the outputs. The report takes the cycle
 * index of the last row, one less than the number of rows.
 */
export function scaleSimStallFreeCycles(config: Pick<ScaleSimConfig, 'arrayRows' | 'arrayCols' | 'dataflowCode'>, m: number, k: number, n: number): number {
  const rows = config.arrayRows;
  const cols = config.arrayCols;
  const { sr, sc, t } = spatialTemporal(config.dataflowCode, m, k, n);
  const folds = Math.ceil(sr / rows) * Math.ceil(sc / cols);
  const perFold = config.dataflowCode === 'os' ? rows + cols + t - 2 : 2 * rows + cols + t - 2;
  return folds * perFold - 1;
}

/** Samples `SAMPLED_OUTPUTS` dot products of length K with operands uniform in [−1, 1). */
function sampleError(format: string, method: MethodName, k: number, seed: number): { mean: number; max: number } {
  const floatFormat = parseFormat(format);
  const random = new SplitMix32(seed);
  let sum = 0;
  let max = 0;
  let counted = 0;
  for (let sample = 0; sample < SAMPLED_OUTPUTS; sample++) {
    const a = Array.from({ length: k }, () => encode(floatFormat, random.nextUnit() * 2 - 1));
    const b = Array.from({ length: k }, () => encode(floatFormat, random.nextUnit() * 2 - 1));
    let reference = 0;
    for (let index = 0; index < k; index++) reference += decode(floatFormat, a[index]) * decode(floatFormat, b[index]);
    if (reference === 0) continue;
    const relative = Math.abs(dot(floatFormat, method, a, b) - reference) / Math.abs(reference);
    sum += relative;
    max = Math.max(max, relative);
    counted++;
  }
  return { mean: counted > 0 ? sum / counted : 0, max };
}

export interface SimulateOptions {
  readonly format: string;
  readonly method: MethodName;
  readonly model: CostModel;
}

/** Simulates every layer; the results are in topology order. */
export function simulateLayers(config: ScaleSimConfig, layers: readonly TopologyLayer[], options: SimulateOptions): LayerResult[] {
  const array = { rows: config.arrayRows, cols: config.arrayCols, dataflow: config.dataflow };
  const machine = {
    ...defaultMachine(options.model.node),
    arrayRows: config.arrayRows,
    arrayCols: config.arrayCols,
    scratchpadBytes: (config.ifmapSramKb + config.filterSramKb + config.ofmapSramKb) * 1024,
  };
  const peCount = config.arrayRows * config.arrayCols;

  return layers.map((layer, index) => {
    const timing = tileTiming(array, layer.m, layer.k, layer.n);
    const priced = (method: string): number => {
      const activity = { ...gemmActivity(layer.m, layer.k, layer.n, { format: options.format, method }, machine), cycles: timing.cycles };
      return estimateEnergy(activity, options.model).totalPj;
    };
    const energyPj = priced(options.method);
    const error = sampleError(options.format, options.method, layer.k, index + 1);
    return {
      layer,
      folds: timing.folds,
      cycles: timing.cycles,
      utilPercent: (layer.macs * 100) / (timing.cycles * peCount),
      scaleSim: replayLayer(config, layer),
      scaleSimStallFreeCycles: scaleSimStallFreeCycles(config, layer.m, layer.k, layer.n),
      energyPj,
      exactEnergyPj: options.method === 'exact' ? energyPj : priced('exact'),
      pjPerMac: energyPj / layer.macs,
      meanRelError: error.mean,
      maxRelError: error.max,
    };
  });
}
