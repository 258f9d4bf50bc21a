import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PointRecord } from '../../sweep/point.js';
import { runSweep } from '../../sweep/run.js';
import { loadSweepFile } from '../../sweep/spec.js';
import { runCli } from '../helpers.js';

const GRID = join(import.meta.dirname, 'fixtures', 'grid288.yaml');
const CLI = join(import.meta.dirname, 'fixtures', 'cli.ts');
const POINTS = 288;
/** Complete lines the killed sweep must have written first, so that the resume has points to skip. */
const LINES_BEFORE_KILL = 40;
const directory = mkdtempSync(join(tmpdir(), 'lmulsim-sweep-kill-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function completeLines(file: string): string[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((line) => line !== '');
}

/** Records in sweep order without the wall time, which differs from run to run. */
function comparable(records: readonly PointRecord[]): Omit<PointRecord, 'wallMs'>[] {
  return [...records].sort((x, y) => x.index - y.index).map(({ wallMs, ...rest }) => (void wallMs, rest));
}

/** Runs the sweep in a child process and kills it with SIGKILL once `lines` lines are in `out`. */
function runAndKill(out: string, lines: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'sweep', GRID, '--out', out, '--workers', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (completeLines(out).length >= lines) child.kill('SIGKILL');
    }, 10);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`the sweep ended before it was killed (exit code ${code}): ${stderr}`));
    });
  });
}

describe('sweep killed and resumed', () => {
  it('resumes without duplicates', async () => {
    const out = join(directory, 'killed.jsonl');
    const reference = await runSweep(loadSweepFile(GRID), { workers: 1 });

    await runAndKill(out, LINES_BEFORE_KILL);
    const written = completeLines(out);
    const result = await runCli(['sweep', GRID, '--out', out, '--workers', '2']);

    expect(written.length).toBeGreaterThanOrEqual(LINES_BEFORE_KILL);
    expect(written.length).toBeLessThan(POINTS);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${written.length} point${written.length === 1 ? '' : 's'} already in ${out}, so only the other ${POINTS - written.length} points will run`);
    const records = completeLines(out).map((line) => JSON.parse(line) as PointRecord);
    expect(records).toHaveLength(POINTS);
    expect(new Set(records.map((record) => record.id)).size).toBe(POINTS);
    // Lines written before the kill stay as they were.
    expect(completeLines(out).slice(0, written.length)).toEqual(written);
    expect(comparable(records)).toEqual(comparable(reference.records));
  });
});

describe('sweep interrupted with Ctrl-C', () => {
  it('says how to resume and exits 130', async () => {
    const out = join(directory, 'interrupted.jsonl');
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'sweep', GRID, '--out', out, '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        if (completeLines(out).length >= LINES_BEFORE_KILL) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 10);
      child.on('exit', (exitCode) => {
        clearInterval(poll);
        resolve(exitCode);
      });
    });

    const written = completeLines(out);
    expect(code).toBe(130);
    expect(written.length).toBeLessThan(POINTS);
    expect(stderr).toMatch(new RegExp(`sweep interrupted after ${written.length} of ${POINTS} points`));
    expect(stderr).toContain(`the finished points are in ${out}`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
