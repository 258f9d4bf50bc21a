import type { Command } from 'commander';
import { generateUnit, resolveUnitSpec } from '../../rtl/generate.js';
import { addUnitOptions, unitRequest, type UnitOptionValues } from '../../rtl/options.js';
import { writeFileAtomic } from '../../rtl/tools.js';
import type { CliContext } from '../io.js';
import { checkOutputFile } from '../options.js';

interface RtlOptions extends UnitOptionValues {
  readonly output?: string;
}

/** Registers the `rtl` subcommand: writes a Verilog-2005 module for one datapath unit. */
export function register(program: Command, context: () => CliContext): void {
  const command = program
    .command('rtl')
    .description('write a Verilog-2005 module for a datapath unit (L-Mul, exact multiplier, adder or MAC), bit-exact with the numerics core');
  addUnitOptions(command)
    .option('-o, --output <file>', 'Verilog file to write (default: standard output)')
    .action((options: RtlOptions) => {
      const ctx = context();
      const spec = resolveUnitSpec(unitRequest(options));
      if (options.output !== undefined) checkOutputFile('output file', options.output);
      const unit = generateUnit(spec);
      if (options.output === undefined) {
        ctx.io.stdout(unit.verilog);
        return;
      }
      writeFileAtomic(options.output, unit.verilog);
      const ports = [...(unit.latencyCycles > 0 ? ['clk'] : []), ...unit.inputs.map((port) => `${port.name}[${port.widthBits}]`)];
      ctx.info(`wrote ${options.output}: module ${unit.spec.top} (${ports.join(', ')} -> ${unit.output.name}[${unit.output.widthBits}]), latency ${unit.latencyCycles} cycles`);
    });
}
