/**
 * Loading machine descriptions: YAML text → schema validation → resolved, frozen ArchConfig.
 * Every problem becomes a diagnostic with file, line, column and key path. A file with problems
 * throws one UserError (exit status 2, invalid input) carrying all of them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { closestMatch, type Diagnostic } from '../../common/diagnostic.js';
import { EXIT_INVALID_INPUT, UserError } from '../../common/errors.js';
import { costModelGivenAsMachine } from '../../common/file-kind.js';
import { resolveMachine, type MachineInput } from './resolve.js';
import { schemaDiagnostics } from './schema-errors.js';
import type { ArchConfig } from './types.js';
import { parseYamlSource } from './yaml-source.js';

/** A machine description shipped in examples/arch. */
export interface PresetInfo {
  readonly name: string;
  readonly description: string;
  readonly file: string;
}

/**
 * Parses and validates machine-description YAML. `file` names the source in diagnostics, and its base
 * name (without extension) is the machine's name unless the file sets `name`.
 * Throws UserError with exit status 2 and positioned diagnostics when the text is invalid.
 */
export function archFromYamlText(text: string, file: string): ArchConfig {
  const source = parseYamlSource(text, file);
  const fail = (diagnostics: readonly Diagnostic[]): never => {
    const count = diagnostics.length === 1 ? '1 error' : `${diagnostics.length} errors`;
    throw new UserError(`invalid machine description ${file} (${count})`, EXIT_INVALID_INPUT, sortBySpan(diagnostics), new Map([[file, text]]));
  };

  // Later syntax errors are mostly consequences of the first, so only the first is reported.
  if (source.syntaxErrors.length > 0) fail(source.syntaxErrors.slice(0, 1));
  const data: unknown = source.document.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    fail([{ severity: 'error', message: 'a machine description must be a YAML mapping with the keys clockMhz, core and memory', span: { file, line: 1, column: 1 } }]);
  }

  const wrongKind = costModelGivenAsMachine(file, Object.keys(data as object));
  if (wrongKind !== undefined) throw new UserError(wrongKind, EXIT_INVALID_INPUT);

  const schemaProblems = schemaDiagnostics(data, source);
  if (schemaProblems.length > 0) fail(schemaProblems);

  const diagnostics: Diagnostic[] = [];
  const baseName = path.basename(file).replace(/\.ya?ml$/i, '');
  const config = resolveMachine(data as MachineInput, source, baseName, diagnostics);
  if (diagnostics.length > 0) fail(diagnostics);
  return config;
}

/**
 * Loads a machine description from a YAML file path or by preset name (see `listPresets`). A bare
 * name without a path separator or .yaml/.yml suffix is looked up among the presets first.
 * Throws UserError with exit status 2 when the name is unknown or the file is missing, unreadable or invalid.
 */
export function loadArch(pathOrPresetName: string): ArchConfig {
  const looksLikePath = /[\\/]/.test(pathOrPresetName) || /\.ya?ml$/i.test(pathOrPresetName);
  if (!looksLikePath) {
    const preset = listPresets().find((candidate) => candidate.name === pathOrPresetName);
    if (preset) return archFromYamlText(readFileSync(preset.file, 'utf8'), preset.file);
    if (!existsSync(pathOrPresetName)) {
      const names = listPresets().map((candidate) => candidate.name);
      const suggestion = closestMatch(pathOrPresetName, names);
      throw new UserError(
        `machine '${pathOrPresetName}' not found: give a preset (${names.join(', ')}) or a path to a .yaml machine description${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`,
        EXIT_INVALID_INPUT,
      );
    }
  }
  return archFromYamlText(readTextFile(pathOrPresetName), pathOrPresetName);
}

function readTextFile(file: string): string {
  try {
    if (statSync(file).isDirectory()) throw new UserError(`cannot read machine description ${file}: it is a directory; give a .yaml file or a preset name`, EXIT_INVALID_INPUT);
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UserError(`cannot read machine description ${file}: ${reason}; check the path, or give a preset name`, EXIT_INVALID_INPUT);
  }
}

/** Returns the directory of the preset machine descriptions, examples/arch in the package root. */
export function presetDirectory(): string {
  // This module runs from sim/arch (sources) or dist/sim/arch (build), so the package root is two or three levels up.
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 6; level++) {
    const candidate = path.join(directory, 'examples', 'arch');
    if (existsSync(path.join(directory, 'package.json')) && existsSync(candidate)) return candidate;
    directory = path.dirname(directory);
  }
  throw new Error('examples/arch not found above the arch module; the package is incomplete');
}

/** Lists the preset machine descriptions, sorted by name, with the description each file gives. */
export function listPresets(): PresetInfo[] {
  const directory = presetDirectory();
  return readdirSync(directory)
    .filter((entry) => /\.ya?ml$/i.test(entry))
    .sort()
    .map((entry) => {
      const file = path.join(directory, entry);
      const description = parseDocument(readFileSync(file, 'utf8')).get('description');
      return { name: entry.replace(/\.ya?ml$/i, ''), description: typeof description === 'string' ? description : '', file };
    });
}

function sortBySpan(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((x, y) => (x.span?.line ?? 0) - (y.span?.line ?? 0) || (x.span?.column ?? 0) - (y.span?.column ?? 0));
}
