/**
 * The side-by-side comparison table (one column per method) shared by the terminal, Markdown and
 * HTML writers, and the number formats they use.
 */
import { REPORT_COMPONENTS, type LogicArea } from '../costmodels/index.js';
import type { CompareReport } from './model.js';

/** One row of the comparison table: a quantity and its value under each method, formatted. */
export interface TableRow {
  readonly label: string;
  readonly cells: readonly string[];
}

/** Text shown in the saving row when `exact` was not among the methods. */
export const NO_EXACT_TEXT = 'n/a: exact not run';

/** Formats a count with thousands separators. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** Formats an energy in pJ with four significant digits. */
export function formatPj(value: number): string {
  const magnitude = Math.abs(value);
  if (value === 0) return '0';
  if (magnitude >= 1e12 || magnitude < 1e-3) return value.toExponential(3);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(4);
}

/** Text shown in the relative-error rows when no output element has a finite, non-zero reference. */
export const NO_ERROR_ELEMENTS_TEXT = '-';

/** Formats a relative error in scientific notation. */
export function formatRelError(value: number): string {
  return value === 0 ? '0' : value.toExponential(3);
}

/** Formats one relative-error statistic of `outcome`, or '-' when it covers no element. */
function relErrorCell(outcome: CompareReport['methods'][number], value: number): string {
  return outcome.errorElements === 0 ? NO_ERROR_ELEMENTS_TEXT : formatRelError(value);
}

/** Formats a fraction as a percentage with one decimal. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Component groups with non-zero energy under at least one method, in REPORT_COMPONENTS order. */
export function reportedComponents(report: CompareReport): string[] {
  return REPORT_COMPONENTS.filter((component) => report.methods.some((outcome) => (outcome.energy.byGroup[component] ?? 0) !== 0));
}

/** Builds the rows of the side-by-side table. */
export function comparisonRows(report: CompareReport): TableRow[] {
  const methods = report.methods;
  const rows: TableRow[] = [{ label: 'cycles', cells: methods.map((outcome) => formatCount(outcome.cycles)) }];
  for (const component of reportedComponents(report)) {
    rows.push({ label: `${component} (pJ)`, cells: methods.map((outcome) => formatPj(outcome.energy.byGroup[component] ?? 0)) });
  }
  rows.push(
    { label: 'total energy (pJ)', cells: methods.map((outcome) => formatPj(outcome.energyPj)) },
    { label: 'energy per MAC (pJ)', cells: methods.map((outcome) => (outcome.pjPerMac === null ? 'no MACs' : formatPj(outcome.pjPerMac))) },
    { label: 'max rel error vs fp64', cells: methods.map((outcome) => relErrorCell(outcome, outcome.maxRelError)) },
    { label: 'mean rel error vs fp64', cells: methods.map((outcome) => relErrorCell(outcome, outcome.meanRelError)) },
    { label: 'median rel error vs fp64', cells: methods.map((outcome) => relErrorCell(outcome, outcome.medianRelError)) },
    { label: 'saving vs exact', cells: methods.map((outcome) => (outcome.savingVsExact === null ? NO_EXACT_TEXT : formatPercent(outcome.savingVsExact))) },
  );
  return rows;
}

/** Describes the logic area whose leakage the energies include. */
function leakageNote(area: LogicArea): string {
  const datapaths = area.parts.filter((part) => / multiplier \(/.test(part.item)).map((part) => part.item.split(' ')[0]);
  return `leakage is priced on ${formatCount(Math.round(area.areaGe))} GE of logic (${datapaths.join(' and ')} multipliers, accumulators and vector lanes of every core, busy or idle) and leaves out SRAM leakage`;
}

/** Notes printed under the table, each starting in lower case like other messages: leakage, host memory, zero references and non-finite outputs. */
export function comparisonNotes(report: CompareReport): string[] {
  const notes: string[] = [];
  if (report.leakageOmitted) notes.push('energies leave out leakage because the cost model was given no logic area');
  else if (report.logicArea) notes.push(leakageNote(report.logicArea));
  if (report.methods.some((outcome) => (outcome.energy.byGroup['host memory'] ?? 0) !== 0)) {
    notes.push('host memory is the DRAM behind the host link, which every byte sent over the link is read from or written to');
  }
  if (report.methods.every((outcome) => outcome.errorElements + outcome.zeroReferenceElements + outcome.nonFiniteElements === 0)) {
    notes.push('the program has no output elements, so the relative errors show - (mark the tensors to compare with the output flag of .tensor)');
  }
  for (const outcome of report.methods) {
    if (outcome.zeroReferenceElements > 0) notes.push(`${outcome.method}: ${outcome.zeroReferenceElements} output elements with a zero fp64 reference are left out of the relative errors`);
    if (outcome.nonFiniteElements > 0) notes.push(`${outcome.method}: ${outcome.nonFiniteElements} output elements are NaN or infinite where the fp64 reference is finite`);
  }
  return notes;
}

/** Renders the table as aligned plain-text lines: labels left-aligned, values right-aligned. */
export function formatTextTable(report: CompareReport): string[] {
  const rows = comparisonRows(report);
  const header: TableRow = { label: '', cells: report.methods.map((outcome) => outcome.method) };
  const labelWidth = Math.max(...rows.map((row) => row.label.length));
  const widths = header.cells.map((_, column) => Math.max(...[header, ...rows].map((row) => row.cells[column].length)));
  const line = (row: TableRow): string => [row.label.padEnd(labelWidth), ...row.cells.map((cell, column) => cell.padStart(widths[column]))].join('  ').trimEnd();
  const rule = ['-'.repeat(labelWidth), ...widths.map((width) => '-'.repeat(width))].join('  ');
  return [line(header), rule, ...rows.map(line)];
}
