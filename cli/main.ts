import { Command, CommanderError } from 'commander';
import { renderDiagnostic } from '../common/diagnostic.js';
import { EXIT_INVALID_INPUT, EXIT_USAGE, UserError } from '../common/errors.js';
import { registerCommands } from './commands/index.js';
import { colorWanted, fileSystemReason, makeContext, processIo, type CliContext, type CliIo } from './io.js';
import { rejectCombination, rejectNegationConflicts, reportUnknownOptionsFirst } from './options.js';

/** Exit status for a bug in lmulsim itself (an uncaught exception). */
export const EXIT_INTERNAL = 3;

export const VERSION = '0.1.0';

/** Builds the commander program; `main` parses with it, and tests may inspect its help. */
export function buildProgram(io: CliIo): { program: Command; context: () => CliContext } {
  const program = new Command();
  program
    .name('lmulsim')
    .description('Bit-exact simulator and energy estimator for L-Mul, floating-point multiplication by integer addition')
    .version(VERSION)
    .option('--no-color', 'disable colour (also off when NO_COLOR is set or stderr is not a terminal)')
    .option('-q, --quiet', 'print only results and errors', false)
    .option('-v, --verbose', 'print progress details on stderr', false)
    .allowExcessArguments(false)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    });

  let cached: CliContext | undefined;
  const context = (): CliContext => {
    if (cached) return cached;
    const options = program.opts<{ color: boolean; quiet: boolean; verbose: boolean }>();
    cached = makeContext(io, {
      color: colorWanted(io, options.color),
      quiet: options.quiet,
      verbose: options.verbose,
    });
    return cached;
  };
  registerCommands(program, context);
  rejectNegationConflicts(program);
  reportUnknownOptionsFirst(program);
  program.hook('preAction', () => rejectCombination(program, 'quiet', 'verbose'));
  return { program, context };
}

/**
 * Runs the CLI on `argv` (without the node and script names) and returns the exit status:
 * 0 success, 1 usage error (EXIT_USAGE), 2 invalid input (EXIT_INVALID_INPUT), 3 internal error.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const { program, context } = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    return reportError(error, io, context);
  }
}

/**
 * Describes a Node.js file-system error on a path the user gave (an output file, a trace, a
 * directory) in one sentence. Returns undefined for any other error, which stays an internal error.
 */
function describeFileSystemError(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { path, syscall } = error as NodeJS.ErrnoException;
  const reason = fileSystemReason(error);
  if (path === undefined || reason === undefined) return undefined;
  const action = syscall === 'open' || syscall === 'write' || syscall === 'rename' || syscall === 'mkdir' ? 'write' : 'access';
  return `cannot ${action} '${path}': ${reason}; check the path and that its directory exists and is writable`;
}

function reportError(error: unknown, io: CliIo, context: () => CliContext): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and version requests end with code 0.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    if (error.exitCode === 0) return 0;
    // An argument parser rejected a value, which is invalid input like any other bad value.
    return error.code === 'commander.invalidArgument' ? EXIT_INVALID_INPUT : EXIT_USAGE;
  }
  if (error instanceof UserError) {
    const ctx = context();
    for (const diagnostic of error.diagnostics) {
      const source = diagnostic.span ? error.sources.get(diagnostic.span.file) : undefined;
      io.stderr(renderDiagnostic(diagnostic, source, { color: ctx.color }) + '\n');
    }
    if (error.message) io.stderr(`${ctx.chalk.red('error')}: ${error.message}\n`);
    return error.exitCode;
  }
  const fileProblem = describeFileSystemError(error);
  if (fileProblem !== undefined) {
    io.stderr(`${context().chalk.red('error')}: ${fileProblem}\n`);
    return EXIT_INVALID_INPUT;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`internal error (a bug in lmulsim; please report it with the command that caused it):\n${text}\n`);
  return EXIT_INTERNAL;
}
