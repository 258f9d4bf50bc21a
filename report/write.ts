/** Writes a comparison report in the format its file extension names, atomically. */
import path from 'node:path';
import { EXIT_INVALID_INPUT, UserError } from '../common/errors.js';
import { describeFileSystemError } from '../common/file-system.js';
import { writeFileAtomic } from '../sim/io/atomic.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { CompareReport } from './model.js';

/** Report formats by file extension. */
export const REPORT_EXTENSIONS = ['.html', '.md', '.json', '.csv'] as const;
export type ReportExtension = (typeof REPORT_EXTENSIONS)[number];

/** Returns the report format of `file`, or throws a UserError naming the accepted extensions. */
export function reportExtension(file: string): ReportExtension {
  const extension = path.extname(file).toLowerCase();
  const found = REPORT_EXTENSIONS.find((candidate) => candidate === extension);
  if (!found) {
    throw new UserError(`invalid report file name '${file}': expected a name ending in ${REPORT_EXTENSIONS.join(', ')}`, EXIT_INVALID_INPUT);
  }
  return found;
}

/** Renders the report text for `file`'s extension. */
export async function renderReport(report: CompareReport, extension: ReportExtension): Promise<string> {
  switch (extension) {
    case '.html':
      return renderHtml(report);
    case '.md':
      return renderMarkdown(report);
    case '.json':
      return renderJson(report);
    case '.csv':
      return renderCsv(report);
  }
}

/**
 * Renders the report and writes it through a temporary file renamed into place, so `file` is either
 * complete or untouched. Write failures become a UserError naming the file.
 */
export async function writeReport(file: string, report: CompareReport): Promise<void> {
  const text = await renderReport(report, reportExtension(file));
  try {
    writeFileAtomic(file, text);
  } catch (error) {
    throw new UserError(`cannot write report '${file}': ${describeFileSystemError(error)}; choose a writable --report path`, EXIT_INVALID_INPUT);
  }
}
