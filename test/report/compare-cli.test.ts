import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'tile.lasm');
// The tile of FIXTURE accumulated in fp16, and a machine that accumulates in fp16 to run it on.
const FP16_FIXTURE = join(import.meta.dirname, 'fixtures', 'tile-fp16.lasm');
const FP16_ACCUMULATOR_ARCH = join(import.meta.dirname, '..', 'sim', 'fixtures', 'edge-npu-fp16.yaml');
const directory = mkdtempSync(join(tmpdir(), 'lmulsim-compare-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface MethodJson {
  method: string;
  cycles: number;
  energyPj: number;
  pjPerMac: number | null;
  maxRelError: number;
  meanRelError: number;
  savingVsExact: number | null;
}

async function compareJson(args: readonly string[], program = FIXTURE): Promise<MethodJson[]> {
  const result = await runCli(['compare', program, '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const parsed = JSON.parse(result.stdout) as { methods: MethodJson[] };
  expect(Object.keys(parsed)).toEqual(['methods']);
  return parsed.methods;
}

describe('compare --json', () => {
  it('prints one summary per method', async () => {
    const methods = await compareJson(['--methods', 'exact,lmul,mitchell']);

    expect(methods.map((entry) => entry.method)).toEqual(['exact', 'lmul', 'mitchell']);
    for (const entry of methods) {
      expect(Object.keys(entry).sort()).toEqual(['cycles', 'energyPj', 'maxRelError', 'meanRelError', 'method', 'pjPerMac', 'savingVsExact']);
      expect(entry.cycles).toBeGreaterThan(0);
      expect(entry.energyPj).toBeGreaterThan(0);
    }
  });

  it('computes saving from the printed energies', async () => {
    const methods = await compareJson(['--methods', 'exact,lmul,lmul-formula']);
    const exact = methods.find((entry) => entry.method === 'exact')!;

    expect(exact.savingVsExact).toBe(0);
    for (const entry of methods.filter((candidate) => candidate.method !== 'exact')) {
      expect(entry.savingVsExact).toBeCloseTo(1 - entry.energyPj / exact.energyPj, 12);
      // The L-Mul datapath replaces only the multiplier, so it saves energy on this MAC-bound tile.
      expect(entry.savingVsExact).toBeGreaterThan(0);
    }
  });

  it('prices each MAC at energy over MACs', async () => {
    const methods = await compareJson([]);

    // The fixture does one 16×16×16 product: 4096 MACs.
    for (const entry of methods) expect(entry.pjPerMac).toBeCloseTo(entry.energyPj / 4096, 9);
  });

  it('gives exact zero error in fp32', async () => {
    const [exact, lmul] = await compareJson(['--methods', 'exact,lmul']);

    // Every partial sum of the fixture's e4m3 products fits the fp32 significand, so exact equals fp64.
    expect(exact.maxRelError).toBe(0);
    expect(exact.meanRelError).toBe(0);
    expect(lmul.maxRelError).toBeGreaterThan(0);
    expect(lmul.meanRelError).toBeGreaterThan(0);
    expect(lmul.meanRelError).toBeLessThanOrEqual(lmul.maxRelError);
  });

  it('gives exact a small nonzero error in fp16', async () => {
    const [exact, lmul] = await compareJson(['--arch', FP16_ACCUMULATOR_ARCH, '--methods', 'exact,lmul'], FP16_FIXTURE);

    // e4m3 inputs and an fp16 accumulator: only accumulation rounding (2^-11 per add) separates exact from fp64.
    expect(exact.maxRelError).toBeGreaterThan(0);
    expect(exact.meanRelError).toBeGreaterThan(0);
    expect(exact.meanRelError).toBeLessThan(0.01);
    expect(exact.meanRelError).toBeLessThanOrEqual(exact.maxRelError);
    expect(lmul.maxRelError).not.toBe(exact.maxRelError);
    expect(lmul.meanRelError).toBeGreaterThan(exact.meanRelError);
  });

  it('keeps cycles equal across methods', async () => {
    const [exact, lmul] = await compareJson([]);

    expect(lmul.cycles).toBe(exact.cycles);
  });

  it('gives null savings without exact', async () => {
    const methods = await compareJson(['--methods', 'lmul,mitchell']);

    expect(methods.map((entry) => entry.savingVsExact)).toEqual([null, null]);
  });
});

describe('compare table', () => {
  it('lists each quantity per method', async () => {
    const result = await runCli(['compare', FIXTURE]);

    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.find((line) => line.trim().startsWith('exact'))).toMatch(/^\s+exact\s+lmul$/);
    for (const label of ['cycles', 'matrix-unit multipliers (pJ)', 'total energy (pJ)', 'energy per MAC (pJ)', 'max rel error vs fp64', 'mean rel error vs fp64', 'median rel error vs fp64', 'saving vs exact']) {
      expect(lines.some((line) => line.startsWith(label))).toBe(true);
    }
    expect(lines.find((line) => line.startsWith('saving vs exact'))).toMatch(/0\.0%\s+\d+\.\d%$/);
  });

  it('says when exact is missing', async () => {
    const result = await runCli(['compare', FIXTURE, '--methods', 'lmul']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/saving vs exact\s+n\/a: exact not run/);
  });
});

describe('compare --report', () => {
  it('writes parseable JSON', async () => {
    const file = join(directory, 'report.json');

    const result = await runCli(['compare', FIXTURE, '--report', file]);

    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(file, 'utf8')) as { methods: { method: string; energyPj: number }[]; claims: unknown[]; timeline: { units: unknown[] } };
    expect(report.methods.map((entry) => entry.method)).toEqual(['exact', 'lmul']);
    expect(report.claims.length).toBeGreaterThan(0);
    expect(report.timeline.units.length).toBeGreaterThan(0);
  });

  it('writes CSV with one row per method', async () => {
    const file = join(directory, 'report.csv');

    const result = await runCli(['compare', FIXTURE, '--methods', 'exact,lmul,mitchell', '--report', file]);

    expect(result.code).toBe(0);
    const rows = readFileSync(file, 'utf8').trimEnd().split('\r\n').map((row) => row.split(','));
    const header = rows[0];
    expect(header.slice(0, 3)).toEqual(['method', 'cycles', 'macs']);
    expect(header.slice(-6)).toEqual(['energyPj', 'pjPerMac', 'maxRelError', 'meanRelError', 'medianRelError', 'savingVsExact']);
    expect(rows.length).toBe(4);
    expect(rows.slice(1).map((row) => row[0])).toEqual(['exact', 'lmul', 'mitchell']);
    for (const row of rows.slice(1)) expect(row.length).toBe(header.length);
    expect(Number(rows[1][header.indexOf('savingVsExact')])).toBe(0);
  });

  it('writes a Markdown table', async () => {
    const file = join(directory, 'report.md');

    const result = await runCli(['compare', FIXTURE, '--report', file]);

    expect(result.code).toBe(0);
    const lines = readFileSync(file, 'utf8').split('\n');
    const header = lines.indexOf('| quantity | exact | lmul |');
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 1]).toBe('|---|---:|---:|');
    expect(lines[header + 2]).toMatch(/^\| cycles \| [\d,]+ \| [\d,]+ \|$/);
    expect(lines).toContain('| claim | paper | model | verdict |');
  });

  it('writes self-contained HTML', async () => {
    const file = join(directory, 'report.html');

    const result = await runCli(['compare', FIXTURE, '--report', file]);

    expect(result.code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html.match(/<figure class="chart"/g)?.length).toBe(4);
    expect(html.match(/<svg /g)?.length).toBe(4);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]*"/g, '')).not.toMatch(/https?:\/\//);
  });

  it('rejects an unknown extension', async () => {
    const file = join(directory, 'report.txt');

    const result = await runCli(['compare', FIXTURE, '--report', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'" + file + "'");
    expect(result.stderr).toContain('.html, .md, .json, .csv');
    expect(result.stdout).toBe('');
    expect(existsSync(file)).toBe(false);
  });

  it('leaves no file for an invalid program', async () => {
    const program = join(directory, 'bad.lasm');
    writeFileSync(program, '.tensor A fp32[4] output\nfrobnicate A\nhalt\n');
    const file = join(directory, 'bad.html');

    const result = await runCli(['compare', program, '--report', file]);

    expect(result.code).toBe(2);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(directory).filter((name) => name.includes('bad.html'))).toEqual([]);
  });

  it('keeps the old file when writing fails', async () => {
    const target = join(directory, 'taken.md');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'old');

    const result = await runCli(['compare', FIXTURE, '--report', target]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot write report '${target}'`);
    expect(readFileSync(join(target, 'keep'), 'utf8')).toBe('old');
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('compare errors', () => {
  it('rejects an unknown method', async () => {
    const result = await runCli(['compare', FIXTURE, '--methods', 'exact,lmull']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'lmull'");
    expect(result.stderr).toContain("did you mean 'lmul'?");
    expect(result.stdout).toBe('');
  });

  it('rejects a repeated method', async () => {
    const result = await runCli(['compare', FIXTURE, '--methods', 'lmul,exact,lmul']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'lmul' is listed twice");
  });

  it('rejects a method the machine lacks', async () => {
    const preset = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'arch', 'edge-npu.yaml'), 'utf8');
    expect(preset).toMatch(/datapaths: \[exact, lmul\]/);
    const arch = join(directory, 'exact-only.yaml');
    writeFileSync(arch, preset.replace(/datapaths: \[exact, lmul\]/, 'datapaths: [exact]'));

    const result = await runCli(['compare', FIXTURE, '--arch', arch, '--methods', 'exact,mitchell']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot run method 'mitchell'");
    expect(result.stderr).toContain('datapaths: exact');
  });

  it('rejects an unknown option as usage', async () => {
    const result = await runCli(['compare', FIXTURE, '--method', 'lmul']);

    expect(result.code).toBe(1);
  });

  it('states unit and default in help', async () => {
    const result = await runCli(['compare', '--help']);

    expect(result.code).toBe(0);
    // Commander wraps help lines at the terminal width.
    const help = result.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('(default: "edge-npu")');
    expect(help).toContain('(default: "exact,lmul")');
    expect(help).toContain('(default: "45nm")');
    expect(help).toContain('energies in pJ');
    expect(help).toContain('(default: no report)');
  });
});

describe('compare without output tensors', () => {
  const program = join(directory, 'no-output.lasm');
  writeFileSync(program, '.tensor A fp32[4, 4] init=ones\nhalt\n');

  it('shows - for the relative errors, not 0', async () => {
    const result = await runCli(['compare', program]);
    expect(result.code).toBe(0);
    const rows = result.stdout.split('\n').filter((line) => line.includes('rel error vs fp64'));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.trim().split(/\s+/).slice(-2)).toEqual(['-', '-']);
    expect(result.stdout).toContain('no output elements');
  });

  it('prints null errors in --json and empty CSV fields', async () => {
    const methods = await compareJson([], program);
    for (const entry of methods) {
      expect(entry.maxRelError).toBeNull();
      expect(entry.meanRelError).toBeNull();
    }
    const csv = join(directory, 'no-output.csv');
    expect((await runCli(['compare', program, '--report', csv])).code).toBe(0);
    const [header, row] = readFileSync(csv, 'utf8').split('\r\n');
    const fields = header.split(',');
    const values = row.split(',');
    for (const name of ['maxRelError', 'meanRelError', 'medianRelError']) expect(values[fields.indexOf(name)]).toBe('');
  });
});

describe('compare of a racy program', () => {
  const program = join(directory, 'racy.lasm');
  writeFileSync(
    program,
    [
      '.tensor A e4m3[16, 16] init=ones',
      '.tensor C fp32[16, 16] output',
      'load sp[0], A[0 +: 16, 0 +: 16]',
      'preload sp[0] k=16 n=16',
      'matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 signal=store',
      'store C[0 +: 16, 0 +: 16], acc[0] wait=compute',
      'halt',
      '',
    ].join('\n'),
  );

  it('warns about the data race, as run does', async () => {
    const compared = await runCli(['compare', program]);
    const ran = await runCli(['run', program]);

    expect(compared.code).toBe(0);
    expect(compared.stderr).toMatch(/warning: data race: core 0: load at .*racy\.lasm:3:1 writes scratchpad elements from 0 .*preload at .*racy\.lasm:4:1 reads them .*add wait=load to the compute instruction/);
    const raceLines = (text: string) => text.split('\n').filter((line) => line.includes('data race:'));
    expect(raceLines(compared.stderr)).toEqual(raceLines(ran.stderr));
  });
});
