/** Helpers for lists of diagnostics. */
import type { Diagnostic } from '../common/diagnostic.js';

/** Most diagnostics reported for one run; the rest are counted in a final note. */
export const MAX_DIAGNOSTICS = 100;

/**
 * Keeps the first `max` diagnostics and, when more exist, appends a note with how many errors and
 * warnings were left out.
 */
export function capDiagnostics(diagnostics: readonly Diagnostic[], max: number = MAX_DIAGNOSTICS): Diagnostic[] {
  if (diagnostics.length <= max) return [...diagnostics];
  const kept = diagnostics.slice(0, max);
  const rest = diagnostics.slice(max);
  const { errors, warnings } = omittedCounts(diagnostics, max);
  const parts: string[] = [];
  if (errors > 0) parts.push(`${errors.toLocaleString('en-US')} more error${errors === 1 ? '' : 's'}`);
  if (warnings > 0) parts.push(`${warnings.toLocaleString('en-US')} more warning${warnings === 1 ? '' : 's'}`);
  if (parts.length === 0) parts.push(`${rest.length.toLocaleString('en-US')} more notes`);
  kept.push({ severity: 'note', message: `${parts.join(' and ')} not shown` });
  return kept;
}

/** Counts the errors and warnings that `capDiagnostics` leaves out beyond the first `max`. */
export function omittedCounts(diagnostics: readonly Diagnostic[], max: number = MAX_DIAGNOSTICS): { errors: number; warnings: number } {
  const rest = diagnostics.slice(max);
  return { errors: rest.filter((d) => d.severity === 'error').length, warnings: rest.filter((d) => d.severity === 'warning').length };
}
