import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PointRecord } from '../../sweep/point.js';
import { runSweep } from '../../sweep/run.js';
import { sweepFromYamlText } from '../../sweep/spec.js';

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-sweep-pool-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** 3 · 2 · 2 · 2 = 24 points; the failing scratchpad size makes every second point fail. */
const SWEEP = `
base: edge-npu
workloads:
  tiny: { gemm: { m: 8, k: 8, n: 8 } }
grid:
  rows: [2, 4, 8]
  dataflow: [ws, os]
  method: [exact, lmul]
  scratchpadBytes: [64 KiB, 16]
`;

/** Records in sweep order without the wall time, which differs from run to run. */
function comparable(records: readonly PointRecord[]): Omit<PointRecord, 'wallMs'>[] {
  return [...records].sort((x, y) => x.index - y.index).map(({ wallMs, ...rest }) => (void wallMs, rest));
}

describe('point pool', () => {
  it('worker threads match the main thread', async () => {
    const spec = sweepFromYamlText(SWEEP, join(directory, 'pool.yaml'));
    const finishedOnWorkers: PointRecord[] = [];

    const inline = await runSweep(spec, { workers: 1 });
    const threaded = await runSweep(spec, { workers: 2, mainThread: false, onRecord: (record) => finishedOnWorkers.push(record) });

    expect(inline.threadPoints).toEqual({ mainThread: 24, workerThreads: 0 });
    expect(threaded.threadPoints).toEqual({ mainThread: 0, workerThreads: 24 });
    expect(new Set(finishedOnWorkers.map((record) => record.id)).size).toBe(24);
    expect(inline.records.filter((record) => record.status === 'failed')).toHaveLength(12);
    // Failures come back from the workers as records too, with the same message.
    expect(comparable(threaded.records)).toEqual(comparable(inline.records));
  });

  it('model points on a worker thread', async () => {
    const text = ['base: tpu-v4', 'workloads:', '  g: { model: { name: gpt2, seq: 16 } }', 'grid:', '  method: [exact, lmul]', ''].join('\n');
    const spec = sweepFromYamlText(text, join(directory, 'model.yaml'));

    const inline = await runSweep(spec, { workers: 1 });
    const threaded = await runSweep(spec, { workers: 1, mainThread: false });

    expect(threaded.threadPoints).toEqual({ mainThread: 0, workerThreads: 2 });
    expect(threaded.records.map((record) => record.status)).toEqual(['ok', 'ok']);
    // The worker loads the cost models for its first model point and prices the layers itself.
    expect(comparable(threaded.records)).toEqual(comparable(inline.records));
  });

  it('one thread never starts workers', async () => {
    const spec = sweepFromYamlText(SWEEP, join(directory, 'pool.yaml'));

    const result = await runSweep(spec, { workers: 1, out: join(directory, 'one.jsonl') });

    expect(result.threadPoints).toEqual({ mainThread: 24, workerThreads: 0 });
    expect(result.ran).toBe(24);
  });
});
