/**
 * Transformer language models with their published configurations. Each entry records the fields of
 * the model's config.json on its Hugging Face hub page (field names in the comments), so the kernel
 * generator needs no download at run time.
 */
import { closestMatch } from '../../common/diagnostic.js';
import { UserError } from '../../common/errors.js';

/** Activation of the MLP: GELU (two-matrix MLP) or SiLU-gated (SwiGLU, three matrices). */
export type MlpActivation = 'gelu' | 'silu-gated';
export type NormKind = 'layernorm' | 'rmsnorm';

/** Architecture of one model, as published. */
export interface ModelConfig {
  /** Name accepted by `lmulsim model`. */
  readonly name: string;
  readonly displayName: string;
  /** hidden_size (n_embd for GPT-2). */
  readonly hiddenSize: number;
  /** num_attention_heads (n_head). */
  readonly attentionHeads: number;
  /** num_key_value_heads; equal to attentionHeads without grouped-query attention. */
  readonly keyValueHeads: number;
  /** intermediate_size (GPT-2: n_inner, which defaults to 4 × n_embd). */
  readonly intermediateSize: number;
  /** num_hidden_layers (n_layer). */
  readonly layers: number;
  /** vocab_size. */
  readonly vocabSize: number;
  readonly activation: MlpActivation;
  readonly norm: NormKind;
  /** max_position_embeddings (n_positions for GPT-2), in tokens. */
  readonly maxContextTokens: number;
  /** sliding_window: a token attends to at most this many tokens (Mistral); absent for full attention. */
  readonly slidingWindowTokens?: number;
  /** Biases on the projections and norms (GPT-2, BERT); Llama and Mistral have none. */
  readonly biases: boolean;
  /** Learned absolute position embeddings (GPT-2, BERT) rather than rotary ones. */
  readonly learnedPositions: boolean;
  /** Output projection shares the token embedding matrix (tie_word_embeddings). */
  readonly tiedEmbeddings: boolean;
  /** Encoder-only models have no decode phase and no LM head here. */
  readonly encoderOnly: boolean;
  /** Parameter count given by the model's authors or hub page. */
  readonly publishedParameters: number;
  /** Where the configuration is published. */
  readonly sourceUrl: string;
}

/** The model zoo. Field values are those of the config.json named in `sourceUrl`. */
export const MODEL_ZOO: readonly ModelConfig[] = [
  {
    name: 'gpt2',
    displayName: 'GPT-2 small',
    hiddenSize: 768,
    attentionHeads: 12,
    keyValueHeads: 12,
    intermediateSize: 3072,
    layers: 12,
    vocabSize: 50257,
    activation: 'gelu', // activation_function: gelu_new
    norm: 'layernorm',
    maxContextTokens: 1024,
    biases: true,
    learnedPositions: true,
    tiedEmbeddings: true,
    encoderOnly: false,
    publishedParameters: 124e6, // hub page: 124M parameters
    sourceUrl: 'https://huggingface.co/openai-community/gpt2/blob/main/config.json',
  },
  {
    name: 'bert-base',
    displayName: 'BERT-base (uncased)',
    hiddenSize: 768,
    attentionHeads: 12,
    keyValueHeads: 12,
    intermediateSize: 3072,
    layers: 12,
    vocabSize: 30522,
    activation: 'gelu', // hidden_act: gelu
    norm: 'layernorm',
    maxContextTokens: 512,
    biases: true,
    learnedPositions: true,
    tiedEmbeddings: true,
    encoderOnly: true,
    publishedParameters: 110e6, // Devlin et al., arXiv 1810.04805: 110M
    sourceUrl: 'https://huggingface.co/google-bert/bert-base-uncased/blob/main/config.json',
  },
  {
    name: 'llama-2-7b',
    displayName: 'Llama-2-7B',
    hiddenSize: 4096,
    attentionHeads: 32,
    keyValueHeads: 32,
    intermediateSize: 11008,
    layers: 32,
    vocabSize: 32000,
    activation: 'silu-gated', // hidden_act: silu
    norm: 'rmsnorm',
    maxContextTokens: 4096,
    biases: false,
    learnedPositions: false,
    tiedEmbeddings: false,
    encoderOnly: false,
    publishedParameters: 6.74e9, // hub page: 6.74B parameters
    sourceUrl: 'https://huggingface.co/meta-llama/Llama-2-7b-hf/blob/main/config.json',
  },
  {
    name: 'llama-2-70b',
    displayName: 'Llama-2-70B',
    hiddenSize: 8192,
    attentionHeads: 64,
    keyValueHeads: 8,
    intermediateSize: 28672,
    layers: 80,
    vocabSize: 32000,
    activation: 'silu-gated',
    norm: 'rmsnorm',
    maxContextTokens: 4096,
    biases: false,
    learnedPositions: false,
    tiedEmbeddings: false,
    encoderOnly: false,
    publishedParameters: 6.9e10, // hub page: 69B parameters
    sourceUrl: 'https://huggingface.co/meta-llama/Llama-2-70b-hf/blob/main/config.json',
  },
  {
    name: 'llama-3.1-8b',
    displayName: 'Llama-3.1-8B',
    hiddenSize: 4096,
    attentionHeads: 32,
    keyValueHeads: 8,
    intermediateSize: 14336,
    layers: 32,
    vocabSize: 128256,
    activation: 'silu-gated',
    norm: 'rmsnorm',
    maxContextTokens: 131072,
    biases: false,
    learnedPositions: false,
    tiedEmbeddings: false,
    encoderOnly: false,
    publishedParameters: 8.03e9, // hub page: 8.03B parameters
    sourceUrl: 'https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/config.json',
  },
  {
    name: 'mistral-7b',
    displayName: 'Mistral-7B-v0.1',
    hiddenSize: 4096,
    attentionHeads: 32,
    keyValueHeads: 8,
    intermediateSize: 14336,
    layers: 32,
    vocabSize: 32000,
    activation: 'silu-gated',
    norm: 'rmsnorm',
    // max_position_embeddings is 32768, but sliding_window is 4096: each token attends to at most 4096 earlier ones.
    maxContextTokens: 32768,
    slidingWindowTokens: 4096,
    biases: false,
    learnedPositions: false,
    tiedEmbeddings: false,
    encoderOnly: false,
    publishedParameters: 7.24e9, // hub page: 7.24B parameters
    sourceUrl: 'https://huggingface.co/mistralai/Mistral-7B-v0.1/blob/main/config.json',
  },
];

/** Dimension of one attention head: hidden size / heads (128 for every Llama and Mistral model here, 64 for GPT-2 and BERT). */
export function headDim(config: ModelConfig): number {
  return config.hiddenSize / config.attentionHeads;
}

/** Weights of one transformer layer, biases and norm scales included. */
export function layerParameters(config: ModelConfig): number {
  const d = config.hiddenSize;
  const kvWidth = config.keyValueHeads * headDim(config);
  const attention = d * d + 2 * d * kvWidth + d * d;
  const mlpMatrices = config.activation === 'silu-gated' ? 3 : 2;
  const mlp = mlpMatrices * d * config.intermediateSize;
  const norms = (config.norm === 'layernorm' ? 2 : 1) * 2 * d;
  const biases = config.biases ? d + 2 * kvWidth + d + config.intermediateSize + d : 0;
  return attention + mlp + norms + biases;
}

/**
 * Counts every parameter: token embeddings, position embeddings when learned, the layers, the final
 * norm and an untied LM head. BERT's token-type embeddings and pooler are included; its
 * masked-language-model head is not, as in its published 110M.
 */
export function parameterCount(config: ModelConfig): number {
  const d = config.hiddenSize;
  const tokenEmbeddings = config.vocabSize * d;
  const positions = config.learnedPositions ? config.maxContextTokens * d : 0;
  const finalNorm = config.encoderOnly ? 0 : (config.norm === 'layernorm' ? 2 : 1) * d;
  const embeddingNorm = config.encoderOnly ? 2 * d : 0;
  const bertExtras = config.encoderOnly ? 2 * d + d * d + d : 0; // token types and pooler
  const lmHead = config.tiedEmbeddings ? 0 : config.vocabSize * d;
  return tokenEmbeddings + positions + config.layers * layerParameters(config) + finalNorm + embeddingNorm + bertExtras + lmHead;
}

/** Finds a model by name, case-insensitively; throws UserError (exit 2) with a suggestion and the list otherwise. */
export function findModel(name: string): ModelConfig {
  const found = MODEL_ZOO.find((model) => model.name === name.trim().toLowerCase());
  if (found) return found;
  const names = MODEL_ZOO.map((model) => model.name);
  const suggestion = closestMatch(name.trim().toLowerCase(), names);
  throw new UserError(`unknown model '${name}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; known models: ${names.join(', ')}`);
}
