/**
 * Cost of one arithmetic unit in one format: cells by type, generic cell count, area, logic depth
 * and energy per operation, priced from a cost model.
 */
import { closestMatch } from '../common/diagnostic.js';
import { UserError } from '../common/errors.js';
import { tryParseFormat } from '../sim/numerics/formats.js';
import { CELL_TYPES, type CellType, type ComponentInstance } from './components.js';
import type { CostModel, SourcedValue } from './model.js';
import { provenanceOf, type Provenance } from './provenance.js';

/** Units `unitCost` prices. */
export const UNIT_NAMES = ['fpmul', 'fpadd', 'lmul', 'intadd', 'intmul', 'mac'] as const;
/** A unit name accepted by `unitCost`. */
export type UnitName = (typeof UNIT_NAMES)[number];

/** Integer formats accepted for intadd, intmul and integer MACs. */
export const INT_FORMATS = ['int8', 'int16', 'int32'] as const;

/** Multiplier of a MAC: the exact floating-point multiplier or L-Mul. */
export type MacMethod = 'exact' | 'lmul';

/** MAC options of `unitCost`. */
export interface UnitCostOptions {
  /** MAC multiplier; default exact. Ignored by other units. */
  readonly method?: MacMethod;
  /** MAC accumulator format for floating-point MACs; default fp32. Integer MACs accumulate in int32. */
  readonly accumulator?: string;
}

/** Energy of the cells of one type and activity class. */
export interface CellEnergy {
  readonly cellType: CellType;
  readonly activity: string;
  readonly count: number;
  readonly activityFactor: number;
  /** Energy per switching event of one cell, pJ. */
  readonly energyPerEventPj: number;
  /** count × activityFactor × energyPerEventPj. */
  readonly energyPj: number;
}

/** Cost of one component instance: cells, area, depth and energy per operation. */
export interface ComponentCost {
  /** Component evaluated, with its arguments, for example `fpmul(e=4, m=3)`. */
  readonly component: string;
  readonly instance: ComponentInstance;
  readonly cells: Readonly<Record<CellType, number>>;
  /** Cells counted as generic 2-input cells (FA and HA expanded), comparable with Yosys `abc -g`. */
  readonly genericCells: number;
  readonly areaUm2: number;
  readonly areaGe: number;
  /** Logic depth in generic cell levels. */
  readonly depth: number;
  /** Energy per operation with the default activity factors, pJ. */
  readonly energyPj: number;
  readonly breakdown: readonly CellEnergy[];
  readonly provenance: Provenance;
}

/** Cost of one unit in one format. */
export interface UnitCost extends ComponentCost {
  readonly unit: UnitName;
  readonly format: string;
  readonly method?: MacMethod;
  readonly accumulator?: string;
}

/** Exponent and mantissa bits of a floating-point format name, or a UserError naming the accepted ones. */
export function floatFormatBits(format: string): { name: string; expBits: number; manBits: number } {
  const parsed = tryParseFormat(format);
  if (!parsed) {
    const suggestion = closestMatch(format, ['e4m3', 'e5m2', 'bf16', 'fp16', 'fp32']);
    throw new UserError(`unknown floating-point format '${format}': expected e4m3, e5m2, bf16, fp16, fp32 or eXmY${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
  }
  return { name: parsed.name, expBits: parsed.expBits, manBits: parsed.manBits };
}

/** Width of an integer format name such as int8, or undefined for other names. */
export function intFormatBits(format: string): number | undefined {
  const match = /^int(8|16|32)$/i.exec(format.trim());
  return match ? Number(match[1]) : undefined;
}

function componentLabel(name: string, args: Readonly<Record<string, number>>): string {
  return `${name}(${Object.entries(args)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ')})`;
}

/** Chooses the component and arguments that implement `unit` in `format`. */
export function unitComponent(unit: UnitName, format: string, options: UnitCostOptions = {}): { component: string; args: Record<string, number>; formatName: string } {
  const intBits = intFormatBits(format);
  if (unit === 'intadd' || unit === 'intmul') {
    if (intBits === undefined) throw new UserError(`unit ${unit} needs an integer format (${INT_FORMATS.join(', ')}), not '${format}'`);
    // NOTE: intmul keeps the low n product bits, as an n-bit integer multiply instruction does. With
    // all 2n bits, no single activity factor puts both Horowitz's int32 and fp32 multiplies within 25%.
    return unit === 'intadd'
      ? { component: 'rca', args: { n: intBits }, formatName: `int${intBits}` }
      : { component: 'intmul', args: { n: intBits, p: intBits }, formatName: `int${intBits}` };
  }
  if (unit === 'mac' && intBits !== undefined) {
    return { component: 'intmac', args: { n: intBits, accBits: 32 }, formatName: `int${intBits}` };
  }
  if (intBits !== undefined) throw new UserError(`unit ${unit} needs a floating-point format, not '${format}'`);

  const bits = floatFormatBits(format);
  const args = { e: bits.expBits, m: bits.manBits };
  if (unit !== 'mac') return { component: unit, args, formatName: bits.name };
  const accumulator = floatFormatBits(options.accumulator ?? 'fp32');
  return {
    component: options.method === 'lmul' ? 'lmac' : 'mac',
    args: { ...args, accE: accumulator.expBits, accM: accumulator.manBits },
    formatName: bits.name,
  };
}

/** Prices the cell groups of a component instance with the model's gate energies and activity factors. */
export function priceInstance(instance: ComponentInstance, model: CostModel): { energyPj: number; breakdown: CellEnergy[]; used: Array<[string, SourcedValue]> } {
  const breakdown: CellEnergy[] = [];
  const used: Array<[string, SourcedValue]> = [];
  let energyPj = 0;
  for (const group of instance.groups) {
    const gate = model.gates[group.cellType];
    const activity = model.activity.get(group.activity);
    if (!activity) throw new UserError(`activity class '${group.activity}' of component ${instance.component} is missing from the ${model.node} activity table`);
    const energy = group.count * activity.value * gate.energyPj.value;
    breakdown.push({ cellType: group.cellType, activity: group.activity, count: group.count, activityFactor: activity.value, energyPerEventPj: gate.energyPj.value, energyPj: energy });
    used.push([`gates.${group.cellType}.energy`, gate.energyPj], [`activity.${group.activity}`, activity]);
    energyPj += energy;
  }
  return { energyPj, breakdown, used };
}

/** Area of a component instance in µm² and in gate equivalents of the model's GE cell. */
export function areaOf(instance: ComponentInstance, model: CostModel): { areaUm2: number; areaGe: number } {
  let areaUm2 = 0;
  for (const type of CELL_TYPES) areaUm2 += instance.cells[type] * model.gates[type].areaUm2.value;
  return { areaUm2, areaGe: areaUm2 / model.gates[model.geCell].areaUm2.value };
}

/** Counts an instance's cells as generic 2-input cells. */
export function genericCellCount(instance: ComponentInstance, model: CostModel): number {
  let total = 0;
  for (const type of CELL_TYPES) total += instance.cells[type] * model.genericCells[type];
  return total;
}

/** Evaluates `component` with `args` and prices it: cells, generic cells, area, depth, energy and provenance. */
export function componentCost(component: string, args: Readonly<Record<string, number>>, model: CostModel): ComponentCost {
  return costOfInstance(model.evaluator.evaluate(component, args), model);
}

/** Prices an already evaluated component instance. */
export function costOfInstance(instance: ComponentInstance, model: CostModel): ComponentCost {
  const { energyPj, breakdown, used } = priceInstance(instance, model);
  const { areaUm2, areaGe } = areaOf(instance, model);
  const label = componentLabel(instance.component, instance.args);
  return {
    component: label,
    instance,
    cells: instance.cells,
    genericCells: genericCellCount(instance, model),
    areaUm2,
    areaGe,
    depth: instance.depth,
    energyPj,
    breakdown,
    provenance: provenanceOf(model.node, label, `sum over cells of count x activity factor x gate energy; counts from components.${instance.component}`, used),
  };
}

/**
 * Prices `unit` in `format` under `model`. The units fpmul, fpadd and lmul take a floating-point
 * format, intadd and intmul take int8, int16 or int32, and mac takes either. A floating-point MAC
 * uses `options.method` (default exact) and `options.accumulator` (default fp32). An integer MAC
 * keeps the full product and accumulates in 32 bits.
 */
export function unitCost(unit: UnitName | string, format: string, model: CostModel, options: UnitCostOptions = {}): UnitCost {
  if (!(UNIT_NAMES as readonly string[]).includes(unit)) {
    const suggestion = closestMatch(unit, UNIT_NAMES);
    throw new UserError(`unknown unit '${unit}': expected one of ${UNIT_NAMES.join(', ')}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
  }
  const { component, args, formatName } = unitComponent(unit as UnitName, format, options);
  const cost = componentCost(component, args, model);
  const isIntMac = unit === 'mac' && intFormatBits(format) !== undefined;
  return {
    ...cost,
    unit: unit as UnitName,
    format: formatName,
    ...(unit === 'mac' ? { method: isIntMac ? 'exact' : (options.method ?? 'exact') } : {}),
    ...(unit === 'mac' ? { accumulator: isIntMac ? 'int32' : floatFormatBits(options.accumulator ?? 'fp32').name } : {}),
  };
}
