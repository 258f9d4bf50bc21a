/** Provenance records: the node, the component and formula, and the table rows and sources behind a reported number. */
import path from 'node:path';
import type { SourceSpan } from '../common/diagnostic.js';
import type { SourcedValue } from './model.js';

/** Origin of one reported number. */
export interface Provenance {
  readonly node: string;
  /** Component or table priced, for example `fpmul(e=5, m=10)` or `sram 32 KiB`. */
  readonly component: string;
  /** The formula that combines the rows, in words or symbols. */
  readonly formula: string;
  /** Table rows used, as `file:line key`. */
  readonly rows: readonly string[];
  /** Published sources or stated assumptions of those rows, without repeats. */
  readonly sources: readonly string[];
}

/** Formats a table row reference as `file:line key`, with the file name relative to its directory. */
export function rowReference(span: SourceSpan, key: string): string {
  return `${path.basename(span.file)}:${span.line} ${key}`;
}

/** Builds a Provenance from the sourced values used, keyed by their row names. */
export function provenanceOf(node: string, component: string, formula: string, used: ReadonlyArray<readonly [string, SourcedValue]>): Provenance {
  const rows = used.map(([key, value]) => (value.overriddenBy ? `--set ${value.overriddenBy}` : rowReference(value.span, key)));
  const sources = [...new Set(used.map(([, value]) => value.source))];
  return { node, component, formula, rows: [...new Set(rows)], sources };
}
