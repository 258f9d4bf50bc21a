/**
 * Vega-Lite specifications of the report's charts, and their rendering to SVG strings with Vega's
 * headless view, so that the HTML report embeds finished drawings and needs no script.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CompareReport } from './model.js';
import { formatCount, reportedComponents } from './table.js';

/** A chart of the report: a title, a caption saying what it shows, and its Vega-Lite spec. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

/** Lower edge of the error histogram as log10 of the relative error. Smaller errors, zero included, fall in the first bin. */
export const HISTOGRAM_MIN_LOG10 = -8;
/** Histogram bins per decade of relative error. */
const BINS_PER_DECADE = 4;

const FONT = 'Helvetica, Arial, sans-serif';
const BASE_CONFIG = { font: FONT, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 240 } } as const;

/** Stacked bars of energy per component group, one bar per method. */
export function energyChart(report: CompareReport): ChartSpec {
  const components = reportedComponents(report);
  const values = report.methods.flatMap((outcome) => components.map((component, order) => ({ method: outcome.method, component, order, energyPj: outcome.energy.byGroup[component] ?? 0 })));
  return {
    id: 'energy',
    title: 'Energy by component',
    caption: `Energy of the whole run per multiplier method, stacked by component group (${report.node} cost model).`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 420,
      height: Math.max(60, 36 * report.methods.length),
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'method', type: 'nominal', sort: report.methods.map((outcome) => outcome.method), title: 'method' },
        x: { field: 'energyPj', type: 'quantitative', aggregate: 'sum', title: 'energy (pJ)' },
        color: { field: 'component', type: 'nominal', sort: components, title: 'component', scale: { scheme: 'tableau10' } },
        order: { field: 'order', type: 'quantitative' },
        tooltip: [{ field: 'method' }, { field: 'component' }, { field: 'energyPj', type: 'quantitative', format: '.4~g' }],
      },
      config: BASE_CONFIG,
    },
  };
}

/** Busy intervals of each unit over the run's cycles, for the timeline's method. */
export function timelineChart(report: CompareReport): ChartSpec {
  const { timeline } = report;
  const values = timeline.units.flatMap((unit) => unit.intervals.map((interval) => ({ unit: unit.unit, start: interval.startCycle, end: interval.endCycle, instruction: interval.name })));
  const merged =
    timeline.mergeGapCycles > 0
      ? ` The run recorded ${formatCount(timeline.recordedIntervals)} busy intervals, so intervals separated by less than ${formatCount(timeline.mergeGapCycles)} cycles are drawn merged, and a merged run of different instructions shows as "several".`
      : '';
  return {
    id: 'timeline',
    title: `Unit timeline (${timeline.method})`,
    caption: `When each unit was busy during the ${timeline.method} run, over ${formatCount(timeline.totalCycles)} cycles, coloured by instruction.${merged}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 640,
      height: 24 * timeline.units.length,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'unit', type: 'nominal', sort: timeline.units.map((unit) => unit.unit), title: null },
        x: { field: 'start', type: 'quantitative', title: 'cycle', scale: { domain: [0, Math.max(1, timeline.totalCycles)] } },
        x2: { field: 'end' },
        color: { field: 'instruction', type: 'nominal', title: 'instruction', scale: { scheme: 'tableau20' } },
        tooltip: [{ field: 'unit' }, { field: 'instruction' }, { field: 'start' }, { field: 'end' }],
      },
      config: BASE_CONFIG,
    },
  };
}

/** Histogram of log10 relative error of the output elements, one row of bars per method. */
export function errorChart(report: CompareReport): ChartSpec {
  const values = report.methods.flatMap((outcome) => errorHistogram(outcome.relErrors).map((bin) => ({ method: outcome.method, ...bin })));
  return {
    id: 'errors',
    title: 'Output error against fp64',
    caption: `Relative error |x − r| / |r| of each output element against the fp64 reference r, per method, on a log scale with ${BINS_PER_DECADE} bins per decade. Errors below 1e${HISTOGRAM_MIN_LOG10}, exact results included, are counted in the first bin; elements with r = 0 are left out.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values },
      facet: { row: { field: 'method', type: 'nominal', sort: report.methods.map((outcome) => outcome.method), title: null, header: { labelAngle: 0, labelAlign: 'left' } } },
      spec: {
        width: 520,
        height: 90,
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'log10Start', type: 'quantitative', title: 'log10 relative error', scale: { domain: histogramDomain(report) } },
          x2: { field: 'log10End' },
          y: { field: 'elements', type: 'quantitative', title: 'elements' },
          y2: { datum: 0 },
          color: { field: 'method', type: 'nominal', legend: null, sort: report.methods.map((outcome) => outcome.method), scale: { scheme: 'tableau10' } },
          tooltip: [{ field: 'method' }, { field: 'log10Start' }, { field: 'elements' }],
        },
      },
      resolve: { scale: { y: 'independent' } },
      config: BASE_CONFIG,
    },
  };
}

/** Savings stated by Luo and Sun (arXiv 2410.00907) next to the cost model's, one pair of bars per claim. */
export function claimsChart(report: CompareReport): ChartSpec {
  const values = report.claims.flatMap((claim) => [
    ...(claim.paper === null ? [] : [{ claim: claim.id, source: 'paper', saving: claim.paper }]),
    { claim: claim.id, source: `model (${report.node})`, saving: claim.model },
  ]);
  return {
    id: 'claims',
    title: 'Energy claims: paper against model',
    caption: 'Energy saving of L-Mul stated by Luo and Sun (arXiv 2410.00907) and computed by the cost model, per claim; the table below gives each verdict.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 420,
      height: { step: 14 },
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'claim', type: 'nominal', title: null, sort: report.claims.map((claim) => claim.id), axis: { labelLimit: 320 } },
        yOffset: { field: 'source', type: 'nominal' },
        x: { field: 'saving', type: 'quantitative', title: 'energy saving', axis: { format: '.0%' } },
        color: { field: 'source', type: 'nominal', title: null, scale: { scheme: 'tableau10' } },
        tooltip: [{ field: 'claim' }, { field: 'source' }, { field: 'saving', type: 'quantitative', format: '.1%' }],
      },
      config: BASE_CONFIG,
    },
  };
}

/** Returns the report's charts in page order. */
export function reportCharts(report: CompareReport): ChartSpec[] {
  return [energyChart(report), timelineChart(report), errorChart(report), claimsChart(report)];
}

/** One histogram bin: [log10Start, log10End) and its element count. */
export interface HistogramBin {
  readonly log10Start: number;
  readonly log10End: number;
  readonly elements: number;
}

/** Bins relative errors by log10, BINS_PER_DECADE per decade from HISTOGRAM_MIN_LOG10; empty bins are left out. */
export function errorHistogram(relErrors: Float64Array): HistogramBin[] {
  const counts = new Map<number, number>();
  for (const error of relErrors) {
    const log = error > 0 ? Math.log10(error) : -Infinity;
    const bin = Math.max(0, Math.floor((log - HISTOGRAM_MIN_LOG10) * BINS_PER_DECADE));
    counts.set(bin, (counts.get(bin) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([bin, elements]) => ({ log10Start: HISTOGRAM_MIN_LOG10 + bin / BINS_PER_DECADE, log10End: HISTOGRAM_MIN_LOG10 + (bin + 1) / BINS_PER_DECADE, elements }));
}

/** Common x range of the histograms: from the lower edge to one past the largest error's decade. */
function histogramDomain(report: CompareReport): [number, number] {
  const largest = Math.max(0, ...report.methods.map((outcome) => outcome.maxRelError));
  const top = largest > 0 ? Math.ceil(Math.log10(largest) + 1e-9) : HISTOGRAM_MIN_LOG10 + 1;
  return [HISTOGRAM_MIN_LOG10, Math.max(top, HISTOGRAM_MIN_LOG10 + 1)];
}

/** Compiles a Vega-Lite spec and renders it to an SVG string without a browser. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // vega and vega-lite load here rather than at start-up, which they would slow by about 0.14 s
  // for every command.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
