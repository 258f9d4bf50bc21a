import type { Command } from 'commander';
import { countOf } from '../../common/plural.js';
import { renderDiagnostic, type Diagnostic } from '../../common/diagnostic.js';
import { EXIT_INVALID_INPUT, UserError } from '../../common/errors.js';
import { capDiagnostics, MAX_DIAGNOSTICS, omittedCounts } from '../../isa/diagnostics.js';
import { checkFiles } from '../../isa/files.js';
import { loadArch } from '../../sim/arch/index.js';
import { checkProgramOnMachine } from '../../sim/exec/arch-check.js';
import { targetFromArch } from '../../sim/exec/target.js';
import { parseIntegerOption } from '../options.js';
import { DEFAULT_ARCH } from './run.js';
import type { CliContext } from '../io.js';

interface CheckOptions {
  readonly arch?: string;
  readonly json: boolean;
  readonly maxDiagnostics: string;
}

/** Registers the `check` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  program
    .command('check')
    .description('parse and validate .lasm programs; exit 0 when clean (warnings allowed), 2 when any error')
    .argument('<files...>', '.lasm program files')
    .option(
      '-a, --arch <file|preset>',
      'also check against this machine description: array size, buffer sizes in bytes, vector registers, cores, matrix datapaths, input and accumulator formats, memory capacity; default: the generic limits in docs/isa.md',
    )
    .option('--json', 'print {"diagnostics":[{file, line, column, severity, message}]} on stdout instead of code frames on stderr, with "notes" in the same form for checks that were skipped', false)
    .option('--max-diagnostics <count>', 'maximum number of diagnostics to print; the rest are counted in a final note', String(MAX_DIAGNOSTICS))
    .action((files: string[], options: CheckOptions) => runCheck(context(), files, options));
}

function runCheck(ctx: CliContext, files: readonly string[], options: CheckOptions): void {
  const maxDiagnostics = parseIntegerOption('--max-diagnostics', options.maxDiagnostics, 1, 1_000_000);
  const arch = options.arch === undefined ? undefined : loadArch(options.arch);
  const results = checkFiles(files, arch ? targetFromArch(arch, { matrixUnit: true }) : undefined);

  const all: Diagnostic[] = [];
  const notes: Diagnostic[] = [];
  // Per file, in order: how many entries of `all` it added and its notes, so text output can print
  // each file's notes right after that file's diagnostics.
  const groups: { diagnosticCount: number; notes: readonly Diagnostic[] }[] = [];
  const sources = new Map<string, string>();
  for (const result of results) {
    const machineDiagnostics = arch && result.program ? checkProgramOnMachine(result.program, arch, { sources: result.sources }) : [];
    const fileDiagnostics = [...result.diagnostics, ...machineDiagnostics];
    for (const diagnostic of fileDiagnostics) {
      // File-level problems (a missing file) have no span; give them the file name for --json.
      all.push(diagnostic.span ? diagnostic : { ...diagnostic, span: { file: result.file, line: 1, column: 1 } });
    }
    notes.push(...result.notes);
    groups.push({ diagnosticCount: fileDiagnostics.length, notes: result.notes });
    for (const [file, text] of result.sources) sources.set(file, text);
  }
  const shown = capDiagnostics(all, maxDiagnostics);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;

  if (options.json) {
    // The cap's note is not a problem at a place, so --json lists only real diagnostics and, when
    // the cap left some out, counts them in `omitted`. Notes on checks that were skipped are not
    // problems either, and go in `notes`, present only when there are some.
    const toJson = (d: Diagnostic) => ({ file: d.span?.file ?? '', line: d.span?.line ?? 1, column: d.span?.column ?? 1, severity: d.severity, message: d.hint ? `${d.message} (${d.hint})` : d.message });
    const diagnostics = all.slice(0, maxDiagnostics).map(toJson);
    const output: Record<string, unknown> = { diagnostics };
    if (all.length > maxDiagnostics) output.omitted = omittedCounts(all, maxDiagnostics);
    if (notes.length > 0) output.notes = notes.map(toJson);
    ctx.out(JSON.stringify(output));
  } else {
    const print = (diagnostic: Diagnostic): void => {
      const source = diagnostic.span ? sources.get(diagnostic.span.file) : undefined;
      ctx.io.stderr(`${renderDiagnostic(diagnostic, source, { color: ctx.color })}\n`);
    };
    // `shown` is `all` cut to maxDiagnostics, plus the cap's note when it cut anything.
    let start = 0;
    for (const group of groups) {
      const end = start + group.diagnosticCount;
      for (let index = start; index < Math.min(end, maxDiagnostics); index++) print(shown[index]);
      start = end;
      // These notes only report skipped checks, so --quiet drops them like the other notes.
      if (!ctx.quiet) group.notes.forEach(print);
    }
    if (all.length > maxDiagnostics) print(shown[shown.length - 1]);
  }

  const summary = checkSummary(files.length, errors, warnings);
  if (errors > 0) throw new UserError(summary, EXIT_INVALID_INPUT);
  if (options.json) return;
  ctx.info(summary);
  // `run` simulates on a machine even when none is named, and that machine may reject what the generic limits allow.
  if (!arch) ctx.info(`note: checked against the generic limits of docs/isa.md only; add --arch ${DEFAULT_ARCH} to also check against the machine that 'lmulsim run' uses by default`);
}

/** Formats the closing line of `check`, such as "8 files checked: no errors or warnings". */
export function checkSummary(fileCount: number, errors: number, warnings: number): string {
  const files = `${countOf(fileCount, 'file')} checked`;
  if (errors === 0 && warnings === 0) return `${files}: no errors or warnings`;
  const errorText = errors === 0 ? 'no errors' : countOf(errors, 'error');
  const warningText = warnings === 0 ? 'no warnings' : countOf(warnings, 'warning');
  return `${files}: ${errorText}, ${warningText}`;
}
