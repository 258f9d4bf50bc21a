import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadArch } from '../../sim/arch/index.js';
import { encodeNpy, readNpyFile } from '../../sim/io/npy.js';
import { runCli } from '../helpers.js';

let directory: string;
beforeEach(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lmulsim-run-'));
});
afterEach(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

const GEMM = `; 16×16 GEMM in one tile
.tensor A fp32[16, 16] init=uniform(-1, 1, seed=1)
.tensor B fp32[16, 16] init=uniform(-1, 1, seed=2)
.tensor C fp32[16, 16] output
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3
load sp[256], B[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute
preload sp[256] k=16 n=16 wait=load
matmul acc[0], sp[0] m=16 k=16 n=16 method=lmul in=e4m3 out=fp32 overwrite signal=store
store C[0 +: 16, 0 +: 16], acc[0] wait=compute
halt
`;

function writeProgram(text: string, name = 'prog.lasm'): string {
  const file = path.join(directory, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('run command', () => {
  it('json report', async () => {
    const file = writeProgram(GEMM);

    const result = await runCli(['run', file, '--json']);

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.arch).toBe('edge-npu');
    expect(report.macs).toBe(4096);
    expect(report.cycles).toBeGreaterThan(0);
    expect(report.utilization).toBeCloseTo(4096 / (256 * report.cycles), 12);
    expect(Object.keys(report.stalls)).toEqual(['dependency', 'dma', 'bank-conflict', 'barrier', 'bandwidth']);
    expect(report.units.map((unit: { unit: string }) => unit.unit)).toEqual(['load', 'compute', 'vector', 'store', 'control']);
    expect(report.activity.macs[0]).toEqual({ method: 'lmul', format: 'e4m3', accumulator: 'fp32', count: 4096 });
  });

  it('text report', async () => {
    const file = writeProgram(GEMM);

    const result = await runCli(['run', file, '--method', 'exact']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^cycles +\d[\d,]* \([\d.]+ µs at 800 MHz\)$/m);
    expect(result.stdout).toMatch(/^exact +e4m3 +fp32 +4,096$/m);
    expect(result.stdout).toContain('core0.compute');
    expect(result.stdout).toContain('Stalls by cause');
  });

  it('program errors render code frames', async () => {
    const file = writeProgram(GEMM.replace('matmul acc[0]', 'matmull acc[0]'));

    const result = await runCli(['run', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:8:1: error:`);
    expect(result.stderr).toMatch(/\n8 \| matmull/);
    expect(result.stdout).toBe('');
  });

  it('run-time errors render code frames and leave no trace', async () => {
    const file = writeProgram(`.tensor A fp32[16, 16]\nset r0, 999999\nload sp[r0], A[0 +: 16, 0 +: 16] fmt=e4m3\nhalt\n`);
    const trace = path.join(directory, 'out.json');

    const result = await runCli(['run', file, '--trace', trace]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:3:1: error: scratchpad address out of range at run time`);
    expect(result.stderr).toContain('3 | load sp[r0]');
    expect(fs.readdirSync(directory)).toEqual(['prog.lasm']);
  });

  it('invalid option values', async () => {
    const file = writeProgram(GEMM);

    const cases: [string[], RegExp][] = [
      [['--numerics', 'maybe'], /invalid value 'maybe' for --numerics: expected one of on, off/],
      [['--fidelity', 'gate'], /invalid value 'gate' for --fidelity: expected one of tile, pe/],
      [['--method', 'lmull'], /lmull/],
      [['--max-cycles', '-5'], /invalid value '-5' for --max-cycles/],
      [['--window', '1.5'], /invalid value '1.5' for --window/],
      [['--trace', path.join(directory, 't.txt')], /invalid trace file name .*t\.txt/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['run', file, ...args]);

      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });

  it('conflicting options are usage errors', async () => {
    const file = writeProgram(GEMM);

    const result = await runCli(['run', file, '--numerics', 'off', '--reference']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--reference needs values');
  });

  it('missing datapath names machine and method', async () => {
    const file = writeProgram(GEMM);
    const preset = fs.readFileSync(path.join('examples', 'arch', 'edge-npu.yaml'), 'utf8');
    const arch = path.join(directory, 'exact-only.yaml');
    fs.writeFileSync(arch, preset.replace(/^name: edge-npu$/m, 'name: exact-only').replace('datapaths: [exact, lmul]', 'datapaths: [exact]'));

    const result = await runCli(['run', file, '--arch', arch, '--method', 'mitchell']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("machine 'exact-only' has no lmul datapath in its matrix unit, so it cannot run method 'mitchell'");
  });

  it('out writes npy and reference reports errors', async () => {
    const file = writeProgram(GEMM);
    const out = path.join(directory, 'out');

    const result = await runCli(['run', file, '--out', out, '--reference', '--json']);

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(fs.readdirSync(out)).toEqual(['C.npy']);
    const c = readNpyFile(path.join(out, 'C.npy'));
    expect(c.shape).toEqual([16, 16]);
    expect(c.descr).toBe('<f4');
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0].tensor).toBe('C');
    expect(report.errors[0].elements).toBe(256);
    expect(report.errors[0].maxRelError).toBeGreaterThan(0);
    expect(report.errors[0].meanRelError).toBeLessThanOrEqual(report.errors[0].maxRelError);
  });

  it('max cycles stops the run', async () => {
    const file = writeProgram(GEMM);

    const result = await runCli(['run', file, '--max-cycles', '50']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cycle limit of 50 cycles/);
  });

  it('trace and windows', async () => {
    const file = writeProgram(GEMM);
    const trace = path.join(directory, 'run.vcd');

    const result = await runCli(['run', file, '--trace', trace, '--window', '100', '--json', '--numerics', 'off']);

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.windows.cycles).toBe(100);
    expect(report.windows.rows.length).toBe(Math.ceil(report.cycles / 100));
    expect(fs.readFileSync(trace, 'utf8')).toContain('$enddefinitions $end');
  });

  it('energy estimate', async () => {
    const file = writeProgram(GEMM);

    const result = await runCli(['run', file, '--energy', '--node', '7nm', '--json']);

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.energy.node).toBe('7nm');
    expect(report.energy.totalPj).toBeGreaterThan(0);
    expect(report.energy.macCount).toBe(4096);
    // The DRAM traffic is priced: some off-chip component carries energy.
    const offChip = Object.entries(report.energy.byComponent as Record<string, number>).filter(([component]) => component.includes('off-chip'));
    expect(offChip.length).toBeGreaterThan(0);
    expect(Math.max(...offChip.map(([, pj]) => pj))).toBeGreaterThan(0);
  });

  it('node without energy is a usage error', async () => {
    const file = writeProgram(GEMM);

    const result = await runCli(['run', file, '--node', '7nm']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--node and --cost apply only with --energy');
  });
});

describe('run command initialisers', () => {
  it('npy and raw files', async () => {
    // A is 0, 1, 2, ... in a .npy file; B is the e4m3 pattern 0x38 (1.0) in a raw file.
    const a = Float64Array.from({ length: 16 }, (_, i) => i);
    fs.writeFileSync(path.join(directory, 'a.npy'), encodeNpy([4, 4], a, 'float64'));
    fs.writeFileSync(path.join(directory, 'b.bin'), new Uint8Array(16).fill(0x38));
    const file = writeProgram(`
.tensor A fp32[4, 4] init=file("a.npy")
.tensor B e4m3[4, 4] init=file("b.bin")
.tensor C fp32[4, 4] output
load sp[0], A[0 +: 4, 0 +: 4] fmt=e4m3
load sp[16], B[0 +: 4, 0 +: 4] fmt=e4m3 signal=compute
preload sp[16] k=4 n=4 wait=load
matmul acc[0], sp[0] m=4 k=4 n=4 method=exact in=e4m3 out=fp32 overwrite signal=store
store C[0 +: 4, 0 +: 4], acc[0] wait=compute
halt
`);
    const out = path.join(directory, 'out');

    const result = await runCli(['run', file, '--out', out]);

    // Row i of A·ones is the sum of row i: 4i·4 + 6, exact in e4m3 inputs (0 to 15 are e4m3 values) and fp32.
    expect(result.code).toBe(0);
    const c = readNpyFile(path.join(out, 'C.npy')).values;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(c[i * 4 + j]).toBe(16 * i + 6);
  });

  it('host tensors use the host link', async () => {
    const file = writeProgram(`
.tensor W e4m3[16, 256] init=ones place=host
load sp[0], W[0 +: 16, 0 +: 256] fmt=e4m3
halt
`);

    const result = await runCli(['run', file, '--arch', 'gpu-pcie5', '--json', '--numerics', 'off']);

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const host = report.memories.find((memory: { name: string }) => memory.name === 'host');
    // Every core reads one contiguous 4096-byte run in 16 packets of 256 bytes, each packet with the
    // link's overhead.
    expect(host.kind).toBe('pcie5');
    const arch = loadArch('gpu-pcie5');
    const overhead = arch.hostLink?.packetOverheadBytes ?? Number.NaN;
    expect(host.readBytes).toBe(arch.coreCount * (4096 + 16 * overhead));
  });
});
