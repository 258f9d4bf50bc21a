import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArch } from '../../sim/arch/index.js';
import { estimateModel, findModel } from '../../workloads/llm/index.js';
import { runCli } from '../helpers.js';

interface MethodJson {
  readonly method: string;
  readonly tokensPerSecond: number;
  readonly bound: string;
  readonly energyPerTokenJ: number;
  readonly energyPerTokenByComponentJ: Record<string, number>;
}

describe('model estimates', () => {
  it('70b decode over pcie5 is link-bound', { timeout: 240_000 }, () => {
    const arch = loadArch('gpu-pcie5');
    const estimate = estimateModel(findModel('llama-2-70b'), arch, { phase: 'decode', seqTokens: 1024, batch: 1, weightFormat: 'e4m3', weightPlacement: 'host' }, ['exact', 'lmul'], '45nm');

    // 6.9e10 one-byte weights over 64 GB/s is 0.93 token/s before packet overhead.
    expect(estimate.weightBytesPerPass).toBeGreaterThan(6.8e10);
    expect(estimate.weightBytesPerPass).toBeLessThan(7.0e10);
    for (const method of estimate.methods) {
      expect(method.tokensPerSecond, method.method).toBeGreaterThanOrEqual(0.8);
      expect(method.tokensPerSecond, method.method).toBeLessThan(1.0);
      expect(method.bound, method.method).toBe('host-link');
      expect(method.boundCycles.hostLink / method.cycles, method.method).toBeGreaterThan(0.95);
    }
    expect(estimate.methods[1].tokensPerSecond).toBe(estimate.methods[0].tokensPerSecond);
    expect(estimate.methods[1].energyPerTokenJ).toBeLessThan(estimate.methods[0].energyPerTokenJ);
  });

  it('long prefill on tpu-v4 is compute-bound', { timeout: 120_000 }, () => {
    const estimate = estimateModel(findModel('gpt2'), loadArch('tpu-v4'), { phase: 'prefill', seqTokens: 1024, batch: 1, weightFormat: 'bf16', weightPlacement: 'dram' }, ['exact'], '45nm');
    const method = estimate.methods[0];
    expect(method.bound).toBe('compute');
    expect(method.boundCycles.compute).toBeGreaterThan(method.boundCycles.memory);
    expect(method.tokensPerSecond).toBeGreaterThan(1000);
  });
});

describe('lmulsim model', () => {
  it('json has the per-method figures', { timeout: 60_000 }, async () => {
    const result = await runCli(['model', 'gpt2', '--phase', 'decode', '--seq', '128', '--arch', 'edge-npu', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { model: string; methods: MethodJson[]; lmulSaving: { energyFraction: number } };
    expect(report.model).toBe('gpt2');
    expect(report.methods.map((method) => method.method)).toEqual(['exact', 'lmul']);
    for (const method of report.methods) {
      expect(method.tokensPerSecond).toBeGreaterThan(0);
      expect(['compute', 'memory', 'host-link']).toContain(method.bound);
      expect(method.energyPerTokenJ).toBeGreaterThan(0);
    }
    const [exact, lmul] = report.methods;
    expect(lmul.energyPerTokenByComponentJ['matrix-unit multipliers']).toBeLessThan(exact.energyPerTokenByComponentJ['matrix-unit multipliers']);
    expect(report.lmulSaving.energyFraction).toBeGreaterThan(0);
  });

  it('text report', { timeout: 60_000 }, async () => {
    const result = await runCli(['model', 'gpt2', '--phase', 'prefill', '--seq', '64', '--arch', 'igpu-ddr5', '--methods', 'exact']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^GPT-2 small \(gpt2\), prefill of 64 tokens, batch 1$/m);
    expect(result.stdout).toMatch(/^mlp +12 /m);
    expect(result.stdout).toMatch(/^lm-head +1 /m);
    expect(result.stdout).toMatch(/^exact .* (compute|memory) /m);
  });

  it('sampled numerics per method', { timeout: 60_000 }, async () => {
    const result = await runCli(['model', 'gpt2', '--seq', '64', '--arch', 'gpu-pcie5', '--numerics', 'sample', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { numericsSample: Array<{ method: string; normRelError: number; shape: number[] }> };
    const [exact, lmul] = report.numericsSample;
    expect(exact.method).toBe('exact');
    expect(exact.shape).toEqual([8, 768, 32]);
    // e4m3 products are exact in fp32 and these sums stay within fp32's significand.
    expect(exact.normRelError).toBeLessThan(1e-6);
    // L-Mul products of 3-bit mantissas are off by a few percent each.
    expect(lmul.normRelError).toBeGreaterThan(0.01);
    expect(lmul.normRelError).toBeLessThan(0.2);
  });

  it('warns when weights exceed memory', { timeout: 60_000 }, async () => {
    // edge-npu with 64 MiB of memory: each GPT-2 layer fits, but a decode step reads 123.58 MB of weights.
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lmulsim-model-'));
    const file = path.join(directory, 'small-npu.yaml');
    const preset = fs.readFileSync(path.join('examples', 'arch', 'edge-npu.yaml'), 'utf8');
    fs.writeFileSync(file, preset.replace(/capacityBytes: 8 GiB/, 'capacityBytes: 64 MiB'));
    try {
      const result = await runCli(['model', 'gpt2', '--seq', '64', '--arch', file, '--methods', 'exact']);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/warning: the model's weights \(123\.58 MB\) exceed the 67\.11 MB of lpddr5 memory on 'edge-npu'; the estimate assumes they fit/);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  const BAD: Array<[string, string[], RegExp]> = [
    ['unknown model', ['model', 'lama-2-70b'], /unknown model 'lama-2-70b' \(did you mean 'llama-2-70b'\?\); known models: gpt2, bert-base/],
    ['bad phase', ['model', 'gpt2', '--phase', 'train'], /invalid value 'train' for --phase: expected one of prefill, decode/],
    ['zero batch', ['model', 'gpt2', '--batch', '0'], /invalid value '0' for --batch/],
    ['seq over context', ['model', 'gpt2', '--seq', '2048'], /invalid value '2048' for --seq: expected an integer from 1 to 1024/],
    ['bad method', ['model', 'gpt2', '--methods', 'exact,lmull'], /lmull/],
    ['hbm on ddr5', ['model', 'gpt2', '--arch', 'igpu-ddr5', '--weights-in', 'hbm'], /igpu-ddr5' has ddr5 memory, not HBM/],
    ['host without link', ['model', 'gpt2', '--arch', 'igpu-ddr5', '--weights-in', 'host'], /has no host link/],
    ['bad weight format', ['model', 'gpt2', '--arch', 'edge-npu', '--weight-format', 'bf16'], /invalid value 'bf16' for --weight-format: machine 'edge-npu' accepts e4m3, e5m2/],
    ['encoder decode', ['model', 'bert-base', '--phase', 'decode'], /encoder-only model and has no decode phase/],
    ['numerics on', ['model', 'gpt2', '--numerics', 'on'], /invalid value 'on' for --numerics: expected one of off, sample/],
  ];
  for (const [name, argv, message] of BAD) {
    it(`rejects ${name}`, async () => {
      const result = await runCli(argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).toBe('');
    });
  }
});
