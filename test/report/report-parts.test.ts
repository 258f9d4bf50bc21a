import { describe, expect, it } from 'vitest';
import { BusyCollector, errorHistogram, mergeIntervals, outputErrors, reportExtension } from '../../report/index.js';
import type { TensorResult } from '../../sim/exec/index.js';

function tensor(name: string, values: number[], output = true): TensorResult {
  return { name, shape: [values.length], format: 'fp32', output, values: Float64Array.from(values) };
}

describe('outputErrors', () => {
  it('divides by the reference', () => {
    const hardware = [tensor('y', [1.5, -3, 0.25])];
    const reference = [tensor('y', [1, -4, 0.5])];

    const errors = outputErrors(hardware, reference);

    // |1.5 − 1| / 1, |−3 + 4| / 4, |0.25 − 0.5| / 0.5: all exact in binary.
    expect(Array.from(errors.relErrors)).toEqual([0.5, 0.25, 0.5]);
    expect(errors.zeroReference).toBe(0);
    expect(errors.nonFinite).toBe(0);
  });

  it('skips zero references and counts non-finite values', () => {
    const hardware = [tensor('y', [0.125, Number.NaN, 2, Number.POSITIVE_INFINITY])];
    const reference = [tensor('y', [0, 1, 2, 3])];

    const errors = outputErrors(hardware, reference);

    expect(Array.from(errors.relErrors)).toEqual([0]);
    expect(errors.zeroReference).toBe(1);
    expect(errors.nonFinite).toBe(2);
  });

  it('ignores inputs and matches by name', () => {
    const hardware = [tensor('x', [5, 5], false), tensor('b', [3]), tensor('a', [1])];
    const reference = [tensor('a', [2]), tensor('b', [4]), tensor('x', [1, 1], false)];

    const errors = outputErrors(hardware, reference);

    expect(Array.from(errors.relErrors)).toEqual([0.25, 0.5]);
  });
});

describe('mergeIntervals', () => {
  it('joins gaps below the threshold', () => {
    const intervals = [
      { startCycle: 0, endCycle: 2, name: 'load' },
      { startCycle: 3, endCycle: 5, name: 'load' },
      { startCycle: 6, endCycle: 7, name: 'matmul' },
      { startCycle: 20, endCycle: 22, name: 'load' },
    ];

    const merged = mergeIntervals(intervals, 2);

    expect(merged).toEqual([
      { startCycle: 0, endCycle: 7, name: 'several' },
      { startCycle: 20, endCycle: 22, name: 'load' },
    ]);
  });

  it('keeps a shared name', () => {
    const merged = mergeIntervals(
      [
        { startCycle: 0, endCycle: 1, name: 'vload' },
        { startCycle: 1, endCycle: 2, name: 'vload' },
      ],
      1,
    );

    expect(merged).toEqual([{ startCycle: 0, endCycle: 2, name: 'vload' }]);
  });
});

describe('BusyCollector', () => {
  it('bounds the interval count', () => {
    const collector = new BusyCollector();
    const tracks = [collector.addTrack(0, 'load'), collector.addTrack(0, 'compute'), collector.addTrack(1, 'load')];
    // 3 × 5000 one-cycle intervals with one idle cycle between them.
    for (const track of tracks) for (let i = 0; i < 5000; i++) collector.busy(track, 2 * i, 2 * i + 1, 'op');

    const timeline = collector.timeline('lmul', 10_000, 300);

    const keptIntervals = timeline.units.reduce((sum, unit) => sum + unit.intervals.length, 0);
    expect(timeline.recordedIntervals).toBe(15_000);
    expect(keptIntervals).toBeLessThanOrEqual(300);
    expect(keptIntervals).toBeGreaterThan(0);
    expect(timeline.units.map((unit) => unit.unit)).toEqual(['core0.load', 'core0.compute', 'core1.load']);
    for (const unit of timeline.units) {
      expect(unit.intervals[0].startCycle).toBe(0);
      expect(unit.intervals[unit.intervals.length - 1].endCycle).toBe(9999);
    }
  });

  it('keeps small timelines whole', () => {
    const collector = new BusyCollector();
    const track = collector.addTrack(0, 'vector');
    collector.busy(track, 5, 9, 'vexp');
    collector.busy(track, 1, 3, 'vload');

    const timeline = collector.timeline('exact', 10);

    expect(timeline.mergeGapCycles).toBe(0);
    expect(timeline.units[0].intervals.map((interval) => interval.name)).toEqual(['vload', 'vexp']);
  });
});

describe('errorHistogram', () => {
  it('bins by quarter decade', () => {
    // 0 and 1e-12 fall below the lower edge 1e-8; 0.5 has log10 −0.30, so its bin is [−0.5, −0.25).
    const bins = errorHistogram(Float64Array.from([0, 1e-12, 0.5, 0.5, 1.5]));

    expect(bins).toEqual([
      { log10Start: -8, log10End: -7.75, elements: 2 },
      { log10Start: -0.5, log10End: -0.25, elements: 2 },
      { log10Start: 0, log10End: 0.25, elements: 1 },
    ]);
  });
});

describe('reportExtension', () => {
  it('accepts the four formats', () => {
    expect(['a.html', 'b.MD', 'c.json', 'd.csv'].map(reportExtension)).toEqual(['.html', '.md', '.json', '.csv']);
  });

  it('rejects other names', () => {
    expect(() => reportExtension('report.htm')).toThrow(/expected a name ending in \.html, \.md, \.json, \.csv/);
    expect(() => reportExtension('report')).toThrow(/invalid report file name 'report'/);
  });
});
