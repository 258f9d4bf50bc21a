/**
 * Regenerates the synthesis table of docs/rtl.md and costmodels/data/toggles-measured.yaml:
 * L-Mul against the exact multiplier in e4m3, e5m2, bf16, fp16 and fp32, synthesised with Yosys,
 * simulated at gate level under Icarus, and set beside the cost model's estimate.
 *
 * Run from the repository root: `npx tsx rtl/report.ts` (about a minute of CPU time).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadCostModel, unitCost } from '../costmodels/index.js';
import { generateUnit, resolveUnitSpec } from './generate.js';
import { runTool, writeFileAtomic } from './tools.js';
import { measureToggles } from './toggles.js';
import { synthesize } from './yosys.js';

/** Formats and units of the table, in table order. */
export const REPORT_FORMATS = ['e4m3', 'e5m2', 'bf16', 'fp16', 'fp32'] as const;
export const REPORT_UNITS = ['lmul', 'fpmul'] as const;

/** Random operations per toggle measurement, and the seed of their operands. */
export const TOGGLE_OPERATIONS = 2000;
export const TOGGLE_SEED = 1;

const REPORT_COMMAND = 'npx tsx rtl/report.ts';
const BEGIN_MARKER = '<!-- rtl-report:begin -->';
const END_MARKER = '<!-- rtl-report:end -->';

/** One row of the table: synthesis, gate-level activity and the cost model's estimate for one unit. */
export interface ReportRow {
  readonly unit: string;
  readonly format: string;
  readonly cells: number;
  readonly areaGe: number;
  readonly depth: number;
  readonly togglesUniform: number;
  readonly togglesWeights: number;
  readonly inputBitTogglesUniform: number;
  readonly inputBitTogglesWeights: number;
  readonly modelCells: number;
  readonly modelDepth: number;
}

/** Synthesises and measures every unit and format of the report (rca adders, Dadda multipliers, combinational). */
export async function measureReport(log: (line: string) => void = () => {}): Promise<ReportRow[]> {
  const model = loadCostModel('45nm');
  const rows: ReportRow[] = [];
  for (const format of REPORT_FORMATS) {
    for (const unitName of REPORT_UNITS) {
      const unit = generateUnit(resolveUnitSpec({ unit: unitName, format }));
      const synthesis = await synthesize(unit.verilog, unit.spec.top);
      const uniform = await measureToggles(unit, synthesis.netlist, 'uniform', TOGGLE_OPERATIONS, TOGGLE_SEED);
      const weights = await measureToggles(unit, synthesis.netlist, 'weights', TOGGLE_OPERATIONS, TOGGLE_SEED);
      const estimate = unitCost(unitName, format, model);
      rows.push({
        unit: unitName,
        format,
        cells: synthesis.cells,
        areaGe: synthesis.areaGe,
        depth: synthesis.depth,
        togglesUniform: uniform.togglesPerOperation,
        togglesWeights: weights.togglesPerOperation,
        inputBitTogglesUniform: uniform.inputBitTogglesPerOperation,
        inputBitTogglesWeights: weights.inputBitTogglesPerOperation,
        modelCells: estimate.genericCells,
        modelDepth: estimate.depth,
      });
      log(`${unitName} ${format}: ${synthesis.cells} cells, depth ${synthesis.depth}, ${uniform.togglesPerOperation.toFixed(1)} toggles per operation`);
    }
  }
  return rows;
}

function fixed(value: number, digits = 1): string {
  return value.toFixed(digits);
}

/** Formats the rows as the Markdown table of docs/rtl.md. */
export function reportTable(rows: readonly ReportRow[]): string {
  const lines = [
    '| format | unit | cells | area (GE) | depth | toggles/op, uniform | toggles/op, weights | cost model cells | cost model depth |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.format} | ${row.unit} | ${row.cells} | ${fixed(row.areaGe)} | ${row.depth} | ${fixed(row.togglesUniform)} | ${fixed(row.togglesWeights)} | ${Math.round(row.modelCells)} | ${row.modelDepth} |`,
    );
  }
  lines.push('', '| format | lmul / fpmul cells | lmul / fpmul area | lmul / fpmul depth | lmul / fpmul toggles, uniform | lmul / fpmul toggles, weights |', '|---|---:|---:|---:|---:|---:|');
  for (const format of REPORT_FORMATS) {
    const lmul = rows.find((row) => row.format === format && row.unit === 'lmul');
    const fpmul = rows.find((row) => row.format === format && row.unit === 'fpmul');
    if (!lmul || !fpmul) continue;
    const ratio = (x: number, y: number): string => `${((100 * x) / y).toFixed(0)}%`;
    lines.push(
      `| ${format} | ${ratio(lmul.cells, fpmul.cells)} | ${ratio(lmul.areaGe, fpmul.areaGe)} | ${ratio(lmul.depth, fpmul.depth)} | ${ratio(lmul.togglesUniform, fpmul.togglesUniform)} | ${ratio(lmul.togglesWeights, fpmul.togglesWeights)} |`,
    );
  }
  return lines.join('\n');
}

/** Returns the YAML text of costmodels/data/toggles-measured.yaml for the rows. */
export function togglesYaml(rows: readonly ReportRow[], yosysVersion: string): string {
  const units: Record<string, Record<string, unknown>> = {};
  for (const row of rows) {
    units[row.unit] ??= {};
    units[row.unit][row.format] = {
      cells: row.cells,
      togglesPerOperation: { uniform: round(row.togglesUniform), weights: round(row.togglesWeights) },
      inputBitTogglesPerOperation: { uniform: round(row.inputBitTogglesUniform), weights: round(row.inputBitTogglesWeights) },
      togglesPerInputBit: { uniform: round(row.togglesUniform / row.inputBitTogglesUniform), weights: round(row.togglesWeights / row.inputBitTogglesWeights) },
    };
  }
  const header = [
    '# Net toggles per operation of the generated L-Mul (lmul) and exact (fpmul) multipliers, measured by',
    '# zero-delay Icarus simulation of the Yosys gate-level netlist (synth -flatten; abc to generic 2-input gates).',
    '# A toggle is one net (input, output or internal wire) changing value between consecutive operations.',
    '# uniform: every operand bit pattern equally likely; weights: both operands normal with std 0.02, rounded',
    '# to the format (saturating). togglesPerInputBit = togglesPerOperation / inputBitTogglesPerOperation.',
    `# Generated by \`${REPORT_COMMAND}\`; do not edit by hand.`,
  ].join('\n');
  const body = stringify({ command: REPORT_COMMAND, tool: yosysVersion, operations: TOGGLE_OPERATIONS, seed: TOGGLE_SEED, units });
  return `${header}\n${body}`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Replaces the text between the report markers of a Markdown document. */
export function replaceTable(document: string, table: string): string {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (begin < 0 || end < begin) throw new Error(`docs/rtl.md has no ${BEGIN_MARKER} ... ${END_MARKER} region`);
  return `${document.slice(0, begin + BEGIN_MARKER.length)}\n${table}\n${document.slice(end)}`;
}

async function main(): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const rows = await measureReport((line) => process.stderr.write(line + '\n'));
  const docPath = join(root, 'docs', 'rtl.md');
  writeFileAtomic(docPath, replaceTable(readFileSync(docPath, 'utf8'), reportTable(rows)));
  const yosys = (await runTool('yosys', ['-V'])).stdout.trim();
  const icarusRun = await runTool('iverilog', ['-V']);
  const icarus = (icarusRun.stdout || icarusRun.stderr).split('\n')[0].trim();
  writeFileAtomic(join(root, 'costmodels', 'data', 'toggles-measured.yaml'), togglesYaml(rows, `${yosys}; ${icarus}`));
  process.stderr.write(`updated ${docPath} and costmodels/data/toggles-measured.yaml\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
