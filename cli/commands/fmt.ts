import fs from 'node:fs';
import type { Command } from 'commander';
import { EXIT_INVALID_INPUT, UserError } from '../../common/errors.js';
import { capDiagnostics } from '../../isa/diagnostics.js';
import { MAX_SOURCE_CHARS, parseSource } from '../../isa/parse.js';
import { printProgram } from '../../isa/printer.js';
import { writeFileAtomic } from '../../sim/io/atomic.js';
import type { CliContext } from '../io.js';

interface FmtOptions {
  readonly write: boolean;
}

/** Registers the `fmt` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  program
    .command('fmt')
    .description('print a .lasm program in canonical form on stdout; the file is left unchanged unless --write is given')
    .argument('<file>', '.lasm program file')
    .option('--write', 'replace the file with its canonical form (atomically, by rename) instead of printing it', false)
    .action((file: string, options: FmtOptions) => runFmt(context(), file, options));
}

function runFmt(ctx: CliContext, file: string, options: FmtOptions): void {
  let text: string;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_SOURCE_CHARS) throw new UserError(`${file} is too large: ${size} bytes, the limit is ${MAX_SOURCE_CHARS}`);
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `file not found: ${file}` : code === 'EISDIR' ? `${file} is a directory, not a .lasm file` : `cannot read ${file}: ${(error as Error).message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  // Formatting drops lines with syntax errors, so a program with any error is not printed.
  const parsed = parseSource(text, file);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.ast || errors.length > 0) {
    throw new UserError(`${file} has ${errors.length} syntax error${errors.length === 1 ? '' : 's'}; nothing was formatted`, EXIT_INVALID_INPUT, capDiagnostics(parsed.diagnostics), new Map([[file, text]]));
  }

  const formatted = printProgram(parsed.ast);
  if (options.write) {
    if (formatted !== text) writeFileAtomic(file, formatted);
    ctx.info(formatted === text ? `${file} is already formatted` : `formatted ${file}`);
    return;
  }
  ctx.io.stdout(formatted);
}
