/**
 * Reading cost files: YAML parsed with positions, so that every complaint about a key or value
 * becomes a Diagnostic pointing at its file, line and column.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { closestMatch, type Diagnostic, type SourceSpan } from '../common/diagnostic.js';
import { EXIT_INVALID_INPUT, UserError } from '../common/errors.js';
import { parseQuantity, type Dimension } from './quantity.js';

/** A quantity converted to its canonical unit, with where it was written. */
export interface LocatedNumber {
  readonly value: number;
  readonly span: SourceSpan;
}

/** One parsed cost file, collecting diagnostics as its content is read. */
export class YamlFile {
  readonly diagnostics: Diagnostic[] = [];
  readonly root: Node | null;
  private readonly lineCounter = new LineCounter();

  constructor(
    readonly file: string,
    readonly source: string,
  ) {
    const document = parseDocument(source, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true });
    for (const error of document.errors) {
      const position = this.lineCounter.linePos(error.pos[0]);
      this.diagnostics.push({
        severity: 'error',
        message: `YAML syntax error: ${error.message.split('\n')[0]}`,
        span: { file, line: position.line, column: position.col },
      });
    }
    this.root = document.errors.length > 0 ? null : (document.contents as Node | null);
  }

  /** Returns the span of `node`, or of the file's first line when the node has no range. */
  spanOf(node: Node | null | undefined, offset = 0): SourceSpan {
    const start = node?.range?.[0];
    if (start === undefined) return { file: this.file, line: 1, column: 1 };
    const position = this.lineCounter.linePos(start + offset);
    const end = node?.range?.[1];
    const endPosition = end !== undefined && offset === 0 ? this.lineCounter.linePos(end) : undefined;
    return {
      file: this.file,
      line: position.line,
      column: position.col,
      ...(endPosition && endPosition.line === position.line ? { endLine: endPosition.line, endColumn: endPosition.col } : {}),
    };
  }

  /** Records an error at `node`. */
  error(node: Node | null | undefined, message: string, hint?: string, offset = 0): void {
    this.diagnostics.push({ severity: 'error', message, span: this.spanOf(node, offset), ...(hint ? { hint } : {}) });
  }

  /**
   * Returns the entries of a mapping in order, reporting keys outside `allowed` (when given) and
   * keys of `required` that are absent. `path` names the mapping in messages.
   */
  entries(node: Node | null | undefined, path: string, allowed?: readonly string[], required: readonly string[] = []): Array<[string, Node | null, Pair]> {
    if (!isMap(node)) {
      this.error(node, `${path} must be a mapping`);
      return [];
    }
    const result: Array<[string, Node | null, Pair]> = [];
    for (const pair of (node as YAMLMap).items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      if (allowed && !allowed.includes(key)) {
        const suggestion = closestMatch(key, allowed);
        this.error(keyNode, `unknown key '${key}' in ${path}`, suggestion ? `did you mean '${suggestion}'?` : `accepted keys: ${allowed.join(', ')}`);
        continue;
      }
      result.push([key, pair.value as Node | null, pair]);
    }
    for (const key of required) {
      if (!result.some(([name]) => name === key)) this.error(node, `missing key '${key}' in ${path}`);
    }
    return result;
  }

  /** Returns the value of `key` in `node`, or undefined. */
  get(node: Node | null | undefined, key: string): Node | null | undefined {
    if (!isMap(node)) return undefined;
    const pair = (node as YAMLMap).items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    return pair ? (pair.value as Node | null) : undefined;
  }

  /** Reads a non-empty string scalar. */
  string(node: Node | null | undefined, path: string): string | undefined {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
      this.error(node, `${path} must be a non-empty string`);
      return undefined;
    }
    return node.value;
  }

  /** Reads a list of strings. */
  stringList(node: Node | null | undefined, path: string): string[] {
    if (!isSeq(node)) {
      this.error(node, `${path} must be a list`);
      return [];
    }
    const result: string[] = [];
    for (const item of node.items as Array<Node | null>) {
      const text = this.string(item, `each entry of ${path}`);
      if (text !== undefined) result.push(text);
    }
    return result;
  }

  /** Reads a quantity of `dimension` and converts it to the canonical unit. */
  quantity(node: Node | null | undefined, dimension: Dimension, path: string): LocatedNumber | undefined {
    const raw = isScalar(node) ? node.value : isMap(node) ? {} : isSeq(node) ? [] : undefined;
    const parsed = parseQuantity(raw, dimension);
    if (!parsed.ok) {
      this.error(node, `${path}: ${parsed.message}`);
      return undefined;
    }
    return { value: parsed.value, span: this.spanOf(node) };
  }

  /** Throws a UserError carrying every diagnostic collected so far, if there is any. */
  throwIfErrors(): void {
    if (this.diagnostics.length === 0) return;
    const count = this.diagnostics.length;
    throw new UserError(`invalid cost file ${this.file}: ${count} error${count === 1 ? '' : 's'}`, EXIT_INVALID_INPUT, [...this.diagnostics], new Map([[this.file, this.source]]));
  }
}
