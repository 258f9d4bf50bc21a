import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paretoFronts } from '../../sweep/pareto.js';
import type { PointRecord } from '../../sweep/point.js';
import { runCli } from '../helpers.js';

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-sweep-fronts-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function record(index: number, workload: string, energyPj: number, cycles: number): PointRecord {
  return { id: `p${index}`, sweep: 's', index, params: { workload }, status: 'ok', energyPj, cycles, wallMs: 0 };
}

describe('pareto fronts per workload', () => {
  it('compares points within a workload', () => {
    const records = [record(0, 'big', 100, 1000), record(1, 'small', 1, 10), record(2, 'big', 90, 1200), record(3, 'small', 2, 20), record(4, 'big', 120, 1100)];

    const fronts = paretoFronts(records);

    // The order is that of first appearance; p1 would dominate every big point if all were compared.
    expect(fronts.map((front) => front.workload)).toEqual(['big', 'small']);
    expect(fronts[0].front.map((member) => member.id)).toEqual(['p2', 'p0']);
    expect(fronts[1].front.map((member) => member.id)).toEqual(['p1']);
  });
});

describe('sweep of two workloads', () => {
  const file = join(directory, 'two.yaml');
  const out = join(directory, 'two.jsonl');

  it('prints one front per workload', async () => {
    writeFileSync(file, ['workloads:', '  small: { gemm: { m: 4, k: 4, n: 4 } }', '  large: { gemm: { m: 16, k: 16, n: 16 } }', 'grid:', '  workload: [small, large]', '  method: [exact, lmul]', ''].join('\n'));

    const result = await runCli(['sweep', file, '--out', out, '--workers', '1', '--report', join(directory, 'two.md')]);

    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('4 points, 0 failed; Pareto fronts of energyPj, cycles for 2 workloads');
    // L-Mul has the cycles of the exact multiplier and less energy, so the lmul point is the only point on each front.
    expect(lines).toContain('workload small: 1 point on the front');
    expect(lines).toContain('workload large: 1 point on the front');
    const report = readFileSync(join(directory, 'two.md'), 'utf8');
    expect(report).toContain('## Pareto front of workload small');
    expect(report).toContain('## Pareto front of workload large');
    expect(report).toContain('4 points, 0 failed, in 2 workloads.');
  });

  it('html report has a table per workload', async () => {
    const report = join(directory, 'two.html');

    const result = await runCli(['sweep', 'merge', join(directory, 'merged.jsonl'), out, '--report', report]);

    expect(result.code).toBe(0);
    const text = readFileSync(report, 'utf8');
    expect(text).toContain('<svg');
    expect(text).toContain('<h2>Pareto front of workload small</h2>');
    expect(text).toContain('<h2>Pareto front of workload large</h2>');
  });
});
