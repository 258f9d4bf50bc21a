/** The comparison report as Markdown: the side-by-side table, notes and the claims table. */
import type { CompareReport } from './model.js';
import { comparisonNotes, comparisonRows, formatPercent } from './table.js';

/** Escapes the characters that would break a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Renders the report as a Markdown document. */
export function renderMarkdown(report: CompareReport): string {
  const methods = report.methods.map((outcome) => outcome.method);
  const lines = [
    `# Multiplier comparison: ${report.program}`,
    '',
    `Machine ${report.arch}, cost model ${report.node}, methods ${methods.join(', ')}.`,
    '',
    `| quantity | ${methods.map(cell).join(' | ')} |`,
    `|---|${methods.map(() => '---:').join('|')}|`,
    ...comparisonRows(report).map((row) => `| ${cell(row.label)} | ${row.cells.map(cell).join(' | ')} |`),
    '',
    ...comparisonNotes(report).map((note) => `- ${note}`),
    '',
    '## Energy claims',
    '',
    '| claim | paper | model | verdict |',
    '|---|---:|---:|---|',
    ...report.claims.map((claim) => `| ${cell(claim.statement)} | ${claim.paper === null ? '–' : formatPercent(claim.paper)} | ${formatPercent(claim.model)} | ${cell(claim.verdict)} |`),
    '',
  ];
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}
