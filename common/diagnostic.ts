/**
 * Diagnostics for user input: programs, YAML configurations, cost formulas and command-line values.
 * Every user mistake becomes a Diagnostic value; one renderer prints them all as code frames.
 */

export type Severity = 'error' | 'warning' | 'note';

/** A 1-based position range in a source file; the end is exclusive and optional. */
export interface SourceSpan {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

export interface Diagnostic {
  readonly severity: Severity;
  readonly message: string;
  readonly span?: SourceSpan;
  /** Extra advice printed under the code frame, for example "did you mean 'gemm'?". */
  readonly hint?: string;
}

export interface RenderOptions {
  readonly color?: boolean;
  /** Maximum source-line length in a code frame, in characters. Longer lines are cut around the column. */
  readonly maxLineChars?: number;
}

const ANSI = {
  red: (s: string) => `\u001b[31m${s}\u001b[39m`,
  yellow: (s: string) => `\u001b[33m${s}\u001b[39m`,
  cyan: (s: string) => `\u001b[36m${s}\u001b[39m`,
  bold: (s: string) => `\u001b[1m${s}\u001b[22m`,
  dim: (s: string) => `\u001b[2m${s}\u001b[22m`,
};

const SEVERITY_STYLES: Readonly<Record<Severity, keyof typeof ANSI>> = { error: 'red', warning: 'yellow', note: 'cyan' };

function paint(color: boolean, style: keyof typeof ANSI, text: string): string {
  return color ? ANSI[style](text) : text;
}

/** Splits source text into lines, accepting \n, \r\n and \r line endings. */
export function splitLines(source: string): string[] {
  return source.split(/\r\n|\r|\n/);
}

/**
 * Renders one diagnostic as `file:line:column: severity: message`, then the source line with a caret
 * under the span when the source text is available.
 */
export function renderDiagnostic(diagnostic: Diagnostic, source?: string | readonly string[], options: RenderOptions = {}): string {
  const color = options.color ?? false;
  const maxLineChars = options.maxLineChars ?? 160;
  const severityStyle = SEVERITY_STYLES[diagnostic.severity];
  const span = diagnostic.span;
  const location = span ? `${span.file}:${span.line}:${span.column}: ` : '';
  const out: string[] = [`${paint(color, 'bold', location)}${paint(color, severityStyle, diagnostic.severity)}: ${diagnostic.message}`];

  const lines = typeof source === 'string' ? splitLines(source) : source;
  if (span && lines && span.line >= 1 && span.line <= lines.length) {
    const text = lines[span.line - 1].replace(/\t/g, ' ');
    const caretStart = Math.max(0, Math.min(span.column - 1, text.length));
    const sameLineEnd = span.endLine === undefined || span.endLine === span.line ? span.endColumn : undefined;
    const caretLength = Math.max(1, Math.min((sameLineEnd ?? span.column + 1) - span.column, text.length - caretStart, maxLineChars));

    // Very long lines (minified data, a binary file) are cut to a window around the column.
    let windowStart = 0;
    if (text.length > maxLineChars) windowStart = Math.max(0, Math.min(caretStart - Math.floor(maxLineChars / 2), text.length - maxLineChars));
    const shown = sanitizeForTerminal(text.slice(windowStart, windowStart + maxLineChars));
    const gutter = String(span.line);
    out.push(`${paint(color, 'dim', `${gutter} |`)} ${windowStart > 0 ? '…' : ''}${shown}`);
    const pad = ' '.repeat(caretStart - windowStart + (windowStart > 0 ? 1 : 0));
    out.push(`${' '.repeat(gutter.length)} ${paint(color, 'dim', '|')} ${pad}${paint(color, severityStyle, '^'.repeat(caretLength))}`);
  }
  if (diagnostic.hint) out.push(`  ${paint(color, 'cyan', 'hint')}: ${diagnostic.hint}`);
  return out.join('\n');
}

/** Replaces control characters so that a code frame of a binary file cannot move the terminal's cursor. */
export function sanitizeForTerminal(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\ufffd');
}

/** Returns the candidate closest to `name` by edit distance, or undefined when none is close enough. */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    // On a tie, a candidate that extends what was typed ('llama-2-70' → 'llama-2-70b') wins.
    const extendsName = best !== undefined && distance === bestDistance && candidate.toLowerCase().startsWith(lower) && !best.toLowerCase().startsWith(lower);
    if (distance < bestDistance || extendsName) {
      bestDistance = distance;
      best = candidate;
    }
  }
  const limit = Math.max(1, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/**
 * Returns the edit distance in which an insertion, a deletion, a substitution or a swap of two
 * adjacent characters costs 1 (optimal string alignment). Inputs longer than 64 characters are
 * compared by their first 64.
 */
export function editDistance(a: string, b: string): number {
  a = a.slice(0, 64);
  b = b.slice(0, 64);
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, beforePrevious[j - 2] + 1);
      current.push(best);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length];
}
