/**
 * Energy of a run: counts of actions from a RunActivity times the energy of each action, plus
 * leakage over the run's time, with a provenance record on every line.
 */
import { closestMatch } from '../common/diagnostic.js';
import { UserError } from '../common/errors.js';
import type { MacActivity, MemoryActivity, RunActivity, VectorActivity } from './activity.js';
import { evaluateFormula } from './formula.js';
import type { LogicArea } from './area.js';
import { isHostLinkKind, type CostModel, type SourcedValue } from './model.js';
import { provenanceOf, rowReference, type Provenance } from './provenance.js';
import { sramEnergyPerAccess } from './sram.js';
import { componentCost, floatFormatBits, intFormatBits, type ComponentCost, type UnitCost, unitCost } from './unitCost.js';

/** Multiplier methods a RunActivity may name, and the hardware unit each one uses. */
export const METHOD_UNITS: Readonly<Record<string, 'fpmul' | 'lmul'>> = {
  exact: 'fpmul',
  lmul: 'lmul',
  'lmul-formula': 'lmul',
  mitchell: 'lmul',
};

/** Component groups of an energy report, in report order. */
export const REPORT_COMPONENTS = ['matrix-unit multipliers', 'accumulators', 'vector unit', 'registers', 'sram', 'off-chip memory', 'host memory', 'host link', 'leakage'] as const;

/** Options of `estimateEnergy`. */
export interface EnergyOptions {
  /**
   * `default` prices every cell with its activity class's factor; `measured` prices multipliers
   * from RunActivity.macs[].operandToggleBits scaled by the node's togglesPerInputBit table.
   */
  readonly activity?: 'default' | 'measured';
  /**
   * Logic area that leaks during the run, from `logicAreaFromArch`; its provenance joins the leakage
   * line's. Takes precedence over `logicAreaGe`.
   */
  readonly logicArea?: LogicArea;
  /** Logic area that leaks during the run, in gate equivalents, without provenance. */
  readonly logicAreaGe?: number;
}

/** One priced entry of an energy report. */
export interface EnergyLine {
  /** Component group, one of REPORT_COMPONENTS. */
  readonly component: (typeof REPORT_COMPONENTS)[number];
  /** SRAM buffer or off-chip memory name, for lines of those groups. */
  readonly instance?: string;
  /** Priced action, for example `e4m3 lmul multiply` or `core0.scratchpad read`. */
  readonly item: string;
  /** Multiplier method for MAC and elementwise-multiply lines. */
  readonly method?: string;
  readonly count: number;
  /** Unit of `count`: operations, accesses, bits or GE·s. */
  readonly countUnit: string;
  readonly energyPerActionPj: number;
  readonly energyPj: number;
  readonly provenance: Provenance;
}

/** Energy of a run, by line, component group and multiplier method. */
export interface EnergyReport {
  readonly node: string;
  readonly activityMode: 'default' | 'measured';
  readonly lines: readonly EnergyLine[];
  /** Energy per component group (REPORT_COMPONENTS), pJ. */
  readonly byGroup: Readonly<Record<string, number>>;
  /** Energy per component, pJ: the groups, with SRAM and off-chip lines split by buffer or memory name (`sram scratchpad`, `off-chip memory dram`). */
  readonly byComponent: Readonly<Record<string, number>>;
  readonly byMethod: Readonly<Record<string, number>>;
  readonly totalPj: number;
  readonly macCount: number;
  /** totalPj / macCount, or undefined when the run has no MACs. */
  readonly pjPerMac?: number;
  /** True when leakage could not be estimated because no logic area was given. */
  readonly leakageOmitted: boolean;
  /** Logic area priced for leakage, in gate equivalents, or undefined when leakage was omitted. */
  readonly logicAreaGe?: number;
}

function methodUnit(method: string, where: string): 'fpmul' | 'lmul' {
  const unit = Object.hasOwn(METHOD_UNITS, method) ? METHOD_UNITS[method] : undefined;
  if (!unit) {
    const suggestion = closestMatch(method, Object.keys(METHOD_UNITS));
    throw new UserError(`unknown multiplier method '${method}' in ${where}: expected one of ${Object.keys(METHOD_UNITS).join(', ')}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
  }
  return unit;
}

/** Cost of the multiplier a MAC of `format` uses with `method`; integer formats keep all 2n product bits. */
function multiplierCost(format: string, method: string, model: CostModel, where: string): ComponentCost & { unit: 'fpmul' | 'lmul' | 'intmul' } {
  const unit = methodUnit(method, where);
  const intBits = intFormatBits(format);
  if (intBits === undefined) return unitCost(unit, format, model) as UnitCost & { unit: 'fpmul' | 'lmul' };
  if (unit !== 'fpmul') throw new UserError(`method '${method}' in ${where} needs a floating-point format, not '${format}'`);
  return { ...componentCost('intmul', { n: intBits, p: 2 * intBits }, model), unit: 'intmul' };
}

/** Accumulator adder plus accumulator register of a MAC, per operation: int32 uses rca(32), float formats fpadd. */
function accumulatorCost(accumulator: string, model: CostModel): { energyPj: number; provenance: Provenance } {
  const intBits = intFormatBits(accumulator);
  const float = intBits === undefined ? floatFormatBits(accumulator) : undefined;
  const adder = float ? componentCost('fpadd', { e: float.expBits, m: float.manBits }, model) : componentCost('rca', { n: intBits! }, model);
  const register = componentCost('register', { n: float ? 1 + float.expBits + float.manBits : intBits! }, model);
  return {
    energyPj: adder.energyPj + register.energyPj,
    provenance: {
      node: model.node,
      component: `${adder.component} + ${register.component}`,
      formula: 'accumulator adder + accumulator register, each a sum over cells of count x activity factor x gate energy',
      rows: [...new Set([...adder.provenance.rows, ...register.provenance.rows])],
      sources: [...new Set([...adder.provenance.sources, ...register.provenance.sources])],
    },
  };
}

/** Mean energy of one cell switching event over a unit's cells, pJ, for the measured-activity model. */
function meanEventEnergyPj(cost: ComponentCost): number {
  const cells = cost.breakdown.reduce((sum, line) => sum + line.count, 0);
  const energy = cost.breakdown.reduce((sum, line) => sum + line.count * line.energyPerEventPj, 0);
  return cells > 0 ? energy / cells : 0;
}

function macLines(mac: MacActivity, index: number, model: CostModel, mode: 'default' | 'measured'): EnergyLine[] {
  const where = `macs[${index}]`;
  if (!(mac.count >= 0)) throw new UserError(`invalid count ${mac.count} in ${where}: expected a non-negative number`);
  const multiplier = multiplierCost(mac.format, mac.method, model, where);
  let multiplierPj = multiplier.energyPj;
  let provenance = multiplier.provenance;

  if (mode === 'measured') {
    if (mac.operandToggleBits === undefined) {
      throw new UserError(`measured activity needs operandToggleBits in ${where} (${mac.format} ${mac.method}), which this run did not record`);
    }
    const formatKey = `${multiplier.unit}.${intFormatBits(mac.format) !== undefined ? mac.format.toLowerCase() : floatFormatBits(mac.format).name}`;
    const key = model.togglesPerInputBit.has(formatKey) ? formatKey : multiplier.unit;
    const toggles = model.togglesPerInputBit.get(key);
    if (!toggles) throw new UserError(`measuredActivity.togglesPerInputBit has neither ${formatKey} nor ${multiplier.unit} in the ${model.node} cost model`);
    const togglesPerOp = mac.count > 0 ? mac.operandToggleBits / mac.count : 0;
    multiplierPj = togglesPerOp * toggles.value * meanEventEnergyPj(multiplier);
    const tableRow = provenanceOf(model.node, multiplier.component, '', [[`measuredActivity.togglesPerInputBit.${key}`, toggles]]);
    provenance = {
      node: model.node,
      component: multiplier.component,
      formula: `operand toggle bits per operation (${togglesPerOp.toFixed(3)}) x togglesPerInputBit.${key} x mean gate energy per switching event`,
      rows: [...multiplier.provenance.rows, ...tableRow.rows],
      sources: [...new Set([...multiplier.provenance.sources, ...tableRow.sources])],
    };
  }

  const accumulator = accumulatorCost(mac.accumulator, model);
  return [
    {
      component: 'matrix-unit multipliers',
      item: `${mac.format} ${mac.method} multiply`,
      method: mac.method,
      count: mac.count,
      countUnit: 'operations',
      energyPerActionPj: multiplierPj,
      energyPj: multiplierPj * mac.count,
      provenance,
    },
    {
      component: 'accumulators',
      item: `${mac.accumulator} accumulate (${mac.format} ${mac.method})`,
      method: mac.method,
      count: mac.count,
      countUnit: 'operations',
      energyPerActionPj: accumulator.energyPj,
      energyPj: accumulator.energyPj * mac.count,
      provenance: accumulator.provenance,
    },
  ];
}

function vectorLine(op: VectorActivity, index: number, model: CostModel): EnergyLine {
  const where = `vectorOps[${index}]`;
  const formula = model.vectorOps.get(op.op);
  if (!formula) {
    const suggestion = closestMatch(op.op, model.vectorOps.keys());
    throw new UserError(`no energy entry for vector operation '${op.op}' in ${where}; known operations: ${[...model.vectorOps.keys()].join(', ')}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
  }
  floatFormatBits(op.format);
  const costs = new Map<string, ComponentCost>();
  const costOf = (name: string): ComponentCost => {
    const unit = name === 'mul' ? methodUnit(op.method ?? 'exact', where) : (name as 'fpadd' | 'fpmul' | 'fpcmp');
    const cached = costs.get(name);
    if (cached) return cached;
    const bits = floatFormatBits(op.format);
    const cost = unit === 'fpcmp' ? componentCost('fpcmp', { e: bits.expBits, m: bits.manBits }, model) : unitCost(unit, op.format, model);
    costs.set(name, cost);
    return cost;
  };
  const energyPerOp = evaluateFormula(formula.formula, (name) => costOf(name).energyPj);
  const used = [...costs.values()];
  return {
    component: 'vector unit',
    item: `${op.format} ${op.op}`,
    ...(op.method ? { method: op.method } : {}),
    count: op.elementOps,
    countUnit: 'element operations',
    energyPerActionPj: energyPerOp,
    energyPj: energyPerOp * op.elementOps,
    provenance: {
      node: model.node,
      component: `vector ${op.op}`,
      formula: `${formula.key} = ${formula.formula.text}`,
      rows: [rowReference(formula.span, formula.key), ...used.flatMap((cost) => cost.provenance.rows)],
      sources: [...new Set(used.flatMap((cost) => cost.provenance.sources))],
    },
  };
}

/**
 * Estimates the energy of a run: Σ count × energy per action over MACs (multiplier and
 * accumulator), vector operations, register writes, SRAM accesses, off-chip traffic, host-link
 * traffic and the host memory behind the link, plus leakage × time when `options.logicArea` or
 * `options.logicAreaGe` is given. Unknown methods, operations, formats or memory kinds are
 * UserErrors naming the entry.
 */
export function estimateEnergy(activity: RunActivity, model: CostModel, options: EnergyOptions = {}): EnergyReport {
  const mode = options.activity ?? 'default';
  const lines: EnergyLine[] = [];

  activity.macs.forEach((mac, index) => lines.push(...macLines(mac, index, model, mode)));
  activity.vectorOps.forEach((op, index) => lines.push(vectorLine(op, index, model)));

  if (activity.registerBitWrites !== undefined && activity.registerBitWrites > 0) {
    const dff = model.gates.DFF.energyPj;
    const register = model.activity.get('register');
    if (!register) throw new UserError(`activity class 'register' is missing from the ${model.node} cost model`);
    const perBit = dff.value * register.value;
    lines.push({
      component: 'registers',
      item: 'register bit writes',
      count: activity.registerBitWrites,
      countUnit: 'bit writes',
      energyPerActionPj: perBit,
      energyPj: perBit * activity.registerBitWrites,
      provenance: provenanceOf(model.node, 'register', 'DFF energy x register activity factor per bit written', [['gates.DFF.energy', dff], ['activity.register', register]]),
    });
  }

  for (const buffer of activity.sram) {
    const access = sramEnergyPerAccess(model, buffer.capacityBytes, buffer.wordBits);
    for (const [kind, count] of [['read', buffer.readAccesses], ['write', buffer.writeAccesses]] as const) {
      lines.push({
        component: 'sram',
        instance: buffer.buffer,
        item: `${buffer.buffer} ${kind}`,
        count,
        countUnit: `${buffer.wordBits}-bit accesses`,
        energyPerActionPj: access.energyPj,
        energyPj: access.energyPj * count,
        provenance: provenanceOf(model.node, `sram ${buffer.capacityBytes} B x ${buffer.wordBits} bits`, `${access.method}; writes are priced as reads (assumption)`, access.used),
      });
    }
  }

  for (const memory of activity.memories) lines.push(...memoryLines(memory, model));

  const areaGe = options.logicArea?.areaGe ?? options.logicAreaGe;
  lines.push(leakageLine(activity, model, areaGe, options.logicArea?.provenance));

  const byGroup: Record<string, number> = {};
  const byComponent: Record<string, number> = {};
  const byMethod: Record<string, number> = {};
  for (const line of lines) {
    byGroup[line.component] = (byGroup[line.component] ?? 0) + line.energyPj;
    const component = line.instance === undefined ? line.component : `${line.component} ${line.instance}`;
    byComponent[component] = (byComponent[component] ?? 0) + line.energyPj;
    if (line.method) byMethod[line.method] = (byMethod[line.method] ?? 0) + line.energyPj;
  }
  const totalPj = lines.reduce((sum, line) => sum + line.energyPj, 0);
  const macCount = activity.macs.reduce((sum, mac) => sum + mac.count, 0);
  return {
    node: model.node,
    activityMode: mode,
    lines,
    byGroup,
    byComponent,
    byMethod,
    totalPj,
    macCount,
    ...(macCount > 0 ? { pjPerMac: totalPj / macCount } : {}),
    leakageOmitted: areaGe === undefined,
    ...(areaGe === undefined ? {} : { logicAreaGe: areaGe }),
  };
}

/**
 * Prices the traffic of one off-chip memory or link. A host link (pcie kinds) gets two lines: the
 * link transfer, and the host memory behind it, which every transferred payload byte is read from
 * or written to, priced with the kind `model.hostMemory` names.
 */
function memoryLines(memory: MemoryActivity, model: CostModel): EnergyLine[] {
  const perBit = offchipRow(memory.kind, `memory kind '${memory.kind}' of '${memory.name}'`, model);
  const bits = (memory.readBytes + memory.writeBytes) * 8;
  const hostLink = isHostLinkKind(memory.kind);
  const transfer: EnergyLine = {
    component: hostLink ? 'host link' : 'off-chip memory',
    instance: memory.name,
    item: `${memory.name} (${memory.kind}) ${hostLink ? 'link transfer' : 'read and write'}`,
    count: bits,
    countUnit: 'bits',
    energyPerActionPj: perBit.value,
    energyPj: perBit.value * bits,
    provenance: provenanceOf(model.node, `offchip ${memory.kind}`, 'bits transferred x energy per bit', [[`offchip.${memory.kind}.energy`, perBit]]),
  };
  if (!hostLink) return [transfer];

  const host = model.hostMemory;
  const hostPerBit = offchipRow(host.kind, `host memory kind '${host.kind}' (hostMemory.kind)`, model);
  const payloadKnown = memory.payloadReadBytes !== undefined && memory.payloadWriteBytes !== undefined;
  const hostBits = payloadKnown ? (memory.payloadReadBytes! + memory.payloadWriteBytes!) * 8 : bits;
  const priced = provenanceOf(model.node, `host memory ${host.kind}`, '', [[`offchip.${host.kind}.energy`, hostPerBit]]);
  return [
    transfer,
    {
      component: 'host memory',
      instance: memory.name,
      item: `${memory.name} host memory (${host.kind}) read and write`,
      count: hostBits,
      countUnit: 'bits',
      energyPerActionPj: hostPerBit.value,
      energyPj: hostPerBit.value * hostBits,
      provenance: {
        node: model.node,
        component: `host memory ${host.kind} behind ${memory.kind}`,
        formula: payloadKnown
          ? 'payload bits moved over the link x energy per bit of the host memory kind'
          : 'link bits, which include packet overhead because the run recorded no payload bytes, x energy per bit of the host memory kind',
        rows: [rowReference(host.span, 'hostMemory.kind'), ...priced.rows],
        sources: [...new Set([host.source, ...priced.sources])],
      },
    },
  ];
}

/** Looks up an off-chip row. A missing kind is a UserError naming `description` and the known kinds. */
function offchipRow(kind: string, description: string, model: CostModel): SourcedValue {
  const row = model.offchip.get(kind);
  if (row) return row;
  const suggestion = closestMatch(kind, model.offchip.keys());
  throw new UserError(`no energy entry for ${description}; known kinds: ${[...model.offchip.keys()].join(', ')}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
}

/** Leakage of the logic over the run: nW/GE × area × seconds; a zero line marked not estimated without an area. */
function leakageLine(activity: RunActivity, model: CostModel, areaGe: number | undefined, areaProvenance: Provenance | undefined): EnergyLine {
  const seconds = activity.clockMhz > 0 ? activity.cycles / (activity.clockMhz * 1e6) : 0;
  const leakage = model.leakageNwPerGe;
  const leakageRow = provenanceOf(model.node, 'leakage', 'leakage power per GE x logic area x cycles / clock', [['leakage.power', leakage]]);
  const provenance: Provenance = areaProvenance
    ? {
        node: model.node,
        component: `leakage of ${areaProvenance.component}`,
        formula: `${leakageRow.formula}; logic area = ${areaProvenance.formula}`,
        rows: [...leakageRow.rows, ...areaProvenance.rows],
        sources: [...new Set([...leakageRow.sources, ...areaProvenance.sources])],
      }
    : leakageRow;
  if (areaGe === undefined) {
    return { component: 'leakage', item: 'logic leakage (not estimated: no logic area given)', count: 0, countUnit: 'GE·s', energyPerActionPj: leakage.value * 1e3, energyPj: 0, provenance };
  }
  if (!(areaGe >= 0) || !Number.isFinite(areaGe)) throw new UserError(`invalid logic area ${areaGe} GE: expected a non-negative number`);
  // nW × s = 1e-9 J = 1e3 pJ.
  return {
    component: 'leakage',
    item: `logic leakage, ${Math.round(areaGe)} GE for ${seconds.toExponential(3)} s`,
    count: areaGe * seconds,
    countUnit: 'GE·s',
    energyPerActionPj: leakage.value * 1e3,
    energyPj: leakage.value * areaGe * seconds * 1e3,
    provenance,
  };
}
