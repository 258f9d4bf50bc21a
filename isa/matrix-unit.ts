/**
 * Limits of a machine's matrix unit on a `matmul`: multiplier datapaths, input formats and the
 * accumulator format. The validator (with `TargetLimits.matrixUnit`) and the machine check of
 * sim/exec/arch-check.ts both report mismatches with the messages built here.
 */
import { MULTIPLIER_METHODS, type FormatName, type MultiplierMethod } from './ast.js';

/** Multiplier datapaths of a matrix unit: `exact` multiplies in floating point, `lmul` adds integers. */
export type MatrixDatapath = 'exact' | 'lmul';

/** The matrix unit of one machine, as far as `matmul` options are concerned. */
export interface MatrixUnitLimits {
  /** Machine name, quoted in messages. */
  readonly machine: string;
  /** Datapaths present in hardware; undefined when a run replaces every method, so none is checked. */
  readonly datapaths?: readonly MatrixDatapath[];
  readonly inputFormats: readonly FormatName[];
  /** The only format the unit accumulates in. */
  readonly accumulatorFormat: FormatName;
}

/** One mismatch between a `matmul` and a matrix unit, and the option (`method`, `in`, `out`) it is about. */
export interface MatrixUnitProblem {
  readonly option: 'method' | 'in' | 'out';
  readonly message: string;
  readonly hint?: string;
}

/** Returns the datapath that runs `method`: `exact` on the floating-point multiplier, every other method on the integer adder. */
export function datapathOf(method: MultiplierMethod): MatrixDatapath {
  return method === 'exact' ? 'exact' : 'lmul';
}

/**
 * Lists what `unit` cannot run of a matmul with these options, in option order: a method whose
 * datapath it lacks, an input format it does not list, and an accumulation format other than its
 * own (`out=` absent counts as fp32). `inputGiven` and `outputGiven` tell whether the matmul has an
 * `in=` and an `out=`, or are undefined when that is not known. The message for a missing `in=` or
 * `out=` states that fp32 is its default.
 */
export function matrixUnitProblems(
  unit: MatrixUnitLimits,
  method: MultiplierMethod,
  inputFormat: FormatName,
  accumulateFormat: FormatName,
  inputGiven?: boolean,
  outputGiven?: boolean,
): MatrixUnitProblem[] {
  const problems: MatrixUnitProblem[] = [];
  const datapaths = unit.datapaths;
  if (datapaths !== undefined && !datapaths.includes(datapathOf(method))) {
    const supported = MULTIPLIER_METHODS.filter((candidate) => datapaths.includes(datapathOf(candidate)));
    problems.push({
      option: 'method',
      message:
        `matmul method '${method}' runs on the ${datapathOf(method)} datapath, which the matrix unit of machine '${unit.machine}' lacks; ` +
        `the machine supports: ${supported.map((name) => `method=${name}`).join(', ')}`,
    });
  }
  if (!unit.inputFormats.includes(inputFormat)) {
    const supported = `the machine supports: ${unit.inputFormats.map((format) => `in=${format}`).join(', ')}`;
    if (inputGiven === false) {
      problems.push({
        option: 'in',
        message: `matmul has no in=, so its input format is ${inputFormat}, which the matrix unit of machine '${unit.machine}' does not multiply; ${supported}`,
        hint: `add in=${unit.inputFormats[0]} (or another format the machine supports) to the matmul; both operands are rounded to that format before they are multiplied`,
      });
    } else {
      // Without the source text, an explicit in=fp32 and a missing in= look alike.
      const hint = inputGiven === undefined && inputFormat === 'fp32' ? 'a matmul without in= has the input format fp32' : undefined;
      problems.push({
        option: 'in',
        message: `matmul input format '${inputFormat}' is not an input format of the matrix unit of machine '${unit.machine}'; ${supported}`,
        ...(hint === undefined ? {} : { hint }),
      });
    }
  }
  if (accumulateFormat !== unit.accumulatorFormat) {
    const machine = `the matrix unit of machine '${unit.machine}' accumulates in ${unit.accumulatorFormat}; the machine supports: out=${unit.accumulatorFormat}`;
    if (outputGiven === false) {
      problems.push({
        option: 'out',
        message: `matmul has no out=, so it accumulates in ${accumulateFormat}, but ${machine}`,
        hint: `add out=${unit.accumulatorFormat} to the matmul, because the matrix unit adds in that format only`,
      });
    } else {
      // Without the source text, an explicit out=fp32 and a missing out= look alike.
      const source = outputGiven === undefined ? 'its out= format, fp32 when absent' : 'its out= format';
      problems.push({
        option: 'out',
        message: `matmul accumulates in ${accumulateFormat} (${source}), but ${machine}`,
        hint: "an out= format wider or narrower than the machine's accumulator format is rejected, because the matrix unit adds in that format only",
      });
    }
  }
  return problems;
}
