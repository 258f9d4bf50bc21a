/**
 * Sweep output files: one JSON object per line (JSONL), appended as points finish. Reading drops a
 * trailing partial line, which an interrupted sweep may leave; merging joins shard outputs.
 */
import fs from 'node:fs';
import { EXIT_INVALID_INPUT, UserError } from '../common/errors.js';
import { writeFileAtomic } from '../sim/io/atomic.js';
import type { PointRecord } from './point.js';
import { describeFileSystemError } from '../common/file-system.js';

/** Records of a sweep output file and the byte length of its complete lines. */
export interface RecordFile {
  readonly records: PointRecord[];
  /** Bytes up to and including the last newline; anything after it is a partial line. */
  readonly completeBytes: number;
  readonly totalBytes: number;
  /** Text after the last newline: empty, or the partial line an interrupted write left. */
  readonly partialLine: string;
}

function isRecordShape(value: unknown): value is PointRecord {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return typeof record.id === 'string' && typeof record.sweep === 'string' && typeof record.index === 'number' && (record.status === 'ok' || record.status === 'failed');
}

/** Reads a sweep output file. A missing file has no records; an invalid complete line throws UserError (exit 2). */
export function readRecordFile(file: string): RecordFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], completeBytes: 0, totalBytes: 0, partialLine: '' };
    throw new UserError(`cannot read sweep output ${file}: ${describeFileSystemError(error)}`, EXIT_INVALID_INPUT);
  }
  const lastNewline = text.lastIndexOf('\n');
  const complete = lastNewline < 0 ? '' : text.slice(0, lastNewline + 1);
  const records: PointRecord[] = [];
  const lines = complete.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UserError(`${file}:${index + 1}: invalid sweep output line: not JSON`, EXIT_INVALID_INPUT);
    }
    if (!isRecordShape(value)) throw new UserError(`${file}:${index + 1}: invalid sweep output line: expected an object with id, sweep, index and status`, EXIT_INVALID_INPUT);
    records.push(value);
  }
  return { records, completeBytes: Buffer.byteLength(complete), totalBytes: Buffer.byteLength(text), partialLine: text.slice(complete.length) };
}

/**
 * Cuts a trailing partial line off `file`, so that appended lines start on a line of their own.
 * `readRecordFile` has already checked every complete line, so the cut happens only when the
 * partial line also starts like a record (`{"`). Any other text after the last newline means the
 * file is not a sweep output, and this throws UserError (exit 2) without changing the file.
 */
export function dropPartialLine(file: string, recordFile: RecordFile): void {
  if (recordFile.totalBytes === recordFile.completeBytes) return;
  if (!recordFile.partialLine.startsWith('{"')) {
    throw new UserError(`${file} is not a sweep output file: its last line is not a JSON record; give --out a new file or an earlier output of this sweep`, EXIT_INVALID_INPUT);
  }
  fs.truncateSync(file, recordFile.completeBytes);
}

/** Checks that all records come from the sweep file with hash `sweepHash`; `file` names their source. */
export function checkSameSweep(records: readonly PointRecord[], sweepHash: string, file: string): void {
  const other = records.find((record) => record.sweep !== sweepHash);
  if (other) {
    throw new UserError(`${file} contains points of another sweep file (sweep hash ${other.sweep}, expected ${sweepHash}); use a separate output file per sweep file`, EXIT_INVALID_INPUT);
  }
}

/**
 * Orders records by their position in the sweep, keeping the latest record of each point id: the
 * one that comes last in `records`. A resumed sweep appends a rerun point after its failed line.
 */
export function deduplicate(records: readonly PointRecord[]): PointRecord[] {
  const latest = new Map<string, PointRecord>();
  for (const record of records) {
    latest.delete(record.id);
    latest.set(record.id, record);
  }
  return [...latest.values()].sort((x, y) => x.index - y.index);
}

/**
 * Joins shard outputs into `out`: checks that every line comes from the same sweep file, keeps the
 * latest record of each point id (later files supersede earlier ones) and orders by position in the sweep. Writes atomically and returns the records.
 */
export function mergeShards(out: string, shards: readonly string[]): PointRecord[] {
  if (shards.length === 0) throw new UserError('sweep merge needs at least one shard file: lmulsim sweep merge OUT.jsonl SHARD.jsonl...', EXIT_INVALID_INPUT);
  const all: PointRecord[] = [];
  let sweepHash: string | undefined;
  for (const shard of shards) {
    if (!fs.existsSync(shard)) throw new UserError(`shard file not found: ${shard}`, EXIT_INVALID_INPUT);
    const { records } = readRecordFile(shard);
    if (records.length === 0) continue;
    sweepHash ??= records[0].sweep;
    checkSameSweep(records, sweepHash, shard);
    all.push(...records);
  }
  const merged = deduplicate(all);
  writeFileAtomic(out, merged.map((record) => JSON.stringify(record) + '\n').join(''));
  return merged;
}

/**
 * Returns the indices from 0 to the largest index in `records` that no record has. A merge of
 * all shards of a finished sweep has none; points after the largest index cannot be detected
 * without the sweep file.
 */
export function missingIndices(records: readonly PointRecord[]): number[] {
  const present = new Set(records.map((record) => record.index));
  const largest = Math.max(-1, ...present);
  const missing: number[] = [];
  for (let index = 0; index <= largest; index++) if (!present.has(index)) missing.push(index);
  return missing;
}
