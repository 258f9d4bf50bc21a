/**
 * Text tables and the JSON object that `lmulsim run` prints for a finished run.
 */
import type { EnergyReport } from '../../costmodels/index.js';
import type { ArchConfig } from '../arch/types.js';
import { STALL_CAUSES } from '../trace/types.js';
import type { TensorError } from './compare.js';
import type { UnitCounters } from './counters.js';
import type { RunResult } from './executor.js';

/** Inputs of a run report. */
export interface RunReportInput {
  readonly file: string;
  readonly arch: ArchConfig;
  readonly result: RunResult;
  readonly fidelity: string;
  readonly numerics: boolean;
  readonly tensorErrors?: readonly TensorError[];
  /** Output files written with --out. */
  readonly written: readonly string[];
  readonly trace?: string;
  readonly energy?: EnergyReport;
}

/** Builds the JSON report: cycles, macs, utilization and stalls first, then every counter. */
export function runReportJson(input: RunReportInput): Record<string, unknown> {
  const { result, arch } = input;
  const counters = result.counters;
  const stalls = counters.stallsByCause();
  return {
    program: input.file,
    arch: arch.name,
    cycles: result.cycles,
    macs: result.macs,
    utilization: result.utilization,
    stalls,
    seconds: result.seconds,
    clockMhz: result.clockMhz,
    cores: result.coreCount,
    fidelity: input.fidelity,
    numerics: input.numerics ? 'on' : 'off',
    instructions: result.instructions,
    units: counters.units.map((unit) => ({
      core: unit.core,
      unit: unit.unit,
      instructions: unit.instructions,
      busyCycles: unit.busyCycles,
      stallCycles: Object.fromEntries(STALL_CAUSES.map((cause, i) => [cause, unit.stallCycles[i]])),
      idleCycles: idleCycles(unit, result.cycles),
    })),
    macsByKind: counters.macs.map((slot) => ({
      method: slot.method,
      format: slot.format,
      accumulator: slot.accumulator,
      count: slot.count,
      ...(result.togglesMeasured ? { operandToggleBits: slot.operandToggleBits } : {}),
    })),
    vectorOps: counters.vectorOps.map((slot) => ({ op: slot.op, format: slot.format, ...(slot.method ? { method: slot.method } : {}), elementOps: slot.elementOps })),
    sram: counters.sram.map((slot) => ({ ...slot })),
    memories: counters.memories.map((slot) => ({ ...slot })),
    ...(counters.windows
      ? {
          windows: {
            cycles: counters.windows.windowCycles,
            columns: ['macs', 'dramBytes', 'hostBytes', ...counters.units.map((u) => `core${u.core}.${u.unit}.busy`), ...counters.units.map((u) => `core${u.core}.${u.unit}.stall`)],
            rows: counters.windows.rows.map((row) => Array.from(row)),
          },
        }
      : {}),
    hazards: { count: result.hazards.count, first: result.hazards.first.map((hazard) => hazard.message) },
    ...(input.tensorErrors ? { errors: input.tensorErrors.map(tensorErrorJson) } : {}),
    ...(input.written.length > 0 ? { outputs: input.written } : {}),
    ...(input.trace ? { trace: input.trace } : {}),
    ...(input.energy ? { energy: input.energy } : {}),
    activity: result.activity(),
  };
}

/** Converts one tensor's error record to JSON, with null relative errors when no element has a finite, non-zero reference. */
function tensorErrorJson(error: TensorError): Record<string, unknown> {
  if (error.relErrorElements > 0) return { ...error };
  return { ...error, maxRelError: null, meanRelError: null };
}

/** Formats a relative-error statistic, or '-' when it covers no element. */
function relErrorCell(error: TensorError, value: number): string {
  return error.relErrorElements > 0 ? value.toExponential(3) : '-';
}

/** Cycles of the run in which a unit neither worked nor waited: its queue was empty. */
function idleCycles(unit: UnitCounters, cycles: number): number {
  let stalled = 0;
  for (const value of unit.stallCycles) stalled += value;
  return Math.max(0, cycles - unit.busyCycles - stalled);
}

/** Formats a number with thousands separators, or in exponent form when very large. */
function count(value: number): string {
  if (Math.abs(value) >= 1e15) return value.toExponential(3);
  return Math.round(value).toLocaleString('en-US');
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Formats a table with a header row; the first column is left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
}

function duration(seconds: number): string {
  if (seconds >= 1) return `${seconds.toFixed(3)} s`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toFixed(3)} ms`;
  return `${(seconds * 1e6).toFixed(3)} µs`;
}

/** Builds the text report as lines. */
export function formatRunReport(input: RunReportInput): string[] {
  const { result, arch } = input;
  const counters = result.counters;
  const matrix = arch.core.matrix;
  const lines: string[] = [];

  lines.push(`program      ${input.file}`);
  lines.push(`machine      ${arch.name}: ${result.coreCount} core${result.coreCount === 1 ? '' : 's'}, ${matrix.rows}×${matrix.cols} ${matrix.dataflow} array, ${arch.clockMhz} MHz`);
  lines.push(`settings     fidelity ${input.fidelity}, numerics ${input.numerics ? 'on' : 'off'}`);
  lines.push(`cycles       ${count(result.cycles)} (${duration(result.seconds)} at ${arch.clockMhz} MHz)`);
  lines.push(`MACs         ${count(result.macs)}`);
  lines.push(`utilization  ${percent(result.utilization)} of ${count(matrix.rows * matrix.cols * result.coreCount)} MACs per cycle`);
  lines.push(`instructions ${count(result.instructions)} dispatched`);

  lines.push('', 'Units (cycles)');
  lines.push(
    ...table(
      ['unit', 'instructions', 'busy', 'busy %', 'idle', ...STALL_CAUSES.map((cause) => `stall ${cause}`)],
      counters.units
        .filter((unit) => unit.instructions > 0)
        .map((unit) => [
          `core${unit.core}.${unit.unit}`,
          count(unit.instructions),
          count(unit.busyCycles),
          result.cycles > 0 ? percent(unit.busyCycles / result.cycles) : '-',
          count(idleCycles(unit, result.cycles)),
          ...STALL_CAUSES.map((_, i) => count(unit.stallCycles[i])),
        ]),
    ),
  );

  const stalls = counters.stallsByCause();
  lines.push('', 'Stalls by cause (cycles, summed over units)');
  lines.push(...table(['cause', 'cycles'], STALL_CAUSES.map((cause) => [cause, count(stalls[cause])])));

  if (counters.macs.length > 0) {
    lines.push('', 'MACs');
    const toggles = result.togglesMeasured;
    lines.push(
      ...table(
        ['method', 'format', 'accumulator', 'count', ...(toggles ? ['toggle bits', 'toggles/MAC'] : [])],
        counters.macs.map((slot) => [
          slot.method,
          slot.format,
          slot.accumulator,
          count(slot.count),
          ...(toggles ? [count(slot.operandToggleBits), slot.count > 0 ? (slot.operandToggleBits / slot.count).toFixed(3) : '-'] : []),
        ]),
      ),
    );
  }
  if (counters.vectorOps.length > 0) {
    lines.push('', 'Vector operations (elements)');
    lines.push(...table(['op', 'format', 'method', 'elements'], counters.vectorOps.map((slot) => [slot.op, slot.format, slot.method ?? '-', count(slot.elementOps)])));
  }
  lines.push('', 'SRAM traffic');
  lines.push(
    ...table(
      ['buffer', 'read bytes', 'reads', 'write bytes', 'writes', 'conflict cycles'],
      counters.sram.map((slot) => [slot.buffer, count(slot.readBytes), count(slot.readAccesses), count(slot.writeBytes), count(slot.writeAccesses), count(slot.conflictCycles)]),
    ),
  );
  lines.push('', 'Off-chip traffic');
  lines.push(...table(['memory', 'kind', 'read bytes', 'write bytes'], counters.memories.map((slot) => [slot.name, slot.kind, count(slot.readBytes), count(slot.writeBytes)])));

  if (input.tensorErrors && input.tensorErrors.length === 0) {
    lines.push('', 'Error against the fp64 reference: none, because the program has no output tensors. Mark the tensors to compare with the output flag of .tensor.');
  } else if (input.tensorErrors) {
    lines.push('', 'Error against the fp64 reference');
    lines.push(
      ...table(
        ['tensor', 'elements', 'max rel error', 'mean rel error', 'zero reference', 'non-finite'],
        input.tensorErrors.map((error) => [
          error.tensor,
          count(error.elements),
          relErrorCell(error, error.maxRelError),
          relErrorCell(error, error.meanRelError),
          count(error.zeroReference),
          count(error.nonFinite),
        ]),
      ),
    );
  }
  if (input.energy) lines.push(...formatEnergy(input.energy));
  if (counters.windows) lines.push('', `Windows: ${counters.windows.rows.length} of ${count(counters.windows.windowCycles)} cycles (use --json for their counters)`);
  if (input.written.length > 0) lines.push('', `wrote ${input.written.join(', ')}`);
  if (input.trace) lines.push('', `trace written to ${input.trace}`);
  return lines;
}

/** Formats the energy estimate: total, energy per MAC and the breakdown by component and method. */
function formatEnergy(energy: EnergyReport): string[] {
  const lines = ['', `Energy (${energy.node}, ${energy.activityMode} activity factors)`];
  const total = energy.totalPj;
  lines.push(
    ...table(
      ['component', 'energy pJ', 'share'],
      Object.entries(energy.byComponent).map(([component, pj]) => [component, pj.toExponential(4), total > 0 ? percent(pj / total) : '-']),
    ),
  );
  lines.push(`total        ${total.toExponential(4)} pJ${energy.pjPerMac !== undefined ? `, ${energy.pjPerMac.toFixed(4)} pJ per MAC` : ''}`);
  if (Object.keys(energy.byMethod).length > 0) lines.push(`by method    ${Object.entries(energy.byMethod).map(([method, pj]) => `${method} ${pj.toExponential(4)} pJ`).join(', ')}`);
  if (energy.leakageOmitted) lines.push('leakage      not estimated (no logic area given)');
  return lines;
}
