import { renderDiagnostic } from '../common/diagnostic.js';
import { EXIT_INVALID_INPUT, UserError } from '../common/errors.js';
import type { ResolvedProgram } from '../isa/ast.js';
import { checkFiles } from '../isa/index.js';
import type { ArchConfig } from '../sim/arch/index.js';
import { checkProgramOnMachine, type MachineCheckOptions } from '../sim/exec/arch-check.js';
import { targetFromArch } from '../sim/exec/index.js';
import type { CliContext } from './io.js';

/** A validated program with the source texts that its diagnostics point into. */
export interface CheckedProgram {
  readonly program: ResolvedProgram;
  readonly sources: ReadonlyMap<string, string>;
}

/**
 * Reads and validates a `.lasm` file against a machine before a simulation: the validator's limits,
 * then the machine check of sim/exec/arch-check.ts (datapaths, matrix formats, accumulator format,
 * scratchpad bytes, tensor capacity). Warnings are printed on stderr; any error raises UserError
 * (exit 2) carrying every diagnostic.
 */
export function loadProgramForArch(ctx: CliContext, file: string, arch: ArchConfig, options: MachineCheckOptions = {}): CheckedProgram {
  const [checked] = checkFiles([file], targetFromArch(arch, { matrixUnit: true, methodsReplaced: options.methodsReplaced }));
  const diagnostics = checked.program ? [...checked.diagnostics, ...checkProgramOnMachine(checked.program, arch, { ...options, sources: checked.sources })] : checked.diagnostics;
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.length > 0 || !checked.program) {
    throw new UserError(`${file}: ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was run`, EXIT_INVALID_INPUT, diagnostics, checked.sources);
  }

  for (const diagnostic of diagnostics) {
    const source = diagnostic.span ? checked.sources.get(diagnostic.span.file) : undefined;
    ctx.io.stderr(renderDiagnostic(diagnostic, source, { color: ctx.color }) + '\n');
  }
  return { program: checked.program, sources: checked.sources };
}
