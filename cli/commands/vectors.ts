import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { checkOutputFile, parseChoiceOption, parseIntegerOption, rejectCombination, rejectOptions } from '../options.js';
import { generateUnit, resolveUnitSpec } from '../../rtl/generate.js';
import { addUnitOptions, unitRequest, type UnitOptionValues } from '../../rtl/options.js';
import { writeFileAtomic } from '../../rtl/tools.js';
import { buildVectors, DISTRIBUTIONS, formatHex, MAX_VECTORS, testbench, type Distribution } from '../../rtl/vectors.js';
import type { CliContext } from '../io.js';

interface VectorsOptions extends UnitOptionValues {
  readonly output: string;
  readonly count?: string;
  readonly exhaustive: boolean;
  readonly seed: string;
  readonly distribution: string;
  readonly testbench?: string;
}

/** Registers the `vectors` subcommand: test vectors from the numerics core and a self-checking testbench. */
export function register(program: Command, context: () => CliContext): void {
  const command = program
    .command('vectors')
    .description('write $readmemh test vectors computed by the numerics core, and a self-checking Icarus testbench');
  addUnitOptions(command)
    .requiredOption('-o, --output <file>', 'vector file to write (required; $readmemh hex, one vector per line: inputs then expected output)')
    .option('--count <n>', `number of random vectors, 1 to ${MAX_VECTORS} (default 10000)`)
    .option('--exhaustive', 'every operand pair instead of random ones (8-bit operands only)', false)
    .option('--seed <n>', 'seed of the random operands, an unsigned 32-bit integer', '1')
    .option('--distribution <name>', `random operands: uniform (every bit pattern) or weights (normal, std 0.02, rounded to the format)`, 'uniform')
    .option('--testbench <file>', 'testbench file to write (default: the vector file name with _tb.v in place of its extension)')
    .action((options: VectorsOptions, command: Command) => {
      const ctx = context();
      rejectCombination(command, 'exhaustive', 'count');
      if (options.exhaustive) rejectOptions(command, ['seed', 'distribution'], 'to --exhaustive, which writes every operand pair');
      const spec = resolveUnitSpec(unitRequest(options));
      const distribution: Distribution = parseChoiceOption('--distribution', options.distribution, DISTRIBUTIONS);
      const count = options.count === undefined ? 10_000 : parseIntegerOption('--count', options.count, 1, MAX_VECTORS);
      const seed = parseIntegerOption('--seed', options.seed, 0, 0xffffffff);
      const testbenchPath = options.testbench ?? options.output.replace(/(\.[^./\\]*)?$/, '_tb.v');
      checkOutputFile('vector file', options.output);
      checkOutputFile('testbench', testbenchPath);

      const unit = generateUnit(spec);
      const vectors = buildVectors(unit, { exhaustive: options.exhaustive, count, seed, distribution });
      // vvp opens the default name in its working directory unless +vectors=PATH is given.
      const bench = testbench(unit, vectors.length, basename(options.output));
      writeFileAtomic(options.output, formatHex(unit, vectors));
      try {
        writeFileAtomic(testbenchPath, bench);
      } catch (error) {
        rmSync(options.output, { force: true });
        throw error;
      }
      ctx.info(`wrote ${vectors.length} vectors to ${options.output} and testbench ${unit.spec.top}_tb to ${testbenchPath}`);
      ctx.info(`simulate with: iverilog -g2005 -o sim.vvp ${testbenchPath} UNIT.v && vvp -n sim.vvp +vectors=${options.output}`);
      ctx.info(`where UNIT.v is written by 'lmulsim rtl' with the same unit options`);
    });
}
