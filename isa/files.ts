/**
 * Reading `.lasm` files from disk: `.include` expansion with cycle detection, then validation.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../common/diagnostic.js';
import type { BrokenLines, InvalidStatement, ProgramAst, ResolvedProgram, SourceSpan, StatementAst, TargetLimits } from './ast.js';
import { MAX_SOURCE_CHARS, parseSource, programEntries } from './parse.js';
import { validate } from './validate.js';

/** Outcome of checking one root file. */
export interface CheckResult {
  readonly file: string;
  /** Undefined when any error was found. */
  readonly program: ResolvedProgram | undefined;
  readonly diagnostics: Diagnostic[];
  /** Notes on checks that validation could not do (see `ValidationResult.notes`); never errors. */
  readonly notes: readonly Diagnostic[];
  /** Text of every file read, by the name used in spans, for code frames. */
  readonly sources: ReadonlyMap<string, string>;
}

/** Reads a file as text; tests replace it to serve sources from memory. */
export type ReadText = (file: string) => string;

export interface LoadedProgram {
  /** The root program with every `.include` replaced by the included statements. */
  readonly ast: ProgramAst | undefined;
  readonly diagnostics: Diagnostic[];
  readonly sources: Map<string, string>;
}

function readTextFile(file: string): string {
  const size = fs.statSync(file).size;
  if (size > MAX_SOURCE_CHARS) throw new Error(`file is too large: ${size} bytes, the limit is ${MAX_SOURCE_CHARS}`);
  return fs.readFileSync(file, 'utf8');
}

/** Describes a file-system error in plain words. */
function readErrorMessage(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `file not found: ${file}`;
  if (code === 'EISDIR') return `${file} is a directory, not a .lasm file`;
  if (code === 'EACCES') return `permission denied reading ${file}`;
  return `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Parses `file` and the files it includes. Include paths are relative to the including file.
 * A file already included is skipped (include-once), and a file that includes itself directly or
 * indirectly is an error. `.include` is expanded only at the top level, and the validator reports
 * one inside a loop. Lines with syntax errors stay in the program as invalid statements, and so
 * does an `.include` that failed, so that `validate` can check the other lines.
 */
export function loadProgram(file: string, readText: ReadText = readTextFile): LoadedProgram {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const included = new Set<string>();
  /** The root file's own program, when it includes nothing; it keeps the compact form that parseSource returns. */
  let rootProgram: ProgramAst | undefined;
  /** The broken lines of every file read, merged, when the root file includes others. */
  let broken: MergedBrokenLines | undefined;
  /** Returns the invalid statement for an `.include` that failed. The included file may have defined any name. */
  const failedInclude = (include: Extract<StatementAst, { kind: 'include' }>): InvalidStatement => {
    broken ??= { names: new Set(), anyName: false, loopsUnmatched: false };
    broken.anyName = true;
    return { kind: 'invalid', span: include.span, blankLineBefore: false, text: `.include ${JSON.stringify(include.path)}`, keyword: '.include', names: undefined };
  };

  const load = (name: string, chain: readonly string[], includedAt: SourceSpan | undefined): StatementAst[] | undefined => {
    let text: string;
    try {
      text = readText(name);
    } catch (error) {
      diagnostics.push({ severity: 'error', message: readErrorMessage(name, error), ...(includedAt ? { span: includedAt } : {}) });
      return undefined;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    sources.set(name, text);
    const parsed = parseSource(text, name, { keepBrokenLines: true });
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.ast) return undefined;
    if (includedAt === undefined && !hasIncludes(parsed.ast)) {
      rootProgram = parsed.ast;
      return [];
    }
    if (parsed.ast.brokenLines !== undefined) broken = mergeBrokenLines(broken, parsed.ast.brokenLines);

    const statements: StatementAst[] = [];
    for (const statement of parsed.ast.statements) {
      if (statement.kind !== 'include') {
        statements.push(statement);
        continue;
      }
      const target = path.join(path.dirname(name), statement.path);
      const key = path.resolve(target);
      if (chain.includes(key)) {
        const cycle = [...chain.slice(chain.indexOf(key)), key].map((entry) => path.relative(process.cwd(), entry) || entry).join(' → ');
        diagnostics.push({ severity: 'error', message: `include cycle: ${cycle}`, span: statement.span });
        statements.push(failedInclude(statement));
        continue;
      }
      if (included.has(key)) continue;
      included.add(key);
      const nested = load(target, [...chain, key], statement.span);
      if (nested) for (const nestedStatement of nested) statements.push(nestedStatement);
      else statements.push(failedInclude(statement));
    }
    return statements;
  };

  const rootKey = path.resolve(file);
  included.add(rootKey);
  const statements = load(file, [rootKey], undefined);
  if (rootProgram) return { ast: rootProgram, diagnostics, sources };
  if (!statements) return { ast: undefined, diagnostics, sources };
  return { ast: broken === undefined ? { file, statements } : { file, statements, brokenLines: broken }, diagnostics, sources };
}

/** The `BrokenLines` of several files, built up file by file. */
interface MergedBrokenLines {
  readonly names: Set<string>;
  anyName: boolean;
  loopsUnmatched: boolean;
}

/** Adds the broken lines of one file to those of the files read before it. */
function mergeBrokenLines(merged: MergedBrokenLines | undefined, file: BrokenLines): MergedBrokenLines {
  const result = merged ?? { names: new Set<string>(), anyName: false, loopsUnmatched: false };
  for (const name of file.names) result.names.add(name);
  result.anyName ||= file.anyName;
  result.loopsUnmatched ||= file.loopsUnmatched;
  return result;
}

/** True when `ast` has an `.include` at the top level, the only place where one is expanded. */
function hasIncludes(ast: ProgramAst): boolean {
  const root = programEntries(ast)?.root ?? ast.statements;
  return root.some((statement) => typeof statement !== 'number' && statement.kind === 'include');
}

/**
 * Loads, parses and validates each file. Validation runs on files with syntax errors too: it
 * checks the other lines and reports nothing that a broken line might explain (see `validate`).
 * The diagnostics of reading and parsing come first, then those of validation, each group in
 * program order. Tensors initialised from files are checked to exist. The program is undefined
 * when any error was found.
 */
export function checkFiles(paths: readonly string[], target?: TargetLimits, readText: ReadText = readTextFile): CheckResult[] {
  return paths.map((file) => {
    const loaded = loadProgram(file, readText);
    const diagnostics = [...loaded.diagnostics];
    let program: ResolvedProgram | undefined;
    let notes: readonly Diagnostic[] = [];
    if (loaded.ast) {
      const loadFailed = diagnostics.some((d) => d.severity === 'error');
      const validated = validate(loaded.ast, target);
      diagnostics.push(...validated.diagnostics);
      program = validated.program;
      notes = validated.notes;
      for (const tensor of program?.tensors ?? []) {
        if (tensor.init.kind === 'file' && !fs.existsSync(tensor.init.path)) {
          diagnostics.push({ severity: 'error', message: `initialiser file not found: ${tensor.init.path}`, span: tensor.span });
          program = undefined;
        }
      }
      // `validate` returns no program with broken lines, but a load error need not leave any behind.
      if (loadFailed) program = undefined;
    }
    return { file, program, diagnostics, notes, sources: loaded.sources };
  });
}
