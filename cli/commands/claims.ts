import type { Command } from 'commander';
import { evaluateClaims, type Claim } from '../../costmodels/index.js';
import type { CliContext } from '../io.js';
import { collectSetting, loadModelFromOptions } from './costs.js';

interface ClaimsOptions {
  readonly node: string;
  readonly set: string[];
  readonly json: boolean;
}

const fraction = (value: number | null): string => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);

/** Registers the `claims` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  program
    .command('claims')
    .description("set the energy claims of L-Mul (arXiv 2410.00907) against this project's cost model, with a verdict for each")
    .option('--node <node>', 'technology node: 45nm, 7nm or a path to a node YAML file', '45nm')
    .option('--set <name=value>', 'replace one cost-model number, in the unit its name states (repeatable; see costs --list-parameters)', collectSetting, [])
    .option('--json', 'print {"claims":[{id, statement, paper, model, verdict, numbers}]} with savings as fractions', false)
    .action((options: ClaimsOptions) => runClaims(context(), options));
}

function runClaims(ctx: CliContext, options: ClaimsOptions): void {
  const model = loadModelFromOptions(options.node, options.set);
  const claims: Claim[] = evaluateClaims(model);
  if (options.json) {
    ctx.out(JSON.stringify({ node: model.node, claims }));
    return;
  }
  ctx.out(`${model.node}: savings are 1 - E(L-Mul) / E(baseline); kernel rows use the analytic tiling model`);
  const idWidth = Math.max(...claims.map((claim) => claim.id.length));
  ctx.out(`${'id'.padEnd(idWidth)}   paper    model  verdict`);
  for (const claim of claims) {
    ctx.out(`${claim.id.padEnd(idWidth)}  ${fraction(claim.paper).padStart(7)}  ${fraction(claim.model).padStart(7)}  ${claim.verdict}`);
  }
}
