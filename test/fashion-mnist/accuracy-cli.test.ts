import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIRECTORY } from '../../workloads/fashion-mnist/dataset.js';
import { runCli } from '../helpers.js';

const datasetInstalled = fs.existsSync(`${DEFAULT_DATA_DIRECTORY}/t10k-images-idx3-ubyte.gz`);
if (!datasetInstalled) console.warn(`skipping Fashion-MNIST accuracy tests: ${DEFAULT_DATA_DIRECTORY} not found (apt-get install dataset-fashion-mnist)`);

describe('accuracy command', () => {
  it.skipIf(!datasetInstalled)('json rows for 200 images', async () => {
    const result = await runCli(['accuracy', 'fashion-mnist', '--limit', '200', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const report = JSON.parse(result.stdout) as { rows: { config: string; accuracy: number; agreementWithFp32: number; energyPerImageJ: number; simulated: boolean }[] };
    expect(report.rows.map((row) => row.config)).toEqual(['fp32', 'bf16', 'bf16-lmul', 'e4m3-exact', 'e4m3-lmul', 'e5m2-exact', 'e5m2-lmul']);
    for (const row of report.rows) {
      expect(Object.keys(row).sort()).toEqual(['accuracy', 'agreementWithFp32', 'config', 'energyPerImageJ', 'simulated']);
      expect(row.simulated).toBe(true);
      expect(row.accuracy).toBeGreaterThan(0.7);
      expect(row.accuracy).toBeLessThanOrEqual(1);
      expect(row.agreementWithFp32).toBeGreaterThan(0.7);
      expect(row.energyPerImageJ).toBeGreaterThan(0);
      // Every fraction counts whole images out of 200.
      expect(Math.abs(row.accuracy * 200 - Math.round(row.accuracy * 200))).toBeLessThan(1e-9);
    }
    expect(report.rows[0].agreementWithFp32).toBe(1);
    // An 8-bit operand moves a quarter of the bytes of an fp32 operand, so it must cost less energy.
    expect(report.rows[3].energyPerImageJ).toBeLessThan(report.rows[0].energyPerImageJ);
  });

  it.skipIf(!datasetInstalled)('table for one configuration', async () => {
    const result = await runCli(['accuracy', 'fashion-mnist', '--limit', '20', '--configs', 'e4m3-lmul']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toContain('first 20 test images');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^e4m3-lmul\s+\d+\.\d\d%\s+\d+\.\d\d%\s+\d+\.\d{3} µJ\s+\d+$/);
  });

  it.skipIf(!datasetInstalled)('tpu-v1 computes fp32 with gemm', async () => {
    const result = await runCli(['accuracy', 'fashion-mnist', '--limit', '30', '--arch', 'tpu-v1', '--configs', 'fp32,e4m3-lmul', '--json']);
    expect(result.code).toBe(0);

    const report = JSON.parse(result.stdout) as { rows: { config: string; energyPerImageJ: number | null; simulated: boolean; note?: string }[] };
    expect(report.rows[0].simulated).toBe(false);
    expect(report.rows[0].energyPerImageJ).toBeNull();
    expect(report.rows[0].note).toContain("machine 'tpu-v1' cannot run it because its matrix unit takes no fp32 operands");
    expect(report.rows[1].simulated).toBe(true);
    expect(report.rows[1].energyPerImageJ).toBeGreaterThan(0);
  });

  it('missing dataset names the package', async () => {
    const result = await runCli(['accuracy', 'fashion-mnist', '--limit', '5', '--data', '/nonexistent/fashion-mnist']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("'t10k-images-idx3-ubyte.gz' not found in '/nonexistent/fashion-mnist'");
    expect(result.stderr).toContain('apt-get install dataset-fashion-mnist');
  });

  it('rejects an unknown configuration', async () => {
    const result = await runCli(['accuracy', 'fashion-mnist', '--configs', 'fp32,e4m3-lmull']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid configuration 'e4m3-lmull'");
    expect(result.stderr).toContain("did you mean 'e4m3-lmul'");
  });

  it('rejects an unknown workload', async () => {
    const result = await runCli(['accuracy', 'mnist']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid value 'mnist'");
    expect(result.stderr).toContain('fashion-mnist');
  });

  it('rejects a limit above 10000', async () => {
    const result = await runCli(['accuracy', 'fashion-mnist', '--limit', '10001']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid value '10001' for --limit");
  });
});
