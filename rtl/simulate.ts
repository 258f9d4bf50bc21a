/**
 * Icarus Verilog simulation of a generated unit against vectors from the numerics core.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_USAGE, UserError } from '../common/errors.js';
import type { GeneratedUnit } from './generate.js';
import { logTail, makeTempDirectory, removeDirectory, runTool } from './tools.js';
import { formatHex, testbench, type Vector } from './vectors.js';

/** Outcome of one testbench run. */
export interface SimulationResult {
  readonly passed: number;
  readonly failed: number;
  /** The testbench's mismatch lines (at most 10). */
  readonly mismatches: readonly string[];
}

/** Parses the testbench's closing `N passed, M failed` line; throws when it is missing. */
export function parseTestbenchOutput(output: string): SimulationResult {
  const match = /^(\d+) passed, (\d+) failed$/m.exec(output);
  if (!match) throw new UserError(`the testbench printed no 'N passed, M failed' line:\n${logTail(output)}`, EXIT_USAGE);
  const mismatches = output.split('\n').filter((line) => line.startsWith('mismatch'));
  return { passed: Number(match[1]), failed: Number(match[2]), mismatches };
}

/** Compiles the unit with its testbench under Icarus (Verilog-2005) and runs the vectors. */
export async function simulateUnit(unit: GeneratedUnit, vectors: readonly Vector[]): Promise<SimulationResult> {
  const directory = makeTempDirectory();
  try {
    const vectorPath = join(directory, 'vectors.hex');
    writeFileSync(join(directory, 'unit.v'), unit.verilog);
    writeFileSync(join(directory, 'tb.v'), testbench(unit, vectors.length, 'vectors.hex'));
    writeFileSync(vectorPath, formatHex(unit, vectors));
    await runTool('iverilog', ['-g2005', '-o', 'sim.vvp', 'tb.v', 'unit.v'], { cwd: directory });
    const run = await runTool('vvp', ['-n', 'sim.vvp', `+vectors=${vectorPath}`], { cwd: directory });
    return parseTestbenchOutput(run.stdout);
  } finally {
    removeDirectory(directory);
  }
}
