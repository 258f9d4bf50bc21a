import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

const UNITS = ['fpmul', 'fpadd', 'lmul', 'intadd', 'intmul', 'mac'];
const FORMATS = ['e4m3', 'e5m2', 'bf16', 'fp16', 'fp32', 'int8', 'int16', 'int32'];

describe('costs command', () => {
  it('json shape', async () => {
    const result = await runCli(['costs', '--json']);

    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { units: Array<Record<string, unknown>> };
    expect(parsed.units.length).toBe(3 * 5 + 2 * 3 + 2 * 5 + 1);
    for (const entry of parsed.units) {
      expect(UNITS).toContain(entry.unit);
      expect(FORMATS).toContain(entry.format);
      for (const key of ['energyPj', 'areaGe', 'depth', 'cells']) {
        expect(typeof entry[key], `${entry.unit} ${entry.format} ${key}`).toBe('number');
        expect(entry[key] as number, `${entry.unit} ${entry.format} ${key}`).toBeGreaterThan(0);
      }
    }
    const fp32 = parsed.units.find((entry) => entry.unit === 'fpmul' && entry.format === 'fp32');
    expect(fp32?.referencePj).toBe(3.7);
  });

  it('format filter and text table', async () => {
    const result = await runCli(['costs', '--format', 'e4m3']);

    expect(result.code).toBe(0);
    const rows = result.stdout.split('\n').filter((line) => /^(fpmul|fpadd|lmul|mac)/.test(line));
    expect(rows.map((row) => row.split(/\s{2,}/)[0])).toEqual(['fpmul', 'fpadd', 'lmul', 'mac exact', 'mac lmul']);
  });

  it('set changes the energy', async () => {
    const base = JSON.parse((await runCli(['costs', '--json', '--format', 'int8'])).stdout);
    const doubled = JSON.parse((await runCli(['costs', '--json', '--format', 'int8', '--set', 'gate.FA.energyFj=12.66', '--set', 'gate.HA.energyFj=7.22'])).stdout);

    const add = (report: { units: Array<{ unit: string; energyPj: number }> }) => report.units.find((entry) => entry.unit === 'intadd')!.energyPj;
    // intadd int8 is 7 FA and 1 HA, so doubling both gate energies doubles it.
    expect(add(doubled) / add(base)).toBeCloseTo(2, 2);
  });

  it('set rejects unknown name', async () => {
    const result = await runCli(['costs', '--set', 'gate.FB.energyFj=3']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown cost parameter 'gate.FB.energyFj'");
    expect(result.stderr).toContain("did you mean 'gate.FA.energyFj'");
  });

  it('set rejects non-number', async () => {
    const result = await runCli(['costs', '--set', 'gate.FA.energyFj=fast']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid value 'fast' for --set gate.FA.energyFj");
  });

  it('unknown node rejected', async () => {
    const result = await runCli(['costs', '--node', '8nm']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown technology node '8nm'");
  });

  it('lists parameters', async () => {
    const result = await runCli(['costs', '--list-parameters']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('gate.FA.energyFj\t6.33\tfJ');
    expect(result.stdout).toContain('sram.32KiB.energyPj\t20\tpJ');
    expect(result.stdout).toContain('offchip.hbm2.pjPerBit\t3.9\tpJ/bit');
  });
});

describe('claims command', () => {
  it('json shape and paper values', async () => {
    const result = await runCli(['claims', '--json']);

    expect(result.code).toBe(0);
    const claims = (JSON.parse(result.stdout) as { claims: Array<{ id: string; statement: string; paper: number | null; model: number; verdict: string }> }).claims;
    expect(claims[0].id).toBe('elementwise-fp32');
    expect(claims[1].id).toBe('dot-product-fp32');
    expect(claims[0].paper).toBeCloseTo(1 - 0.1 / 3.7, 12);
    expect(claims[0].paper).toBeCloseTo(0.973, 3);
    expect(claims[1].paper).toBeCloseTo(1 - (0.1 + 0.9) / (3.7 + 0.9), 12);
    expect(new Set(claims.map((claim) => claim.id)).size).toBe(claims.length);
    for (const claim of claims) {
      expect(claim.verdict, claim.id).toMatch(/^(holds|holds only if|does not hold)\b/);
      expect(Number.isFinite(claim.model), claim.id).toBe(true);
      expect(claim.statement.length, claim.id).toBeGreaterThan(0);
    }
  });

  it('verdict numbers match costs', async () => {
    const claims = JSON.parse((await runCli(['claims', '--json'])).stdout).claims as Array<{ id: string; model: number; verdict: string; numbers: Record<string, number> }>;
    const units = JSON.parse((await runCli(['costs', '--json'])).stdout).units as Array<{ unit: string; format: string; method?: string; energyPj: number; cells: number }>;
    const energy = (unit: string, format: string, method?: string) => units.find((entry) => entry.unit === unit && entry.format === format && entry.method === method)!.energyPj;

    const elementwise = claims.find((claim) => claim.id === 'elementwise-fp32')!;
    expect(elementwise.model).toBeCloseTo(1 - energy('lmul', 'fp32') / energy('fpmul', 'fp32'), 12);
    expect(elementwise.verdict).toContain(`fp32 multiply ${energy('fpmul', 'fp32').toPrecision(3)} pJ`);

    const dot = claims.find((claim) => claim.id === 'dot-product-fp32')!;
    expect(dot.model).toBeCloseTo(1 - energy('mac', 'fp32', 'lmul') / energy('mac', 'fp32', 'exact'), 12);

    const gates = claims.find((claim) => claim.id === 'gates-fp16')!;
    expect(gates.numbers.modelFpmulCells).toBe(units.find((entry) => entry.unit === 'fpmul' && entry.format === 'fp16')!.cells);
    expect(gates.numbers.paperFpmulGates).toBe(584);

    const int8 = claims.find((claim) => claim.id === 'mac-lmul-e4m3-vs-int8')!;
    expect(int8.model).toBeCloseTo(1 - energy('mac', 'e4m3', 'lmul') / energy('mac', 'int8', 'exact'), 12);
  });

  it('kernel claims include memory', async () => {
    const claims = JSON.parse((await runCli(['claims', '--json', '--node', '7nm'])).stdout).claims as Array<{ id: string; model: number; numbers: Record<string, number> }>;
    const mac = claims.find((claim) => claim.id === 'mac-fp32')!;
    const gemm = claims.find((claim) => claim.id === 'gemm-fp32')!;

    expect(gemm.numbers.memoryPj).toBeGreaterThan(0);
    // Memory energy is paid by both variants, so the kernel saving is below the MAC saving.
    expect(gemm.model).toBeLessThan(mac.model);
    expect(gemm.model).toBeCloseTo(1 - gemm.numbers.lmulPj / gemm.numbers.exactPj, 12);
  });

  it('text table', async () => {
    const result = await runCli(['claims']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^elementwise-fp32\s+97\.3%\s+\d+\.\d%\s+(holds|holds only if|does not hold)\b/m);
  });
});

describe('claims kernel activity', () => {
  it('supplied activity replaces analytic', async () => {
    const { analyticKernelActivity, defaultMachine, evaluateClaims, loadCostModel } = await import('../../costmodels/index.js');
    const model = loadCostModel('45nm');
    const analytic = analyticKernelActivity(defaultMachine('45nm'));
    const calls: string[] = [];

    const claims = evaluateClaims(model, {
      kernelActivity: (kernel, numerics) => {
        calls.push(`${kernel} ${numerics.format} ${numerics.method}`);
        // The same run without its DRAM traffic.
        return { ...analytic(kernel, numerics), memories: [] };
      },
    });

    expect(calls).toContain('gemm fp32 exact');
    expect(calls).toContain('attention e4m3 lmul');
    const withoutDram = claims.find((claim) => claim.id === 'gemm-fp32')!;
    const withDram = evaluateClaims(model).find((claim) => claim.id === 'gemm-fp32')!;
    expect(withoutDram.statement).toContain('supplied activity');
    expect(withoutDram.numbers.exactPj).toBeLessThan(withDram.numbers.exactPj);
    expect(withoutDram.model).toBeGreaterThan(withDram.model);
  });
});

describe('formula evaluation errors', () => {
  it('negative count names the formula', async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { dataDirectory } = await import('../../costmodels/index.js');
    const directory = mkdtempSync(path.join(tmpdir(), 'lmulsim-costs-'));
    const file = path.join(directory, 'node.yaml');
    const component = ['components:', '  rca:', '    description: adder whose count turns negative', '    params: [n]', '    activity: logic', '    cells:', '      FA: n - 100', '      HA: 1', '    depth: n', ''].join('\n');
    writeFileSync(file, readFileSync(path.join(dataDirectory(), '45nm.yaml'), 'utf8') + component);

    const result = await runCli(['costs', '--node', file, '--format', 'int8']);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('components.rca.cells.FA: negative cell count -92 for n=8');
    expect(result.stderr).toMatch(/node\.yaml:\d+:\d+: error/);
  });
});
