/**
 * Pareto front of sweep points over energy, cycles and (when every point has it) mean relative
 * error, all minimised, and its summary as a text or Markdown table.
 */
import type { PointRecord } from './point.js';
import { SWEEP_PARAMETERS } from './spec.js';

/** Objectives a front may use, all minimised. */
export type Objective = 'energyPj' | 'cycles' | 'meanRelError';

/** Objectives that every successful record has: energy and cycles, plus error when numerics were on. */
export function objectivesOf(records: readonly PointRecord[]): Objective[] {
  const ok = records.filter((record) => record.status === 'ok');
  const objectives: Objective[] = ['energyPj', 'cycles'];
  if (ok.length > 0 && ok.every((record) => record.meanRelError !== undefined)) objectives.push('meanRelError');
  return objectives;
}

/** True when `a` is no worse than `b` in every objective and better in at least one. */
export function dominates(a: PointRecord, b: PointRecord, objectives: readonly Objective[]): boolean {
  let better = false;
  for (const objective of objectives) {
    const x = a[objective] as number;
    const y = b[objective] as number;
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/**
 * Returns the successful records that no other successful record dominates, sorted by the first
 * objective. Points equal in every objective are all kept.
 */
export function paretoFront(records: readonly PointRecord[], objectives: readonly Objective[] = objectivesOf(records)): PointRecord[] {
  const candidates = records.filter((record) => record.status === 'ok' && objectives.every((objective) => typeof record[objective] === 'number'));
  // Sorting by the objectives lets each point be checked only against the front found so far:
  // a point can be dominated only by one that sorts before it.
  const sorted = [...candidates].sort((x, y) => {
    for (const objective of objectives) {
      const difference = (x[objective] as number) - (y[objective] as number);
      if (difference !== 0) return difference;
    }
    return x.index - y.index;
  });
  const front: PointRecord[] = [];
  for (const record of sorted) {
    if (!front.some((member) => dominates(member, record, objectives))) front.push(record);
  }
  return front;
}

/** The Pareto front of the points of one workload. */
export interface WorkloadFront {
  readonly workload: string;
  readonly front: PointRecord[];
}

/**
 * Returns one Pareto front per workload, in the order the workloads first appear among the records.
 * Cycles and energy of different workloads measure different work, so points are compared only
 * with points of the same workload.
 */
export function paretoFronts(records: readonly PointRecord[], objectives: readonly Objective[] = objectivesOf(records)): WorkloadFront[] {
  const byWorkload = new Map<string, PointRecord[]>();
  for (const record of [...records].sort((x, y) => x.index - y.index)) {
    const workload = String(record.params.workload ?? '');
    const group = byWorkload.get(workload);
    if (group) group.push(record);
    else byWorkload.set(workload, [record]);
  }
  return [...byWorkload].map(([workload, group]) => ({ workload, front: paretoFront(group, objectives) }));
}

/** Formats a point's parameters as `key=value` pairs in parameter order. */
export function describeParameters(record: PointRecord): string {
  return SWEEP_PARAMETERS.filter((key) => record.params[key] !== undefined)
    .map((key) => `${key}=${record.params[key]}`)
    .join(' ');
}

const OBJECTIVE_HEADINGS: Readonly<Record<Objective, string>> = { energyPj: 'energy (nJ)', cycles: 'cycles', meanRelError: 'mean rel. error' };

function formatObjective(objective: Objective, value: number): string {
  if (objective === 'energyPj') return (value / 1000).toFixed(3);
  if (objective === 'cycles') return String(value);
  return value.toExponential(3);
}

/**
 * Rows of the front table: id, objectives, pJ per MAC, tokens per second and bound (when a point on
 * the front has a model workload), and parameters.
 */
export function frontRows(front: readonly PointRecord[], objectives: readonly Objective[]): string[][] {
  const models = front.some((record) => record.tokensPerSecond !== undefined);
  const header = ['id', ...objectives.map((objective) => OBJECTIVE_HEADINGS[objective]), 'pJ/MAC', ...(models ? ['tokens/s', 'bound'] : []), 'parameters'];
  const rows = front.map((record) => {
    const modelCells = record.tokensPerSecond === undefined ? ['–', '–'] : [record.tokensPerSecond.toPrecision(4), record.bound ?? '–'];
    return [
      record.id,
      ...objectives.map((objective) => formatObjective(objective, record[objective] as number)),
      record.pjPerMac === undefined ? '–' : record.pjPerMac.toFixed(3),
      ...(models ? modelCells : []),
      describeParameters(record),
    ];
  });
  return [header, ...rows];
}

/** Formats rows as a plain text table with aligned columns. */
export function textTable(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ').trimEnd());
}

/** Formats rows as a Markdown table. */
export function markdownTable(rows: readonly string[][]): string[] {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  return [`| ${rows[0].map(escape).join(' | ')} |`, `|${rows[0].map(() => '---').join('|')}|`, ...rows.slice(1).map((row) => `| ${row.map(escape).join(' | ')} |`)];
}
