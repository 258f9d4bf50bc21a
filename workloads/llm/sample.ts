/**
 * Sampled numerics for `lmulsim model --numerics sample`: one output tile of a projection with the
 * model's real inner dimension, computed bit-exactly with each method and compared with an fp64
 * run of the same program. A whole model is far too large to compute with values on.
 */
import { parseSource, validate } from '../../isa/index.js';
import type { ArchConfig } from '../../sim/arch/index.js';
import { compareOutputs, executeProgram, targetFromArch } from '../../sim/exec/index.js';
import type { MethodName } from '../../sim/numerics/index.js';
import { LasmWriter } from './emit.js';
import type { ModelConfig } from './zoo.js';

/** Rows of the sampled tile. */
const SAMPLE_ROWS = 8;

/** Relative error of the sampled tile for one method, against fp64 arithmetic on the same rounded inputs. */
export interface SampleError {
  readonly method: MethodName;
  /** ‖y − y_ref‖₂ / ‖y_ref‖₂ over the tile; unlike the elementwise figures, outputs near zero do not inflate it. */
  readonly normRelError: number;
  readonly maxRelError: number;
  readonly meanRelError: number;
  /** The tile: rows × k × n. */
  readonly shape: readonly [number, number, number];
}

/** Generates Y = X · W for SAMPLE_ROWS rows, k = hidden size and one array-wide column tile. */
export function sampleProgram(config: ModelConfig, arch: ArchConfig, weightFormat: string): string {
  const rows = arch.core.matrix.rows;
  const cols = arch.core.matrix.cols;
  const k = Math.ceil(config.hiddenSize / rows) * rows;
  const writer = new LasmWriter();
  writer.line(`; sampled numerics: ${SAMPLE_ROWS} × ${k} activations times a ${k} × ${cols} weight tile of ${config.name}`);
  // X is stored in the operand format, so both runs multiply the same values.
  writer.line(`.tensor X ${weightFormat}[${SAMPLE_ROWS}, ${k}] init=normal(0, 1, seed=1)`);
  // Unit-scale weights stand for scaled 8-bit inference, where a per-tensor scale factor keeps the
  // values in the format's normal range. Raw weights of size 1/sqrt(k) would be mostly e4m3 subnormals.
  writer.line(`.tensor W ${weightFormat}[${k}, ${cols}] init=normal(0, 1, seed=2)`);
  writer.line(`.tensor Y fp32[${SAMPLE_ROWS}, ${cols}] output`);
  writer.line(`beqz core, sample_core0`);
  writer.line('halt');
  writer.line('sample_core0:');
  writer.line(`load sp[0], X[0 +: ${SAMPLE_ROWS}, 0 +: ${k}] fmt=${weightFormat}`);
  writer.loop('kk', k / rows, () => {
    writer.line(`load sp[${SAMPLE_ROWS * k}], W[kk * ${rows} +: ${rows}, 0 +: ${cols}] fmt=${weightFormat}`);
    writer.line('fence');
    writer.line(`preload sp[${SAMPLE_ROWS * k}] k=${rows} n=${cols}`);
    writer.line(`matmul acc[0], sp[kk * ${rows}] m=${SAMPLE_ROWS} k=${rows} n=${cols} stride=${k} method=exact in=${weightFormat} out=${arch.core.matrix.accumulatorFormat} accumulate`);
    writer.line('fence');
  });
  writer.line(`store Y[0 +: ${SAMPLE_ROWS}, 0 +: ${cols}], acc[0]`);
  writer.line('fence');
  writer.line('halt');
  return writer.text();
}

/** Runs the sampled tile with each method and with fp64 reference arithmetic, and returns each method's error. */
export function sampleNumerics(config: ModelConfig, arch: ArchConfig, weightFormat: string, methods: readonly MethodName[]): SampleError[] {
  const source = sampleProgram(config, arch, weightFormat);
  const parsed = parseSource(source, `${config.name}-sample.lasm`);
  const validated = parsed.ast ? validate(parsed.ast, targetFromArch(arch)) : undefined;
  if (!validated?.program) throw new Error(`generated sample program is invalid: ${[...parsed.diagnostics, ...(validated?.diagnostics ?? [])].map((d) => d.message).join('; ')}`);
  const program = validated.program;
  const reference = executeProgram(program, { arch, values: 'reference' });
  const cols = arch.core.matrix.cols;
  const k = Math.ceil(config.hiddenSize / arch.core.matrix.rows) * arch.core.matrix.rows;
  return methods.map((method) => {
    const result = executeProgram(program, { arch, values: 'hardware', method });
    const [error] = compareOutputs(result.tensors, reference.tensors);
    const actual = result.tensors.find((tensor) => tensor.name === 'Y')!.values!;
    const expected = reference.tensors.find((tensor) => tensor.name === 'Y')!.values!;
    let differenceSquares = 0;
    let referenceSquares = 0;
    for (let i = 0; i < expected.length; i++) {
      differenceSquares += (actual[i] - expected[i]) ** 2;
      referenceSquares += expected[i] ** 2;
    }
    return { method, normRelError: Math.sqrt(differenceSquares / referenceSquares), maxRelError: error.maxRelError, meanRelError: error.meanRelError, shape: [SAMPLE_ROWS, k, cols] as const };
  });
}
