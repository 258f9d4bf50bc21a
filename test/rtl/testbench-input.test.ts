import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUnit, resolveUnitSpec, type GeneratedUnit } from '../../rtl/generate.js';
import { findTool, makeTempDirectory, removeDirectory, runTool } from '../../rtl/tools.js';
import { buildVectors, formatHex, testbench, type Vector } from '../../rtl/vectors.js';

const haveIcarus = findTool('iverilog') !== undefined && findTool('vvp') !== undefined;

/** Runs the compiled testbench and returns its exit status (0 or 1) and output instead of throwing. */
async function runVvp(directory: string, cwd: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  try {
    const run = await runTool('vvp', ['-n', join(directory, 'sim.vvp'), ...args], { cwd });
    return { code: 0, output: run.stdout + run.stderr };
  } catch (error) {
    return { code: 1, output: (error as Error).message };
  }
}

/** Compiles `unit` (or `dutSource` in its place) with a testbench for `vectors` into `directory`. */
async function compile(directory: string, unit: GeneratedUnit, vectors: readonly Vector[], dutSource = unit.verilog): Promise<void> {
  writeFileSync(join(directory, 'unit.v'), dutSource);
  writeFileSync(join(directory, 'tb.v'), testbench(unit, vectors.length, 'v.hex'));
  await runTool('iverilog', ['-g2005', '-o', 'sim.vvp', 'tb.v', 'unit.v'], { cwd: directory });
}

describe.runIf(haveIcarus)('rtl testbench input checks', () => {
  let directory: string;
  const combinational = generateUnit(resolveUnitSpec({ unit: 'lmul', format: 'e4m3' }));
  const pipelined = generateUnit(resolveUnitSpec({ unit: 'lmul', format: 'e4m3', stages: 2 }));
  const vectors = buildVectors(combinational, { exhaustive: false, count: 40, seed: 3, distribution: 'uniform' });
  const hex = formatHex(combinational, vectors);

  beforeAll(() => {
    directory = makeTempDirectory();
    mkdirSync(join(directory, 'elsewhere'));
  });
  afterAll(() => removeDirectory(directory));

  for (const [name, unit] of [['combinational', combinational], ['pipelined', pipelined]] as const) {
    describe(name, () => {
      let build: string;
      beforeAll(async () => {
        build = join(directory, name);
        mkdirSync(build);
        await compile(build, unit, vectors);
      });

      it('passes with the full file', async () => {
        writeFileSync(join(build, 'v.hex'), hex);

        const result = await runVvp(build, build, []);

        expect(result.code).toBe(0);
        expect(result.output).toContain('40 passed, 0 failed');
      });

      it('fails without the file in the working directory', async () => {
        writeFileSync(join(build, 'v.hex'), hex);

        const result = await runVvp(build, join(directory, 'elsewhere'), []);

        expect(result.code).not.toBe(0);
        expect(result.output).toContain('cannot open the vectors file v.hex');
        expect(result.output).not.toMatch(/\d+ passed/);
      });

      it('fails on a nonexistent +vectors file', async () => {
        const result = await runVvp(build, build, ['+vectors=nonexistent.hex']);

        expect(result.code).not.toBe(0);
        expect(result.output).toContain('cannot open the vectors file nonexistent.hex');
        expect(result.output).not.toMatch(/\d+ passed/);
      });

      it('fails on a short file', async () => {
        const short = join(build, 'short.hex');
        writeFileSync(short, hex.split('\n').slice(0, 25).join('\n') + '\n');

        const result = await runVvp(build, build, [`+vectors=${short}`]);

        expect(result.code).not.toBe(0);
        expect(result.output).toContain('word 25 is missing or contains x/z digits; expected 40 vectors');
        expect(result.output).not.toMatch(/\d+ passed/);
      });

      it('fails on a word with x digits', async () => {
        const lines = hex.trim().split('\n');
        lines[7] = 'xxxxxx';
        const withUnknown = join(build, 'unknown.hex');
        writeFileSync(withUnknown, lines.join('\n') + '\n');

        const result = await runVvp(build, build, [`+vectors=${withUnknown}`]);

        expect(result.code).not.toBe(0);
        expect(result.output).toContain('word 7 is missing or contains x/z digits');
      });
    });
  }

  it('counts an unknown output as failed', async () => {
    const build = join(directory, 'unknown-output');
    mkdirSync(build);
    const unknownDut = `module ${combinational.spec.top} (input [7:0] a, input [7:0] b, output [7:0] y);\n  assign y = 8'bx;\nendmodule\n`;
    await compile(build, combinational, vectors, unknownDut);
    writeFileSync(join(build, 'v.hex'), hex);

    const result = await runVvp(build, build, []);

    expect(result.code).toBe(0);
    expect(result.output).toContain('0 passed, 40 failed');
  });
});
