import { describe, expect, it } from 'vitest';
import { estimateEnergy, loadCostModel, unitCost, type RunActivity } from '../../costmodels/index.js';

// Round numbers so that the expected energies can be worked out by hand.
const OVERRIDES = {
  'gate.AND2.energyFj': 1,
  'gate.FA.energyFj': 10,
  'gate.HA.energyFj': 4,
  'gate.DFF.energyFj': 5,
  'activity.array': 1,
  'activity.logic': 0.5,
  'activity.register': 1,
  'leakage.nwPerGe': 20,
  'offchip.ddr4.pjPerBit': 15,
  'offchip.pcie5.pjPerBit': 5,
  'offchip.ddr5.pjPerBit': 12,
};

const ACTIVITY: RunActivity = {
  cycles: 1000,
  clockMhz: 1000,
  macs: [{ method: 'exact', format: 'int8', accumulator: 'int32', count: 1000 }],
  vectorOps: [],
  sram: [
    { buffer: 'scratchpad', capacityBytes: 8 * 1024, wordBits: 64, readBytes: 800, writeBytes: 400, readAccesses: 100, writeAccesses: 50 },
    { buffer: 'accumulator', capacityBytes: 16 * 1024, wordBits: 32, readBytes: 40, writeBytes: 40, readAccesses: 10, writeAccesses: 10 },
  ],
  memories: [
    { name: 'dram', kind: 'ddr4', readBytes: 1000, writeBytes: 500 },
    { name: 'host', kind: 'pcie5', readBytes: 100, writeBytes: 0 },
  ],
};

describe('estimateEnergy', () => {
  it('hand-built activity equals hand sum', () => {
    const model = loadCostModel('45nm', OVERRIDES);

    const report = estimateEnergy(ACTIVITY, model, { logicAreaGe: 1000 });

    // int8 x int8 -> 16-bit Dadda: 64 AND, 64 - 32 + 3 = 35 FA, 7 HA (activity 1), then a 14-bit
    // ripple-carry adder, 13 FA + 1 HA (activity 0.5): 64 + 350 + 28 + 67 = 509 fJ.
    const multiplierPj = (64 * 1 + 35 * 10 + 7 * 4 + (13 * 10 + 4) * 0.5) / 1000;
    // 32-bit ripple-carry accumulator, 31 FA + 1 HA at 0.5, and 32 DFF at 1: 157 + 160 = 317 fJ.
    const accumulatorPj = ((31 * 10 + 4) * 0.5 + 32 * 5) / 1000;
    // 8 KiB, 64-bit: 10 pJ per access; 16 KiB interpolated to 10·√2 pJ, halved for 32 bits.
    const sramPj = 150 * 10 + 20 * 10 * Math.SQRT2 * 0.5;
    const dramPj = 1500 * 8 * 15;
    const hostPj = 100 * 8 * 5;
    // The host link's bytes are also read from host DDR5 (12 pJ/bit); no payload bytes were recorded.
    const hostMemoryPj = 100 * 8 * 12;
    // 20 nW/GE x 1000 GE x 1 µs = 2e-11 J = 20 pJ.
    const leakagePj = 20;
    const expected = 1000 * (multiplierPj + accumulatorPj) + sramPj + dramPj + hostPj + hostMemoryPj + leakagePj;

    expect(report.byComponent['matrix-unit multipliers']).toBeCloseTo(1000 * multiplierPj, 9);
    expect(report.byComponent['accumulators']).toBeCloseTo(1000 * accumulatorPj, 9);
    expect(report.byGroup['sram']).toBeCloseTo(sramPj, 9);
    expect(report.byComponent['sram scratchpad']).toBeCloseTo(150 * 10, 9);
    expect(report.byComponent['sram accumulator']).toBeCloseTo(20 * 10 * Math.SQRT2 * 0.5, 9);
    expect(report.byComponent['off-chip memory dram']).toBeCloseTo(dramPj, 9);
    expect(report.byComponent['host link host']).toBeCloseTo(hostPj, 9);
    expect(report.byComponent['host memory host']).toBeCloseTo(hostMemoryPj, 9);
    expect(report.byComponent['leakage']).toBeCloseTo(leakagePj, 9);
    expect(report.totalPj).toBeCloseTo(expected, 6);
    expect(report.pjPerMac).toBeCloseTo(expected / 1000, 9);
    expect(report.byMethod['exact']).toBeCloseTo(1000 * (multiplierPj + accumulatorPj), 9);
  });

  it('vector ops priced by formula', () => {
    const model = loadCostModel('45nm');
    const activity: RunActivity = {
      ...ACTIVITY,
      macs: [],
      sram: [],
      memories: [],
      vectorOps: [
        { op: 'add', format: 'bf16', elementOps: 10 },
        { op: 'mul', format: 'bf16', method: 'lmul', elementOps: 4 },
        { op: 'exp', format: 'bf16', elementOps: 2 },
      ],
    };

    const report = estimateEnergy(activity, model);

    const fpadd = unitCost('fpadd', 'bf16', model).energyPj;
    const fpmul = unitCost('fpmul', 'bf16', model).energyPj;
    const lmul = unitCost('lmul', 'bf16', model).energyPj;
    const fpcmp = report.lines[2].energyPerActionPj - 4 * fpmul - 4 * fpadd;
    expect(report.lines[0].energyPj).toBeCloseTo(10 * fpadd, 12);
    expect(report.lines[1].energyPj).toBeCloseTo(4 * lmul, 12);
    expect(fpcmp).toBeGreaterThan(0);
    expect(report.leakageOmitted).toBe(true);
    expect(report.byComponent['leakage']).toBe(0);
  });

  it('measured activity uses toggle bits', () => {
    const model = loadCostModel('45nm', { 'toggles.lmul.e4m3': 2, 'toggles.lmul': 3 });
    const activity: RunActivity = {
      ...ACTIVITY,
      macs: [
        { method: 'lmul', format: 'e4m3', accumulator: 'fp32', count: 100, operandToggleBits: 500 },
        { method: 'lmul', format: 'e3m4', accumulator: 'fp32', count: 100, operandToggleBits: 500 },
      ],
      sram: [],
      memories: [],
    };

    const measured = estimateEnergy(activity, model, { activity: 'measured' });

    const meanEventPj = (format: string): number => {
      const cost = unitCost('lmul', format, model);
      const cells = cost.breakdown.reduce((sum, line) => sum + line.count, 0);
      return cost.breakdown.reduce((sum, line) => sum + line.count * line.energyPerEventPj, 0) / cells;
    };
    // 5 operand-bit toggles per operation x the table's internal toggles each x mean event energy.
    // e4m3 has its own row; e3m4 falls back to the per-unit row.
    expect(measured.lines[0].energyPerActionPj).toBeCloseTo(5 * 2 * meanEventPj('e4m3'), 12);
    expect(measured.lines[2].energyPerActionPj).toBeCloseTo(5 * 3 * meanEventPj('e3m4'), 12);
    expect(measured.lines[0].provenance.formula).toContain('togglesPerInputBit.lmul.e4m3');
    expect(measured.lines[2].provenance.formula).toContain('togglesPerInputBit.lmul x');
    expect(measured.lines[0].provenance.rows).toContain('--set toggles.lmul.e4m3');
  });

  it('measured activity without toggles rejected', () => {
    const model = loadCostModel('45nm');
    const activity: RunActivity = { ...ACTIVITY, macs: [{ method: 'lmul', format: 'e4m3', accumulator: 'fp32', count: 100 }] };

    expect(() => estimateEnergy(activity, model, { activity: 'measured' })).toThrow(/operandToggleBits in macs\[0\]/);
  });

  it('unknown entries name themselves', () => {
    const model = loadCostModel('45nm');

    expect(() => estimateEnergy({ ...ACTIVITY, macs: [{ method: 'lmull', format: 'e4m3', accumulator: 'fp32', count: 1 }] }, model)).toThrow(/unknown multiplier method 'lmull'.*did you mean 'lmul'/);
    expect(() => estimateEnergy({ ...ACTIVITY, memories: [{ name: 'dram', kind: 'ddr9', readBytes: 1, writeBytes: 0 }] }, model)).toThrow(/memory kind 'ddr9'/);
    expect(() => estimateEnergy({ ...ACTIVITY, vectorOps: [{ op: 'tanh', format: 'fp16', elementOps: 1 }] }, model)).toThrow(/vector operation 'tanh'/);
    expect(() => estimateEnergy({ ...ACTIVITY, macs: [{ method: 'exact', format: 'e4m3', accumulator: 'fp64', count: 1 }] }, model)).toThrow(/fp64/);
  });
});

describe('provenance', () => {
  it('present on every report line', () => {
    const model = loadCostModel('7nm');
    const activity: RunActivity = {
      ...ACTIVITY,
      macs: [
        { method: 'exact', format: 'e4m3', accumulator: 'fp32', count: 10 },
        { method: 'lmul', format: 'bf16', accumulator: 'fp32', count: 10 },
      ],
      vectorOps: [{ op: 'exp', format: 'fp16', elementOps: 3 }],
      registerBitWrites: 64,
    };

    const report = estimateEnergy(activity, model, { logicAreaGe: 5000 });

    expect(report.lines.length).toBe(4 + 1 + 1 + 4 + 3 + 1);
    for (const line of report.lines) {
      expect(line.provenance.node, line.item).toBe('7nm');
      expect(line.provenance.component, line.item).not.toBe('');
      expect(line.provenance.formula, line.item).not.toBe('');
      expect(line.provenance.rows.length, line.item).toBeGreaterThan(0);
      expect(line.provenance.sources.length, line.item).toBeGreaterThan(0);
      for (const row of line.provenance.rows) expect(row, line.item).toMatch(/^[\w.-]+\.yaml:\d+ \S+/);
    }
  });

  it('override named in provenance', () => {
    const model = loadCostModel('45nm', { 'gate.FA.energyFj': 7 });

    const cost = unitCost('intadd', 'int8', model);

    expect(cost.provenance.rows).toContain('--set gate.FA.energyFj');
    expect(cost.provenance.sources.some((source) => source.startsWith('override gate.FA.energyFj=7'))).toBe(true);
  });
});
