/**
 * Component generators: gate counts and logic depth as formulas in cost files, evaluated for given
 * parameters. A component lists its own cells per library cell type, the parts it is built from
 * (other components, each with parameter formulas and a count), intermediate `let` values and a
 * depth formula in generic cell levels.
 */
import type { Node } from 'yaml';
import type { Diagnostic, SourceSpan } from '../common/diagnostic.js';
import { closestMatch } from '../common/diagnostic.js';
import { EXIT_INVALID_INPUT, UserError } from '../common/errors.js';
import { evaluateFormula, parseFormula, type Formula } from './formula.js';
import type { YamlFile } from './yamlFile.js';

/** Library cell types, in the order reports list them. */
export const CELL_TYPES = ['INV', 'NAND2', 'NOR2', 'AND2', 'OR2', 'XOR2', 'XNOR2', 'MUX2', 'HA', 'FA', 'DFF'] as const;
/** A library cell type name. */
export type CellType = (typeof CELL_TYPES)[number];

/** A checked formula with the file position and key path it came from. */
export interface LocatedFormula {
  readonly formula: Formula;
  readonly span: SourceSpan;
  /** Key path in the file, for example `components.rca.cells.FA`. */
  readonly key: string;
}

/** One sub-component of a component. */
export interface PartDefinition {
  readonly name: string;
  readonly component: string;
  readonly componentSpan: SourceSpan;
  readonly arguments: ReadonlyMap<string, LocatedFormula>;
  readonly count?: LocatedFormula;
}

/** A component generator as written in a cost file. */
export interface ComponentDefinition {
  readonly name: string;
  readonly description: string;
  readonly params: readonly string[];
  /** Activity class of the component's own cells (a key of the node's activity table). */
  readonly activity: string;
  readonly activitySpan: SourceSpan;
  readonly lets: ReadonlyMap<string, LocatedFormula>;
  readonly cells: ReadonlyMap<CellType, LocatedFormula>;
  readonly parts: ReadonlyMap<string, PartDefinition>;
  readonly depth: LocatedFormula;
  readonly file: string;
  readonly span: SourceSpan;
}

/** Cells of one type in one activity class, summed over a component and its parts. */
export interface CellGroup {
  readonly cellType: CellType;
  readonly activity: string;
  readonly count: number;
}

/** A component evaluated for concrete parameter values. */
export interface ComponentInstance {
  readonly component: string;
  readonly args: Readonly<Record<string, number>>;
  /** Values of the component's `let` entries. */
  readonly values: Readonly<Record<string, number>>;
  readonly parts: ReadonlyArray<{ readonly name: string; readonly count: number; readonly instance: ComponentInstance }>;
  /** Cells per type, including all parts. */
  readonly cells: Readonly<Record<CellType, number>>;
  /** Cells per type and activity class, including all parts. */
  readonly groups: readonly CellGroup[];
  /** Logic depth in generic 2-input cell levels. */
  readonly depth: number;
}

const COMPONENT_KEYS = ['description', 'params', 'activity', 'let', 'cells', 'parts', 'depth'] as const;
const PART_KEYS = ['component', 'with', 'count'] as const;
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Reads the `components` mapping of a cost file. Diagnostics go to `yaml`. */
export function readComponents(yaml: YamlFile, node: Node | null | undefined, path = 'components'): Map<string, ComponentDefinition> {
  const result = new Map<string, ComponentDefinition>();
  for (const [name, body, pair] of yaml.entries(node, path)) {
    const keyNode = pair.key as Node;
    if (!IDENTIFIER.test(name)) {
      yaml.error(keyNode, `component name '${name}' must start with a letter and contain only letters, digits and '_'`);
      continue;
    }
    const definition = readComponent(yaml, name, body, `${path}.${name}`, yaml.spanOf(keyNode));
    if (definition) result.set(name, definition);
  }
  return result;
}

function readComponent(yaml: YamlFile, name: string, body: Node | null, path: string, span: SourceSpan): ComponentDefinition | undefined {
  const before = yaml.diagnostics.length;
  const entries = new Map(yaml.entries(body, path, COMPONENT_KEYS, ['description', 'params', 'activity', 'depth']).map(([key, value]) => [key, value]));
  const description = entries.has('description') ? (yaml.string(entries.get('description'), `${path}.description`) ?? '') : '';
  const params = entries.has('params') ? yaml.stringList(entries.get('params'), `${path}.params`) : [];
  for (const param of params) {
    if (!IDENTIFIER.test(param)) yaml.error(entries.get('params'), `parameter name '${param}' in ${path}.params must start with a letter and contain only letters, digits and '_'`);
  }
  const activityNode = entries.get('activity');
  const activity = activityNode !== undefined ? (yaml.string(activityNode, `${path}.activity`) ?? '') : '';

  const formula = (node: Node | null | undefined, key: string): LocatedFormula | undefined => readFormula(yaml, node, key);
  const lets = new Map<string, LocatedFormula>();
  for (const [key, value, pair] of entries.has('let') ? yaml.entries(entries.get('let'), `${path}.let`) : []) {
    if (!IDENTIFIER.test(key) || params.includes(key)) {
      yaml.error(pair.key as Node, `invalid let name '${key}' in ${path}: it must be an identifier and must not repeat a parameter`);
      continue;
    }
    const parsed = formula(value, `${path}.let.${key}`);
    if (parsed) lets.set(key, parsed);
  }

  const cells = new Map<CellType, LocatedFormula>();
  for (const [key, value] of entries.has('cells') ? yaml.entries(entries.get('cells'), `${path}.cells`, CELL_TYPES) : []) {
    const parsed = formula(value, `${path}.cells.${key}`);
    if (parsed) cells.set(key as CellType, parsed);
  }

  const parts = new Map<string, PartDefinition>();
  for (const [partName, partBody, pair] of entries.has('parts') ? yaml.entries(entries.get('parts'), `${path}.parts`) : []) {
    if (!IDENTIFIER.test(partName)) {
      yaml.error(pair.key as Node, `part name '${partName}' must be an identifier`);
      continue;
    }
    const partPath = `${path}.parts.${partName}`;
    const partEntries = new Map(yaml.entries(partBody, partPath, PART_KEYS, ['component']).map(([key, value]) => [key, value]));
    const componentNode = partEntries.get('component');
    const component = componentNode !== undefined ? yaml.string(componentNode, `${partPath}.component`) : undefined;
    const args = new Map<string, LocatedFormula>();
    for (const [argName, argValue] of partEntries.has('with') ? yaml.entries(partEntries.get('with'), `${partPath}.with`) : []) {
      const parsed = formula(argValue, `${partPath}.with.${argName}`);
      if (parsed) args.set(argName, parsed);
    }
    const count = partEntries.has('count') ? formula(partEntries.get('count'), `${partPath}.count`) : undefined;
    if (component !== undefined) {
      parts.set(partName, { name: partName, component, componentSpan: yaml.spanOf(componentNode), arguments: args, ...(count ? { count } : {}) });
    }
  }

  const depth = entries.has('depth') ? formula(entries.get('depth'), `${path}.depth`) : undefined;
  if (yaml.diagnostics.length > before || !depth) return undefined;

  const definition: ComponentDefinition = {
    name,
    description,
    params,
    activity,
    activitySpan: yaml.spanOf(activityNode),
    lets,
    cells,
    parts,
    depth,
    file: yaml.file,
    span,
  };
  checkNames(yaml, definition);
  return definition;
}

/** Reads a formula: a YAML number or a string holding a mathjs expression. */
function readFormula(yaml: YamlFile, node: Node | null | undefined, key: string): LocatedFormula | undefined {
  const scalar = node as (Node & { value?: unknown; type?: string }) | null | undefined;
  const value = scalar?.value;
  if (typeof value !== 'number' && typeof value !== 'string') {
    yaml.error(node, `${key} must be a formula (a number or an expression string)`);
    return undefined;
  }
  const text = String(value);
  const parsed = parseFormula(text);
  // Quoted scalars start one character before the formula text.
  const quoteOffset = scalar?.type === 'QUOTE_DOUBLE' || scalar?.type === 'QUOTE_SINGLE' ? 1 : 0;
  if (!parsed.ok) {
    yaml.error(node, `${key}: ${parsed.error.message}`, undefined, parsed.error.offset !== undefined ? parsed.error.offset + quoteOffset : 0);
    return undefined;
  }
  return { formula: parsed.formula, span: yaml.spanOf(node), key };
}

/** Collects the names a formula of `definition` may read. */
function visibleNames(definition: ComponentDefinition): Set<string> {
  const names = new Set<string>([...definition.params, ...definition.lets.keys()]);
  for (const part of definition.parts.keys()) names.add(`depth_${part}`);
  return names;
}

/** Reports formulas that read unknown names, and cycles among `let` values and parts. */
function checkNames(yaml: YamlFile, definition: ComponentDefinition): void {
  const names = visibleNames(definition);
  const all: LocatedFormula[] = [
    ...definition.lets.values(),
    ...definition.cells.values(),
    definition.depth,
    ...[...definition.parts.values()].flatMap((part) => [...part.arguments.values(), ...(part.count ? [part.count] : [])]),
  ];
  for (const located of all) {
    for (const symbol of located.formula.symbols) {
      if (names.has(symbol)) continue;
      const suggestion = closestMatch(symbol, names);
      yaml.diagnostics.push({
        severity: 'error',
        message: `${located.key}: unknown variable '${symbol}'`,
        span: located.span,
        hint: suggestion ? `did you mean '${suggestion}'?` : `known names: ${[...names].join(', ') || 'none'}`,
      });
    }
  }

  // Dependency graph: a let value depends on the names it reads; a part on its with/count formulas;
  // depth_<part> on that part.
  const dependencies = new Map<string, { located: LocatedFormula; reads: string[] }[]>();
  for (const [name, located] of definition.lets) dependencies.set(`let:${name}`, [{ located, reads: located.formula.symbols.slice() }]);
  for (const part of definition.parts.values()) {
    const formulas = [...part.arguments.values(), ...(part.count ? [part.count] : [])];
    dependencies.set(
      `part:${part.name}`,
      formulas.map((located) => ({ located, reads: located.formula.symbols.slice() })),
    );
  }
  const nodeOf = (symbol: string): string | undefined => {
    if (definition.lets.has(symbol)) return `let:${symbol}`;
    if (symbol.startsWith('depth_') && definition.parts.has(symbol.slice(6))) return `part:${symbol.slice(6)}`;
    return undefined;
  };

  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): boolean => {
    if (state.get(node) === 'done') return false;
    if (state.get(node) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(node)), node].map((entry) => entry.replace(/^(let|part):/, ''));
      const first = dependencies.get(node)?.[0]?.located;
      yaml.diagnostics.push({
        severity: 'error',
        message: `components.${definition.name}: formulas refer to each other in a cycle: ${cycle.join(' -> ')}`,
        span: first?.span ?? definition.span,
      });
      return true;
    }
    state.set(node, 'visiting');
    stack.push(node);
    for (const { reads } of dependencies.get(node) ?? []) {
      for (const symbol of reads) {
        const next = nodeOf(symbol);
        if (next && visit(next)) return true;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return false;
  };
  for (const node of dependencies.keys()) if (visit(node)) break;
}

/**
 * Checks references between components: every part names a known component with exactly its
 * parameters, every activity class exists, and no component contains itself.
 */
export function checkComponentReferences(components: ReadonlyMap<string, ComponentDefinition>, activityClasses: readonly string[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const definition of components.values()) {
    if (!activityClasses.includes(definition.activity)) {
      const suggestion = closestMatch(definition.activity, activityClasses);
      diagnostics.push({
        severity: 'error',
        message: `components.${definition.name}.activity: unknown activity class '${definition.activity}'`,
        span: definition.activitySpan,
        hint: suggestion ? `did you mean '${suggestion}'?` : `known classes: ${activityClasses.join(', ')}`,
      });
    }
    for (const part of definition.parts.values()) {
      const target = components.get(part.component);
      if (!target) {
        const suggestion = closestMatch(part.component, components.keys());
        diagnostics.push({
          severity: 'error',
          message: `components.${definition.name}.parts.${part.name}: unknown component '${part.component}'`,
          span: part.componentSpan,
          ...(suggestion ? { hint: `did you mean '${suggestion}'?` } : {}),
        });
        continue;
      }
      const argumentNames = [...part.arguments.keys()];
      const missing = target.params.filter((param) => !argumentNames.includes(param));
      const extra = argumentNames.filter((arg) => !target.params.includes(arg));
      if (missing.length > 0 || extra.length > 0) {
        diagnostics.push({
          severity: 'error',
          message: `components.${definition.name}.parts.${part.name}: component '${part.component}' takes parameters (${target.params.join(', ')})${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; unknown ${extra.join(', ')}` : ''}`,
          span: part.componentSpan,
        });
      }
    }
  }

  // Components that contain themselves, directly or through other components.
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): boolean => {
    if (state.get(name) === 'done') return false;
    if (state.get(name) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(name)), name];
      diagnostics.push({ severity: 'error', message: `components refer to each other in a cycle: ${cycle.join(' -> ')}`, span: components.get(name)?.span });
      return true;
    }
    state.set(name, 'visiting');
    stack.push(name);
    for (const part of components.get(name)?.parts.values() ?? []) {
      if (components.has(part.component) && visit(part.component)) return true;
    }
    stack.pop();
    state.set(name, 'done');
    return false;
  };
  for (const name of components.keys()) if (visit(name)) break;
  return diagnostics;
}

/** Evaluates components, caching instances by name and arguments. */
export class ComponentEvaluator {
  private readonly cache = new Map<string, ComponentInstance>();

  constructor(
    private readonly components: ReadonlyMap<string, ComponentDefinition>,
    private readonly sources: ReadonlyMap<string, string>,
  ) {}

  /** Returns the definition of `name`, or throws a UserError naming the known components. */
  definition(name: string): ComponentDefinition {
    const definition = this.components.get(name);
    if (!definition) {
      const suggestion = closestMatch(name, this.components.keys());
      throw new UserError(`unknown component '${name}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; known components: ${[...this.components.keys()].join(', ')}`);
    }
    return definition;
  }

  /** Evaluates component `name` with parameter values `args`. */
  evaluate(name: string, args: Readonly<Record<string, number>>): ComponentInstance {
    const definition = this.definition(name);
    for (const param of definition.params) {
      if (!(param in args)) throw new UserError(`component '${name}' needs parameter '${param}'`);
    }
    const key = `${name}(${definition.params.map((param) => args[param]).join(',')})`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const instance = this.compute(definition, args);
    this.cache.set(key, instance);
    return instance;
  }

  private fail(located: LocatedFormula, message: string): never {
    throw new UserError(`failed to evaluate ${located.key}`, EXIT_INVALID_INPUT, [{ severity: 'error', message: `${located.key}: ${message}`, span: located.span }], this.sources);
  }

  private compute(definition: ComponentDefinition, args: Readonly<Record<string, number>>): ComponentInstance {
    const values: Record<string, number> = {};
    const partInstances = new Map<string, { count: number; instance: ComponentInstance }>();
    const argText = definition.params.map((param) => `${param}=${args[param]}`).join(', ');

    const run = (located: LocatedFormula): number => {
      const value = evaluateFormula(located.formula, lookup);
      if (!Number.isFinite(value)) this.fail(located, `the formula '${located.formula.text}' gives ${value} for ${argText}`);
      return value;
    };
    const lookup = (symbol: string): number => {
      if (Object.hasOwn(args, symbol) && definition.params.includes(symbol)) return args[symbol];
      if (Object.hasOwn(values, symbol)) return values[symbol];
      const letFormula = definition.lets.get(symbol);
      if (letFormula) {
        values[symbol] = run(letFormula);
        return values[symbol];
      }
      if (symbol.startsWith('depth_')) return part(symbol.slice(6)).instance.depth;
      throw new Error(`formula name '${symbol}' was not checked on load`);
    };
    const part = (partName: string): { count: number; instance: ComponentInstance } => {
      const existing = partInstances.get(partName);
      if (existing) return existing;
      const partDefinition = definition.parts.get(partName);
      if (!partDefinition) throw new Error(`unknown part ${partName}`);
      const partArgs: Record<string, number> = {};
      for (const [argName, located] of partDefinition.arguments) partArgs[argName] = run(located);
      const count = partDefinition.count ? run(partDefinition.count) : 1;
      if (partDefinition.count && count < 0) this.fail(partDefinition.count, `negative count ${count} for ${argText}`);
      const evaluated = { count, instance: count > 0 ? this.evaluate(partDefinition.component, partArgs) : emptyInstance(partDefinition.component, partArgs) };
      partInstances.set(partName, evaluated);
      return evaluated;
    };

    for (const name of definition.lets.keys()) lookup(name);
    for (const name of definition.parts.keys()) part(name);

    const cells = Object.fromEntries(CELL_TYPES.map((type) => [type, 0])) as Record<CellType, number>;
    const groups = new Map<string, { cellType: CellType; activity: string; count: number }>();
    const addGroup = (cellType: CellType, activity: string, count: number): void => {
      if (count === 0) return;
      cells[cellType] += count;
      const groupKey = `${cellType}/${activity}`;
      const group = groups.get(groupKey);
      if (group) group.count += count;
      else groups.set(groupKey, { cellType, activity, count });
    };
    for (const [cellType, located] of definition.cells) {
      const count = run(located);
      if (count < 0) this.fail(located, `negative cell count ${count} for ${argText}`);
      addGroup(cellType, definition.activity, count);
    }
    for (const { count, instance } of partInstances.values()) {
      for (const group of instance.groups) addGroup(group.cellType, group.activity, group.count * count);
    }

    const depth = run(definition.depth);
    if (depth < 0) this.fail(definition.depth, `negative depth ${depth} for ${argText}`);
    return {
      component: definition.name,
      args: { ...args },
      values,
      parts: [...partInstances].map(([name, { count, instance }]) => ({ name, count, instance })),
      cells,
      groups: [...groups.values()],
      depth,
    };
  }
}

function emptyInstance(component: string, args: Record<string, number>): ComponentInstance {
  const cells = Object.fromEntries(CELL_TYPES.map((type) => [type, 0])) as Record<CellType, number>;
  return { component, args, values: {}, parts: [], cells, groups: [], depth: 0 };
}
