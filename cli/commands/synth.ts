import type { Command } from 'commander';
import { loadCostModel, unitCost } from '../../costmodels/index.js';
import { generateUnit, resolveUnitSpec } from '../../rtl/generate.js';
import { addUnitOptions, unitRequest, type UnitOptionValues } from '../../rtl/options.js';
import { requireTool } from '../../rtl/tools.js';
import { synthesize } from '../../rtl/yosys.js';
import type { CliContext } from '../io.js';

interface SynthOptions extends UnitOptionValues {
  readonly node: string;
  readonly json: boolean;
}

/** Registers the `synth` subcommand: Yosys synthesis of a generated unit next to the cost model's estimate. */
export function register(program: Command, context: () => CliContext): void {
  const command = program
    .command('synth')
    .description('synthesise a generated unit with Yosys to generic 2-input gates and print cells, area and depth next to the cost model');
  addUnitOptions(command)
    .option('--node <node>', 'cost model to compare with: 45nm, 7nm or a cost YAML file', '45nm')
    .option('--json', 'print one JSON object instead of a table', false)
    .action(async (options: SynthOptions) => {
      const ctx = context();
      const spec = resolveUnitSpec(unitRequest(options));
      requireTool('yosys');
      const unit = generateUnit(spec);
      const model = loadCostModel(options.node);
      const estimate = unitCost(spec.unit, spec.format.name, model, spec.unit === 'mac' ? { method: spec.method } : {});
      ctx.info(`synthesising ${spec.top} with Yosys (synth -flatten; abc -g AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX)...`);
      const result = await synthesize(unit.verilog, spec.top);
      if (options.json) {
        const { netlist: _netlist, ...figures } = result;
        ctx.out(JSON.stringify({ unit: spec.unit, format: spec.format.name, ...(spec.unit === 'mac' ? { method: spec.method } : {}), adder: spec.adder, multiplier: spec.multiplier, stages: spec.stages, yosys: figures, costModel: { node: model.node, cells: estimate.genericCells, areaGe: estimate.areaGe, depth: estimate.depth } }, null, 2));
        return;
      }
      const ratio = (measured: number, estimated: number): string => (estimated > 0 ? `${((measured / estimated - 1) * 100).toFixed(0)}%` : 'n/a');
      ctx.out(`${spec.top}: unit ${spec.unit}, format ${spec.format.name}, adder ${spec.adder}, multiplier ${spec.multiplier}, ${spec.stages} stages`);
      ctx.out(`figure          yosys   cost model (${model.node})   yosys vs model`);
      ctx.out(`cells        ${String(result.cells).padStart(8)}   ${String(Math.round(estimate.genericCells)).padStart(18)}   ${ratio(result.cells, estimate.genericCells).padStart(14)}`);
      ctx.out(`area (GE)    ${result.areaGe.toFixed(1).padStart(8)}   ${estimate.areaGe.toFixed(1).padStart(18)}   ${ratio(result.areaGe, estimate.areaGe).padStart(14)}`);
      ctx.out(`depth        ${String(result.depth).padStart(8)}   ${String(estimate.depth).padStart(18)}   ${ratio(result.depth, estimate.depth).padStart(14)}`);
      ctx.out(`cells by type: ${Object.entries(result.cellsByType).map(([type, count]) => `${type.replace(/^\$_|_$/g, '')} ${count}`).join(', ')}`);
    });
}
