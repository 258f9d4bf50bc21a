import { describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors.js';
import { renderDiagnostic } from '../../common/diagnostic.js';
import { dominates, paretoFront } from '../../sweep/pareto.js';
import type { PointRecord } from '../../sweep/point.js';
import { pointId } from '../../sweep/point.js';
import { loadSweepFile, sweepFromYamlText, type SweepSpec } from '../../sweep/spec.js';
import { largestDivisorAtMost } from '../../sweep/gemm.js';
import { runCli } from '../helpers.js';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Returns the rendered diagnostics of an invalid sweep text, one string each. */
function diagnosticsOf(text: string): string[] {
  try {
    sweepFromYamlText(text, 'bad.yaml');
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    expect(error.exitCode).toBe(2);
    return error.diagnostics.map((diagnostic) => renderDiagnostic(diagnostic, text));
  }
  throw new Error('expected the sweep text to be rejected');
}

const WORKLOADS = 'workloads:\n  g: { gemm: { m: 8, k: 8, n: 8 } }\n';

describe('sweep file grid', () => {
  it('expands the cartesian product', () => {
    const spec = sweepFromYamlText(`${WORKLOADS}grid:\n  rows: [4, 8]\n  method: [exact, lmul, mitchell]\n`, 'grid.yaml');

    expect(spec.points).toHaveLength(6);
    // The last key varies fastest.
    expect(spec.points.slice(0, 3).map((point) => point.method)).toEqual(['exact', 'lmul', 'mitchell']);
    expect(spec.points.map((point) => point.rows)).toEqual([4, 4, 4, 8, 8, 8]);
    expect(spec.points.every((point) => point.workload === 'g')).toBe(true);
  });

  it('appends listed points after the grid', () => {
    const spec = sweepFromYamlText(`${WORKLOADS}grid:\n  dataflow: [os]\npoints:\n  - { dataflow: ws, scratchpadBytes: 64 KiB }\n`, 'list.yaml');

    expect(spec.points).toEqual([
      { workload: 'g', dataflow: 'output-stationary' },
      { workload: 'g', dataflow: 'weight-stationary', scratchpadBytes: 65536 },
    ]);
  });

  it('point ids are stable and distinct', () => {
    const text = `${WORKLOADS}grid:\n  rows: [4, 8]\n`;
    const first = sweepFromYamlText(text, 'a.yaml');
    const second = sweepFromYamlText(`# comment\n${text}`, 'a.yaml');
    const ids = (spec: SweepSpec): string[] => spec.points.map((point) => pointId(spec, point));

    expect(ids(first)).toEqual(ids(second));
    expect(new Set(ids(first)).size).toBe(2);
    // The sweep hash covers the text, so the comment changes it.
    expect(first.sweepHash).not.toBe(second.sweepHash);
  });
});

describe('sweep file errors', () => {
  it('unknown top-level key', () => {
    const [message] = diagnosticsOf(`${WORKLOADS}gridd:\n  rows: [4]\n`);

    expect(message).toContain("bad.yaml:3:1: error: unknown key 'gridd'");
    expect(message).toContain("did you mean 'grid'?");
  });

  it('unknown grid parameter', () => {
    const [message] = diagnosticsOf(`${WORKLOADS}grid:\n  rowz: [4]\n`);

    expect(message).toContain("bad.yaml:4:3: error: unknown key 'rowz'");
    expect(message).toContain("did you mean 'rows'?");
  });

  it('bad values point at the value', () => {
    const messages = diagnosticsOf(`${WORKLOADS}grid:\n  rows: [4, 0]\n  dataflow: [diagonal]\n  method: [lmul, fast]\n  scratchpadBytes: [12 parsecs]\n`);

    expect(messages).toHaveLength(4);
    expect(messages[0]).toContain("bad.yaml:4:13: error: invalid rows '0': expected an integer from 1 to 4096");
    expect(messages[1]).toContain("bad.yaml:5:14: error: invalid dataflow 'diagonal'");
    expect(messages[2]).toContain("bad.yaml:6:18: error: invalid method 'fast'");
    expect(messages[3]).toContain("bad.yaml:7:21: error: invalid scratchpadBytes '12 parsecs'");
  });

  it('unknown workload', () => {
    const [message] = diagnosticsOf(`${WORKLOADS}points:\n  - { workload: h }\n`);

    expect(message).toContain("unknown workload 'h'");
    expect(message).toContain('bad.yaml:4:');
  });

  it('workload needs program or gemm', () => {
    const messages = diagnosticsOf('workloads:\n  a: { program: x.txt }\n  b: { gemm: { m: 0, k: 8 } }\ngrid:\n  workload: [a, b]\n');

    expect(messages.some((message) => message.includes("invalid program 'x.txt': expected a .lasm file path"))).toBe(true);
    expect(messages.some((message) => message.includes('gemm m must be an integer from 1 to 65536, got 0'))).toBe(true);
    expect(messages.some((message) => message.includes('gemm n must be an integer from 1 to 65536, got undefined'))).toBe(true);
  });

  it('grid without workload axis needs one workload', () => {
    const [message] = diagnosticsOf('workloads:\n  a: { gemm: { m: 8, k: 8, n: 8 } }\n  b: { gemm: { m: 4, k: 4, n: 4 } }\ngrid:\n  rows: [4]\n');

    expect(message).toContain('the grid has no workload axis');
  });

  it('syntax error has a position', () => {
    const [message] = diagnosticsOf('grid: [unclosed\n');

    expect(message).toMatch(/^bad\.yaml:\d+:\d+: error: YAML syntax error/);
  });

  it('cli exits 2 with code frames', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lmulsim-sweep-spec-'));
    const file = join(directory, 'bad.yaml');
    writeFileSync(file, `${WORKLOADS}grid:\n  rows: [four]\n`);

    const result = await runCli(['sweep', file]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}:4:10: error: invalid rows 'four'`);
    expect(result.stderr).toContain('4 |   rows: [four]');
    expect(result.stderr).toContain(`error: invalid sweep file ${file} (1 error)`);
    rmSync(directory, { recursive: true, force: true });
  });
});

function record(index: number, energyPj: number, cycles: number, meanRelError?: number, status: 'ok' | 'failed' = 'ok'): PointRecord {
  return { id: `p${index}`, sweep: 's', index, params: {}, status, energyPj, cycles, ...(meanRelError !== undefined ? { meanRelError } : {}), wallMs: 0 };
}

describe('pareto front', () => {
  it('two objectives', () => {
    const records = [record(0, 10, 100), record(1, 20, 50), record(2, 25, 60), record(3, 5, 200), record(4, 10, 100), record(5, 1, 1, undefined, 'failed'), record(6, 30, 40)];

    const front = paretoFront(records);

    // p2 is dominated by p1 (less energy and fewer cycles); p4 ties p0 and stays; p5 failed.
    expect(front.map((member) => member.id)).toEqual(['p3', 'p0', 'p4', 'p1', 'p6']);
  });

  it('three objectives', () => {
    const records = [record(0, 10, 100, 0.1), record(1, 10, 100, 0.2), record(2, 20, 200, 0.01), record(3, 20, 200, 0.02), record(4, 5, 300, 0.5)];

    const front = paretoFront(records);

    expect(front.map((member) => member.id).sort()).toEqual(['p0', 'p2', 'p4']);
  });

  it('dominance needs one strict improvement', () => {
    const objectives = ['energyPj', 'cycles'] as const;

    expect(dominates(record(0, 1, 1), record(1, 1, 1), objectives)).toBe(false);
    expect(dominates(record(0, 1, 1), record(1, 1, 2), objectives)).toBe(true);
    expect(dominates(record(0, 1, 3), record(1, 2, 2), objectives)).toBe(false);
  });

  it('matches brute force on random sets', () => {
    let state = 7;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % 20;
    };
    for (let trial = 0; trial < 50; trial++) {
      const records = Array.from({ length: 30 }, (_, index) => record(index, next(), next(), next()));
      const objectives = ['energyPj', 'cycles', 'meanRelError'] as const;
      const expected = records.filter((candidate) => !records.some((other) => dominates(other, candidate, objectives))).map((member) => member.id).sort();

      expect(paretoFront(records).map((member) => member.id).sort()).toEqual(expected);
    }
  });
});

describe('gemm tiles', () => {
  it('largest divisor', () => {
    expect(largestDivisorAtMost(48, 16)).toBe(16);
    expect(largestDivisorAtMost(48, 14)).toBe(12);
    expect(largestDivisorAtMost(13, 12)).toBe(1);
    expect(largestDivisorAtMost(8, 100)).toBe(8);
  });
});

describe('example sweep files', () => {
  it('validate and name existing programs', () => {
    const directory = join(import.meta.dirname, '..', '..', 'examples', 'sweeps');
    const files = readdirSync(directory).filter((name) => name.endsWith('.yaml'));

    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const spec = loadSweepFile(join(directory, name));
      expect(spec.points.length).toBeGreaterThan(0);
      for (const workload of spec.workloads.values()) if (workload.kind === 'program') expect(existsSync(workload.file)).toBe(true);
    }
  });
});
