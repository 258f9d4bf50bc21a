/**
 * Runs one GEMM tile at either fidelity. Both write the same values into the accumulator and report
 * the same cycle count. The `pe` fidelity measures its cycles by stepping the array, while `tile`
 * takes them from the closed form.
 */
import { buildArithmetic } from './arith.js';
import { computeTileValues, countTileToggles } from './kernel.js';
import { resolveOperands } from './operands.js';
import { simulateTilePe } from './pe.js';
import { tileTiming } from './timing.js';
import type { Fidelity, TileParams, TileResult } from './types.js';

/**
 * Computes C (+)= A·B for one tile into `params.acc` and returns its timing.
 * Throws RangeError when shapes, strides or array lengths do not fit, and UserError for an unknown
 * format or method name.
 */
export function runTile(params: TileParams, fidelity: Fidelity): TileResult {
  const operands = resolveOperands(params);
  const timing = tileTiming(params.array, operands.m, operands.k, operands.n);
  const arithmetic = buildArithmetic(params.format, params.method, params.accumulatorFormat, params.mulOptions);

  if (fidelity === 'tile') {
    computeTileValues(operands, arithmetic);
    if (!operands.countToggles) return timing;
    return { ...timing, operandToggleBits: countTileToggles(operands) };
  }

  // K = 0 has no folds, so the array never runs; overwrite mode still clears the outputs.
  if (operands.k === 0 || operands.m === 0 || operands.n === 0) {
    computeTileValues(operands, arithmetic);
    return operands.countToggles ? { ...timing, operandToggleBits: 0 } : timing;
  }
  const simulated = simulateTilePe(operands, arithmetic);
  const result = { ...timing, cycles: simulated.cycles, peUtilization: timing.macs / (operands.rows * operands.cols * simulated.cycles) };
  return operands.countToggles ? { ...result, operandToggleBits: simulated.operandToggleBits } : result;
}
