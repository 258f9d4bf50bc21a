/** The limits a machine puts on programs, in the form the `.lasm` validator checks. */
import type { TargetLimits } from '../../isa/ast.js';
import type { MatrixUnitLimits } from '../../isa/matrix-unit.js';
import type { ArchConfig } from '../arch/types.js';
import { bufferGeometry } from './context.js';

export interface TargetOptions {
  /**
   * Also check every matmul's method, in= and out= against the machine's matrix unit, so that the
   * validator reports them with its other errors. Off by default, because callers that replace
   * methods or formats before the run check the replacements themselves.
   */
  readonly matrixUnit?: boolean;
  /** True when a run replaces every matmul's method (`run --method`); the program's methods are then not checked. */
  readonly methodsReplaced?: boolean;
}

/**
 * Builds the validator's target from a machine: array size, buffer capacities in elements (see
 * bufferGeometry), vector registers, core count and, with `options.matrixUnit`, the matrix unit.
 * Byte capacities are left to the machine check (arch-check.ts) and the executor, which name the
 * machine in their errors. `formats` stays unset because it would apply to DRAM tensors too, not
 * only to the matrix unit.
 */
export function targetFromArch(arch: ArchConfig, options: TargetOptions = {}): TargetLimits {
  const geometry = bufferGeometry(arch);
  const target: TargetLimits = {
    arrayRows: arch.core.matrix.rows,
    arrayCols: arch.core.matrix.cols,
    scratchpadElements: geometry.scratchpadElements,
    accumulatorElements: geometry.accumulatorElements,
    vectorRegisters: arch.core.vectorRegisters.count,
    vectorLength: arch.core.vectorRegisters.lengthElements,
    cores: arch.coreCount,
  };
  return options.matrixUnit ? { ...target, matrixUnit: matrixUnitOf(arch, options.methodsReplaced === true) } : target;
}

/** Returns the matrix unit of `arch` for matmul checks; with `methodsReplaced`, its datapaths are left out so that no method is checked. */
export function matrixUnitOf(arch: ArchConfig, methodsReplaced: boolean): MatrixUnitLimits {
  const matrix = arch.core.matrix;
  const unit = { machine: arch.name, inputFormats: matrix.inputFormats, accumulatorFormat: matrix.accumulatorFormat };
  return methodsReplaced ? unit : { ...unit, datapaths: matrix.datapaths };
}
