import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PointRecord } from '../../sweep/point.js';
import { sweepFromYamlText } from '../../sweep/spec.js';
import { runCli } from '../helpers.js';
import { diagnosticsOf, readLines } from './fixtures/specs.js';

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-sweep-model-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));


describe('model workload in a sweep file', () => {
  it('name alone takes the model command defaults', () => {
    const spec = sweepFromYamlText('workloads:\n  g: { model: GPT2 }\npoints:\n  - { method: lmul }\n', 'models.yaml');

    // gpt2's context is 1024 tokens, so the default of 1024 applies unchanged.
    expect(spec.workloads.get('g')).toEqual({ kind: 'model', name: 'gpt2', phase: 'decode', seqTokens: 1024, batch: 1, weightsIn: 'dram', weightFormat: 'e4m3' });
  });

  it('mapping sets every option', () => {
    const spec = sweepFromYamlText(
      'workloads:\n  l: { model: { name: llama-2-7b, phase: prefill, seq: 512, batch: 4, weightsIn: hbm, weightFormat: BF16 } }\npoints:\n  - { method: exact }\n',
      'models.yaml',
    );

    expect(spec.workloads.get('l')).toEqual({ kind: 'model', name: 'llama-2-7b', phase: 'prefill', seqTokens: 512, batch: 4, weightsIn: 'hbm', weightFormat: 'bf16' });
  });

  it('unknown model name suggests the closest', () => {
    const [message] = diagnosticsOf('workloads:\n  l: { model: { name: llama-2-7 } }\npoints:\n  - { method: exact }\n');

    expect(message).toContain("bad.yaml:2:23: error: unknown model 'llama-2-7'");
    expect(message).toContain("did you mean 'llama-2-7b'?");
  });

  it('unknown model shorthand points at the name', () => {
    const [message] = diagnosticsOf('workloads:\n  l: { model: mistral }\npoints:\n  - { method: exact }\n');

    expect(message).toContain("bad.yaml:2:15: error: unknown model 'mistral'");
    expect(message).toContain("did you mean 'mistral-7b'?");
  });

  it('invalid options are each reported', () => {
    const messages = diagnosticsOf('workloads:\n  l: { model: { name: gpt2, phase: train, seq: 4096, batch: 0, weightsIn: ssd, weightFormt: e4m3 } }\npoints:\n  - { method: exact }\n');

    expect(messages).toHaveLength(5);
    expect(messages.some((message) => message.includes("unknown key 'weightFormt'") && message.includes("did you mean 'weightFormat'?"))).toBe(true);
    expect(messages.some((message) => message.includes("invalid phase 'train': expected prefill or decode"))).toBe(true);
    expect(messages.some((message) => message.includes("invalid seq '4096': expected an integer from 1 to 1024 tokens, the context of gpt2"))).toBe(true);
    expect(messages.some((message) => message.includes("invalid batch '0'"))).toBe(true);
    expect(messages.some((message) => message.includes("invalid weightsIn 'ssd': expected hbm, dram, host"))).toBe(true);
  });

  it('encoder-only model has no decode phase', () => {
    const [message] = diagnosticsOf('workloads:\n  b: { model: { name: bert-base, phase: decode } }\npoints:\n  - { method: exact }\n');

    expect(message).toContain('bert-base is an encoder-only model and has no decode phase; use phase: prefill');
  });

  it('encoder-only shorthand points at the name', () => {
    const [message] = diagnosticsOf('workloads:\n  b: { model: bert-base }\npoints:\n  - { method: exact }\n');

    expect(message).toContain('bad.yaml:2:15: error: bert-base is an encoder-only model and has no decode phase');
  });

  it('pe fidelity is rejected for models', () => {
    const [message] = diagnosticsOf('fidelity: pe\nworkloads:\n  g: { model: gpt2 }\npoints:\n  - { method: exact }\n');

    expect(message).toContain("bad.yaml:1:11: error: fidelity pe is not available for model workloads such as 'g'");
  });

  it('workload with two kinds is rejected', () => {
    const [message] = diagnosticsOf('workloads:\n  g: { model: gpt2, gemm: { m: 8, k: 8, n: 8 } }\npoints:\n  - { method: exact }\n');

    expect(message).toContain("workload 'g' needs exactly one of program, gemm and model");
  });
});

describe('model workload points', () => {
  const sweepFile = join(directory, 'gpt2.yaml');
  const out = join(directory, 'gpt2.jsonl');
  let records: PointRecord[] = [];
  let summary = '';

  it('run with model figures', async () => {
    writeFileSync(
      sweepFile,
      ['base: tpu-v4', 'workloads:', '  decode: { model: { name: gpt2, phase: decode, seq: 64 } }', 'grid:', '  method: [exact, lmul]', '  bandwidthGBps: [100, 1200]', ''].join('\n'),
    );

    const result = await runCli(['sweep', sweepFile, '--out', out, '--workers', '1']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    records = readLines(out).sort((x, y) => x.index - y.index);
    summary = result.stdout;
    expect(records.map((record) => record.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    for (const record of records) {
      expect(record.tokensPerPass).toBe(1);
      expect(record.bound).toMatch(/^(compute|memory|host-link)$/);
      // Energy of the pass is energy per token times the tokens of the pass.
      expect((record.energyPj as number) / 1e12).toBeCloseTo((record.energyPerTokenJ as number) * (record.tokensPerPass as number), 12);
      expect(record.pjPerMac).toBeCloseTo((record.energyPj as number) / (record.macs as number), 9);
      expect(record.maxRelError).toBeUndefined();
    }
  });

  it('match lmulsim model on the base machine', async () => {
    const result = await runCli(['model', 'gpt2', '--arch', 'tpu-v4', '--phase', 'decode', '--seq', '64', '--methods', 'exact,lmul', '--json']);

    expect(result.code).toBe(0);
    const estimate = JSON.parse(result.stdout) as { methods: { method: string; cycles: number; tokensPerSecond: number; energyPerTokenJ: number; bound: string }[] };
    // tpu-v4's own bandwidth is 1200 GB/s, so those points are the command's machine.
    for (const method of estimate.methods) {
      const point = records.find((record) => record.params.method === method.method && record.params.bandwidthGBps === 1200);
      expect(point?.cycles).toBe(method.cycles);
      expect(point?.tokensPerSecond).toBe(method.tokensPerSecond);
      expect(point?.energyPerTokenJ).toBe(method.energyPerTokenJ);
      expect(point?.bound).toBe(method.bound);
    }
  });

  it('bandwidth and method change the figures', () => {
    const point = (method: string, bandwidthGBps: number): PointRecord => records.find((record) => record.params.method === method && record.params.bandwidthGBps === bandwidthGBps) as PointRecord;

    // A decode step reads every weight once, so a twelfth of the bandwidth makes it memory-bound and slower.
    expect(point('exact', 100).bound).toBe('memory');
    expect(point('exact', 100).cycles).toBeGreaterThan(point('exact', 1200).cycles as number);
    expect(point('exact', 100).tokensPerSecond).toBeLessThan(point('exact', 1200).tokensPerSecond as number);
    // L-Mul prices the multiplies below the exact multiplier and leaves the cycles alone.
    expect(point('lmul', 1200).cycles).toBe(point('exact', 1200).cycles);
    expect(point('lmul', 1200).energyPj).toBeLessThan(point('exact', 1200).energyPj as number);
  });

  it('pareto front drops dominated points', () => {
    const lmulFast = records.find((record) => record.params.method === 'lmul' && record.params.bandwidthGBps === 1200) as PointRecord;
    const exactFast = records.find((record) => record.params.method === 'exact' && record.params.bandwidthGBps === 1200) as PointRecord;

    expect(summary).toMatch(/^4 points, 0 failed; Pareto front of energyPj, cycles: \d+ points?/);
    expect(summary).toContain('tokens/s');
    expect(summary).toContain(lmulFast.id);
    // Same cycles as the L-Mul point and more energy, so the exact point is dominated.
    expect(summary).not.toContain(exactFast.id);
  });

  it('machine without HBM fails the point', async () => {
    const file = join(directory, 'hbm.yaml');
    writeFileSync(file, ['base: edge-npu', 'workloads:', '  g: { model: { name: gpt2, seq: 16, weightsIn: hbm } }', 'points:', '  - { method: lmul }', ''].join('\n'));
    const failing = join(directory, 'hbm.jsonl');

    const result = await runCli(['sweep', file, '--out', failing, '--workers', '1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('1 of 1 points failed');
    const [record] = readLines(failing);
    expect(record.status).toBe('failed');
    expect(record.error).toContain("weightsIn hbm needs HBM, but machine 'edge-npu' has");
    expect(result.stdout).toContain('1 point, 1 failed');
  });
});
