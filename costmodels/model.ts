/**
 * Loading a cost model: the gate library, activity factors, leakage, SRAM table and reference
 * figures of one technology node, together with the component generators and off-chip memory
 * table shared by all nodes. Every number keeps the file, line and source it came from.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, type Node } from 'yaml';
import { closestMatch, type Diagnostic, type SourceSpan } from '../common/diagnostic.js';
import { EXIT_INVALID_INPUT, UserError } from '../common/errors.js';
import { machineGivenAsCostModel } from '../common/file-kind.js';
import { CELL_TYPES, checkComponentReferences, ComponentEvaluator, readComponents, type CellType, type ComponentDefinition, type LocatedFormula } from './components.js';
import { parseFormula } from './formula.js';
import { YamlFile } from './yamlFile.js';

/** A number from a cost file with its provenance. */
export interface SourcedValue {
  readonly value: number;
  /** The published source or the stated assumption behind the value. */
  readonly source: string;
  /** Position of the value in its file. */
  readonly span: SourceSpan;
  /** Name of the override that replaced the file's value, if any. */
  readonly overriddenBy?: string;
}

/** One library cell of a node. */
export interface GateRow {
  readonly cellType: CellType;
  /** Energy per output switching event, pJ. */
  readonly energyPj: SourcedValue;
  readonly areaUm2: SourcedValue;
}

/** One anchor point of the SRAM energy table. */
export interface SramRow {
  readonly capacityBytes: number;
  /** Energy per access of `wordBits` bits, pJ. */
  readonly energyPj: SourcedValue;
}

/** The memory that host-link transfers read from and write to. */
export interface HostMemory {
  /** An `offchip` key, for example ddr5. */
  readonly kind: string;
  /** Source or assumption behind the choice of kind. */
  readonly source: string;
  /** Position of the kind in its file. */
  readonly span: SourceSpan;
}

/** A published per-operation energy figure, shown next to the model's value. */
export interface ReferenceFigure {
  readonly unit: string;
  readonly format: string;
  readonly energyPj: SourcedValue;
}

/** Everything the energy estimator needs about one technology node. */
export interface CostModel {
  readonly node: string;
  readonly description: string;
  /** Calibration note from the node file: the calibrated rows and their references. */
  readonly calibration: string;
  readonly files: readonly string[];
  /** Source text by file name, for code frames of evaluation errors. */
  readonly sources: ReadonlyMap<string, string>;
  readonly gates: Readonly<Record<CellType, GateRow>>;
  /** Library cell whose area is one gate equivalent (GE). */
  readonly geCell: CellType;
  readonly leakageNwPerGe: SourcedValue;
  /** Switching activity factor per activity class (probability that a cell output toggles per operation). */
  readonly activity: ReadonlyMap<string, SourcedValue>;
  /** Internal net toggles per operand-bit toggle, by unit (`lmul`) or unit and format (`lmul.e4m3`), used with measured operand activity. */
  readonly togglesPerInputBit: ReadonlyMap<string, SourcedValue>;
  readonly sram: {
    /** Word width of the table rows; other widths are priced as slices of this width (see sram.ts). */
    readonly wordBits: number;
    readonly rows: readonly SramRow[];
  };
  /** Off-chip memory and link energy per bit, pJ/bit, by kind (ddr4, hbm2, pcie5, ...). */
  readonly offchip: ReadonlyMap<string, SourcedValue>;
  /** Memory kind (an `offchip` key) of the host memory behind a host link, with the reason for the choice. */
  readonly hostMemory: HostMemory;
  readonly references: readonly ReferenceFigure[];
  readonly genericCells: Readonly<Record<CellType, number>>;
  readonly components: ReadonlyMap<string, ComponentDefinition>;
  readonly vectorOps: ReadonlyMap<string, LocatedFormula>;
  readonly evaluator: ComponentEvaluator;
  /** Overrides applied on load, by parameter name. */
  readonly overrides: Readonly<Record<string, number>>;
}

/** Node names shipped in costmodels/data. */
export const SHIPPED_NODES = ['45nm', '7nm'] as const;

/** Directory of the shipped YAML files; works from the TypeScript sources and from dist/. */
export function dataDirectory(): string {
  const moduleDirectory = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(moduleDirectory, 'data'), path.join(moduleDirectory, '..', '..', 'costmodels', 'data')];
  const found = candidates.find((candidate) => existsSync(path.join(candidate, 'components.yaml')));
  if (!found) throw new Error(`cost-model data directory not found next to ${moduleDirectory}`);
  return found;
}

const NODE_KEYS = ['node', 'description', 'calibration', 'gates', 'geCell', 'leakage', 'activity', 'measuredActivity', 'sram', 'references', 'components', 'vectorOps', 'offchip'] as const;
const VECTOR_OP_NAMES = ['fpadd', 'fpmul', 'fpcmp', 'mul'];

function readSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new UserError(`cannot read cost file '${file}': ${reason}; check the path, or give a node name (${SHIPPED_NODES.join(', ')})`, EXIT_INVALID_INPUT);
  }
}

/** Reads `{<quantityKey>: "<value> <unit>", source: "..."}` into a SourcedValue. */
function sourcedRow(yaml: YamlFile, node: Node | null | undefined, path: string, quantityKey: string, dimension: Parameters<YamlFile['quantity']>[1]): SourcedValue | undefined {
  const entries = new Map(yaml.entries(node, path, [quantityKey, 'source'], [quantityKey, 'source']).map(([key, value]) => [key, value]));
  if (!entries.has(quantityKey) || !entries.has('source')) return undefined;
  const quantity = yaml.quantity(entries.get(quantityKey), dimension, `${path}.${quantityKey}`);
  const source = yaml.string(entries.get('source'), `${path}.source`);
  if (!quantity || source === undefined) return undefined;
  return { value: quantity.value, source, span: quantity.span };
}

/** Reads the vector-operation table: op name to a formula over unit energies. */
function readVectorOps(yaml: YamlFile, node: Node | null | undefined, into: Map<string, LocatedFormula>): void {
  for (const [op, value] of yaml.entries(node, 'vectorOps')) {
    const scalar = value as (Node & { value?: unknown }) | null;
    const text = scalar?.value;
    if (typeof text !== 'string' && typeof text !== 'number') {
      yaml.error(value, `vectorOps.${op} must be a formula`);
      continue;
    }
    const parsed = parseFormula(String(text));
    if (!parsed.ok) {
      yaml.error(value, `vectorOps.${op}: ${parsed.error.message}`);
      continue;
    }
    const unknown = parsed.formula.symbols.filter((symbol) => !VECTOR_OP_NAMES.includes(symbol));
    if (unknown.length > 0) {
      yaml.error(value, `vectorOps.${op}: unknown variable '${unknown[0]}'`, `known names: ${VECTOR_OP_NAMES.join(', ')}`);
      continue;
    }
    into.set(op, { formula: parsed.formula, span: yaml.spanOf(value), key: `vectorOps.${op}` });
  }
}

interface SharedTables {
  readonly genericCells: Record<CellType, number>;
  readonly components: Map<string, ComponentDefinition>;
  readonly vectorOps: Map<string, LocatedFormula>;
  readonly offchip: Map<string, SourcedValue>;
  readonly hostMemory: HostMemory | undefined;
}

function readShared(directory: string, sources: Map<string, string>): SharedTables {
  const componentsFile = path.join(directory, 'components.yaml');
  const componentsYaml = new YamlFile(componentsFile, readSource(componentsFile));
  sources.set(componentsFile, componentsYaml.source);
  const genericCells = Object.fromEntries(CELL_TYPES.map((type) => [type, 0])) as Record<CellType, number>;
  const components = new Map<string, ComponentDefinition>();
  const vectorOps = new Map<string, LocatedFormula>();
  if (componentsYaml.root) {
    const root = componentsYaml.root;
    componentsYaml.entries(root, componentsFile, ['genericCells', 'components', 'vectorOps'], ['genericCells', 'components', 'vectorOps']);
    for (const [type, value] of componentsYaml.entries(componentsYaml.get(root, 'genericCells'), 'genericCells', CELL_TYPES, CELL_TYPES)) {
      const quantity = componentsYaml.quantity(value, 'factor', `genericCells.${type}`);
      if (quantity) genericCells[type as CellType] = quantity.value;
    }
    for (const [name, definition] of readComponents(componentsYaml, componentsYaml.get(root, 'components'))) components.set(name, definition);
    readVectorOps(componentsYaml, componentsYaml.get(root, 'vectorOps'), vectorOps);
  }
  componentsYaml.throwIfErrors();

  const offchipFile = path.join(directory, 'offchip.yaml');
  const offchipYaml = new YamlFile(offchipFile, readSource(offchipFile));
  sources.set(offchipFile, offchipYaml.source);
  const offchip = new Map<string, SourcedValue>();
  let hostMemory: HostMemory | undefined;
  if (offchipYaml.root) {
    offchipYaml.entries(offchipYaml.root, offchipFile, ['offchip', 'hostMemory'], ['offchip', 'hostMemory']);
    readOffchip(offchipYaml, offchipYaml.get(offchipYaml.root, 'offchip'), offchip);
    hostMemory = readHostMemory(offchipYaml, offchipYaml.get(offchipYaml.root, 'hostMemory'), offchip);
  } else if (offchipYaml.diagnostics.length === 0) {
    offchipYaml.error(null, `${offchipFile} is empty: expected the keys offchip and hostMemory`);
  }
  offchipYaml.throwIfErrors();
  return { genericCells, components, vectorOps, offchip, hostMemory };
}

/** Reads `hostMemory: {kind, source}`; the kind must be an `offchip` row and not a host link. */
function readHostMemory(yaml: YamlFile, node: Node | null | undefined, offchip: ReadonlyMap<string, SourcedValue>): HostMemory | undefined {
  const entries = new Map(yaml.entries(node, 'hostMemory', ['kind', 'source'], ['kind', 'source']).map(([key, value]) => [key, value]));
  const kindNode = entries.get('kind');
  const kind = entries.has('kind') ? yaml.string(kindNode, 'hostMemory.kind') : undefined;
  const source = entries.has('source') ? yaml.string(entries.get('source'), 'hostMemory.source') : undefined;
  if (kind === undefined || source === undefined) return undefined;
  const memoryKinds = [...offchip.keys()].filter((name) => !isHostLinkKind(name));
  if (!memoryKinds.includes(kind)) {
    const suggestion = closestMatch(kind, memoryKinds);
    yaml.error(kindNode, `hostMemory.kind: '${kind}' is not a memory kind of the offchip table`, suggestion ? `did you mean '${suggestion}'?` : `memory kinds: ${memoryKinds.join(', ')}`);
    return undefined;
  }
  return { kind, source, span: yaml.spanOf(kindNode) };
}

/** True for off-chip kinds that are host links (pcie3, pcie4, pcie5) rather than memories. */
export function isHostLinkKind(kind: string): boolean {
  return kind.startsWith('pcie');
}

function readOffchip(yaml: YamlFile, node: Node | null | undefined, into: Map<string, SourcedValue>): void {
  for (const [kind, value] of yaml.entries(node, 'offchip')) {
    const row = sourcedRow(yaml, value, `offchip.${kind}`, 'energy', 'energyPerBit');
    if (row) into.set(kind, row);
  }
}

/**
 * Returns the shipped node closest to a misspelt node name, or undefined. Besides edit distance it
 * matches the feature size ('45', '45 NM' give '45nm'), because a missing unit is too many edits
 * away for closestMatch.
 */
export function suggestNode(name: string): string | undefined {
  const closest = closestMatch(name, SHIPPED_NODES);
  if (closest !== undefined) return closest;
  const size = /^\s*(\d+)/.exec(name)?.[1];
  return size === undefined ? undefined : SHIPPED_NODES.find((node) => node === `${size}nm`);
}

/**
 * Loads the cost model of a shipped node (`45nm`, `7nm`) or of a node file. A node file has the
 * same keys as the shipped ones. Its optional `components`, `vectorOps` and `offchip` sections
 * replace or add entries of the shared tables by name. Each entry of `overrides` replaces one
 * number by its parameter name (see `overrideNames`). Malformed files and unknown override names
 * throw a UserError with diagnostics.
 */
export function loadCostModel(nodeOrFile: string, overrides: Readonly<Record<string, number>> = {}): CostModel {
  const directory = dataDirectory();
  const shipped = (SHIPPED_NODES as readonly string[]).includes(nodeOrFile);
  const looksLikeFile = /[/\\]|\.ya?ml$/i.test(nodeOrFile);
  if (!shipped && !looksLikeFile) {
    const suggestion = suggestNode(nodeOrFile);
    throw new UserError(
      `unknown technology node '${nodeOrFile}': expected one of ${SHIPPED_NODES.join(', ')} or a path to a .yaml node file${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`,
      EXIT_INVALID_INPUT,
    );
  }
  const nodeFile = shipped ? path.join(directory, `${nodeOrFile}.yaml`) : nodeOrFile;

  const sources = new Map<string, string>();
  const shared = readShared(directory, sources);
  const yaml = new YamlFile(nodeFile, readSource(nodeFile));
  sources.set(nodeFile, yaml.source);
  if (isMap(yaml.root)) {
    const keys = yaml.root.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key));
    const wrongKind = machineGivenAsCostModel(nodeFile, keys);
    if (wrongKind !== undefined) throw new UserError(wrongKind, EXIT_INVALID_INPUT);
  }
  const model = yaml.root ? readNode(yaml, shared, sources, [path.join(directory, 'components.yaml'), path.join(directory, 'offchip.yaml'), nodeFile]) : undefined;
  yaml.throwIfErrors();
  if (!model) throw new Error('node file produced no model and no diagnostics');

  const referenceErrors = checkComponentReferences(model.components, [...model.activity.keys()]);
  if (referenceErrors.length > 0) {
    throw new UserError(`invalid cost model ${nodeFile}: ${referenceErrors.length} error${referenceErrors.length === 1 ? '' : 's'}`, EXIT_INVALID_INPUT, referenceErrors, sources);
  }
  return applyOverrides(model, overrides);
}

function readNode(yaml: YamlFile, shared: SharedTables, sources: Map<string, string>, files: string[]): CostModel | undefined {
  const root = yaml.root;
  yaml.entries(root, yaml.file, NODE_KEYS, ['node', 'description', 'calibration', 'gates', 'geCell', 'leakage', 'activity', 'measuredActivity', 'sram', 'references']);
  const text = (key: string): string => yaml.string(yaml.get(root, key), key) ?? '';
  const node = text('node');
  const description = text('description');
  const calibration = text('calibration');

  const gates = {} as Record<CellType, GateRow>;
  for (const [type, value] of yaml.entries(yaml.get(root, 'gates'), 'gates', CELL_TYPES, CELL_TYPES)) {
    const entries = new Map(yaml.entries(value, `gates.${type}`, ['energy', 'area', 'source'], ['energy', 'area', 'source']).map(([key, child]) => [key, child]));
    const energy = entries.has('energy') ? yaml.quantity(entries.get('energy'), 'energy', `gates.${type}.energy`) : undefined;
    const area = entries.has('area') ? yaml.quantity(entries.get('area'), 'area', `gates.${type}.area`) : undefined;
    const source = entries.has('source') ? yaml.string(entries.get('source'), `gates.${type}.source`) : undefined;
    if (energy && area && source !== undefined) {
      gates[type as CellType] = {
        cellType: type as CellType,
        energyPj: { value: energy.value, source, span: energy.span },
        areaUm2: { value: area.value, source, span: area.span },
      };
    }
  }

  const geCellNode = yaml.get(root, 'geCell');
  const geCell = yaml.string(geCellNode, 'geCell');
  if (geCell !== undefined && !(CELL_TYPES as readonly string[]).includes(geCell)) yaml.error(geCellNode, `geCell: unknown cell type '${geCell}'`, `known cell types: ${CELL_TYPES.join(', ')}`);

  const leakage = sourcedRow(yaml, yaml.get(root, 'leakage'), 'leakage', 'power', 'powerPerGe');

  const activity = new Map<string, SourcedValue>();
  for (const [name, value] of yaml.entries(yaml.get(root, 'activity'), 'activity')) {
    const row = sourcedRow(yaml, value, `activity.${name}`, 'factor', 'factor');
    if (row) activity.set(name, row);
  }

  const togglesPerInputBit = new Map<string, SourcedValue>();
  const measured = yaml.get(root, 'measuredActivity');
  yaml.entries(measured, 'measuredActivity', ['togglesPerInputBit'], ['togglesPerInputBit']);
  // Keys are a unit (fpmul, lmul, intmul), or a unit and a format such as `fpmul.fp32`, which takes precedence.
  for (const [key, value, pair] of yaml.entries(yaml.get(measured, 'togglesPerInputBit'), 'measuredActivity.togglesPerInputBit')) {
    if (!/^(fpmul|lmul|intmul)(\.[a-z0-9]+)?$/.test(key)) {
      yaml.error(pair.key as Node, `invalid key '${key}' in measuredActivity.togglesPerInputBit: expected fpmul, lmul or intmul, optionally followed by .FORMAT`);
      continue;
    }
    const row = sourcedRow(yaml, value, `measuredActivity.togglesPerInputBit.${key}`, 'factor', 'factor');
    if (row) togglesPerInputBit.set(key, row);
  }

  const sram = readSram(yaml, yaml.get(root, 'sram'));
  const references = readReferences(yaml, yaml.get(root, 'references'));

  const components = new Map(shared.components);
  if (yaml.get(root, 'components') !== undefined) {
    for (const [name, definition] of readComponents(yaml, yaml.get(root, 'components'))) components.set(name, definition);
  }
  const vectorOps = new Map(shared.vectorOps);
  if (yaml.get(root, 'vectorOps') !== undefined) readVectorOps(yaml, yaml.get(root, 'vectorOps'), vectorOps);
  const offchip = new Map(shared.offchip);
  if (yaml.get(root, 'offchip') !== undefined) readOffchip(yaml, yaml.get(root, 'offchip'), offchip);

  if (yaml.diagnostics.length > 0 || !leakage || !sram || geCell === undefined || !shared.hostMemory) return undefined;
  return {
    node,
    description,
    calibration,
    files,
    sources,
    gates,
    geCell: geCell as CellType,
    leakageNwPerGe: leakage,
    activity,
    togglesPerInputBit,
    sram,
    offchip,
    hostMemory: shared.hostMemory,
    references,
    genericCells: shared.genericCells,
    components,
    vectorOps,
    evaluator: new ComponentEvaluator(components, sources),
    overrides: {},
  };
}

function readSram(yaml: YamlFile, node: Node | null | undefined): CostModel['sram'] | undefined {
  const sramEntries = yaml.entries(node, 'sram', ['wordBits', 'widthScaling', 'rows'], ['wordBits', 'rows']);
  const entries = new Map(sramEntries.map(([key, value]) => [key, value]));
  const widthScaling = sramEntries.find(([key]) => key === 'widthScaling');
  if (widthScaling) {
    yaml.error(widthScaling[2].key as Node, 'sram.widthScaling is no longer read: a word wider than sram.wordBits is priced as side-by-side slices of that width', 'delete the widthScaling entry');
  }
  const wordBits = entries.has('wordBits') ? yaml.quantity(entries.get('wordBits'), 'factor', 'sram.wordBits') : undefined;
  if (wordBits && !(wordBits.value > 0)) yaml.error(entries.get('wordBits'), 'sram.wordBits must be a positive number of bits');
  const rowsNode = entries.get('rows') as (Node & { items?: Array<Node | null> }) | null | undefined;
  const rows: SramRow[] = [];
  if (!rowsNode || !Array.isArray(rowsNode.items)) {
    if (entries.has('rows')) yaml.error(rowsNode, 'sram.rows must be a list');
  } else {
    rowsNode.items.forEach((item, index) => {
      const rowPath = `sram.rows[${index}]`;
      const rowEntries = new Map(yaml.entries(item, rowPath, ['capacity', 'energy', 'source'], ['capacity', 'energy', 'source']).map(([key, value]) => [key, value]));
      const capacity = rowEntries.has('capacity') ? yaml.quantity(rowEntries.get('capacity'), 'capacity', `${rowPath}.capacity`) : undefined;
      const energy = rowEntries.has('energy') ? yaml.quantity(rowEntries.get('energy'), 'energy', `${rowPath}.energy`) : undefined;
      const source = rowEntries.has('source') ? yaml.string(rowEntries.get('source'), `${rowPath}.source`) : undefined;
      if (!capacity || !energy || source === undefined) return;
      const previous = rows.at(-1);
      if (previous && capacity.value <= previous.capacityBytes) {
        yaml.error(item, `${rowPath}: capacities must increase from row to row`);
        return;
      }
      if (capacity.value === 0 || energy.value === 0) {
        yaml.error(item, `${rowPath}: capacity and energy must be positive`);
        return;
      }
      rows.push({ capacityBytes: capacity.value, energyPj: { value: energy.value, source, span: energy.span } });
    });
    if (rows.length === 0 && rowsNode.items.length === 0) yaml.error(rowsNode, 'sram.rows needs at least one row');
  }
  if (!wordBits || !(wordBits.value > 0) || rows.length === 0) return undefined;
  return { wordBits: wordBits.value, rows };
}

function readReferences(yaml: YamlFile, node: Node | null | undefined): ReferenceFigure[] {
  const result: ReferenceFigure[] = [];
  const list = node as (Node & { items?: Array<Node | null> }) | null | undefined;
  if (!list || !Array.isArray(list.items)) {
    yaml.error(node, 'references must be a list');
    return result;
  }
  list.items.forEach((item, index) => {
    const rowPath = `references[${index}]`;
    const entries = new Map(yaml.entries(item, rowPath, ['unit', 'format', 'energy', 'source'], ['unit', 'format', 'energy', 'source']).map(([key, value]) => [key, value]));
    const unit = entries.has('unit') ? yaml.string(entries.get('unit'), `${rowPath}.unit`) : undefined;
    const format = entries.has('format') ? yaml.string(entries.get('format'), `${rowPath}.format`) : undefined;
    const energy = entries.has('energy') ? yaml.quantity(entries.get('energy'), 'energy', `${rowPath}.energy`) : undefined;
    const source = entries.has('source') ? yaml.string(entries.get('source'), `${rowPath}.source`) : undefined;
    if (unit === undefined || format === undefined || !energy || source === undefined) return;
    result.push({ unit, format, energyPj: { value: energy.value, source, span: energy.span } });
  });
  return result;
}

/** Formats a capacity in bytes as the override-name spelling: `8KiB`, `1MiB`, `512B`. */
export function capacityLabel(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024}KiB`;
  return `${bytes}B`;
}

/** One number `--set` can replace: its unit and its current value in that unit. */
export interface OverrideParameter {
  readonly unit: string;
  readonly value: number;
}

/**
 * Lists the names `--set` accepts, each with its unit and current value. Values are plain numbers
 * in that unit: `gate.<CELL>.energyFj`, `gate.<CELL>.areaUm2`, `activity.<class>`,
 * `toggles.<unit>`, `leakage.nwPerGe`, `sram.<capacity>.energyPj` and `offchip.<kind>.pjPerBit`.
 */
export function overrideNames(model: CostModel): Map<string, OverrideParameter> {
  const names = new Map<string, OverrideParameter>();
  for (const type of CELL_TYPES) {
    names.set(`gate.${type}.energyFj`, { unit: 'fJ', value: model.gates[type].energyPj.value * 1000 });
    names.set(`gate.${type}.areaUm2`, { unit: 'µm²', value: model.gates[type].areaUm2.value });
  }
  for (const [name, row] of model.activity) names.set(`activity.${name}`, { unit: 'factor', value: row.value });
  for (const [name, row] of model.togglesPerInputBit) names.set(`toggles.${name}`, { unit: 'toggles per input-bit toggle', value: row.value });
  names.set('leakage.nwPerGe', { unit: 'nW/GE', value: model.leakageNwPerGe.value });
  for (const row of model.sram.rows) names.set(`sram.${capacityLabel(row.capacityBytes)}.energyPj`, { unit: 'pJ', value: row.energyPj.value });
  for (const [kind, row] of model.offchip) names.set(`offchip.${kind}.pjPerBit`, { unit: 'pJ/bit', value: row.value });
  return names;
}

/** Replaces a value. `writtenValue` is the override as written, in the unit its name states. */
function replaced(value: SourcedValue, name: string, newValue: number, writtenValue = newValue): SourcedValue {
  return { ...value, value: newValue, overriddenBy: name, source: `override ${name}=${writtenValue} (replacing ${value.source})` };
}

/** Returns a copy of `model` with `overrides` applied; unknown names and invalid values are UserErrors. */
export function applyOverrides(model: CostModel, overrides: Readonly<Record<string, number>>): CostModel {
  const names = overrideNames(model);
  const problems: Diagnostic[] = [];
  for (const [name, value] of Object.entries(overrides)) {
    if (!names.has(name)) {
      const suggestion = closestMatch(name, names.keys());
      problems.push({ severity: 'error', message: `unknown cost parameter '${name}'`, hint: suggestion ? `did you mean '${suggestion}'?` : 'run `lmulsim costs --list-parameters` for the accepted names' });
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push({ severity: 'error', message: `invalid value ${String(value)} for cost parameter '${name}': expected a non-negative number in ${names.get(name)?.unit}` });
    }
  }
  if (problems.length > 0) throw new UserError('', EXIT_INVALID_INPUT, problems);
  if (Object.keys(overrides).length === 0) return model;

  const gates = { ...model.gates };
  const activity = new Map(model.activity);
  const toggles = new Map(model.togglesPerInputBit);
  const offchip = new Map(model.offchip);
  let leakage = model.leakageNwPerGe;
  let sramRows = [...model.sram.rows];
  for (const [name, value] of Object.entries(overrides)) {
    const parts = name.split('.');
    if (parts[0] === 'gate') {
      const type = parts[1] as CellType;
      const row = gates[type];
      gates[type] = parts[2] === 'energyFj' ? { ...row, energyPj: replaced(row.energyPj, name, value / 1000, value) } : { ...row, areaUm2: replaced(row.areaUm2, name, value) };
    } else if (parts[0] === 'activity') {
      activity.set(parts[1], replaced(activity.get(parts[1])!, name, value));
    } else if (parts[0] === 'toggles') {
      const key = name.slice('toggles.'.length);
      toggles.set(key, replaced(toggles.get(key)!, name, value));
    } else if (parts[0] === 'leakage') {
      leakage = replaced(leakage, name, value);
    } else if (parts[0] === 'sram') {
      sramRows = sramRows.map((row) => (capacityLabel(row.capacityBytes) === parts[1] ? { ...row, energyPj: replaced(row.energyPj, name, value) } : row));
    } else if (parts[0] === 'offchip') {
      offchip.set(parts[1], replaced(offchip.get(parts[1])!, name, value));
    }
  }
  return {
    ...model,
    gates,
    activity,
    togglesPerInputBit: toggles,
    offchip,
    leakageNwPerGe: leakage,
    sram: { ...model.sram, rows: sramRows },
    overrides: { ...model.overrides, ...overrides },
  };
}
