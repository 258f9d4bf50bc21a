/**
 * The `--report` file of a sweep: the Pareto front of each workload as a table, in Markdown (.md) or
 * in HTML (.html) with an energy-versus-cycles scatter chart rendered to SVG by the report module's
 * Vega-Lite helper.
 */
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { countOf } from '../common/plural.js';
import { EXIT_INVALID_INPUT, UserError } from '../common/errors.js';
import { renderSvg } from '../report/index.js';
import { writeFileAtomic } from '../sim/io/atomic.js';
import { frontRows, markdownTable, type Objective, type WorkloadFront } from './pareto.js';
import type { PointRecord } from './point.js';
import { describeFileSystemError } from '../common/file-system.js';

/** Extensions `--report` accepts. */
export const SWEEP_REPORT_EXTENSIONS = ['.md', '.html'] as const;

/** Checks the report file name before the sweep runs; throws UserError (exit 2) for other extensions. */
export function checkReportPath(file: string): void {
  const extension = path.extname(file).toLowerCase();
  if (!(SWEEP_REPORT_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new UserError(`invalid report file name '${file}': expected a name ending in .md (Markdown) or .html (with a chart)`, EXIT_INVALID_INPUT);
  }
}

interface ReportInput {
  readonly title: string;
  readonly records: readonly PointRecord[];
  /** One front per workload; a sweep of one workload has one. */
  readonly fronts: readonly WorkloadFront[];
  readonly objectives: readonly Objective[];
}

/** Heading of a front's section: the workload's name only when there are several. */
function frontHeading(input: ReportInput, front: WorkloadFront): string {
  return input.fronts.length === 1 ? 'Pareto front' : `Pareto front of workload ${front.workload}`;
}

function summaryLines(input: ReportInput): string[] {
  const failed = input.records.filter((record) => record.status === 'failed').length;
  if (input.fronts.length === 1) {
    return [`${countOf(input.records.length, 'point')}, ${failed} failed. The Pareto front has ${countOf(input.fronts[0].front.length, 'point')}, minimising ${input.objectives.join(', ')}.`];
  }
  return [
    `${countOf(input.records.length, 'point')}, ${failed} failed, in ${input.fronts.length} workloads. Each workload has its own Pareto front, minimising ${input.objectives.join(', ')}, because cycles and energy of different workloads measure different work.`,
  ];
}

/** Renders the Markdown report. */
export function renderSweepMarkdown(input: ReportInput): string {
  const sections = input.fronts.flatMap((front) => [`## ${frontHeading(input, front)}`, '', ...markdownTable(frontRows(front.front, input.objectives)), '']);
  return [`# ${input.title}`, '', ...summaryLines(input), '', ...sections].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Renders the HTML report with a scatter chart of every successful point, front points highlighted.
 * With several workloads the colour shows the workload and the mark shape whether a point is on its front.
 */
export async function renderSweepHtml(input: ReportInput): Promise<string> {
  const frontIds = new Set(input.fronts.flatMap((front) => front.front.map((record) => record.id)));
  const values = input.records
    .filter((record) => record.status === 'ok')
    .map((record) => ({
      id: record.id,
      workload: String(record.params.workload ?? ''),
      cycles: record.cycles,
      energyNj: (record.energyPj ?? 0) / 1000,
      set: frontIds.has(record.id) ? 'Pareto front' : 'dominated',
    }));
  const severalWorkloads = input.fronts.length > 1;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 560,
    height: 360,
    data: { values },
    mark: { type: 'point', filled: !severalWorkloads },
    encoding: {
      x: { field: 'cycles', type: 'quantitative', scale: { type: 'log' }, title: 'cycles' },
      y: { field: 'energyNj', type: 'quantitative', scale: { type: 'log' }, title: 'energy (nJ)' },
      color: severalWorkloads ? { field: 'workload', type: 'nominal', title: 'workload' } : { field: 'set', type: 'nominal', title: null },
      ...(severalWorkloads ? { shape: { field: 'set', type: 'nominal', title: null } } : {}),
    },
  };
  const svg = await renderSvg(spec);
  const tables = input.fronts.map((front) => {
    const rows = frontRows(front.front, input.objectives);
    return [
      `<h2>${escapeHtml(frontHeading(input, front))}</h2>`,
      '<table>',
      `<tr>${rows[0].map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr>`,
      ...rows.slice(1).map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`),
      '</table>',
    ].join('\n');
  });
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>`,
    '<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style></head><body>',
    `<h1>${escapeHtml(input.title)}</h1>`,
    `<p>${escapeHtml(summaryLines(input).join(' '))}</p>`,
    svg,
    ...tables,
    '</body></html>',
    '',
  ].join('\n');
}

/** Writes the report to `file` atomically, choosing the format by extension. */
export async function writeSweepReport(file: string, input: ReportInput): Promise<void> {
  checkReportPath(file);
  const text = path.extname(file).toLowerCase() === '.html' ? await renderSweepHtml(input) : renderSweepMarkdown(input);
  try {
    writeFileAtomic(file, text);
  } catch (error) {
    throw new UserError(`cannot write report ${file}: ${describeFileSystemError(error)}`, EXIT_INVALID_INPUT);
  }
}
