import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PointRecord } from '../../sweep/point.js';
import { deduplicate } from '../../sweep/records.js';
import { runCli } from '../helpers.js';
import { diagnosticsOf, readLines } from './fixtures/specs.js';

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-sweep-checks-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const GEMM = 'workloads:\n  g: { gemm: { m: 4, k: 4, n: 4 } }\n';
/** Returns the diagnostics of an invalid sweep text read as a file in the test's directory. */
const diagnosticsInDirectory = (text: string, file = join(directory, 'bad.yaml')): string[] => diagnosticsOf(text, file);
const DOT_PROGRAM = join(import.meta.dirname, '..', '..', 'examples', 'dot.lasm');


describe('sweep file names checked on load', () => {
  it('unknown base preset', () => {
    const [diagnostic, ...rest] = diagnosticsInDirectory(`base: edge-nup\n${GEMM}grid:\n  method: [exact]\n`);

    expect(rest).toEqual([]);
    expect(diagnostic).toContain("unknown base machine 'edge-nup'");
    expect(diagnostic).toContain('bad.yaml:1:7');
    expect(diagnostic).toContain("did you mean 'edge-npu'?");
  });

  it('base file that does not load', () => {
    writeFileSync(join(directory, 'broken-machine.yaml'), 'core: 3\n');

    const [diagnostic] = diagnosticsInDirectory(`base: broken-machine.yaml\n${GEMM}grid:\n  method: [exact]\n`);

    expect(diagnostic).toContain('broken-machine.yaml does not load');
    expect(diagnostic).toContain('bad.yaml:1:7');
  });

  it('unknown node in the grid', () => {
    const [diagnostic, ...rest] = diagnosticsInDirectory(`${GEMM}grid:\n  node: [45nm, 45mn]\n`);

    expect(rest).toEqual([]);
    expect(diagnostic).toContain("unknown node '45mn'");
    expect(diagnostic).toContain('bad.yaml:4:16');
    expect(diagnostic).toContain("did you mean '45nm'?");
  });

  it('missing node file', () => {
    const [diagnostic] = diagnosticsInDirectory(`${GEMM}points:\n  - { node: ${join(directory, 'no-such-node.yaml')} }\n`);

    expect(diagnostic).toContain('no-such-node.yaml');
    expect(diagnostic).toContain('bad.yaml:4:13');
  });

  it('unknown method suggests a name', () => {
    const [diagnostic] = diagnosticsInDirectory(`${GEMM}grid:\n  method: [lmull]\n`);

    expect(diagnostic).toContain("invalid method 'lmull'");
    expect(diagnostic).toContain("did you mean 'lmul'?");
  });

  it('unknown dataflow suggests a name', () => {
    const [diagnostic] = diagnosticsInDirectory(`${GEMM}grid:\n  dataflow: [weight-stationery]\n`);

    expect(diagnostic).toContain("did you mean 'weight-stationary'?");
  });

  it('missing program file', () => {
    const [diagnostic, ...rest] = diagnosticsInDirectory('workloads:\n  p: { program: missing.lasm }\ngrid:\n  method: [exact]\n');

    expect(rest).toEqual([]);
    expect(diagnostic).toContain(`cannot read program ${join(directory, 'missing.lasm')}: no such file`);
    expect(diagnostic).toContain('bad.yaml:2:17');
  });

  it('cli exits 2 before any point runs', async () => {
    const file = join(directory, 'typos.yaml');
    writeFileSync(file, `base: edge-nup\n${GEMM}grid:\n  node: [45mn]\n  method: [lmull]\n`);
    const out = join(directory, 'typos.jsonl');

    const result = await runCli(['sweep', file, '--out', out, '--workers', '1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(3 errors)');
    expect(existsSync(out)).toBe(false);
    expect(result.stdout).toBe('');
  });
});

describe('failed points', () => {
  const file = join(directory, 'program.yaml');
  const program = join(directory, 'dot.lasm');
  const out = join(directory, 'program.jsonl');

  it('failed point exits 2 with a summary', async () => {
    writeFileSync(program, 'this is not a program\n');
    writeFileSync(file, 'workloads:\n  p: { program: dot.lasm }\ngrid:\n  method: [exact]\n');

    const result = await runCli(['sweep', file, '--out', out, '--workers', '1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('1 of 1 points failed');
    expect(result.stdout).toContain('1 point, 1 failed');
    expect(readLines(out).map((record) => record.status)).toEqual(['failed']);
  });

  it('resume reruns a failed point', async () => {
    copyFileSync(DOT_PROGRAM, program);

    const result = await runCli(['sweep', file, '--out', out, '--workers', '1']);

    expect(result.code).toBe(0);
    const lines = readLines(out);
    expect(lines.map((record) => record.status)).toEqual(['failed', 'ok']);
    expect(lines[1].id).toBe(lines[0].id);
    expect(result.stdout).toContain('1 point, 0 failed');
  });

  it('second resume runs nothing', async () => {
    const result = await runCli(['sweep', file, '--out', out, '--workers', '1']);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`1 point already in ${out}, so none is left to run`);
    expect(readLines(out)).toHaveLength(2);
  });

  it('merge keeps the latest record', async () => {
    const merged = join(directory, 'merged.jsonl');

    const result = await runCli(['sweep', 'merge', merged, out]);

    expect(result.code).toBe(0);
    expect(readLines(merged).map((record) => record.status)).toEqual(['ok']);
    expect(result.stdout).toContain('1 point, 0 failed');
  });

  it('deduplicate keeps the last line per id', () => {
    const record = (id: string, index: number, status: 'ok' | 'failed', wallMs: number): PointRecord => ({ id, sweep: 's', index, params: {}, status, wallMs });
    const records = [record('b', 1, 'failed', 1), record('a', 0, 'ok', 2), record('b', 1, 'ok', 3), record('a', 0, 'failed', 4)];

    expect(deduplicate(records).map((kept) => [kept.id, kept.status, kept.wallMs])).toEqual([
      ['a', 'failed', 4],
      ['b', 'ok', 3],
    ]);
  });
});

describe('existing output file', () => {
  const sweep = join(directory, 'small.yaml');
  writeFileSync(sweep, `${GEMM}grid:\n  method: [exact]\n`);

  it('text file without newline is kept', async () => {
    const notes = join(directory, 'notes.txt');
    writeFileSync(notes, 'buy milk');

    const result = await runCli(['sweep', sweep, '--out', notes, '--workers', '1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${notes} is not a sweep output file`);
    expect(readFileSync(notes, 'utf8')).toBe('buy milk');
  });

  it('text file with lines is kept', async () => {
    const notes = join(directory, 'notes2.txt');
    writeFileSync(notes, 'first\nsecond');

    const result = await runCli(['sweep', sweep, '--out', notes, '--workers', '1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${notes}:1: invalid sweep output line: not JSON`);
    expect(readFileSync(notes, 'utf8')).toBe('first\nsecond');
  });

  it('partial record is cut', async () => {
    const out = join(directory, 'partial.jsonl');
    writeFileSync(out, '{"id":"ab');

    const result = await runCli(['sweep', sweep, '--out', out, '--workers', '1']);

    expect(result.code).toBe(0);
    const lines = readLines(out);
    expect(lines).toHaveLength(1);
    expect(lines[0].status).toBe('ok');
  });
});

describe('merge gaps', () => {
  const record = (index: number): PointRecord => ({ id: `id${index}`, sweep: 's', index, params: {}, status: 'ok', wallMs: 1 });

  it('missing shard is warned about', async () => {
    const shard0 = join(directory, 'gap-0.jsonl');
    const shard2 = join(directory, 'gap-2.jsonl');
    writeFileSync(shard0, [0, 3, 6].map((index) => JSON.stringify(record(index)) + '\n').join(''));
    writeFileSync(shard2, [2, 5].map((index) => JSON.stringify(record(index)) + '\n').join(''));

    const result = await runCli(['sweep', 'merge', join(directory, 'gap.jsonl'), shard0, shard2]);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('2 indices below 6 have no record (1, 4)');
  });

  it('complete shards merge silently', async () => {
    const shard0 = join(directory, 'full-0.jsonl');
    const shard1 = join(directory, 'full-1.jsonl');
    writeFileSync(shard0, [0, 2].map((index) => JSON.stringify(record(index)) + '\n').join(''));
    writeFileSync(shard1, [1].map((index) => JSON.stringify(record(index)) + '\n').join(''));

    const result = await runCli(['sweep', 'merge', join(directory, 'full.jsonl'), shard0, shard1]);

    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('gaps');
  });
});
