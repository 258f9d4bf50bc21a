import { describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors.js';
import { findModel, headDim, MODEL_ZOO, parameterCount } from '../../workloads/llm/index.js';

/** Fields of each model's published config.json, written out independently of the zoo. */
const PUBLISHED = [
  { name: 'gpt2', hidden: 768, heads: 12, kvHeads: 12, intermediate: 3072, layers: 12, vocab: 50257, context: 1024, activation: 'gelu', norm: 'layernorm' },
  { name: 'bert-base', hidden: 768, heads: 12, kvHeads: 12, intermediate: 3072, layers: 12, vocab: 30522, context: 512, activation: 'gelu', norm: 'layernorm' },
  { name: 'llama-2-7b', hidden: 4096, heads: 32, kvHeads: 32, intermediate: 11008, layers: 32, vocab: 32000, context: 4096, activation: 'silu-gated', norm: 'rmsnorm' },
  { name: 'llama-2-70b', hidden: 8192, heads: 64, kvHeads: 8, intermediate: 28672, layers: 80, vocab: 32000, context: 4096, activation: 'silu-gated', norm: 'rmsnorm' },
  { name: 'llama-3.1-8b', hidden: 4096, heads: 32, kvHeads: 8, intermediate: 14336, layers: 32, vocab: 128256, context: 131072, activation: 'silu-gated', norm: 'rmsnorm' },
  { name: 'mistral-7b', hidden: 4096, heads: 32, kvHeads: 8, intermediate: 14336, layers: 32, vocab: 32000, context: 32768, activation: 'silu-gated', norm: 'rmsnorm' },
] as const;

/** Published parameter counts: hub pages (GPT-2, Llama, Mistral) and Devlin et al. (BERT). */
const PUBLISHED_PARAMETERS: Record<string, number> = {
  gpt2: 124e6,
  'bert-base': 110e6,
  'llama-2-7b': 6.74e9,
  'llama-2-70b': 6.9e10,
  'llama-3.1-8b': 8.03e9,
  'mistral-7b': 7.24e9,
};

describe('model zoo', () => {
  it('holds the six models', () => {
    expect(MODEL_ZOO.map((model) => model.name).sort()).toEqual(PUBLISHED.map((model) => model.name).sort());
  });

  for (const published of PUBLISHED) {
    it(`${published.name} config`, () => {
      const model = findModel(published.name);
      expect(model.hiddenSize).toBe(published.hidden);
      expect(model.attentionHeads).toBe(published.heads);
      expect(model.keyValueHeads).toBe(published.kvHeads);
      expect(model.intermediateSize).toBe(published.intermediate);
      expect(model.layers).toBe(published.layers);
      expect(model.vocabSize).toBe(published.vocab);
      expect(model.maxContextTokens).toBe(published.context);
      expect(model.activation).toBe(published.activation);
      expect(model.norm).toBe(published.norm);
      expect(model.sourceUrl).toMatch(/^https:\/\/huggingface\.co\/.+\/config\.json$/);
    });

    it(`${published.name} parameter count`, () => {
      const count = parameterCount(findModel(published.name));
      const expected = PUBLISHED_PARAMETERS[published.name];
      expect(Math.abs(count - expected) / expected).toBeLessThan(0.03);
    });
  }

  it('llama-2 parameter counts exactly', () => {
    // 2 × vocab × d (embeddings and LM head) + layers × (4 d² attention + 3 d·I MLP + 2 d norms) + d.
    expect(parameterCount(findModel('llama-2-7b'))).toBe(2 * 32000 * 4096 + 32 * (4 * 4096 ** 2 + 3 * 4096 * 11008 + 2 * 4096) + 4096);
    // Grouped-query attention: K and V are 8 heads of 128, so 2 × 8192 × 1024 instead of 2 × 8192².
    expect(parameterCount(findModel('llama-2-70b'))).toBe(2 * 32000 * 8192 + 80 * (2 * 8192 ** 2 + 2 * 8192 * 1024 + 3 * 8192 * 28672 + 2 * 8192) + 8192);
  });

  it('head dimensions', () => {
    expect(headDim(findModel('gpt2'))).toBe(64);
    expect(headDim(findModel('llama-2-70b'))).toBe(128);
  });

  it('unknown name suggests and lists', () => {
    expect(() => findModel('lama-2-70b')).toThrow(UserError);
    expect(() => findModel('lama-2-70b')).toThrow(/did you mean 'llama-2-70b'/);
    expect(() => findModel('foo')).toThrow(/known models: gpt2, bert-base, llama-2-7b, llama-2-70b, llama-3\.1-8b, mistral-7b/);
  });

  it('name is case-insensitive', () => {
    expect(findModel('Llama-2-7B').name).toBe('llama-2-7b');
  });
});
