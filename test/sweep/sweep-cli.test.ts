import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PointRecord } from '../../sweep/point.js';
import { runCli } from '../helpers.js';

const GRID = join(import.meta.dirname, 'fixtures', 'grid288.yaml');
const POINTS = 288;
const directory = mkdtempSync(join(tmpdir(), 'lmulsim-sweep-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function readLines(file: string): PointRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as PointRecord);
}

/** Records in sweep order without the wall time, which differs from run to run. */
function comparable(records: readonly PointRecord[]): Omit<PointRecord, 'wallMs'>[] {
  return [...records].sort((x, y) => x.index - y.index).map(({ wallMs, ...rest }) => (void wallMs, rest));
}

describe('sweep on worker threads', () => {
  const full = join(directory, 'full.jsonl');
  let fullRecords: PointRecord[] = [];

  it('runs 288 points on 2 workers', async () => {
    const result = await runCli(['sweep', GRID, '--out', full, '--workers', '2']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    fullRecords = readLines(full);
    expect(fullRecords).toHaveLength(POINTS);
    expect(new Set(fullRecords.map((record) => record.id)).size).toBe(POINTS);
    expect(new Set(fullRecords.map((record) => record.index)).size).toBe(POINTS);
    expect(fullRecords.every((record) => record.status === 'ok')).toBe(true);
    expect(fullRecords.every((record) => record.maxRelError === undefined)).toBe(true);
    expect(result.stdout).toMatch(/^288 points, 0 failed; Pareto front of energyPj, cycles: \d+ points/);
  });

  it('point results depend on parameters', () => {
    const byParams = (rows: number, dataflow: string, method: string): PointRecord => {
      const found = fullRecords.find((record) => record.params.rows === rows && record.params.cols === 8 && record.params.dataflow === dataflow && record.params.method === method && record.params.bandwidthGBps === 12.8);
      if (!found) throw new Error(`no point rows=${rows} ${dataflow} ${method}`);
      return found;
    };

    // A 2-row array needs four times the weight tiles of an 8-row array for K = 8.
    expect(byParams(2, 'weight-stationary', 'exact').cycles).toBeGreaterThan(byParams(8, 'weight-stationary', 'exact').cycles as number);
    // The L-Mul datapath prices each multiply below the exact multiplier and leaves cycles alone.
    expect(byParams(8, 'weight-stationary', 'lmul').energyPj).toBeLessThan(byParams(8, 'weight-stationary', 'exact').energyPj as number);
    expect(byParams(8, 'weight-stationary', 'lmul').cycles).toBe(byParams(8, 'weight-stationary', 'exact').cycles);
    expect(byParams(8, 'weight-stationary', 'exact').macs).toBe(512);
  });

  it('resume skips finished points', async () => {
    // Keep 100 whole lines and half of the next one, as a sweep killed mid-write leaves them.
    const resumed = join(directory, 'resumed.jsonl');
    const text = readFileSync(full, 'utf8');
    const lines = text.split('\n');
    const kept = lines.slice(0, 100).join('\n') + '\n';
    writeFileSync(resumed, kept + lines[100].slice(0, 40));

    const result = await runCli(['sweep', GRID, '--out', resumed, '--workers', '2']);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`100 points already in ${resumed}, so only the other 188 points will run`);
    const records = readLines(resumed);
    expect(records).toHaveLength(POINTS);
    expect(new Set(records.map((record) => record.id)).size).toBe(POINTS);
    // The first 100 lines are untouched, wall times included.
    expect(readFileSync(resumed, 'utf8').startsWith(kept)).toBe(true);
    expect(comparable(records)).toEqual(comparable(fullRecords));
  });

  it('resume of a finished sweep runs nothing', async () => {
    const copy = join(directory, 'copy.jsonl');
    writeFileSync(copy, readFileSync(full));

    const result = await runCli(['sweep', GRID, '--out', copy, '--workers', '2']);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('288 points already');
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(full, 'utf8'));
  });

  it('shards merged equal the unsharded run', async () => {
    const shardFiles = [0, 1, 2].map((index) => join(directory, `shard${index}.jsonl`));
    const merged = join(directory, 'merged.jsonl');

    const runs = [];
    for (const [index, file] of shardFiles.entries()) runs.push(await runCli(['sweep', GRID, '--out', file, '--shard', `${index}/3`, '--workers', '1']));
    const joined = await runCli(['sweep', 'merge', merged, ...shardFiles, shardFiles[0]]);

    expect([...runs.map((run) => run.code), joined.code]).toEqual([0, 0, 0, 0]);
    for (const [index, file] of shardFiles.entries()) {
      const shardRecords = readLines(file);
      expect(shardRecords).toHaveLength(POINTS / 3);
      expect(shardRecords.every((record) => record.index % 3 === index)).toBe(true);
    }
    const mergedRecords = readLines(merged);
    // The repeated shard 0 adds no duplicates.
    expect(mergedRecords.map((record) => record.index)).toEqual(Array.from({ length: POINTS }, (_, index) => index));
    expect(comparable(mergedRecords)).toEqual(comparable(fullRecords));
    expect(joined.stdout).toMatch(/^288 points, 0 failed; Pareto front/);
    expect(joined.stderr).toContain(`merged 288 points from 4 shard files into ${merged}`);
  });

  it('merge rejects shards of another sweep', async () => {
    const other = join(directory, 'other.jsonl');
    const record = { ...readLines(full)[0], sweep: '0000000000000000', id: 'ffffffffffffffff' };
    writeFileSync(other, JSON.stringify(record) + '\n');

    const result = await runCli(['sweep', 'merge', join(directory, 'bad-merge.jsonl'), full, other]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('contains points of another sweep file (sweep hash 0000000000000000');
  });

  it('failing point is recorded', async () => {
    const file = join(directory, 'failing.yaml');
    writeFileSync(
      file,
      ['base: edge-npu', 'workloads:', '  tiny: { gemm: { m: 8, k: 8, n: 8 } }', 'points:', '  - { scratchpadBytes: 16 }', '  - { rows: 8, cols: 8 }', ''].join('\n'),
    );
    const out = join(directory, 'failing.jsonl');

    const result = await runCli(['sweep', file, '--out', out, '--workers', '1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('1 of 2 points failed');
    const records = readLines(out).sort((x, y) => x.index - y.index);
    expect(records.map((record) => record.status)).toEqual(['failed', 'ok']);
    expect(records[0].error).toContain('core.scratchpad.capacityBytes (16) is not a multiple of');
    expect(result.stderr).toContain(`point ${records[0].id} (index 0) failed`);
    expect(result.stdout).toContain('2 points, 1 failed');
  });

  it('stdout carries JSON lines without --out', async () => {
    const file = join(directory, 'two.yaml');
    writeFileSync(file, ['workloads:', '  tiny: { gemm: { m: 4, k: 4, n: 4 } }', 'grid:', '  method: [exact, lmul]', ''].join('\n'));

    const result = await runCli(['sweep', file, '--workers', '1']);

    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as PointRecord);
    expect(lines.map((record) => record.params.method).sort()).toEqual(['exact', 'lmul']);
    expect(result.stderr).toContain('2 points, 0 failed');
  });

  it('markdown report lists the front', async () => {
    const report = join(directory, 'front.md');

    const result = await runCli(['sweep', 'merge', join(directory, 'again.jsonl'), full, '--report', report]);

    expect(result.code).toBe(0);
    const text = readFileSync(report, 'utf8');
    expect(text).toContain('## Pareto front');
    expect(text).toContain('| id | energy (nJ) | cycles | pJ/MAC | parameters |');
  });
  it('html report has a chart', async () => {
    const report = join(directory, 'front.html');

    const result = await runCli(['sweep', 'merge', join(directory, 'again-html.jsonl'), full, '--report', report]);

    expect(result.code).toBe(0);
    const text = readFileSync(report, 'utf8');
    expect(text).toContain('<svg');
    expect(text).toContain('<h2>Pareto front</h2>');
    expect(text).toContain('288 points, 0 failed.');
  });
});

describe('sweep option errors', () => {
  it('rejects a bad shard', async () => {
    for (const shard of ['2/2', '1', '-1/2', 'a/b', '0/0']) {
      const result = await runCli(['sweep', GRID, '--shard', shard]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`invalid value '${shard}' for --shard`);
    }
  });

  it('rejects a bad worker count', async () => {
    const result = await runCli(['sweep', GRID, '--workers', '0']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid value '0' for --workers");
  });

  it('rejects a bad report name', async () => {
    const result = await runCli(['sweep', GRID, '--report', 'front.pdf']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid report file name 'front.pdf'");
  });

  it('rejects output of another sweep', async () => {
    const out = join(directory, 'foreign.jsonl');
    writeFileSync(out, JSON.stringify({ id: 'a', sweep: 'b', index: 0, params: {}, status: 'ok', wallMs: 1 }) + '\n');

    const result = await runCli(['sweep', GRID, '--out', out]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('contains points of another sweep file');
    truncateSync(out, 0);
  });
});
