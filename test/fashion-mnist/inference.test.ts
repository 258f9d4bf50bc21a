import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors.js';
import { loadArch } from '../../sim/arch/index.js';
import { SplitMix32 } from '../../sim/exec/index.js';
import { encode, gemm, parseFormat, roundToFormat, type MethodName } from '../../sim/numerics/index.js';
import { checkMachineFor, DEFAULT_MACHINE_FILE, NUMERIC_CONFIGS, runInference } from '../../workloads/fashion-mnist/inference.js';
import { hostLogits } from '../../workloads/fashion-mnist/host.js';
import { loadWeights } from '../../workloads/fashion-mnist/model.js';

const IMAGES = 3;
const PIXELS = 784;
const HIDDEN = 256;
const CLASSES = 10;

/** Synthetic images: about half the pixels zero, as in Fashion-MNIST, the rest uniform 1…255. */
function syntheticPixels(count: number): Uint8Array {
  const random = new SplitMix32(5);
  return Uint8Array.from({ length: count * PIXELS }, () => (random.nextUnit() < 0.5 ? 0 : 1 + (random.nextUint32() % 255)));
}

/**
 * Computes one layer as a weight-stationary array of `rows` rows does. Each chunk of `rows` k values
 * is a numerics-core gemm from +0 with an fp32 accumulator. The chunk sums are added in fp32, then the
 * bias is added in fp32 as the vector unit does.
 */
function layer(rows: number, formatName: string, method: MethodName, inputs: Float64Array, weights: Float64Array, bias: Float64Array, m: number, k: number, n: number): Float64Array {
  const format = parseFormat(formatName);
  const out = new Float64Array(m * n);
  for (let start = 0; start < k; start += rows) {
    const size = Math.min(rows, k - start);
    const aBits = new Uint32Array(m * size);
    const bBits = new Uint32Array(size * n);
    for (let i = 0; i < m; i++) for (let p = 0; p < size; p++) aBits[i * size + p] = encode(format, inputs[i * k + start + p]);
    for (let p = 0; p < size; p++) for (let j = 0; j < n; j++) bBits[p * n + j] = encode(format, weights[(start + p) * n + j]);
    const chunk = gemm(format, method, narrow(aBits, format.widthBits), narrow(bBits, format.widthBits), m, size, n);
    for (let i = 0; i < m * n; i++) out[i] = start === 0 ? chunk[i] : Math.fround(out[i] + chunk[i]);
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = Math.fround(out[i * n + j] + bias[j]);
  return out;
}

function narrow(bits: Uint32Array, widthBits: number): ArrayLike<number> {
  if (widthBits <= 8) return Uint8Array.from(bits);
  if (widthBits <= 16) return Uint16Array.from(bits);
  return bits;
}

/** Logits of the whole MLP with the numerics core: layer 1, ReLU rounded to the operand format, layer 2. */
function expectedLogits(rows: number, formatName: string, method: MethodName, pixels: Uint8Array): Float64Array {
  const format = parseFormat(formatName);
  const weights = loadWeights();
  const inputs = Float64Array.from(pixels.subarray(0, IMAGES * PIXELS), (pixel) => Math.fround(pixel / 255));
  const hidden = layer(rows, formatName, method, inputs, weights.w1, weights.b1, IMAGES, PIXELS, HIDDEN);
  // The vector unit stores max(h, 0) to the scratchpad rounded to the operand format, saturating.
  const activations = hidden.map((value) => roundToFormat(format, Math.max(0, value), true));
  return layer(rows, formatName, method, activations, weights.w2, weights.b2, IMAGES, HIDDEN, CLASSES);
}

describe('runInference', () => {
  const arch = loadArch(DEFAULT_MACHINE_FILE);
  const pixels = syntheticPixels(IMAGES);

  for (const name of ['e4m3-lmul', 'e5m2-exact', 'bf16-lmul', 'bf16']) {
    it(`${name} logits match numerics gemm`, () => {
      const config = NUMERIC_CONFIGS.find((candidate) => candidate.name === name)!;
      const { logits } = runInference(pixels, IMAGES, config, { arch, batchSize: 2 });
      expect(Array.from(logits)).toEqual(Array.from(expectedLogits(256, config.format, config.method, pixels)));
    });
  }

  it('fp32 logits match fp64 within 1e-5', () => {
    const weights = loadWeights();
    const { logits } = runInference(pixels, IMAGES, NUMERIC_CONFIGS[0], { arch });
    for (let image = 0; image < IMAGES; image++) {
      for (let c = 0; c < CLASSES; c++) {
        let sum = weights.b2[c];
        for (let h = 0; h < HIDDEN; h++) {
          let hidden = weights.b1[h];
          for (let p = 0; p < PIXELS; p++) hidden += (pixels[image * PIXELS + p] / 255) * weights.w1[p * HIDDEN + h];
          sum += Math.max(0, hidden) * weights.w2[h * CLASSES + c];
        }
        expect(Math.abs(logits[image * CLASSES + c] - sum)).toBeLessThan(1e-5 * Math.max(1, Math.abs(sum)));
      }
    }
  });

  it('energy and cycles are positive', () => {
    const result = runInference(pixels, IMAGES, NUMERIC_CONFIGS[4], { arch });
    expect(result.energyJ).toBeGreaterThan(0);
    expect(result.cycles).toBeGreaterThan(0);
  });

  it('rejects a machine without fp32 accumulators', () => {
    // edge-npu runs e4m3-exact. The fixture edge-npu-fp16 differs from it only in its fp16 accumulator.
    const fp16Accumulator = loadArch(join(import.meta.dirname, '..', 'sim', 'fixtures', 'edge-npu-fp16.yaml'));
    const config = NUMERIC_CONFIGS.find((candidate) => candidate.name === 'e4m3-exact')!;

    expect(() => checkMachineFor(loadArch('edge-npu'), config)).not.toThrow();
    expect(() => runInference(pixels, IMAGES, config, { arch: fp16Accumulator })).toThrow(UserError);
    expect(() => runInference(pixels, IMAGES, config, { arch: fp16Accumulator })).toThrow(
      "machine 'edge-npu-fp16' cannot run configuration 'e4m3-exact': its accumulator format is fp16, not fp32",
    );
  });

  it('rejects weights too large for the scratchpad', () => {
    expect(() => runInference(pixels, IMAGES, NUMERIC_CONFIGS[4], { arch: loadArch('igpu-ddr5') })).toThrow(/room for 131072 elements in its scratchpad, but the MLP's weights alone need 203264 elements/);
  });

  it('tpu-v4 logits match 128-row chunks', () => {
    const config = NUMERIC_CONFIGS.find((candidate) => candidate.name === 'e4m3-lmul')!;
    const { logits } = runInference(pixels, IMAGES, config, { arch: loadArch('tpu-v4') });
    expect(Array.from(logits)).toEqual(Array.from(expectedLogits(128, config.format, config.method, pixels)));
  });

  it('hostLogits matches one-chunk gemm', () => {
    const config = NUMERIC_CONFIGS.find((candidate) => candidate.name === 'e5m2-lmul')!;
    // 784 rows put all of k in one chunk, the order of a single gemm per layer.
    const expected = expectedLogits(PIXELS, config.format, config.method, pixels);
    expect(Array.from(hostLogits(pixels, IMAGES, config, loadWeights()))).toEqual(Array.from(expected));
  });
});
