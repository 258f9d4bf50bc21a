import { describe, expect, it } from 'vitest';
import { estimateEnergy, loadCostModel, REPORT_COMPONENTS, type RunActivity } from '../../costmodels/index.js';

const BASE: RunActivity = { cycles: 0, clockMhz: 1000, macs: [], vectorOps: [], sram: [], memories: [] };

describe('host memory behind the link', () => {
  it('payload bytes read from host DDR5', () => {
    const model = loadCostModel('45nm', { 'offchip.pcie5.pjPerBit': 5, 'offchip.ddr5.pjPerBit': 12 });
    // 4096 payload bytes in 16 packets of 256 bytes with 24 bytes of overhead each: 4480 link bytes.
    const activity: RunActivity = { ...BASE, memories: [{ name: 'host', kind: 'pcie5', readBytes: 4480, writeBytes: 0, payloadReadBytes: 4096, payloadWriteBytes: 0 }] };

    const report = estimateEnergy(activity, model);

    expect(report.byGroup['host link']).toBeCloseTo(4480 * 8 * 5, 9);
    expect(report.byGroup['host memory']).toBeCloseTo(4096 * 8 * 12, 9);
    expect(report.byComponent['host memory host']).toBeCloseTo(4096 * 8 * 12, 9);
    expect(report.totalPj).toBeCloseTo(4480 * 8 * 5 + 4096 * 8 * 12, 9);
  });

  it('link bytes used without payload', () => {
    const model = loadCostModel('45nm', { 'offchip.ddr5.pjPerBit': 12 });
    const activity: RunActivity = { ...BASE, memories: [{ name: 'host', kind: 'pcie5', readBytes: 300, writeBytes: 100 }] };

    const report = estimateEnergy(activity, model);

    const line = report.lines.find((candidate) => candidate.component === 'host memory')!;
    expect(line.energyPj).toBeCloseTo(400 * 8 * 12, 9);
    expect(line.provenance.formula).toContain('packet overhead');
  });

  it('separate lines with provenance', () => {
    const model = loadCostModel('45nm');
    const activity: RunActivity = {
      ...BASE,
      memories: [
        { name: 'dram', kind: 'gddr6', readBytes: 64, writeBytes: 0 },
        { name: 'host', kind: 'pcie5', readBytes: 280, writeBytes: 0, payloadReadBytes: 256, payloadWriteBytes: 0 },
      ],
    };

    const report = estimateEnergy(activity, model);

    const memoryLines = report.lines.filter((line) => line.component !== 'leakage');
    expect(memoryLines.map((line) => [line.component, line.item])).toEqual([
      ['off-chip memory', 'dram (gddr6) read and write'],
      ['host link', 'host (pcie5) link transfer'],
      ['host memory', 'host host memory (ddr5) read and write'],
    ]);
    const host = memoryLines[2];
    expect(host.energyPerActionPj).toBe(12);
    expect(host.provenance.rows.some((row) => /^offchip\.yaml:\d+ hostMemory\.kind$/.test(row))).toBe(true);
    expect(host.provenance.rows.some((row) => /^offchip\.yaml:\d+ offchip\.ddr5\.energy$/.test(row))).toBe(true);
    expect(host.provenance.sources).toContain('assumption, a current desktop or server host with DDR5 DIMMs; not from a primary source');
    expect(REPORT_COMPONENTS.indexOf('host memory')).toBe(REPORT_COMPONENTS.indexOf('host link') - 1);
  });

  it('DRAM traffic has no host memory line', () => {
    const model = loadCostModel('45nm');
    const activity: RunActivity = { ...BASE, memories: [{ name: 'dram', kind: 'ddr4', readBytes: 64, writeBytes: 64 }] };

    const report = estimateEnergy(activity, model);

    expect(report.lines.some((line) => line.component === 'host memory')).toBe(false);
    expect(report.byGroup['host memory']).toBeUndefined();
  });

  it('override of the host kind row applies', () => {
    const model = loadCostModel('7nm', { 'offchip.ddr5.pjPerBit': 20 });
    const activity: RunActivity = { ...BASE, memories: [{ name: 'host', kind: 'pcie4', readBytes: 10, writeBytes: 0, payloadReadBytes: 8, payloadWriteBytes: 2 }] };

    const report = estimateEnergy(activity, model);

    const line = report.lines.find((candidate) => candidate.component === 'host memory')!;
    expect(line.energyPj).toBeCloseTo(10 * 8 * 20, 9);
    expect(line.provenance.rows).toContain('--set offchip.ddr5.pjPerBit');
  });
});
