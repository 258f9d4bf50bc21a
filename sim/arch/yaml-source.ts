/**
 * A parsed YAML file that can map key paths back to source positions, for diagnostics that point at
 * the offending key or value.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic, SourceSpan } from '../../common/diagnostic.js';

/** Path of a value inside the document: mapping keys and sequence indexes. */
export type KeyPath = readonly (string | number)[];

export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly document: Document;
  /** Syntax errors as diagnostics; empty when the text parsed. */
  readonly syntaxErrors: readonly Diagnostic[];
  /** Span of the key at `path` (`target = 'key'`) or of its value; falls back to the nearest enclosing node. */
  spanOf(path: KeyPath, target: 'key' | 'value'): SourceSpan;
}

/** Parses YAML text, keeping positions for later diagnostics. Duplicate keys are syntax errors. */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });

  const spanAt = (start: number, end?: number): SourceSpan => {
    const begin = lineCounter.linePos(start);
    if (end === undefined || end <= start) return { file, line: begin.line, column: begin.col };
    const finish = lineCounter.linePos(end);
    return { file, line: begin.line, column: begin.col, endLine: finish.line, endColumn: finish.col };
  };

  const syntaxErrors: Diagnostic[] = document.errors.map((error) => ({
    severity: 'error',
    message: `YAML syntax error: ${firstLine(error.message)}`,
    span: spanAt(error.pos[0], error.pos[1]),
  }));

  const spanOf = (path: KeyPath, target: 'key' | 'value'): SourceSpan => {
    let node: unknown = document.contents;
    let best: Node | undefined = isNode(node) ? node : undefined;
    for (let depth = 0; depth < path.length; depth++) {
      const segment = path[depth];
      const last = depth === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) break;
        if (last && target === 'key' && isNode(pair.key)) return rangeSpan(pair.key, spanAt);
        best = isNode(pair.key) ? pair.key : best;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        node = node.items[segment];
      } else {
        break;
      }
      if (isNode(node)) best = node;
      if (last && isNode(node)) return rangeSpan(node, spanAt);
    }
    if (best?.range) return rangeSpan(best, spanAt);
    return { file, line: 1, column: 1 };
  };

  return { file, text, document, syntaxErrors, spanOf };
}

function isNode(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value);
}

function rangeSpan(node: Node, spanAt: (start: number, end?: number) => SourceSpan): SourceSpan {
  const range = node.range;
  if (!range) return spanAt(0);
  // A block mapping or sequence spans many lines; the caret goes under its first character only.
  const end = isScalar(node) ? range[1] : undefined;
  return spanAt(range[0], end);
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}

/** Formats a key path as `core.matrix.rows` or `core.matrix.inputFormats[0]`; the root is `(top level)`. */
export function formatKeyPath(path: KeyPath): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (out === '') out = segment;
    else out += `.${segment}`;
  }
  return out;
}
