import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors.js';
import { dataDirectory, estimateEnergy, loadCostModel, logicAreaFromArch, unitCost, type RunActivity } from '../../costmodels/index.js';
import { loadArch, type ArchConfig } from '../../sim/arch/index.js';

const model = loadCostModel('45nm');
const directory = mkdtempSync(path.join(tmpdir(), 'lmulsim-leakage-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Returns `arch` with its matrix unit changed. */
function withMatrix(arch: ArchConfig, matrix: Partial<ArchConfig['core']['matrix']>): ArchConfig {
  return { ...arch, core: { ...arch.core, matrix: { ...arch.core.matrix, ...matrix } } };
}

function partArea(area: ReturnType<typeof logicAreaFromArch>, prefix: string): number {
  const part = area.parts.find((candidate) => candidate.item.startsWith(prefix));
  if (!part) throw new Error(`no part ${prefix} in ${area.parts.map((candidate) => candidate.item).join(', ')}`);
  return part.areaGe;
}

describe('logicAreaFromArch', () => {
  it('edge-npu parts and counts', () => {
    // edge-npu: one core, 16 × 16 array with exact and lmul datapaths, e4m3 and e5m2 inputs, fp32 accumulator, 16 vector lanes.
    const arch = loadArch('edge-npu');

    const area = logicAreaFromArch(arch, model);

    expect(area.parts.map((part) => [part.item, part.count])).toEqual([
      ['exact multiplier (e4m3, the largest of e4m3, e5m2)', 256],
      ['lmul multiplier (e5m2, the largest of e4m3, e5m2)', 256],
      ['accumulator adder (fp32)', 256],
      ['accumulator register (fp32)', 256],
      ['vector lane fp32 adder', 16],
      ['vector lane fp32 multiplier', 16],
      ['vector lane fp32 comparator', 16],
      ['vector lane fp32 L-Mul', 16],
    ]);
    // 32 DFF (1 sign + 8 exponent + 23 fraction bits) of 4.522 µm² over a NAND2 of 0.798 µm², per processing element.
    expect(partArea(area, 'accumulator register')).toBeCloseTo((256 * 32 * 4.522) / 0.798, 6);
    expect(area.areaGe).toBeCloseTo(
      area.parts.reduce((sum, part) => sum + part.count * part.areaGePerInstance, 0),
      6,
    );
  });

  it('multiplier sized for the largest format', () => {
    const arch = loadArch('edge-npu');

    const area = logicAreaFromArch(arch, model);

    // The e4m3 exact multiplier (4-bit significands) is larger than the e5m2 one (3-bit).
    expect(partArea(area, 'exact multiplier')).toBeCloseTo(256 * unitCost('fpmul', 'e4m3', model).areaGe, 6);
    expect(unitCost('fpmul', 'e4m3', model).areaGe).toBeGreaterThan(unitCost('fpmul', 'e5m2', model).areaGe);
  });

  it('datapaths decide the multipliers', () => {
    const arch = loadArch('edge-npu');

    const both = logicAreaFromArch(arch, model);
    const exactOnly = logicAreaFromArch(withMatrix(arch, { datapaths: ['exact'] }), model);
    const lmulOnly = logicAreaFromArch(withMatrix(arch, { datapaths: ['lmul'] }), model);

    expect(exactOnly.parts.some((part) => part.item.includes('lmul') || part.item.includes('L-Mul'))).toBe(false);
    expect(both.areaGe - exactOnly.areaGe).toBeCloseTo(partArea(both, 'lmul multiplier') + partArea(both, 'vector lane fp32 L-Mul'), 6);
    expect(both.areaGe - lmulOnly.areaGe).toBeCloseTo(partArea(both, 'exact multiplier'), 6);
  });

  it('scales with cores', () => {
    const arch = loadArch('edge-npu');

    const oneCore = logicAreaFromArch(arch, model);
    const eightCores = logicAreaFromArch({ ...arch, coreCount: 8 }, model);

    expect(eightCores.areaGe).toBeCloseTo(8 * oneCore.areaGe, 3);
  });

  it('lmul without float formats rejected', () => {
    const arch = withMatrix(loadArch('edge-npu'), { datapaths: ['lmul'], inputFormats: ['int8'] });

    expect(() => logicAreaFromArch(arch, model)).toThrow(UserError);
    expect(() => logicAreaFromArch(arch, model)).toThrow(/has the lmul datapath but no floating-point input format \(formats: int8\)/);
  });

  it('provenance lists area rows', () => {
    const area = logicAreaFromArch(loadArch('edge-npu'), model);

    expect(area.provenance.rows.some((row) => /^45nm\.yaml:\d+ gates\.DFF\.area$/.test(row))).toBe(true);
    expect(area.provenance.rows.some((row) => /^45nm\.yaml:\d+ gates\.NAND2\.area \(geCell\)$/.test(row))).toBe(true);
    expect(area.provenance.formula).toContain('components.fpmul');
    expect(area.provenance.formula).toContain('components.lmul');
    expect(area.provenance.sources).toContain('energy: calibrated (see calibration); area: estimate of a 45 nm X1 cell');
  });
});

describe('leakage from the machine area', () => {
  const activity: RunActivity = { cycles: 1600, clockMhz: 800, macs: [], vectorOps: [], sram: [], memories: [] };

  it('priced from area, power and time', () => {
    const area = logicAreaFromArch(loadArch('edge-npu'), model);

    const report = estimateEnergy(activity, model, { logicArea: area });

    // 1600 cycles at 800 MHz = 2 µs; 20 nW/GE × area × 2e-6 s = area × 4e-14 J = area × 0.04 pJ.
    expect(report.leakageOmitted).toBe(false);
    expect(report.logicAreaGe).toBe(area.areaGe);
    expect(report.byGroup['leakage']).toBeCloseTo(area.areaGe * 0.04, 6);
    const line = report.lines.find((candidate) => candidate.component === 'leakage')!;
    expect(line.provenance.rows.some((row) => /^45nm\.yaml:\d+ leakage\.power$/.test(row))).toBe(true);
    expect(line.provenance.rows.some((row) => row.endsWith('gates.NAND2.area (geCell)'))).toBe(true);
    expect(line.provenance.formula).toContain('logic area = sum over units');
  });

  it('omitted without an area', () => {
    const report = estimateEnergy(activity, model);

    expect(report.leakageOmitted).toBe(true);
    expect(report.logicAreaGe).toBeUndefined();
    expect(report.byGroup['leakage']).toBe(0);
  });

  it('node without leakage rejected on load', () => {
    const node = readFileSync(path.join(dataDirectory(), '45nm.yaml'), 'utf8');
    const withoutLeakage = node.replace(/^leakage:\n(?: {2}.*\n)+/m, '');
    expect(withoutLeakage).not.toBe(node);
    const file = path.join(directory, 'no-leakage.yaml');
    writeFileSync(file, withoutLeakage);

    let error: unknown;
    try {
      loadCostModel(file);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(UserError);
    const messages = (error as UserError).diagnostics.map((diagnostic) => `${diagnostic.span?.file}: ${diagnostic.message}`);
    expect(messages).toContain(`${file}: missing key 'leakage' in ${file}`);
  });

  it('leakage without source rejected on load', () => {
    const node = readFileSync(path.join(dataDirectory(), '45nm.yaml'), 'utf8');
    const unsourced = node.replace(/^(leakage:\n {2}power: .*\n) {2}source: .*\n/m, '$1');
    expect(unsourced).not.toBe(node);
    const file = path.join(directory, 'unsourced-leakage.yaml');
    writeFileSync(file, unsourced);

    expect(() => loadCostModel(file)).toThrow(UserError);
    try {
      loadCostModel(file);
    } catch (error) {
      expect((error as UserError).diagnostics.map((diagnostic) => diagnostic.message)).toContain("missing key 'source' in leakage");
    }
  });
});
