/** Public API of the comparison reports: run a program under several multiplier methods and write the result. */
export { runComparison, outputErrors, type CompareOptions, type OutputErrors } from './compare.js';
export { methodSummaries, type BusyInterval, type CompareReport, type MethodOutcome, type MethodSummary, type Timeline } from './model.js';
export { BusyCollector, mergeIntervals, MAX_TIMELINE_INTERVALS } from './timeline.js';
export { comparisonRows, formatTextTable, comparisonNotes, NO_EXACT_TEXT } from './table.js';
export { reportCharts, renderSvg, errorHistogram, type ChartSpec, type HistogramBin } from './charts.js';
export { renderHtml } from './html.js';
export { renderMarkdown } from './markdown.js';
export { renderCsv } from './csv.js';
export { renderJson, reportJson } from './json.js';
export { REPORT_EXTENSIONS, reportExtension, renderReport, writeReport, type ReportExtension } from './write.js';
