/**
 * The preset table of docs/isa.md, computed from the machine descriptions: the expected text of every
 * cell, for the test that keeps the docs in step with examples/arch.
 */
import { DEFAULT_TARGET, MULTIPLIER_METHODS } from '../../isa/ast.js';
import type { ArchConfig } from '../../sim/arch/index.js';
import { datapathOf } from '../../sim/exec/matrix-ops.js';
import { targetFromArch } from '../../sim/exec/target.js';

/** Row labels of the table, in order, with the text of each preset's cell. */
export const PRESET_TABLE_ROWS: readonly (readonly [string, (arch: ArchConfig) => string])[] = [
  ['cores (`ncores`)', (arch) => String(targetFromArch(arch).cores)],
  ['clock', (arch) => `${arch.clockMhz} MHz`],
  ['systolic array', systolicArray],
  ['`matmul in=`', (arch) => arch.core.matrix.inputFormats.join(', ')],
  ['`matmul out=`', (arch) => arch.core.matrix.accumulatorFormat],
  ['`method=`', (arch) => MULTIPLIER_METHODS.filter((method) => arch.core.matrix.datapaths.includes(datapathOf(method))).join(', ')],
  ['vector registers', (arch) => `v0 … v${(targetFromArch(arch).vectorRegisters ?? 0) - 1}`],
  ['vector length (largest `vsetlen`)', (arch) => String(targetFromArch(arch).vectorLength)],
  ['vector unit width (elements per cycle)', (arch) => String(arch.core.vector.lanes)],
  ['scalar registers', () => `r0 … r${DEFAULT_TARGET.scalarRegisters - 1}`],
  ['scratchpad', (arch) => `${formatBytes(arch.core.scratchpad.capacityBytes)}, ${formatCount(targetFromArch(arch).scratchpadElements ?? 0)} elements`],
  ['accumulator', (arch) => `${formatBytes(arch.core.accumulator.capacityBytes)}, ${formatCount(targetFromArch(arch).accumulatorElements ?? 0)} elements`],
  ['DMA', (arch) => `${arch.core.dma.engines} engine${arch.core.dma.engines === 1 ? '' : 's'} × ${arch.core.dma.bytesPerCycleEach} bytes/cycle`],
  ['off-chip memory', (arch) => `${arch.memory.kind}, ${arch.memory.bandwidthGBps} GB/s, ${formatBytes(arch.memory.capacityBytes)}, ${arch.memory.burstBytes}-byte bursts`],
  ['host link (`place=host`)', hostLink],
];

function systolicArray(arch: ArchConfig): string {
  const matrix = arch.core.matrix;
  const shape = `${matrix.rows}×${matrix.cols} ${matrix.dataflow}`;
  if (matrix.dataflow === 'output-stationary') return shape;
  return `${shape}, ${matrix.stationaryBuffers} weight buffer${matrix.stationaryBuffers === 1 ? '' : 's'}`;
}

function hostLink(arch: ArchConfig): string {
  const link = arch.hostLink;
  if (link === undefined) return 'none';
  return `${link.kind}, ${link.bandwidthGBps} GB/s each way, ${formatBytes(link.hostCapacityBytes)} host memory`;
}

/** Formats a byte count in the largest binary unit that divides it. */
export function formatBytes(bytes: number): string {
  const units: readonly (readonly [string, number])[] = [
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ];
  for (const [unit, size] of units) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** Builds the Markdown table: one column per preset, one row per entry of PRESET_TABLE_ROWS. */
export function presetTableMarkdown(archs: readonly ArchConfig[]): string {
  const lines = [`| | ${archs.map((arch) => `\`${arch.name}\``).join(' | ')} |`, `|---|${archs.map(() => '---|').join('')}`];
  for (const [label, cell] of PRESET_TABLE_ROWS) lines.push(`| ${label} | ${archs.map(cell).join(' | ')} |`);
  return lines.join('\n');
}
