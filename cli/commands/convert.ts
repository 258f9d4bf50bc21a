import type { Command } from 'commander';
import type { CliContext } from '../io.js';

/** Registers the `convert` subcommand. */
export function register(_program: Command, _context: () => CliContext): void {}
