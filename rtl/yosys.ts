/**
 * Yosys synthesis of a generated unit to a generic two-input gate set, and parsers for the cell
 * counts of `stat -json` and the logic depth of `ltp`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_USAGE, UserError } from '../common/errors.js';
import { makeTempDirectory, removeDirectory, runTool } from './tools.js';

/** The gate set ABC maps to: every two-input function plus a 2:1 multiplexer. */
export const GENERIC_GATES = ['AND', 'NAND', 'OR', 'NOR', 'XOR', 'XNOR', 'ANDNOT', 'ORNOT', 'MUX'] as const;

/**
 * Area of each Yosys generic cell in gate equivalents (1 GE = one two-input NAND). The ratios
 * are typical of standard-cell libraries (an estimate, not one library's figures): inverting
 * two-input gates 1, non-inverting and one-input-inverted gates 1.33, XOR/XNOR and MUX2 2.33,
 * an inverter 0.67, a D flip-flop 4.33.
 */
export const CELL_AREA_GE: Readonly<Record<string, number>> = {
  $_NAND_: 1,
  $_NOR_: 1,
  $_AND_: 1.33,
  $_OR_: 1.33,
  $_ANDNOT_: 1.33,
  $_ORNOT_: 1.33,
  $_XOR_: 2.33,
  $_XNOR_: 2.33,
  $_MUX_: 2.33,
  $_NOT_: 0.67,
  $_BUF_: 0.67,
  $_DFF_P_: 4.33,
};

/** Synthesis figures of one unit. */
export interface SynthesisResult {
  /** Cells of the mapped netlist, flip-flops included. */
  readonly cells: number;
  readonly cellsByType: Readonly<Record<string, number>>;
  /** Area in NAND2 gate equivalents from CELL_AREA_GE. */
  readonly areaGe: number;
  /** Longest path in cells between inputs, outputs and flip-flops (Yosys `ltp -noff`). */
  readonly depth: number;
  /** The mapped netlist (`write_verilog -noattr -noexpr`), for gate-level simulation. */
  readonly netlist: string;
}

/** Returns the Yosys script: flatten, generic synthesis, plain D flip-flops, ABC mapping to GENERIC_GATES, reports. */
export function synthesisScript(sourcePath: string, top: string): string {
  return [
    `read_verilog ${sourcePath}`,
    `synth -flatten -top ${top}`,
    // Yosys folds output logic that forces a constant into flip-flops with synchronous reset.
    // Mapping every flip-flop back to a plain D flip-flop keeps that logic in the gate count.
    `dfflegalize -cell $_DFF_P_ 01`,
    `abc -g ${GENERIC_GATES.join(',')}`,
    `opt_clean -purge`,
    `tee -q -o stat.json stat -json`,
    `tee -q -o ltp.txt ltp -noff`,
    `write_verilog -noattr -noexpr netlist.v`,
  ].join('\n');
}

/** Parses `stat -json` output into the cell count and cells by type of the top module (design totals). */
export function parseStatJson(text: string): { cells: number; cellsByType: Record<string, number> } {
  let parsed: unknown;
  try {
    // Yosys 0.23 prints the JSON after the command echo when the log is teed; start at the first brace.
    parsed = JSON.parse(text.slice(text.indexOf('{')));
  } catch (error) {
    throw new UserError(`cannot parse Yosys 'stat -json' output: ${(error as Error).message}`, EXIT_USAGE);
  }
  const design = (parsed as { design?: { num_cells?: number; num_cells_by_type?: Record<string, number> } }).design;
  if (!design || typeof design.num_cells !== 'number') throw new UserError(`Yosys 'stat -json' output has no design.num_cells`, EXIT_USAGE);
  return { cells: design.num_cells, cellsByType: { ...(design.num_cells_by_type ?? {}) } };
}

/** Parses `ltp` output: "Longest topological path in TOP (length=N):". */
export function parseLtp(text: string): number {
  const match = /Longest topological path in \S+ \(length=(\d+)\)/.exec(text);
  if (!match) throw new UserError(`cannot find 'Longest topological path' in Yosys 'ltp' output`, EXIT_USAGE);
  return Number(match[1]);
}

/** Returns the area in gate equivalents of the cells; unknown cell types throw, so the table stays complete. */
export function areaGe(cellsByType: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const [type, count] of Object.entries(cellsByType)) {
    const area = CELL_AREA_GE[type];
    if (area === undefined) throw new Error(`no gate-equivalent area for Yosys cell type ${type}`);
    total += area * count;
  }
  return Math.round(total * 100) / 100;
}

/** Synthesises `verilog` with top module `top` and returns cells, area, depth and the mapped netlist. */
export async function synthesize(verilog: string, top: string): Promise<SynthesisResult> {
  const directory = makeTempDirectory();
  try {
    writeFileSync(join(directory, 'unit.v'), verilog);
    writeFileSync(join(directory, 'synth.ys'), synthesisScript('unit.v', top));
    await runTool('yosys', ['-q', '-s', 'synth.ys'], { cwd: directory });
    const { cells, cellsByType } = parseStatJson(readFileSync(join(directory, 'stat.json'), 'utf8'));
    const depth = parseLtp(readFileSync(join(directory, 'ltp.txt'), 'utf8'));
    const netlist = readFileSync(join(directory, 'netlist.v'), 'utf8');
    return { cells, cellsByType, areaGe: areaGe(cellsByType), depth, netlist };
  } finally {
    removeDirectory(directory);
  }
}
