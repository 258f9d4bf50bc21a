import chalk, { Chalk, type ChalkInstance } from 'chalk';

/** Output streams and environment of one CLI run: data goes to stdout, diagnostics to stderr. Tests pass a capturing implementation. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal, so progress bars may be drawn. */
  readonly stderrIsTty: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTty: Boolean(process.stderr.isTTY),
    env: process.env,
  };
}

/** Output settings shared by every command, from the global options. */
export interface CliContext {
  readonly io: CliIo;
  readonly color: boolean;
  readonly chalk: ChalkInstance;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** Writes a line to stdout. */
  out(line: string): void;
  /** Writes a diagnostic line to stderr; suppressed by --quiet. */
  info(line: string): void;
  warn(line: string): void;
}

export function makeContext(io: CliIo, options: { color: boolean; quiet: boolean; verbose: boolean }): CliContext {
  const instance = options.color ? new Chalk({ level: chalk.level || 1 }) : new Chalk({ level: 0 });
  return {
    io,
    color: options.color,
    chalk: instance,
    quiet: options.quiet,
    verbose: options.verbose,
    out: (line) => io.stdout(line + '\n'),
    info: (line) => {
      if (!options.quiet) io.stderr(line + '\n');
    },
    warn: (line) => io.stderr(`${instance.yellow('warning')}: ${line}\n`),
  };
}

/** Colour is on for a terminal unless NO_COLOR is set (https://no-color.org) or --no-color is given. */
export function colorWanted(io: CliIo, flag: boolean | undefined, stream: { isTTY?: boolean } = process.stderr): boolean {
  if (flag === false) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

export { describeFileSystemError, fileSystemReason, makeDirectory } from '../common/file-system.js';
