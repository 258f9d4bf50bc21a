import { describe, expect, it } from 'vitest';
import { parseSource, validate } from '../../isa/index.js';
import { listPresets, loadArch } from '../../sim/arch/index.js';
import { executeProgram, targetFromArch } from '../../sim/exec/index.js';
import { findModel, generateKernels, MODEL_ZOO, type KernelOptions } from '../../workloads/llm/index.js';

const PRESETS = ['edge-npu', 'tpu-v1', 'tpu-v4', 'gpu-pcie5', 'igpu-ddr5'];

function errorsOf(source: string, preset: string): string[] {
  const parsed = parseSource(source, 'kernel.lasm');
  if (!parsed.ast) return parsed.diagnostics.map((diagnostic) => diagnostic.message);
  const validated = validate(parsed.ast, targetFromArch(loadArch(preset)));
  return validated.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').map((diagnostic) => `${diagnostic.span?.line}: ${diagnostic.message}`);
}

describe('kernel generator', () => {
  it('covers every preset', () => {
    expect(listPresets().map((preset) => preset.name).sort()).toEqual([...PRESETS].sort());
  });

  for (const preset of PRESETS) {
    it(`programs validate on ${preset}`, () => {
      const arch = loadArch(preset);
      for (const model of MODEL_ZOO) {
        for (const phase of model.encoderOnly ? (['prefill'] as const) : (['prefill', 'decode'] as const)) {
          const options: KernelOptions = { phase, seqTokens: 200, batch: 2, weightFormat: 'e4m3', weightPlacement: arch.hostLink ? 'host' : 'dram' };
          const kernels = generateKernels(model, arch, options);
          expect(kernels.map((kernel) => kernel.kind)).toEqual(model.encoderOnly ? ['qkv', 'attention', 'out-proj', 'mlp'] : ['qkv', 'attention', 'out-proj', 'mlp', 'lm-head']);
          for (const kernel of kernels) expect(errorsOf(kernel.source, preset), `${model.name} ${phase} ${kernel.kind}`).toEqual([]);
        }
      }
    });
  }

  it('weights placed in host memory', () => {
    const kernels = generateKernels(findModel('gpt2'), loadArch('gpu-pcie5'), { phase: 'decode', seqTokens: 64, batch: 1, weightFormat: 'e4m3', weightPlacement: 'host' });
    const qkv = kernels.find((kernel) => kernel.kind === 'qkv')!.source;
    expect(qkv).toMatch(/^\.tensor W_qkv e4m3\[\d+, 32\] place=host$/m);
    expect(qkv).toMatch(/^\.tensor X bf16\[1, 768\]$/m);
    const attention = kernels.find((kernel) => kernel.kind === 'attention')!.source;
    expect(attention).not.toMatch(/place=host/);
  });

  it('decode reads every weight byte once', () => {
    // GPT-2's QKV weights are 768 × 2304 e4m3 bytes; tile-major storage makes each tile whole bursts.
    const arch = loadArch('igpu-ddr5');
    const model = findModel('gpt2');
    const kernels = generateKernels(model, arch, { phase: 'decode', seqTokens: 64, batch: 1, weightFormat: 'e4m3', weightPlacement: 'dram' });
    const qkv = kernels.find((kernel) => kernel.kind === 'qkv')!;
    const program = validate(parseSource(qkv.source, 'qkv.lasm').ast!, targetFromArch(arch)).program!;
    const result = executeProgram(program, { arch, values: 'off' });
    const dram = result.counters.memories.find((memory) => memory.name === 'dram')!;
    const weightBytes = 768 * 2304;
    expect(qkv.weightBytes).toBe(weightBytes + 768 * 2);
    // The rest is the input row, the norm scale per core and the output row.
    expect(dram.readBytes).toBeGreaterThanOrEqual(weightBytes);
    expect(dram.readBytes).toBeLessThan(weightBytes * 1.05);
    expect(result.macs).toBe(768 * 2304);
  });

  it('decode reads the KV cache once per head', () => {
    // GPT-2 has 12 heads of 64; a 256-token context is 2 × 12 × 256 × 64 e4m3 bytes of K and V.
    const arch = loadArch('igpu-ddr5');
    const kernels = generateKernels(findModel('gpt2'), arch, { phase: 'decode', seqTokens: 256, batch: 1, weightFormat: 'e4m3', weightPlacement: 'dram' });
    const attention = kernels.find((kernel) => kernel.kind === 'attention')!;
    const program = validate(parseSource(attention.source, 'attention.lasm').ast!, targetFromArch(arch)).program!;
    const result = executeProgram(program, { arch, values: 'off' });
    const dram = result.counters.memories.find((memory) => memory.name === 'dram')!;
    const cacheBytes = 2 * 12 * 256 * 64;
    // Besides the cache: each head's 64 bf16 query values (two 64-byte bursts).
    expect(dram.readBytes).toBe(cacheBytes + 12 * 128);
    expect(result.macs).toBe(2 * 12 * 256 * 64);
    expect(result.hazards.count).toBe(0);
  });

  it('layer programs stay small', () => {
    const kernels = generateKernels(findModel('llama-2-70b'), loadArch('gpu-pcie5'), { phase: 'decode', seqTokens: 4096, batch: 1, weightFormat: 'e4m3', weightPlacement: 'host' });
    for (const kernel of kernels) expect(kernel.source.split('\n').length, kernel.kind).toBeLessThan(400);
  });
});
