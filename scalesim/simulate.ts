/**
 * Simulates a SCALE-Sim topology with lmulsim's matrix-unit timing (`tileTiming`) on the array of a
 * SCALE-Sim configuration. Each layer is priced with the cost model and the chosen multiplier's
 * numerics are sampled. The cycle count SCALE-Sim v2 reports for the layer without memory stalls
 * is computed beside lmulsim's.
 */
import { estimateEnergy, gemmActivity, defaultMachine, type CostModel } from '../costmodels/index.js';
import { SplitMix32 } from '../sim/exec/index.js';
import { mapTile, tileTiming } from '../sim/matrix/index.js';
import { decode, dot, encode, parseFormat, type MethodName } from '../sim/numerics/index.js';
import { DATAFLOW_CODES, type ScaleSimConfig } from './config.js';
import type { TopologyLayer } from './topology.js';

/** Dot products sampled per layer to estimate the multiplier's error. */
export const SAMPLED_OUTPUTS = 8;

/** One layer's figures, in lmulsim's terms and in SCALE-Sim's report columns. */
export interface LayerResult {
  readonly layer: TopologyLayer;
  readonly folds: number;
  /** lmulsim's compute cycles: folds · (2R + C + T − 2) for every dataflow. */
  readonly cycles: number;
  /** SCALE-Sim v2's Total Cycles for this layer without memory stalls (see `scaleSimStallFreeCycles`). */
  readonly scaleSimCycles: number;
  readonly overallUtilPercent: number;
  readonly mappingEfficiencyPercent: number;
  readonly computeUtilPercent: number;
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
  const { sr, sc, t } = mapTile(DATAFLOW_CODES[config.dataflowCode], m, k, n);
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
    const { sr, sc } = mapTile(config.dataflow, layer.m, layer.k, layer.n);
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
      scaleSimCycles: scaleSimStallFreeCycles(config, layer.m, layer.k, layer.n),
      overallUtilPercent: (layer.macs * 100) / (timing.cycles * peCount),
      mappingEfficiencyPercent: ((sr * sc) / (timing.folds * peCount)) * 100,
      computeUtilPercent: (layer.macs * 100) / (timing.folds * peCount * timing.cyclesPerFold),
      energyPj,
      exactEnergyPj: options.method === 'exact' ? energyPj : priced('exact'),
      pjPerMac: energyPj / layer.macs,
      meanRelError: error.mean,
      maxRelError: error.max,
    };
  });
}

/**
 * Returns COMPUTE_REPORT.csv in SCALE-Sim v2's layout: its header, then one line per layer, each
 * field after a comma and a space, and a comma at the end of every line, as simulator.py writes it.
 * Stall Cycles is 0 because lmulsim's matrix-unit timing has no memory stalls.
 */
export function computeReportCsv(results: readonly LayerResult[]): string {
  const lines = ['LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,'];
  results.forEach((result, index) => {
    lines.push(`${index}, ${[result.cycles, 0, result.overallUtilPercent, result.mappingEfficiencyPercent, result.computeUtilPercent].join(', ')},`);
  });
  return lines.join('\n') + '\n';
}

/** Header of LMULSIM_REPORT.csv, lmulsim's per-layer figures beside SCALE-Sim's. */
export const LMULSIM_REPORT_HEADER = [
  'LayerID',
  'Layer name',
  'M',
  'K',
  'N',
  'MACs',
  'Folds',
  'lmulsim Cycles',
  'SCALE-Sim Stall-free Cycles',
  'Cycle Difference',
  'Energy pJ',
  'Exact Energy pJ',
  'pJ per MAC',
  'Mean Rel Error',
  'Max Rel Error',
] as const;

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Returns LMULSIM_REPORT.csv: one line per layer with the LMULSIM_REPORT_HEADER columns. */
export function lmulsimReportCsv(results: readonly LayerResult[]): string {
  const lines = [LMULSIM_REPORT_HEADER.join(',')];
  results.forEach((result, index) => {
    const { layer } = result;
    const fields = [index, layer.name, layer.m, layer.k, layer.n, layer.macs, result.folds, result.cycles, result.scaleSimCycles, result.cycles - result.scaleSimCycles, result.energyPj, result.exactEnergyPj, result.pjPerMac, result.meanRelError, result.maxRelError];
    lines.push(fields.map((field) => csvField(String(field))).join(','));
  });
  return lines.join('\n') + '\n';
}
