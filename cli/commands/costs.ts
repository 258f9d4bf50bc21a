import type { Command } from 'commander';
import { EXIT_INVALID_INPUT, UserError } from '../../common/errors.js';
import { CELL_TYPES, loadCostModel, overrideNames, unitCost, type CostModel, type UnitCost, type UnitName } from '../../costmodels/index.js';
import { tryParseFormat } from '../../sim/numerics/index.js';
import type { CliContext } from '../io.js';
import { didYouMean, rejectOptions } from '../options.js';

interface CostsOptions {
  readonly node: string;
  readonly format?: string;
  readonly set: string[];
  readonly json: boolean;
  readonly listParameters: boolean;
}

const FLOAT_FORMATS = ['e4m3', 'e5m2', 'bf16', 'fp16', 'fp32'];
const INT_FORMATS = ['int8', 'int16', 'int32'];

/** Collects repeated `--set NAME=VALUE` options. */
export function collectSetting(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Parses `NAME=VALUE` settings into overrides. A missing `=`, an empty name or a value that is
 * not a non-negative decimal number is a UserError naming the setting. Unknown names are
 * rejected later, when the overrides are applied to the model.
 */
export function parseSettings(settings: readonly string[]): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const setting of settings) {
    const equals = setting.indexOf('=');
    const name = equals > 0 ? setting.slice(0, equals).trim() : '';
    if (name === '') throw new UserError(`invalid value '${setting}' for --set: expected NAME=VALUE, for example gate.FA.energyFj=6.5`);
    const text = setting.slice(equals + 1).trim();
    const value = /^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(value)) throw new UserError(`invalid value '${text}' for --set ${name}: expected a non-negative number`);
    overrides[name] = value;
  }
  return overrides;
}

/** Loads the model named by --node with the --set overrides. */
export function loadModelFromOptions(node: string, settings: readonly string[]): CostModel {
  return loadCostModel(node, parseSettings(settings));
}

interface Row {
  readonly cost: UnitCost;
  readonly reference?: { energyPj: number; source: string };
}

function unitsFor(format: string | undefined): Array<{ unit: UnitName; format: string; method?: 'exact' | 'lmul' }> {
  const floats = format === undefined ? FLOAT_FORMATS : INT_FORMATS.includes(format.toLowerCase()) ? [] : [format];
  const ints = format === undefined ? INT_FORMATS : INT_FORMATS.includes(format.toLowerCase()) ? [format.toLowerCase()] : [];
  const rows: Array<{ unit: UnitName; format: string; method?: 'exact' | 'lmul' }> = [];
  for (const unit of ['fpmul', 'fpadd', 'lmul'] as const) for (const f of floats) rows.push({ unit, format: f });
  for (const unit of ['intadd', 'intmul'] as const) for (const f of ints) rows.push({ unit, format: f });
  for (const f of floats) {
    rows.push({ unit: 'mac', format: f, method: 'exact' });
    rows.push({ unit: 'mac', format: f, method: 'lmul' });
  }
  if (ints.includes('int8')) rows.push({ unit: 'mac', format: 'int8', method: 'exact' });
  return rows;
}

function buildRows(model: CostModel, format: string | undefined): Row[] {
  return unitsFor(format).map(({ unit, format: f, method }) => {
    const cost = unitCost(unit, f, model, method ? { method } : {});
    const reference = model.references.find((row) => row.unit === unit && row.format === cost.format);
    return { cost, ...(reference ? { reference: { energyPj: reference.energyPj.value, source: reference.energyPj.source } } : {}) };
  });
}

function cellsText(cost: UnitCost): string {
  return CELL_TYPES.filter((type) => cost.cells[type] > 0)
    .map((type) => `${type} ${Math.round(cost.cells[type])}`)
    .join(', ');
}

/** Registers the `costs` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  program
    .command('costs')
    .description('print gate counts, area, logic depth and energy per operation of each arithmetic unit under a cost model')
    .option('--node <node>', 'technology node: 45nm, 7nm or a path to a node YAML file', '45nm')
    .option('--format <name>', 'only this format: e4m3, e5m2, bf16, fp16, fp32, eXmY, int8, int16 or int32 (default: all)')
    .option('--set <name=value>', 'replace one cost-model number, in the unit its name states (repeatable; see --list-parameters)', collectSetting, [])
    .option('--list-parameters', 'print the names --set accepts, each with its current value and unit, tab-separated', false)
    .option('--json', 'print {"units":[{unit, format, energyPj, areaGe, depth, cells, ...}]} instead of a table', false)
    .action((options: CostsOptions, command: Command) => runCosts(context(), options, command));
}

/** Checks --format: a floating-point format that the cost model prices, or int8, int16 or int32. */
function checkFormat(text: string): void {
  const lower = text.trim().toLowerCase();
  if (INT_FORMATS.includes(lower) || tryParseFormat(lower) !== undefined) return;
  const accepted = [...FLOAT_FORMATS, ...INT_FORMATS];
  throw new UserError(`invalid value '${text}' for --format: expected ${accepted.join(', ')} or eXmY${didYouMean(text, accepted)}`, EXIT_INVALID_INPUT);
}

function runCosts(ctx: CliContext, options: CostsOptions, command: Command): void {
  if (options.listParameters) rejectOptions(command, ['format', 'json'], 'to --list-parameters, which prints every parameter as tab-separated text');
  if (options.format !== undefined) checkFormat(options.format);
  const model = loadModelFromOptions(options.node, options.set);
  if (options.listParameters) {
    for (const [name, parameter] of overrideNames(model)) ctx.out(`${name}\t${Number(parameter.value.toPrecision(6))}\t${parameter.unit}`);
    return;
  }
  const rows = buildRows(model, options.format);

  if (options.json) {
    const units = rows.map(({ cost, reference }) => ({
      unit: cost.unit,
      format: cost.format,
      ...(cost.method ? { method: cost.method } : {}),
      ...(cost.accumulator ? { accumulator: cost.accumulator } : {}),
      energyPj: cost.energyPj,
      areaGe: cost.areaGe,
      depth: cost.depth,
      cells: cost.genericCells,
      cellsByType: Object.fromEntries(CELL_TYPES.filter((type) => cost.cells[type] > 0).map((type) => [type, cost.cells[type]])),
      ...(reference ? { referencePj: reference.energyPj, referenceSource: reference.source } : {}),
      provenance: cost.provenance,
    }));
    ctx.out(JSON.stringify({ node: model.node, units }));
    return;
  }

  ctx.out(`${model.node}: ${model.description}`);
  ctx.out('cells: generic 2-input cells (FA = 5, HA = 2); depth: generic cell levels; energy: default activity factors');
  const header = ['unit', 'format', 'cells', 'depth', 'area GE', 'energy pJ', 'reference pJ', 'model/ref', 'gates by type'];
  const table = rows.map(({ cost, reference }) => [
    cost.unit === 'mac' ? `mac ${cost.method}` : cost.unit,
    cost.format,
    cost.genericCells.toFixed(0),
    cost.depth.toFixed(0),
    cost.areaGe.toFixed(0),
    cost.energyPj.toPrecision(3),
    reference ? reference.energyPj.toString() : '-',
    reference ? (cost.energyPj / reference.energyPj).toFixed(2) : '-',
    cellsText(cost),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((row) => row[column].length)));
  const line = (cells: string[]): string => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ');
  ctx.out(line(header));
  for (const row of table) ctx.out(line(row));
  const sources = [...new Set(rows.flatMap(({ reference }) => (reference ? [reference.source] : [])))];
  if (sources.length > 0) ctx.out(`references: ${sources.join('; ')}`);
}
