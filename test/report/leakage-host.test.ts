import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCostModel, logicAreaFromArch } from '../../costmodels/index.js';
import { comparisonNotes, comparisonRows, renderCsv, renderMarkdown, reportJson, runComparison, type CompareReport } from '../../report/index.js';
import { loadArch } from '../../sim/arch/index.js';
import { compile } from '../sim/helpers.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

function compare(fixture: string, archName: string): CompareReport {
  const arch = loadArch(archName);
  const file = join(FIXTURES, fixture);
  const program = compile(readFileSync(file, 'utf8'), arch, file);
  return runComparison({ file, program, arch, methods: ['exact', 'lmul'], model: loadCostModel('45nm') });
}

describe('compare reports leakage', () => {
  it('priced from the machine area', () => {
    const report = compare('tile.lasm', 'edge-npu');
    const area = logicAreaFromArch(loadArch('edge-npu'), loadCostModel('45nm'));

    expect(report.leakageOmitted).toBe(false);
    expect(report.logicArea?.areaGe).toBeCloseTo(area.areaGe, 6);
    for (const outcome of report.methods) {
      // 20 nW/GE × area × cycles / 800 MHz, in pJ.
      const expected = 20e-9 * area.areaGe * (outcome.cycles / 800e6) * 1e12;
      expect(outcome.energy.byGroup['leakage'], outcome.method).toBeCloseTo(expected, 6);
      expect(outcome.energy.byGroup['leakage'], outcome.method).toBeGreaterThan(0);
    }
  });

  it('row, note, CSV column and JSON area', () => {
    const report = compare('tile.lasm', 'edge-npu');

    expect(comparisonRows(report).map((row) => row.label)).toContain('leakage (pJ)');
    const notes = comparisonNotes(report);
    expect(notes.some((note) => note.startsWith('leakage is priced on ') && note.includes('leaves out SRAM leakage'))).toBe(true);
    expect(notes.some((note) => note.includes('leave out leakage'))).toBe(false);
    expect(renderCsv(report).split('\r\n')[0]).toContain('leakage pJ');
    expect(renderMarkdown(report)).toContain('| leakage (pJ) |');
    const json = reportJson(report) as { leakageOmitted: boolean; logicArea: { areaGe: number } };
    expect(json.leakageOmitted).toBe(false);
    expect(json.logicArea.areaGe).toBeGreaterThan(0);
  });
});

describe('compare reports host memory', () => {
  it('host memory and host link rows', () => {
    const report = compare('host-tile.lasm', 'gpu-pcie5');

    const labels = comparisonRows(report).map((row) => row.label);
    expect(labels.indexOf('host memory (pJ)')).toBeGreaterThan(labels.indexOf('off-chip memory (pJ)'));
    expect(labels.indexOf('host link (pJ)')).toBe(labels.indexOf('host memory (pJ)') + 1);
    for (const outcome of report.methods) {
      const link = outcome.energy.lines.find((line) => line.component === 'host link')!;
      const host = outcome.energy.lines.find((line) => line.component === 'host memory')!;
      // Link at 5 pJ/bit (pcie5), host DDR5 at 12 pJ/bit over the bits the run recorded.
      expect(link.energyPj).toBeCloseTo(link.count * 5, 6);
      expect(host.energyPj).toBeCloseTo(host.count * 12, 6);
      expect(host.count).toBeGreaterThan(0);
      expect(host.count).toBeLessThanOrEqual(link.count);
    }
    expect(comparisonNotes(report).some((note) => note.startsWith('host memory is the DRAM behind the host link'))).toBe(true);
    expect(renderCsv(report).split('\r\n')[0]).toContain('host memory pJ,host link pJ');
  });

  it('no host rows without host traffic', () => {
    const report = compare('tile.lasm', 'edge-npu');

    const labels = comparisonRows(report).map((row) => row.label);
    expect(labels).not.toContain('host memory (pJ)');
    expect(labels).not.toContain('host link (pJ)');
  });
});
