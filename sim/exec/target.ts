/** The limits a machine puts on programs, in the form the `.lasm` validator checks. */
import type { TargetLimits } from '../../isa/ast.js';
import type { ArchConfig } from '../arch/types.js';
import { bufferGeometry } from './context.js';

/**
 * Builds the validator's target from a machine: array size, buffer capacities in elements (see
 * bufferGeometry), vector registers and core count. Formats, methods and byte capacities are left to
 * the machine check (arch-check.ts) and the executor, which name the machine in their errors.
 * `formats` stays unset because it would apply to DRAM tensors too, not only to the matrix unit.
 */
export function targetFromArch(arch: ArchConfig): TargetLimits {
  const geometry = bufferGeometry(arch);
  return {
    arrayRows: arch.core.matrix.rows,
    arrayCols: arch.core.matrix.cols,
    scratchpadElements: geometry.scratchpadElements,
    accumulatorElements: geometry.accumulatorElements,
    vectorRegisters: arch.core.vectorRegisters.count,
    vectorLength: arch.core.vectorRegisters.lengthElements,
    cores: arch.coreCount,
  };
}
