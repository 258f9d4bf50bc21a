import type { Command } from 'commander';
import type { CliContext } from '../io.js';
import * as accuracy from './accuracy.js';
import * as attentionNumerics from './attention-numerics.js';
import * as check from './check.js';
import * as claims from './claims.js';
import * as convert from './convert.js';
import * as costs from './costs.js';
import * as error from './error.js';
import * as fmt from './fmt.js';
import * as model from './model.js';
import * as mul from './mul.js';
import * as rtl from './rtl.js';
import * as run from './run.js';
import * as compare from './compare.js';
import * as synth from './synth.js';
import * as sweep from './sweep.js';
import * as scalesim from './scalesim.js';
import * as vectors from './vectors.js';

/** Each module adds one subcommand; the order here is the order in `lmulsim --help`. */
const COMMANDS = [mul, convert, error, check, fmt, run, compare, model, costs, claims, rtl, vectors, synth, sweep, scalesim, accuracy, attentionNumerics];

export function registerCommands(program: Command, context: () => CliContext): void {
  for (const command of COMMANDS) command.register(program, context);
}
