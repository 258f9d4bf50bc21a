/**
 * The two CSV reports of `lmulsim scalesim`: COMPUTE_REPORT.csv in SCALE-Sim v2's layout and
 * LMULSIM_REPORT.csv with lmulsim's own figures beside SCALE-Sim's.
 */
import type { LayerResult } from './simulate.js';

/**
 * Formats a double as Python's `repr` does, which is how SCALE-Sim's reports print floats. The
 * digits are the shortest that round-trip, as in JavaScript. Whole numbers end in `.0`, and
 * magnitudes below 1e-4 or from 1e16 on use an exponent with a sign and at least two digits (`1e-05`).
 */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';

  const sign = value < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip:
  // |value| = 0.DIGITS × 10^point.
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const point = Number(exponentText) + 1;

  if (point > -4 && point <= 16) {
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  const exponent = point - 1;
  const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
  return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/**
 * Returns COMPUTE_REPORT.csv as SCALE-Sim v2's simulator.py writes it: its header, then one line
 * per layer with each field after a comma and a space, floats in Python's notation, and a comma at
 * the end of every line.
 */
export function computeReportCsv(results: readonly LayerResult[]): string {
  const lines = ['LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,'];
  results.forEach((result, index) => {
    const figures = result.scaleSim;
    const fields = [String(index), String(figures.totalCycles), String(figures.stallCycles), formatPythonFloat(figures.overallUtilPercent), formatPythonFloat(figures.mappingEfficiencyPercent), formatPythonFloat(figures.computeUtilPercent)];
    lines.push(`${fields.join(', ')},`);
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
  'SCALE-Sim Total Cycles',
  'SCALE-Sim Stall Cycles',
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

/**
 * Returns LMULSIM_REPORT.csv: one line per layer with the LMULSIM_REPORT_HEADER columns. Cycle
 * Difference is lmulsim's cycles minus SCALE-Sim's Total Cycles.
 */
export function lmulsimReportCsv(results: readonly LayerResult[]): string {
  const lines = [LMULSIM_REPORT_HEADER.join(',')];
  results.forEach((result, index) => {
    const { layer, scaleSim } = result;
    const fields = [
      index,
      layer.name,
      layer.m,
      layer.k,
      layer.n,
      layer.macs,
      result.folds,
      result.cycles,
      scaleSim.totalCycles,
      scaleSim.stallCycles,
      result.scaleSimStallFreeCycles,
      result.cycles - scaleSim.totalCycles,
      result.energyPj,
      result.exactEnergyPj,
      result.pjPerMac,
      result.meanRelError,
      result.maxRelError,
    ];
    lines.push(fields.map((field) => csvField(String(field))).join(','));
  });
  return lines.join('\n') + '\n';
}
