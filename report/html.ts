/**
 * The comparison report as one self-contained HTML page: inline CSS, charts embedded as SVG
 * rendered when the page is written, and the same numbers as HTML tables. It loads nothing.
 */
import { reportCharts, renderSvg } from './charts.js';
import type { CompareReport } from './model.js';
import { comparisonNotes, comparisonRows, formatCount, formatPercent } from './table.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; } figcaption { font-size: 0.85rem; color: #555; margin-top: 0.3rem; }
.chart svg { max-width: 100%; height: auto; }
ul.notes { font-size: 0.85rem; color: #555; }
`;

/** Renders the page; the charts are rendered to SVG first, so this takes a moment. */
export async function renderHtml(report: CompareReport): Promise<string> {
  const charts = reportCharts(report);
  const svgs = await Promise.all(charts.map((chart) => renderSvg(chart.spec)));
  const figure = (index: number): string =>
    `<figure class="chart" id="chart-${charts[index].id}" data-chart="${charts[index].id}">\n<h2>${escapeHtml(charts[index].title)}</h2>\n${svgs[index]}\n<figcaption>${escapeHtml(charts[index].caption)}</figcaption>\n</figure>`;
  const methods = report.methods.map((outcome) => outcome.method);

  const comparison = [
    '<table id="comparison">',
    `<thead><tr><th>quantity</th>${methods.map((method) => `<th class="number">${escapeHtml(method)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...comparisonRows(report).map((row) => `<tr><th>${escapeHtml(row.label)}</th>${row.cells.map((value) => `<td class="number">${escapeHtml(value)}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
  const notes = comparisonNotes(report);

  const timeline = report.timeline;
  const unitRows = timeline.units.map((unit) => {
    const busyCycles = unit.intervals.reduce((sum, interval) => sum + interval.endCycle - interval.startCycle, 0);
    return `<tr><th>${escapeHtml(unit.unit)}</th><td class="number">${formatCount(unit.intervals.length)}</td><td class="number">${formatCount(busyCycles)}</td></tr>`;
  });

  const claims = [
    '<table id="claims">',
    '<thead><tr><th>claim</th><th class="number">paper</th><th class="number">model</th><th>verdict</th></tr></thead>',
    '<tbody>',
    ...report.claims.map(
      (claim) =>
        `<tr><td>${escapeHtml(claim.statement)}</td><td class="number">${claim.paper === null ? '–' : formatPercent(claim.paper)}</td><td class="number">${formatPercent(claim.model)}</td><td>${escapeHtml(claim.verdict)}</td></tr>`,
    ),
    '</tbody></table>',
  ].join('\n');

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lmulsim compare: ${escapeHtml(report.program)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Multiplier comparison: ${escapeHtml(report.program)}</h1>
<p>Machine <strong>${escapeHtml(report.arch)}</strong>, cost model <strong>${escapeHtml(report.node)}</strong>, methods ${methods.map((method) => `<strong>${escapeHtml(method)}</strong>`).join(', ')}. Errors are relative to an fp64 run of the same program without rounding.</p>
${comparison}
${notes.length > 0 ? `<ul class="notes">${notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>` : ''}
${figure(0)}
${figure(1)}
<table id="timeline-units">
<thead><tr><th>unit</th><th class="number">intervals shown</th><th class="number">busy cycles shown</th></tr></thead>
<tbody>
${unitRows.join('\n')}
</tbody></table>
${figure(2)}
${figure(3)}
${claims}
</body>
</html>
`;
}
