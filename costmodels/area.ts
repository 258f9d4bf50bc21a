/**
 * Logic area of a machine in gate equivalents, from the component gate-count formulas and the
 * node's cell areas, for pricing leakage over a run.
 */
import { UserError } from '../common/errors.js';
import type { ArchConfig } from '../sim/arch/index.js';
import { CELL_TYPES } from './components.js';
import type { CostModel, SourcedValue } from './model.js';
import { provenanceOf, type Provenance } from './provenance.js';
import { componentCost, floatFormatBits, intFormatBits, type ComponentCost } from './unitCost.js';

/** One kind of unit in the logic area: a component and how many of it the machine has. */
export interface AreaPart {
  /** Unit name, for example `exact multiplier (e4m3)` or `vector lane fp32 adder`. */
  readonly item: string;
  /** Component evaluated, with its arguments, for example `fpmul(e=4, m=3)`. */
  readonly component: string;
  /** Instances in the whole machine: per-core count × cores. */
  readonly count: number;
  readonly areaGePerInstance: number;
  /** count × areaGePerInstance. */
  readonly areaGe: number;
}

/** Logic area of a machine, with the units it counts and the table rows behind it. */
export interface LogicArea {
  /** Total logic area, gate equivalents of the node's GE cell. */
  readonly areaGe: number;
  readonly parts: readonly AreaPart[];
  readonly provenance: Provenance;
}

/** Multiplier of `datapath` for operands in `format`, or undefined when the datapath cannot multiply that format. */
function multiplierFor(datapath: 'exact' | 'lmul', format: string, model: CostModel): ComponentCost | undefined {
  const intBits = intFormatBits(format);
  if (intBits !== undefined) return datapath === 'exact' ? componentCost('intmul', { n: intBits, p: 2 * intBits }, model) : undefined;
  const bits = floatFormatBits(format);
  return componentCost(datapath === 'exact' ? 'fpmul' : 'lmul', { e: bits.expBits, m: bits.manBits }, model);
}

/**
 * Derives the logic area of `arch` under `model`, summed over its cores. Each core has rows × cols
 * processing elements, each with one multiplier per datapath of the matrix unit, an accumulator
 * adder and an accumulator register. It also has `lanes` vector lanes, each with an fp32 adder,
 * multiplier and comparator, and an fp32 L-Mul unit when the machine has the lmul datapath.
 *
 * Each datapath's multiplier is sized for the input format whose multiplier is largest. That is a
 * lower bound for a multi-format unit, which also needs format-selection logic. Operand pipeline
 * registers, control, DMA engines and the SRAM arrays are not counted.
 */
export function logicAreaFromArch(arch: ArchConfig, model: CostModel): LogicArea {
  const matrix = arch.core.matrix;
  const processingElements = matrix.rows * matrix.cols;
  const parts: AreaPart[] = [];
  const costs: ComponentCost[] = [];
  const add = (item: string, cost: ComponentCost, perCore: number): void => {
    const count = perCore * arch.coreCount;
    parts.push({ item, component: cost.component, count, areaGePerInstance: cost.areaGe, areaGe: count * cost.areaGe });
    costs.push(cost);
  };

  for (const datapath of matrix.datapaths) {
    let largest: { format: string; cost: ComponentCost } | undefined;
    for (const format of matrix.inputFormats) {
      const cost = multiplierFor(datapath, format, model);
      if (cost && (!largest || cost.areaGe > largest.cost.areaGe)) largest = { format, cost };
    }
    if (!largest) {
      // Only lmul can get here: the exact datapath multiplies integer formats too.
      throw new UserError(
        `machine '${arch.name}' has the ${datapath} datapath but no floating-point input format (formats: ${matrix.inputFormats.join(', ')}); L-Mul multiplies floating-point operands only, so add such a format or drop the datapath`,
      );
    }
    add(`${datapath} multiplier (${largest.format}, the largest of ${matrix.inputFormats.join(', ')})`, largest.cost, processingElements);
  }

  const accumulator = floatFormatBits(matrix.accumulatorFormat);
  add(`accumulator adder (${accumulator.name})`, componentCost('fpadd', { e: accumulator.expBits, m: accumulator.manBits }, model), processingElements);
  add(`accumulator register (${accumulator.name})`, componentCost('register', { n: 1 + accumulator.expBits + accumulator.manBits }, model), processingElements);

  const lanes = arch.core.vector.lanes;
  const fp32 = { e: 8, m: 23 };
  add('vector lane fp32 adder', componentCost('fpadd', fp32, model), lanes);
  add('vector lane fp32 multiplier', componentCost('fpmul', fp32, model), lanes);
  add('vector lane fp32 comparator', componentCost('fpcmp', fp32, model), lanes);
  if (matrix.datapaths.includes('lmul')) add('vector lane fp32 L-Mul', componentCost('lmul', fp32, model), lanes);

  const areaGe = parts.reduce((sum, part) => sum + part.areaGe, 0);
  return { areaGe, parts, provenance: areaProvenance(arch, model, costs) };
}

/** Provenance of an area: the area rows of every cell type the components use, and of the GE cell. */
function areaProvenance(arch: ArchConfig, model: CostModel, costs: readonly ComponentCost[]): Provenance {
  const used: Array<[string, SourcedValue]> = [];
  for (const type of CELL_TYPES) {
    if (costs.some((cost) => cost.cells[type] > 0)) used.push([`gates.${type}.area`, model.gates[type].areaUm2]);
  }
  used.push([`gates.${model.geCell}.area (geCell)`, model.gates[model.geCell].areaUm2]);
  const components = [...new Set(costs.map((cost) => cost.instance.component))].map((name) => `components.${name}`);
  return provenanceOf(
    model.node,
    `logic area of ${arch.name}`,
    `sum over units of count x cells x cell area / area of ${model.geCell}; cell counts from ${components.join(', ')}`,
    used,
  );
}
