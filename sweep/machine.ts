/**
 * The machine of a sweep point: the base machine description with the point's machine parameters
 * written into its YAML, then validated like any machine file. Each thread keeps the parsed base
 * documents and the most recently built machines, because neighbouring points of a grid often
 * differ only in run parameters (method, node) and share their machine.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { UserError } from '../common/errors.js';
import { archFromYamlText, listPresets } from '../sim/arch/index.js';
import type { ArchConfig } from '../sim/arch/types.js';
import type { PointParameters } from './spec.js';
import { describeFileSystemError } from '../common/file-system.js';

/** Point parameters that change the machine description; the others (workload, method, node) do not. */
const MACHINE_PARAMETERS = ['rows', 'cols', 'dataflow', 'scratchpadBytes', 'accumulatorBytes', 'clockMhz', 'bandwidthGBps', 'format'] as const;

/** Machines kept per thread. A grid's innermost axes rarely span more distinct machines than this. */
const ARCH_CACHE_ENTRIES = 64;

/**
 * A map that keeps its `capacity` most recently used entries. Map iteration follows insertion order,
 * so re-inserting an entry on use makes the first key the least recently used one.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }
}

const baseDocuments = new Map<string, { document: Document; file: string }>();
const machines = new LruCache<string, ArchConfig>(ARCH_CACHE_ENTRIES);

function baseDocument(base: string): { document: Document; file: string } {
  const cached = baseDocuments.get(base);
  if (cached) return cached;
  const preset = path.isAbsolute(base) ? undefined : listPresets().find((candidate) => candidate.name === base);
  if (!path.isAbsolute(base) && !preset) throw new UserError(`base machine '${base}' is neither a preset nor a file`);
  const file = preset ? preset.file : base;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read base machine ${file}: ${describeFileSystemError(error)}`);
  }
  const entry = { document: parseDocument(text), file };
  baseDocuments.set(base, entry);
  return entry;
}

function buildArch(base: string, params: PointParameters): ArchConfig {
  const { document: baseDoc, file } = baseDocument(base);
  const document = baseDoc.clone();
  if (params.rows !== undefined) document.setIn(['core', 'matrix', 'rows'], params.rows);
  if (params.cols !== undefined) document.setIn(['core', 'matrix', 'cols'], params.cols);
  if (params.dataflow !== undefined) document.setIn(['core', 'matrix', 'dataflow'], params.dataflow);
  if (params.scratchpadBytes !== undefined) document.setIn(['core', 'scratchpad', 'capacityBytes'], params.scratchpadBytes);
  if (params.accumulatorBytes !== undefined) document.setIn(['core', 'accumulator', 'capacityBytes'], params.accumulatorBytes);
  if (params.clockMhz !== undefined) document.setIn(['clockMhz'], params.clockMhz);
  if (params.bandwidthGBps !== undefined) {
    document.deleteIn(['memory', 'bandwidthBytesPerCycle']);
    document.setIn(['memory', 'bandwidthGBps'], params.bandwidthGBps);
  }
  if (params.format !== undefined) {
    // The array must accept the operand format the point requests.
    const formats = document.getIn(['core', 'matrix', 'inputFormats']);
    const list = formats && typeof formats === 'object' && 'toJSON' in formats ? ((formats as { toJSON(): unknown }).toJSON() as unknown[]) : [];
    if (!list.includes(params.format)) document.setIn(['core', 'matrix', 'inputFormats'], [...list, params.format]);
  }
  return archFromYamlText(String(document), file);
}

/**
 * Returns the base machine with the point's machine parameters applied. Throws UserError when the
 * result is invalid; invalid machines are not cached, so every point that builds one fails alike.
 */
export function archForPoint(base: string, params: PointParameters): ArchConfig {
  const key = JSON.stringify([base, ...MACHINE_PARAMETERS.map((name) => params[name] ?? null)]);
  const cached = machines.get(key);
  if (cached) return cached;
  const arch = buildArch(base, params);
  machines.set(key, arch);
  return arch;
}
