import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pointTasks, type PointRecord } from '../../sweep/point.js';
import { runSweep } from '../../sweep/run.js';
import { sweepFromYamlText } from '../../sweep/spec.js';

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-sweep-faults-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
// Worker threads copy the environment when piscina creates them, so each test sets it before its sweep.
afterEach(() => {
  delete process.env.LMULSIM_TEST_WORKER_FAULT;
});

/** 2 · 2 · 2 · 3 = 24 points that all succeed. */
const SWEEP = `
base: edge-npu
workloads:
  tiny: { gemm: { m: 8, k: 8, n: 8 } }
grid:
  rows: [4, 8]
  dataflow: [ws, os]
  method: [exact, lmul]
  bandwidthGBps: [6.4, 12.8, 25.6]
`;
const POINTS = 24;

/** Records in sweep order without the wall time, which differs from run to run. */
function comparable(records: readonly PointRecord[]): Omit<PointRecord, 'wallMs'>[] {
  return [...records].sort((x, y) => x.index - y.index).map(({ wallMs, ...rest }) => (void wallMs, rest));
}

describe('worker thread faults', () => {
  it('crash fails only the running point', async () => {
    const spec = sweepFromYamlText(SWEEP, join(directory, 'crash.yaml'));
    const crashing = pointTasks(spec)[1];
    const inline = await runSweep(spec, { workers: 1 });
    const warnings: string[] = [];
    const recorded: string[] = [];

    process.env.LMULSIM_TEST_WORKER_FAULT = crashing.id;
    const threaded = await runSweep(spec, { workers: 2, mainThread: false, onWarning: (message) => warnings.push(message), onRecord: (record) => recorded.push(record.id) });

    // Point 1 runs second in the first chunk of 6, so the crash leaves unstarted points to put back.
    expect(threaded.records[1].status).toBe('failed');
    expect(threaded.records[1].error).toBe('worker thread failed: worker exited with code: 70');
    expect(threaded.records[1].wallMs).toBe(0);
    expect(threaded.records.filter((record) => record.status === 'failed')).toHaveLength(1);
    const others = (records: readonly PointRecord[]) => comparable(records).filter((record) => record.index !== 1);
    expect(others(threaded.records)).toEqual(others(inline.records));
    expect(recorded).toHaveLength(POINTS);
    expect(new Set(recorded).size).toBe(POINTS);
    expect(threaded.threadPoints).toEqual({ mainThread: 0, workerThreads: POINTS });
    expect(warnings).toEqual([`a worker thread failed while running point ${crashing.id} (index 1): worker exited with code: 70; its other points go back to the queue`]);
  });

  it('failed starts fall back to the main thread', async () => {
    const spec = sweepFromYamlText(SWEEP, join(directory, 'load.yaml'));
    const inline = await runSweep(spec, { workers: 1 });
    const warnings: string[] = [];

    process.env.LMULSIM_TEST_WORKER_FAULT = 'load';
    const threaded = await runSweep(spec, { workers: 2, mainThread: false, onWarning: (message) => warnings.push(message) });

    expect(threaded.threadPoints).toEqual({ mainThread: POINTS, workerThreads: 0 });
    expect(comparable(threaded.records)).toEqual(comparable(inline.records));
    // Piscina replaces a failed thread, and the pool gives up after as many failures as it has threads.
    expect(warnings).toHaveLength(2);
    for (const warning of warnings) expect(warning).toMatch(/^a worker thread failed to start \(.*the worker module failed to load\); the sweep continues on the other threads$/);
  });
});
