/**
 * The energy claims of Luo and Sun, "Addition is All You Need for Energy-efficient Language
 * Models" (arXiv 2410.00907), set against this project's cost model. Savings are fractions:
 * 1 − E(L-Mul variant) / E(baseline).
 */
import type { RunActivity } from './activity.js';
import { estimateEnergy } from './energy.js';
import { attentionActivity, defaultMachine, gemmActivity, type AnalyticMachine, type KernelNumerics } from './kernels.js';
import type { CostModel } from './model.js';
import { unitCost } from './unitCost.js';

/** One claim with the paper's figure, the model's figure and the verdict. */
export interface Claim {
  readonly id: string;
  readonly statement: string;
  /** The paper's saving as a fraction, or null where the paper gives none. */
  readonly paper: number | null;
  /** The model's saving as a fraction. */
  readonly model: number;
  /** `holds`, `holds only if …` or `does not hold`, followed by the numbers behind it. */
  readonly verdict: string;
  /** Energies (pJ) and counts behind the model figure. */
  readonly numbers: Readonly<Record<string, number>>;
}

/** Elementwise-multiplication saving the paper states, as a fraction. */
export const HEADLINE_ELEMENTWISE = 0.95;
/** Dot-product saving the paper states, as a fraction. */
export const HEADLINE_DOT_PRODUCT = 0.8;
/** Horowitz 45 nm figures the paper's arithmetic uses, pJ. */
const PAPER_FP32_MUL_PJ = 3.7;
const PAPER_INT32_ADD_PJ = 0.1;
const PAPER_FP32_ADD_PJ = 0.9;
/** The paper's gate-level operation counts. */
const PAPER_GATES = {
  fp16: { fpmul: 584, lmul: 256 },
  e4m3: { fpmul: 325, lmul: 157 },
  e5m2: { fpmul: 296, lmul: 157 },
} as const;
/** A model saving within this margin below a headline still counts as holding it. */
const MARGIN = 0.02;

/** Formats compared in claim 4 and the kernel claims. */
export const CLAIM_FORMATS = ['e4m3', 'e5m2', 'bf16', 'fp16', 'fp32'] as const;
const KERNEL_FORMATS = ['fp32', 'bf16', 'e4m3'] as const;

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;
const pj = (value: number): string => `${value.toPrecision(3)} pJ`;

function judge(model: number, headline: number, condition: { text: string; saving: number } | undefined, numbers: string): string {
  if (model >= headline - MARGIN) return `holds: model ${percent(model)} against ${percent(headline)}; ${numbers}`;
  if (condition && condition.saving >= headline - MARGIN) {
    return `holds only if ${condition.text} (${percent(condition.saving)}); the model gives ${percent(model)}; ${numbers}`;
  }
  return `does not hold: model ${percent(model)} against ${percent(headline)}; ${numbers}`;
}

interface MacEnergies {
  readonly exact: number;
  readonly lmul: number;
  readonly fpmul: number;
  readonly lmulUnit: number;
  readonly accumulator: number;
}

function macEnergies(format: string, model: CostModel): MacEnergies {
  const exact = unitCost('mac', format, model, { method: 'exact' });
  const lmac = unitCost('mac', format, model, { method: 'lmul' });
  const fpmul = unitCost('fpmul', format, model).energyPj;
  const lmulUnit = unitCost('lmul', format, model).energyPj;
  return { exact: exact.energyPj, lmul: lmac.energyPj, fpmul, lmulUnit, accumulator: exact.energyPj - fpmul };
}

/** Kernels of claims 5 and 6. */
export type ClaimKernel = 'gemm' | 'attention';

/** Supplies the activity of a kernel run, analytic or simulated, for given numerics. */
export type KernelActivitySource = (kernel: ClaimKernel, numerics: KernelNumerics) => RunActivity;

/** Machine and kernel activity used by the kernel claims. */
export interface ClaimOptions {
  /** Machine of the analytic model, and the array size used for leakage; default `defaultMachine(node)`. */
  readonly machine?: AnalyticMachine;
  /** Kernel activity; default the analytic tiling model (GEMM 1024³, attention over 2048 tokens with head dimension 128). */
  readonly kernelActivity?: KernelActivitySource;
}

/** Returns the analytic activity of the claims' kernels on `machine`. */
export function analyticKernelActivity(machine: AnalyticMachine): KernelActivitySource {
  return (kernel, numerics) => (kernel === 'gemm' ? gemmActivity(1024, 1024, 1024, numerics, machine) : attentionActivity(2048, 128, numerics, machine));
}

/** Total and memory energy of one kernel run for one set of numerics, pJ. */
function kernelEnergy(kernel: ClaimKernel, numerics: KernelNumerics, model: CostModel, machine: AnalyticMachine, source: KernelActivitySource): { totalPj: number; memoryPj: number } {
  const activity = source(kernel, numerics);
  const macArea = unitCost('mac', numerics.format, model, numerics.method === 'exact' ? {} : { method: 'lmul' }).areaGe;
  const report = estimateEnergy(activity, model, { logicAreaGe: macArea * machine.arrayRows * machine.arrayCols });
  const memoryPj = (report.byGroup['sram'] ?? 0) + (report.byGroup['off-chip memory'] ?? 0);
  return { totalPj: report.totalPj, memoryPj };
}

/**
 * Evaluates the paper's claims under `model`: (1) elementwise fp32 multiplication, (2) fp32 dot
 * products, (3) gate counts, (4) per-format multiply and MAC savings, (5) whole kernels with SRAM
 * and DRAM, (6) the same against an int8 fixed-point MAC. Kernel activity comes from
 * `options.kernelActivity`, by default the analytic tiling model.
 */
export function evaluateClaims(model: CostModel, options: ClaimOptions = {}): Claim[] {
  const machine = options.machine ?? defaultMachine(model.node);
  const source = options.kernelActivity ?? analyticKernelActivity(machine);
  const activityLabel = options.kernelActivity ? 'supplied activity' : `analytic tiling model, ${machine.dramKind}`;
  const claims: Claim[] = [];

  // (1) Elementwise multiplication, fp32.
  const fp32 = macEnergies('fp32', model);
  const int32Add = unitCost('intadd', 'int32', model).energyPj;
  const elementwise = 1 - fp32.lmulUnit / fp32.fpmul;
  const bareAdder = 1 - int32Add / fp32.fpmul;
  claims.push({
    id: 'elementwise-fp32',
    statement: 'L-Mul needs 95% less energy than fp32 multiplication for elementwise products',
    paper: 1 - PAPER_INT32_ADD_PJ / PAPER_FP32_MUL_PJ,
    model: elementwise,
    verdict: judge(elementwise, HEADLINE_ELEMENTWISE, { text: 'the L-Mul unit is priced as a bare int32 adder without zero gating, overflow or underflow handling', saving: bareAdder }, `fp32 multiply ${pj(fp32.fpmul)}, fp32 L-Mul ${pj(fp32.lmulUnit)}, int32 add ${pj(int32Add)}; paper: 1 - 0.1/3.7`),
    numbers: { fpmulPj: fp32.fpmul, lmulPj: fp32.lmulUnit, int32AddPj: int32Add },
  });

  // (2) Dot products, fp32: multiply + add against L-Mul + add.
  const dot = 1 - fp32.lmul / fp32.exact;
  const withoutRegister = 1 - (fp32.lmulUnit + unitCost('fpadd', 'fp32', model).energyPj) / (fp32.fpmul + unitCost('fpadd', 'fp32', model).energyPj);
  claims.push({
    id: 'dot-product-fp32',
    statement: 'L-Mul needs 80% less energy than fp32 multiply-add for dot products',
    paper: 1 - (PAPER_INT32_ADD_PJ + PAPER_FP32_ADD_PJ) / (PAPER_FP32_MUL_PJ + PAPER_FP32_ADD_PJ),
    model: dot,
    verdict: judge(dot, HEADLINE_DOT_PRODUCT, { text: 'the accumulator register is left out', saving: withoutRegister }, `exact MAC ${pj(fp32.exact)}, L-Mul MAC ${pj(fp32.lmul)}, accumulator adder and register ${pj(fp32.accumulator)}; paper: 1 - (0.1 + 0.9)/(3.7 + 0.9)`),
    numbers: { exactMacPj: fp32.exact, lmulMacPj: fp32.lmul, accumulatorPj: fp32.accumulator },
  });

  // (3) Gate counts.
  for (const [format, counts] of Object.entries(PAPER_GATES)) {
    const fpmulCells = unitCost('fpmul', format, model).genericCells;
    const lmulCells = unitCost('lmul', format, model).genericCells;
    const paperSaving = 1 - counts.lmul / counts.fpmul;
    const modelSaving = 1 - lmulCells / fpmulCells;
    claims.push({
      id: `gates-${format}`,
      statement: `L-Mul needs fewer gates than ${/^[aefhilmnorsx]/i.test(format) ? 'an' : 'a'} ${format} multiplier: paper about ${counts.lmul} against ${counts.fpmul}`,
      paper: paperSaving,
      model: modelSaving,
      verdict: `${modelSaving >= paperSaving - MARGIN ? 'holds' : 'does not hold'}: the model counts ${lmulCells.toFixed(0)} generic cells for L-Mul against ${fpmulCells.toFixed(0)} for the ${format} multiplier (saving ${percent(modelSaving)}); the paper's own counts imply ${percent(paperSaving)}, not 95%`,
      numbers: { paperFpmulGates: counts.fpmul, paperLmulGates: counts.lmul, modelFpmulCells: fpmulCells, modelLmulCells: lmulCells },
    });
  }

  // (4) Per-format savings, multiply alone and with the accumulator counted.
  for (const format of CLAIM_FORMATS) {
    const energies = format === 'fp32' ? fp32 : macEnergies(format, model);
    const multiply = 1 - energies.lmulUnit / energies.fpmul;
    const mac = 1 - energies.lmul / energies.exact;
    claims.push({
      id: `multiply-${format}`,
      statement: `elementwise multiplication in ${format}: L-Mul against an exact ${format} multiplier`,
      paper: HEADLINE_ELEMENTWISE,
      model: multiply,
      verdict: judge(multiply, HEADLINE_ELEMENTWISE, undefined, `${format} multiply ${pj(energies.fpmul)}, L-Mul ${pj(energies.lmulUnit)}`),
      numbers: { fpmulPj: energies.fpmul, lmulPj: energies.lmulUnit },
    });
    claims.push({
      id: `mac-${format}`,
      statement: `${format} MAC with an fp32 accumulator: L-Mul against exact multiplication`,
      paper: HEADLINE_DOT_PRODUCT,
      model: mac,
      verdict: judge(mac, HEADLINE_DOT_PRODUCT, undefined, `exact MAC ${pj(energies.exact)}, L-Mul MAC ${pj(energies.lmul)}, of which accumulator adder and register ${pj(energies.accumulator)}`),
      numbers: { exactMacPj: energies.exact, lmulMacPj: energies.lmul, accumulatorPj: energies.accumulator },
    });
  }

  // (5) Whole kernels with SRAM and DRAM, analytic activity.
  const int8Gemm = kernelEnergy('gemm', { format: 'int8', method: 'exact' }, model, machine, source);
  const int8Attention = kernelEnergy('attention', { format: 'int8', method: 'exact' }, model, machine, source);
  for (const kernel of ['gemm', 'attention'] as const) {
    const description = kernel === 'gemm' ? 'GEMM 1024 x 1024 x 1024' : 'attention head, 2048 tokens, head dimension 128';
    for (const format of KERNEL_FORMATS) {
      const exact = kernelEnergy(kernel, { format, method: 'exact' }, model, machine, source);
      const lmul = kernelEnergy(kernel, { format, method: 'lmul' }, model, machine, source);
      const saving = 1 - lmul.totalPj / exact.totalPj;
      claims.push({
        id: `${kernel}-${format}`,
        statement: `${description} in ${format} with SRAM and DRAM energy (${activityLabel})`,
        paper: HEADLINE_DOT_PRODUCT,
        model: saving,
        verdict: judge(saving, HEADLINE_DOT_PRODUCT, undefined, `exact ${pj(exact.totalPj)}, L-Mul ${pj(lmul.totalPj)}, of which memory ${pj(exact.memoryPj)}`),
        numbers: { exactPj: exact.totalPj, lmulPj: lmul.totalPj, memoryPj: exact.memoryPj },
      });
    }
    // (6) Kernel against int8 fixed point.
    const int8 = kernel === 'gemm' ? int8Gemm : int8Attention;
    const e4m3 = kernelEnergy(kernel, { format: 'e4m3', method: 'lmul' }, model, machine, source);
    const against = 1 - e4m3.totalPj / int8.totalPj;
    claims.push({
      id: `${kernel}-lmul-e4m3-vs-int8`,
      statement: `${description}: e4m3 L-Mul against int8 fixed-point MACs with int32 accumulation (${activityLabel})`,
      paper: null,
      model: against,
      verdict: `${against > 0 ? 'holds' : 'does not hold'}: L-Mul e4m3 ${pj(e4m3.totalPj)} against int8 ${pj(int8.totalPj)} (saving ${percent(against)}); the paper makes no comparison with integer arithmetic`,
      numbers: { lmulPj: e4m3.totalPj, int8Pj: int8.totalPj },
    });
  }

  // (6) MACs against an int8 fixed-point (Q-format) MAC.
  const int8Mac = unitCost('mac', 'int8', model).energyPj;
  for (const format of CLAIM_FORMATS) {
    const energies = format === 'fp32' ? fp32 : macEnergies(format, model);
    const saving = 1 - energies.lmul / int8Mac;
    claims.push({
      id: `mac-lmul-${format}-vs-int8`,
      statement: `${format} L-Mul MAC (fp32 accumulator) against an int8 fixed-point MAC (int32 accumulator)`,
      paper: null,
      model: saving,
      verdict: `${saving > 0 ? 'holds' : 'does not hold'}: L-Mul MAC ${pj(energies.lmul)} against int8 MAC ${pj(int8Mac)} (saving ${percent(saving)})`,
      numbers: { lmulMacPj: energies.lmul, int8MacPj: int8Mac },
    });
  }
  return claims;
}
