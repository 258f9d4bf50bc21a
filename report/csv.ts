/** The comparison report as CSV: a header and one row per method, with raw numbers (pJ, fractions). */
import type { CompareReport } from './model.js';
import { reportedComponents } from './table.js';

/** Quotes a CSV field when it contains a comma, quote or line break (RFC 4180). */
function field(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Renders one row per method. An empty savingVsExact field means exact was not run; empty
 * relative-error fields mean the program has no output element with a finite, non-zero reference.
 */
export function renderCsv(report: CompareReport): string {
  const components = reportedComponents(report);
  const header = ['method', 'cycles', 'macs', ...components.map((component) => `${component} pJ`), 'energyPj', 'pjPerMac', 'maxRelError', 'meanRelError', 'medianRelError', 'savingVsExact'];
  const rows = report.methods.map((outcome) => [
    outcome.method,
    outcome.cycles,
    outcome.macs,
    ...components.map((component) => outcome.energy.byGroup[component] ?? 0),
    outcome.energyPj,
    outcome.pjPerMac,
    ...(outcome.errorElements === 0 ? [null, null, null] : [outcome.maxRelError, outcome.meanRelError, outcome.medianRelError]),
    outcome.savingVsExact,
  ]);
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
