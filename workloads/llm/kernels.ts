/**
 * Compiles the layers of a transformer into `.lasm` programs tiled for one machine: the QKV
 * projection (with the norm before it), attention (scores, softmax, probabilities times V), the
 * output projection, the MLP (norm, up or gate-and-up projection with its activation, down
 * projection) and the LM head. Each program covers one layer of its kind; the caller scales by the
 * layer count.
 *
 * Conventions of the generated programs:
 * - Weights and the KV cache are tensors in the chosen weight format, activations bf16 tensors. The
 *   weight tensors are `place=host` when the weights live in host memory; everything else is in the
 *   machine's off-chip memory (`dram`, which is HBM on an HBM machine).
 * - Every matmul uses `method=exact`; the executor's method override selects the multiplier.
 * - Rows are padded up to whole row blocks, and matrix dimensions up to whole tiles.
 */
import { UserError } from '../../common/errors.js';
import type { ArchConfig } from '../../sim/arch/index.js';
import { bufferGeometry } from '../../sim/exec/index.js';
import { emitStreamedGemm, LasmWriter, type GemmOutput } from './emit.js';
import { headDim, type ModelConfig, type NormKind } from './zoo.js';

export const PHASES = ['prefill', 'decode'] as const;
export type Phase = (typeof PHASES)[number];
export type WeightPlacement = 'dram' | 'host';

/** The workload and where its weights live. */
export interface KernelOptions {
  readonly phase: Phase;
  /** Prefill: tokens per sequence. Decode: context length, the new token included. */
  readonly seqTokens: number;
  readonly batch: number;
  /** Format of weights, KV cache and matmul operands. */
  readonly weightFormat: string;
  readonly weightPlacement: WeightPlacement;
}

export const KERNEL_KINDS = ['qkv', 'attention', 'out-proj', 'mlp', 'lm-head'] as const;
export type KernelKind = (typeof KERNEL_KINDS)[number];

/** One generated program and how often a forward pass runs it. */
export interface LayerKernel {
  readonly kind: KernelKind;
  readonly description: string;
  /** Runs per forward pass: the layer count, or 1 for the LM head. */
  readonly repeats: number;
  readonly source: string;
  /** Bytes of weights the program reads once, padding included. */
  readonly weightBytes: number;
}

/** Machine figures the tiling depends on. */
interface Geometry {
  readonly rows: number;
  readonly cols: number;
  readonly scratchpadElements: number;
  readonly accumulatorElements: number;
  readonly vectorLength: number;
  readonly accumulatorFormat: string;
}

/** Maximum number of k tiles one weight load moves. */
const MAX_K_GROUP = 8;
/** Activation tensors are bf16, as in common 8-bit-weight inference. */
const ACTIVATION_FORMAT = 'bf16';
/** GELU(x) is approximated as x · sigmoid(1.702 x), as in examples/mlp.lasm. */
const GELU_SIGMOID_SCALE = 1.702;

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/** Largest divisor of `n` that is at most `limit`. */
function largestDivisor(n: number, limit: number): number {
  for (let d = Math.min(n, limit); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

function formatBytes(format: string): number {
  if (format === 'bf16' || format === 'fp16') return 2;
  if (format === 'fp32') return 4;
  return 1;
}

/** Splits `rows` into `blocks` blocks of `blockRows` each (the last padded), with blocks of at most `maxRows`. */
function rowBlocks(rows: number, maxRows: number): { blockRows: number; blocks: number; paddedRows: number } {
  const blocks = Math.ceil(rows / maxRows);
  const blockRows = Math.ceil(rows / blocks);
  return { blockRows, blocks, paddedRows: blockRows * blocks };
}

function geometryOf(arch: ArchConfig): Geometry {
  const buffers = bufferGeometry(arch);
  return {
    rows: arch.core.matrix.rows,
    cols: arch.core.matrix.cols,
    scratchpadElements: buffers.scratchpadElements,
    accumulatorElements: buffers.accumulatorElements,
    vectorLength: arch.core.vectorRegisters.lengthElements,
    accumulatorFormat: arch.core.matrix.accumulatorFormat,
  };
}

/** One projection Y = norm(X) · W, or for the MLP's first half act(norm(X) · W). */
interface Projection {
  readonly name: string;
  readonly inputTensor: string;
  readonly outputTensor: string;
  readonly weightTensor: string;
  readonly k: number;
  /** Output columns; a gated projection reads 2 × n weight columns. */
  readonly n: number;
  readonly norm?: NormKind;
  readonly activation?: 'gelu' | 'silu-gated';
}

interface ProjectionPlan {
  readonly projection: Projection;
  readonly kTile: number;
  readonly nTile: number;
  readonly kPadded: number;
  readonly nPadded: number;
  /** k tiles per weight load. */
  readonly kGroup: number;
  /** Largest row block the scratchpad and accumulator allow. */
  readonly maxRows: number;
  readonly normChunk: number;
}

function planProjection(projection: Projection, geometry: Geometry): ProjectionPlan {
  const kTile = Math.min(geometry.rows, projection.k);
  const nTile = Math.min(geometry.cols, projection.n);
  const kPadded = roundUp(projection.k, kTile);
  const nPadded = roundUp(projection.n, nTile);
  const passes = projection.activation === 'silu-gated' ? 2 : 1;
  const perRowElements = kPadded * (projection.norm ? 2 : 1);
  const rowsFor = (kGroup: number): number => {
    const fixedElements = 2 * kGroup * kTile * nTile + (projection.norm ? kPadded : 0);
    return Math.min(Math.floor((geometry.scratchpadElements - fixedElements) / perRowElements), Math.floor(geometry.accumulatorElements / (2 * passes * nTile)));
  };
  // Loading several k tiles per DMA cuts the instruction count; fall back to one when space is short.
  let kGroup = largestDivisor(kPadded / kTile, MAX_K_GROUP);
  if (rowsFor(kGroup) < 1) kGroup = 1;
  const maxRows = rowsFor(kGroup);
  if (maxRows < 1) {
    throw new UserError(`the ${projection.name} projection (k = ${projection.k}) does not fit: one row of activations needs ${perRowElements + 2 * kTile * nTile} scratchpad elements, the machine has ${geometry.scratchpadElements}`);
  }
  return { projection, kTile, nTile, kPadded, nPadded, kGroup, maxRows, normChunk: largestDivisor(kPadded, geometry.vectorLength) };
}

/** Emits the per-row norm of the block at `staging` into the matmul operand at `operand` (both kPadded wide). */
function emitNorm(writer: LasmWriter, plan: ProjectionPlan, blockRows: number, staging: number, operand: number, gamma: number, inputFormat: string): void {
  const k = plan.kPadded;
  const chunk = plan.normChunk;
  const chunks = k / chunk;
  const layerNorm = plan.projection.norm === 'layernorm';
  writer.line(`vsetlen ${chunk}`);
  writer.loop('nr', blockRows, () => {
    if (layerNorm) {
      writer.line('vfill v5, 0');
      writer.loop('nc', chunks, () => {
        writer.line(`vload v0, sp[${staging} + nr * ${k} + nc * ${chunk}]`);
        writer.line('vadd v5, v5, v0');
      });
      writer.line('vredsum v5, v5');
      writer.line(`vscale v5, v5, ${1 / k}`);
    }
    writer.line('vfill v3, 0');
    writer.loop('nc', chunks, () => {
      writer.line(`vload v0, sp[${staging} + nr * ${k} + nc * ${chunk}]`);
      if (layerNorm) writer.line('vsub v0, v0, v5');
      writer.line('vmul v1, v0, v0');
      writer.line('vadd v3, v3, v1');
    });
    writer.line('vredsum v3, v3');
    writer.line(`vscale v3, v3, ${1 / k}`);
    writer.line('vaddi v3, v3, 0.00001');
    writer.line('vrsqrt v3, v3');
    writer.loop('nc', chunks, () => {
      writer.line(`vload v0, sp[${staging} + nr * ${k} + nc * ${chunk}]`);
      if (layerNorm) writer.line('vsub v0, v0, v5');
      writer.line('vmul v0, v0, v3');
      writer.line(`vload v1, sp[${gamma} + nc * ${chunk}]`);
      writer.line('vmul v0, v0, v1');
      writer.line(`vstore sp[${operand} + nr * ${k} + nc * ${chunk}], v0 fmt=${inputFormat}`);
    });
  });
  writer.line('fence');
}

/** Emits the activation of a finished tile in accumulator slot `slot`: GELU in place, or SiLU(gate) × up into the gate block. */
function emitActivation(writer: LasmWriter, activation: 'gelu' | 'silu-gated', blockRows: number, nTile: number, vectorLength: number, slot: string): void {
  const chunk = largestDivisor(nTile, vectorLength);
  writer.line(`vsetlen ${chunk}`);
  writer.loop('er', blockRows, () => {
    writer.loop('ec', nTile / chunk, () => {
      const address = `${slot} + er * ${nTile} + ec * ${chunk}`;
      writer.line(`vload v0, acc[${address}]`);
      writer.line(`vscale v1, v0, ${activation === 'gelu' ? -GELU_SIGMOID_SCALE : -1.0}`);
      writer.line('vexp v1, v1');
      writer.line('vaddi v1, v1, 1.0');
      writer.line('vrecip v1, v1');
      writer.line('vmul v0, v0, v1');
      if (activation === 'silu-gated') {
        writer.line(`vload v2, acc[${address} + ${blockRows * nTile}]`);
        writer.line('vmul v0, v0, v2');
      }
      writer.line(`vstore acc[${address}], v0`);
    });
  });
}

/** Emits a row-block loop computing one projection for `blockRows × blocks` rows. */
function emitProjection(writer: LasmWriter, plan: ProjectionPlan, blockRows: number, blocks: number, geometry: Geometry, options: KernelOptions): void {
  const { projection, kTile, nTile, kPadded, nPadded } = plan;
  const operand = 0;
  const staging = blockRows * kPadded;
  const gamma = projection.norm ? 2 * blockRows * kPadded : 0;
  const slots = projection.norm ? gamma + kPadded : blockRows * kPadded;
  const gated = projection.activation === 'silu-gated';
  const activation = projection.activation;
  const inputFormat = options.weightFormat;

  writer.loop('mb', blocks, () => {
    if (projection.norm) {
      writer.line(`load sp[${staging}], ${projection.inputTensor}[mb * ${blockRows} +: ${blockRows}, 0 +: ${kPadded}] fmt=${ACTIVATION_FORMAT}`);
      writer.line(`load sp[${gamma}], ${projection.name}_norm[0 +: ${kPadded}] fmt=${ACTIVATION_FORMAT}`);
      writer.line('fence');
      emitNorm(writer, plan, blockRows, staging, operand, gamma, inputFormat);
    } else {
      writer.line(`load sp[${operand}], ${projection.inputTensor}[mb * ${blockRows} +: ${blockRows}, 0 +: ${kPadded}] fmt=${inputFormat}`);
      writer.line('fence');
    }
    const output: GemmOutput = {
      kind: 'store',
      base: 0,
      region: (column) => `${projection.outputTensor}[mb * ${blockRows} +: ${blockRows}, ${column} +: ${nTile}]`,
      ...(activation ? { epilogue: (w: LasmWriter, slot: string) => emitActivation(w, activation, blockRows, nTile, geometry.vectorLength, slot) } : {}),
    };
    emitStreamedGemm(writer, {
      aAddress: operand,
      aStride: kPadded,
      m: blockRows,
      kTiles: kPadded / kTile,
      kTile,
      nTile,
      split: { kind: 'cores', tiles: nPadded / nTile },
      passes: gated ? 2 : 1,
      passOffset: nPadded,
      // Weights are stored pre-tiled (see declareProjection), so each tile is one contiguous block.
      kGroup: plan.kGroup,
      bRegion: (kIndex, column) => `${projection.weightTensor}[(${column}) / ${nTile} * ${kPadded} + (${kIndex}) * ${plan.kGroup * kTile} +: ${plan.kGroup * kTile}, 0 +: ${nTile}]`,
      bTranspose: false,
      slotAddress: slots,
      inputFormat,
      accumulatorFormat: geometry.accumulatorFormat,
      output,
    });
  });
}

/** Declares the tensors of a projection: input, norm scale, weights, output. */
function declareProjection(writer: LasmWriter, plan: ProjectionPlan, rows: number, options: KernelOptions, declareInput = true): number {
  const { projection, kPadded, nPadded } = plan;
  const weightColumns = projection.activation === 'silu-gated' ? 2 * nPadded : nPadded;
  const place = options.weightPlacement === 'host' ? ' place=host' : '';
  if (declareInput) writer.line(`.tensor ${projection.inputTensor} ${ACTIVATION_FORMAT}[${rows}, ${kPadded}]`);
  if (projection.norm) writer.line(`.tensor ${projection.name}_norm ${ACTIVATION_FORMAT}[${kPadded}]${place}`);
  // Tile-major layout: column tile t occupies rows t × kPadded … (t + 1) × kPadded − 1, nTile wide, so
  // a kTile × nTile tile is contiguous and moves in whole bursts or full packets.
  writer.line(`.tensor ${projection.weightTensor} ${options.weightFormat}[${(weightColumns / plan.nTile) * kPadded}, ${plan.nTile}]${place}`);
  writer.line(`.tensor ${projection.outputTensor} ${ACTIVATION_FORMAT}[${rows}, ${nPadded}] output`);
  return kPadded * weightColumns * formatBytes(options.weightFormat) + (projection.norm ? kPadded * 2 : 0);
}

/** Generates a program with one projection (QKV, output projection or LM head). */
function projectionKernel(kind: KernelKind, description: string, repeats: number, projection: Projection, rows: number, geometry: Geometry, options: KernelOptions): LayerKernel {
  const plan = planProjection(projection, geometry);
  const { blockRows, blocks, paddedRows } = rowBlocks(rows, plan.maxRows);
  const writer = new LasmWriter();
  writer.line(`; ${description}`);
  const weightBytes = declareProjection(writer, plan, paddedRows, options);
  emitProjection(writer, plan, blockRows, blocks, geometry, options);
  writer.line('halt');
  return { kind, description, repeats, source: writer.text(), weightBytes };
}

/** Generates the MLP: up (or gate and up) projection with its activation, a barrier, then the down projection. */
function mlpKernel(config: ModelConfig, rows: number, geometry: Geometry, options: KernelOptions): LayerKernel {
  const d = config.hiddenSize;
  const intermediate = config.intermediateSize;
  const up = planProjection({ name: 'mlp_up', inputTensor: 'X', outputTensor: 'H', weightTensor: 'W_up', k: d, n: intermediate, norm: config.norm, activation: config.activation }, geometry);
  const down = planProjection({ name: 'mlp_down', inputTensor: 'H', outputTensor: 'Y', weightTensor: 'W_down', k: up.nPadded, n: d }, geometry);
  const { blockRows, blocks, paddedRows } = rowBlocks(rows, Math.min(up.maxRows, down.maxRows));
  const description = `MLP of one layer: ${config.norm}, ${config.activation === 'silu-gated' ? 'SiLU(X·W_gate) × (X·W_up)' : 'GELU(X·W_up)'}, then ·W_down; ${rows} rows`;
  const writer = new LasmWriter();
  writer.line(`; ${description}`);
  let weightBytes = declareProjection(writer, up, paddedRows, options);
  weightBytes += declareProjection(writer, down, paddedRows, options, false);
  emitProjection(writer, up, blockRows, blocks, geometry, options);
  writer.line('barrier');
  emitProjection(writer, down, blockRows, blocks, geometry, options);
  writer.line('halt');
  return { kind: 'mlp', description, repeats: config.layers, source: writer.text(), weightBytes };
}

/**
 * Attention of one layer: for each (sequence, query head) pair, shared out over the cores, the
 * scores Q·Kᵀ against the KV cache, a softmax per row on the vector unit, and P·V. Each query head
 * reads the K and V of its key-value group.
 */
function attentionKernel(config: ModelConfig, geometry: Geometry, options: KernelOptions): LayerKernel {
  const heads = config.attentionHeads;
  const hd = headDim(config);
  const groupSize = heads / config.keyValueHeads;
  const { rows: R, cols: C } = geometry;
  const window = config.slidingWindowTokens ?? Infinity;
  const spanTokens = options.phase === 'decode' ? Math.min(options.seqTokens, window) : options.seqTokens;
  const keys = roundUp(spanTokens, Math.max(R, C));
  const queries = options.phase === 'decode' ? 1 : options.seqTokens;
  const kScores = Math.min(R, hd);
  const nValues = Math.min(C, hd);
  const lanes = Math.min(geometry.vectorLength, C, hd);
  if (hd % kScores !== 0 || hd % nValues !== 0 || C % lanes !== 0 || nValues % lanes !== 0) {
    throw new UserError(`head dimension ${hd} does not tile the ${R}×${C} array with ${geometry.vectorLength}-lane vectors`);
  }

  const maxAccRows = Math.floor(geometry.accumulatorElements / (keys + hd));
  const slotElements = Math.max(hd * C, R * hd);
  const maxSpRows = Math.floor((geometry.scratchpadElements - 2 * slotElements) / (hd + keys + lanes));
  const maxRows = Math.min(maxAccRows, maxSpRows);
  if (maxRows < 1) {
    throw new UserError(`attention over ${spanTokens} tokens does not fit: one query row needs ${keys + hd} accumulator elements (the machine has ${geometry.accumulatorElements}); use a shorter --seq`);
  }
  const { blockRows, blocks, paddedRows } = rowBlocks(queries, maxRows);
  const units = options.batch * heads;
  const qAddress = 0;
  const pAddress = blockRows * hd;
  const rsAddress = pAddress + blockRows * keys;
  const slotAddress = rsAddress + blockRows * lanes;
  const scoresBase = 0;
  const outBase = blockRows * keys;
  const format = options.weightFormat;

  const description = `attention of one layer: ${heads} query heads, ${config.keyValueHeads} key-value heads, ${queries} queries per sequence over ${spanTokens} keys, batch ${options.batch}`;
  const writer = new LasmWriter();
  writer.line(`; ${description}`);
  writer.line(`.tensor Q ${ACTIVATION_FORMAT}[${options.batch * paddedRows}, ${heads * hd}]`);
  // KV cache, head-major: the keys of sequence b and key-value head g are rows (b × groups + g) × keys onwards.
  writer.line(`.tensor Kc ${format}[${options.batch * config.keyValueHeads * keys}, ${hd}]`);
  writer.line(`.tensor Vc ${format}[${options.batch * config.keyValueHeads * keys}, ${hd}]`);
  writer.line(`.tensor O ${ACTIVATION_FORMAT}[${options.batch * paddedRows}, ${heads * hd}] output`);
  writer.line(`set r6, (${units} - core + ncores - 1) / ncores`);
  writer.line('beqz r6, attention_done');
  writer.loop('u', 'r6', () => {
    writer.line('set r7, u * ncores + core');
    writer.line(`set r8, ((r7 / ${heads}) * ${config.keyValueHeads} + (r7 % ${heads}) / ${groupSize}) * ${keys}`);
    writer.line(`set r10, (r7 / ${heads}) * ${paddedRows}`);
    writer.line(`set r11, (r7 % ${heads}) * ${hd}`);
    writer.loop('qb', blocks, () => {
      writer.line(`load sp[${qAddress}], Q[r10 + qb * ${blockRows} +: ${blockRows}, r11 +: ${hd}] fmt=${format}`);
      writer.line('fence');
      emitStreamedGemm(writer, {
        aAddress: qAddress,
        aStride: hd,
        m: blockRows,
        kTiles: hd / kScores,
        kTile: kScores,
        nTile: C,
        // One load brings C keys' whole rows (hd elements), so short array rows do not waste bursts.
        kGroup: hd / kScores,
        split: { kind: 'local', tiles: keys / C },
        passes: 1,
        passOffset: 0,
        bRegion: (kIndex, column) => `Kc[r8 + ${column} +: ${C}, (${kIndex}) * ${hd} +: ${hd}]`,
        bTranspose: true,
        slotAddress,
        inputFormat: format,
        accumulatorFormat: geometry.accumulatorFormat,
        output: { kind: 'accumulator', base: scoresBase },
      });
      emitSoftmax(writer, { blockRows, keys, C, lanes, pAddress, rsAddress, scoresBase, scale: 1 / Math.sqrt(hd), format });
      emitValueProduct(writer, { pAddress, keys, blockRows, R, hd, nValues, slotAddress, format, accumulatorFormat: geometry.accumulatorFormat, outBase });
      // Divide each output row by its softmax denominator.
      writer.line(`vsetlen ${lanes}`);
      writer.loop('nr', blockRows, () => {
        writer.line(`vload v1, sp[${rsAddress} + nr * ${lanes}]`);
        writer.loop('nj', hd / nValues, () => {
          writer.loop('nc', nValues / lanes, () => {
            const address = `${outBase} + nj * ${blockRows * nValues} + nr * ${nValues} + nc * ${lanes}`;
            writer.line(`vload v0, acc[${address}]`);
            writer.line('vmul v0, v0, v1');
            writer.line(`vstore acc[${address}], v0`);
          });
        });
      });
      writer.line('fence');
      writer.loop('oj', hd / nValues, () => {
        writer.line(`store O[r10 + qb * ${blockRows} +: ${blockRows}, r11 + oj * ${nValues} +: ${nValues}], acc[${outBase} + oj * ${blockRows * nValues}]`);
      });
      writer.line('fence');
    });
  });
  writer.line('attention_done:');
  writer.line('fence');
  writer.line('halt');
  return { kind: 'attention', description, repeats: config.layers, source: writer.text(), weightBytes: 0 };
}

interface ValueProduct {
  readonly pAddress: number;
  readonly keys: number;
  readonly blockRows: number;
  readonly R: number;
  readonly hd: number;
  readonly nValues: number;
  readonly slotAddress: number;
  readonly format: string;
  readonly accumulatorFormat: string;
  readonly outBase: number;
}

/**
 * Emits O = P · V: each load brings R whole rows of V (hd elements, contiguous in memory), and
 * strided preloads split them into column tiles of nValues, so short array rows do not waste bursts.
 * Tokens follow emitStreamedGemm: two slots, freed by the last preload from each.
 */
function emitValueProduct(writer: LasmWriter, product: ValueProduct): void {
  const { R, hd, nValues, blockRows, keys } = product;
  const slotElements = R * hd;
  const columnTiles = hd / nValues;
  const block = (kIndex: string, firstMode: string): void => {
    writer.line(`load sp[r3], Vc[r8 + (${kIndex}) * ${R} +: ${R}, 0 +: ${hd}] fmt=${product.format} wait=compute signal=compute`);
    for (let jn = 0; jn < columnTiles; jn++) {
      const options = `${jn === 0 ? ' wait=load' : ''}${jn === columnTiles - 1 ? ' signal=load' : ''}`;
      writer.line(`preload sp[r3${jn > 0 ? ` + ${jn * nValues}` : ''}] k=${R} n=${nValues} stride=${hd}${options}`);
      writer.line(
        `matmul acc[${product.outBase + jn * blockRows * nValues}], sp[${product.pAddress} + (${kIndex}) * ${R}] m=${blockRows} k=${R} n=${nValues} stride=${keys} method=exact in=${product.format} out=${product.accumulatorFormat} ${firstMode}`,
      );
    }
    writer.line(`set r3, ${2 * product.slotAddress + slotElements} - r3`);
  };
  writer.line(`set r3, ${product.slotAddress}`);
  writer.line('sync compute signal=load');
  writer.line('sync compute signal=load');
  block('0', 'overwrite');
  writer.loop('vk', keys / R - 1, () => block('vk + 1', 'accumulate'));
  writer.line('sync load wait=compute');
  writer.line('sync load wait=compute');
  writer.line('fence');
}

interface SoftmaxLayout {
  readonly blockRows: number;
  readonly keys: number;
  readonly C: number;
  readonly lanes: number;
  readonly pAddress: number;
  readonly rsAddress: number;
  readonly scoresBase: number;
  readonly scale: number;
  readonly format: string;
}

/**
 * Emits the softmax of each score row (tiles of C columns in the accumulator): a max pass, then
 * exp((s − max) · scale) written to the scratchpad as P with the row sum accumulated; the
 * reciprocal of the sum goes to the scratchpad and scales the output rows later.
 */
function emitSoftmax(writer: LasmWriter, layout: SoftmaxLayout): void {
  const { blockRows, keys, C, lanes } = layout;
  const tiles = keys / C;
  const score = `${layout.scoresBase} + sj * ${blockRows * C} + sr * ${C} + sc * ${lanes}`;
  writer.line(`vsetlen ${lanes}`);
  writer.loop('sr', blockRows, () => {
    writer.line('vfill v2, -3.0e38');
    writer.loop('sj', tiles, () => {
      writer.loop('sc', C / lanes, () => {
        writer.line(`vload v0, acc[${score}]`);
        writer.line('vmax v2, v2, v0');
      });
    });
    writer.line('vredmax v3, v2');
    writer.line('vfill v4, 0');
    writer.loop('sj', tiles, () => {
      writer.loop('sc', C / lanes, () => {
        writer.line(`vload v0, acc[${score}]`);
        writer.line('vsub v0, v0, v3');
        writer.line(`vscale v0, v0, ${layout.scale}`);
        writer.line('vexp v0, v0');
        writer.line('vadd v4, v4, v0');
        writer.line(`vstore sp[${layout.pAddress} + sr * ${keys} + sj * ${C} + sc * ${lanes}], v0 fmt=${layout.format}`);
      });
    });
    writer.line('vredsum v5, v4');
    writer.line('vrecip v5, v5');
    writer.line(`vstore sp[${layout.rsAddress} + sr * ${lanes}], v5`);
  });
  writer.line('fence');
}

/**
 * Generates one program per layer kind for a forward pass of `config` on `arch`: QKV, attention,
 * output projection and MLP (each repeated `layers` times) and the LM head (once; encoder-only
 * models have none). Rows are batch × sequence in prefill and batch in decode; the LM head always
 * computes the logits of the batch's last tokens only. Throws UserError when a layer does not fit.
 */
export function generateKernels(config: ModelConfig, arch: ArchConfig, options: KernelOptions): LayerKernel[] {
  const geometry = geometryOf(arch);
  const d = config.hiddenSize;
  const hd = headDim(config);
  const qkvWidth = (config.attentionHeads + 2 * config.keyValueHeads) * hd;
  const rows = options.phase === 'prefill' ? options.batch * options.seqTokens : options.batch;

  const kernels: LayerKernel[] = [
    projectionKernel(
      'qkv',
      `QKV projection of one layer: ${config.norm}, then X·W_qkv (${d} × ${qkvWidth}); ${rows} rows`,
      config.layers,
      { name: 'qkv', inputTensor: 'X', outputTensor: 'QKV', weightTensor: 'W_qkv', k: d, n: qkvWidth, norm: config.norm },
      rows,
      geometry,
      options,
    ),
    attentionKernel(config, geometry, options),
    projectionKernel(
      'out-proj',
      `attention output projection of one layer: O·W_o (${d} × ${d}); ${rows} rows`,
      config.layers,
      { name: 'out', inputTensor: 'A', outputTensor: 'Y', weightTensor: 'W_o', k: d, n: d },
      rows,
      geometry,
      options,
    ),
    mlpKernel(config, rows, geometry, options),
  ];
  if (!config.encoderOnly) {
    kernels.push(
      projectionKernel(
        'lm-head',
        `LM head: final ${config.norm}, then X·W_vocab (${d} × ${config.vocabSize}); ${options.batch} rows`,
        1,
        { name: 'lm_head', inputTensor: 'X', outputTensor: 'logits', weightTensor: 'W_vocab', k: d, n: config.vocabSize, norm: config.norm },
        options.batch,
        geometry,
        options,
      ),
    );
  }
  return kernels;
}
