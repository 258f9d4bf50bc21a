import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../sweep/run.js';
import { sweepFromYamlText } from '../../sweep/spec.js';

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-sweep-leakage-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('gemm point energy', () => {
  it('leakage grows with run time', async () => {
    // Bandwidth and latency in cycles keep the cycle count independent of the clock.
    const machine = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'arch', 'edge-npu.yaml'), 'utf8');
    expect(machine).toContain('bandwidthGBps: 12.8');
    expect(machine).toContain('latencyNs: 120');
    writeFileSync(join(directory, 'machine.yaml'), machine.replace('bandwidthGBps: 12.8', 'bandwidthBytesPerCycle: 16').replace('latencyNs: 120', 'latencyCycles: 96'));
    const file = join(directory, 'clock.yaml');
    const spec = sweepFromYamlText('base: machine.yaml\nworkloads:\n  g: { gemm: { m: 8, k: 8, n: 8 } }\ngrid:\n  clockMhz: [1000, 100, 10]\n', file);

    const { records } = await runSweep(spec, { workers: 1 });

    const [fast, middle, slow] = records.map((record) => {
      expect(record.status).toBe('ok');
      return record;
    });
    expect(middle.cycles).toBe(fast.cycles);
    expect(slow.cycles).toBe(fast.cycles);
    // Equal switching energy, so the differences are leakage, which is proportional to run time:
    // the 10 MHz point adds 99 times the leakage of the 1000 MHz point and the 100 MHz point 9 times.
    const fastLeakage = ((slow.energyPj as number) - (fast.energyPj as number)) / 99;
    expect(fastLeakage).toBeGreaterThan(0);
    expect(fastLeakage).toBeLessThan(fast.energyPj as number);
    expect((middle.energyPj as number) - (fast.energyPj as number)).toBeCloseTo(9 * fastLeakage, 6);
  });
});
