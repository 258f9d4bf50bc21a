import type { Diagnostic } from './diagnostic.js';

/**
 * Exit status for a command line of the wrong shape: an unknown command or option, a missing
 * argument or required option, an extra argument, or options that cannot be combined.
 */
export const EXIT_USAGE = 1;
/**
 * Exit status for invalid input: an option or argument value that is out of range or names nothing
 * known, an input file that is missing or invalid (program, machine, cost model, CSV), or an output
 * path that cannot be written.
 */
export const EXIT_INVALID_INPUT = 2;

/**
 * An error caused by the user's input rather than by a bug. The CLI prints its message (and its
 * diagnostics as code frames) without a stack trace and exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_INVALID_INPUT,
    readonly diagnostics: readonly Diagnostic[] = [],
    /** Source texts by file name, used to render code frames for the diagnostics. */
    readonly sources: ReadonlyMap<string, string> = new Map(),
  ) {
    super(message);
    this.name = 'UserError';
  }
}
