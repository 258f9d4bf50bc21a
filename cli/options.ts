/**
 * Parsers and checks for command-line values. A value that is wrong in itself (out of range, an
 * unknown name, an unwritable path) raises UserError with exit status 2, and options that cannot
 * be combined raise it with exit status 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command, Option } from 'commander';
import { closestMatch } from '../common/diagnostic.js';
import { EXIT_INVALID_INPUT, EXIT_USAGE, UserError } from '../common/errors.js';
import { describeFileSystemError, nearestExistingDirectory, pseudoFileSystemOf } from '../common/file-system.js';
import { NAMED_FORMATS, tryParseFormat, type FloatFormat } from '../sim/numerics/index.js';

/** Parses an integer option value, rejecting fractions, garbage and values outside [min, max]. */
export function parseIntegerOption(option: string, text: string, min: number, max: number): number {
  const trimmed = text.trim();
  const value = /^[+-]?(0x[0-9a-f]+|\d+)$/i.test(trimmed) ? Number(trimmed.replace(/^\+/, '')) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UserError(`invalid value '${text}' for ${option}: expected an integer from ${min} to ${max}`, EXIT_INVALID_INPUT);
  }
  return value;
}

/** Parses a finite decimal or scientific number option value. */
export function parseNumberOption(option: string, text: string, min = -Infinity, max = Infinity): number {
  const trimmed = text.trim();
  const value = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isFinite(value) || value < min || value > max) {
    const range = Number.isFinite(min) || Number.isFinite(max) ? ` from ${min} to ${max}` : '';
    throw new UserError(`invalid value '${text}' for ${option}: expected a number${range}`, EXIT_INVALID_INPUT);
  }
  return value;
}

/**
 * Returns " (did you mean 'x'?)" for the choice closest to `text`, or an empty string when none is
 * close. Past the edit-distance limit of `closestMatch`, a choice still matches when `text` shares a
 * stem with it, such as 'decoding' for 'decode' or 'pre' for 'prefill' (see `stemMatch`).
 */
export function didYouMean(text: string, choices: Iterable<string>): string {
  const list = [...choices];
  const suggestion = closestMatch(text.trim(), list) ?? stemMatch(text.trim(), list);
  return suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
}

/**
 * Returns the one choice that shares a stem of at least 3 characters with `text`. The common prefix
 * must be all of `text` (an abbreviation, 'pre' for 'prefill') or all of the choice but its last
 * character (another form of the word, 'decoding' for 'decode'). Returns undefined when no choice
 * or several choices match.
 */
function stemMatch(text: string, choices: readonly string[]): string | undefined {
  const lower = text.toLowerCase();
  const matches = choices.filter((choice) => {
    const candidate = choice.toLowerCase();
    let common = 0;
    while (common < lower.length && common < candidate.length && lower[common] === candidate[common]) common += 1;
    return common >= 3 && (common === lower.length || common >= candidate.length - 1);
  });
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * Checks that `text` is one of `choices`, case-insensitively, and returns the canonical spelling.
 * An unknown value gets the closest choice as a suggestion.
 */
export function parseChoiceOption<T extends string>(option: string, text: string, choices: readonly T[]): T {
  const found = choices.find((choice) => choice.toLowerCase() === text.trim().toLowerCase());
  if (found === undefined) {
    throw new UserError(`invalid value '${text}' for ${option}: expected one of ${choices.join(', ')}${didYouMean(text, choices)}`, EXIT_INVALID_INPUT);
  }
  return found;
}

/** The formats that --format accepts, as listed in messages. */
const FORMAT_CHOICES = `${NAMED_FORMATS.join(', ')} or eXmY (1 <= X <= 8 exponent bits, 1 <= Y <= 23 mantissa bits)`;

/** Parses a number-format option value: a named format, an alias such as float16, or eXmY. */
export function parseFormatOption(option: string, text: string): FloatFormat {
  const format = tryParseFormat(text);
  if (format !== undefined) return format;
  if (/^e\d+m\d+$/i.test(text.trim())) {
    throw new UserError(`invalid value '${text}' for ${option}: eXmY needs 1 <= X <= 8 exponent bits and 1 <= Y <= 23 mantissa bits`, EXIT_INVALID_INPUT);
  }
  throw new UserError(`invalid value '${text}' for ${option}: expected ${FORMAT_CHOICES}${didYouMean(text, NAMED_FORMATS)}`, EXIT_INVALID_INPUT);
}

/** Policy for an item listed twice in a list option. */
export type RepeatPolicy = 'reject' | 'merge';

/**
 * Parses a comma-separated list of `choices` (case-insensitive) in the order given. An empty list
 * and an unknown item are invalid; a repeated item is invalid under `reject` and dropped under
 * `merge`. `itemNoun` names one item in messages, for example 'method'.
 */
export function parseChoiceList<T extends string>(option: string, text: string, choices: readonly T[], itemNoun: string, repeats: RepeatPolicy): T[] {
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) {
    throw new UserError(`invalid value '${text}' for ${option}: expected a comma-separated list of ${choices.join(', ')}`, EXIT_INVALID_INPUT);
  }
  const parsed: T[] = [];
  for (const item of items) {
    const found = choices.find((choice) => choice.toLowerCase() === item.toLowerCase());
    if (found === undefined) {
      throw new UserError(`invalid ${itemNoun} '${item}' in ${option}: expected a comma-separated list of ${choices.join(', ')}${didYouMean(item, choices)}`, EXIT_INVALID_INPUT);
    }
    if (parsed.includes(found)) {
      if (repeats === 'reject') throw new UserError(`invalid value '${text}' for ${option}: '${found}' is listed twice; list each ${itemNoun} once`, EXIT_INVALID_INPUT);
      continue;
    }
    parsed.push(found);
  }
  return parsed;
}

/** Returns the flags, such as `--seed`, of the options among `attributeNames` that were given on the command line. */
export function givenOptions(command: Command, attributeNames: readonly string[]): string[] {
  return attributeNames.filter((name) => command.getOptionValueSource(name) === 'cli').map((name) => flagOf(command, name));
}

/** Returns the long flag of the option stored under `attributeName`, such as `--round-output` for roundOutput. */
function flagOf(command: Command, attributeName: string): string {
  const option = command.options.find((candidate) => candidate.attributeName() === attributeName && !candidate.negate);
  return option?.long ?? `--${attributeName.replace(/[A-Z]/g, (letter) => '-' + letter.toLowerCase())}`;
}

/**
 * Throws a usage error when two options that exclude each other were both given. `first` and
 * `second` are attribute names, such as 'exhaustive' and 'count'.
 */
export function rejectCombination(command: Command, first: string, second: string): void {
  const givenFlags = givenOptions(command, [first, second]);
  if (givenFlags.length < 2) return;
  throw new UserError(`${givenFlags[0]} and ${givenFlags[1]} cannot be combined: give only one of them`, EXIT_USAGE);
}

/**
 * Throws a usage error when any option among `attributeNames` was given, naming each one, for
 * example "--seed does not apply to --exhaustive: drop it". `context` completes "does not apply …"
 * and `alternative` is an optional second way out, such as "or give --inputs uniform".
 */
export function rejectOptions(command: Command, attributeNames: readonly string[], context: string, alternative = ''): void {
  const givenFlags = givenOptions(command, attributeNames);
  if (givenFlags.length === 0) return;
  const [verb, pronoun] = givenFlags.length === 1 ? ['does', 'it'] : ['do', 'them'];
  throw new UserError(`${givenFlags.join(' and ')} ${verb} not apply ${context}: drop ${pronoun}${alternative ? ` ${alternative}` : ''}`, EXIT_USAGE);
}

/**
 * Makes every command in the tree reject an option given together with its negation, such as
 * `--saturate --no-saturate`, instead of letting the last one win.
 */
export function rejectNegationConflicts(command: Command): void {
  for (const subcommand of command.commands) rejectNegationConflicts(subcommand);
  const pairs = negationPairs(command.options);
  if (pairs.length === 0) return;

  // Both flags store one value, so only the option events tell which of them were given.
  const seen = new Set<string>();
  for (const [positive, negative] of pairs) {
    command.on(`option:${positive.name()}`, () => seen.add(positive.name()));
    command.on(`option:${negative.name()}`, () => seen.add(negative.name()));
  }
  command.hook('preAction', () => {
    for (const [positive, negative] of pairs) {
      if (seen.has(positive.name()) && seen.has(negative.name())) {
        throw new UserError(`${positive.long} and ${negative.long} cannot be combined: give only one of them`, EXIT_USAGE);
      }
    }
  });
}

/**
 * Makes an unknown option of a subcommand of `command` (at any depth) the first error reported.
 * Commander checks required options before unknown ones, so `mul --formt e4m3` would otherwise
 * report that `--format` is missing and never name the misspelt option.
 */
export function reportUnknownOptionsFirst(command: Command): void {
  if (command.commands.length === 0) return;
  for (const subcommand of command.commands) reportUnknownOptionsFirst(subcommand);
  command.hook('preSubcommand', (parent, subcommand) => {
    // Commander drops a `--` that follows the subcommand's name, so operands after one, such as a
    // file named `-x.lasm`, would look like options here. Commander itself handles such commands.
    let root: Command = parent;
    while (root.parent) root = root.parent;
    // Commander keeps the arguments it parsed in `rawArgs`, which its type declarations leave out.
    const rawArgs = (root as unknown as { rawArgs?: readonly string[] }).rawArgs ?? [];
    if (rawArgs.includes('--')) return;
    // `parent.args` is the subcommand's name, then the tokens left after the parent's own options.
    const args = parent.args.slice(1);
    const nested = args.length > 0 && subcommand.commands.some((child) => child.name() === args[0] || child.aliases().includes(args[0]));
    if (nested) return;
    const unknown = findUnknownOption(subcommand, args);
    if (unknown === undefined) return;
    const longNames = subcommand.options.flatMap((option) => (option.long ? [option.long] : []));
    subcommand.error(`error: unknown option '${unknown}'${didYouMean(unknown, longNames)}`, { exitCode: EXIT_USAGE, code: 'commander.unknownOption' });
  });
}

/**
 * Returns the first token of `args` that looks like an option but matches no option of `command`,
 * as commander would find it: the value after an option that takes one is skipped, and `--` ends the
 * options. Tokens such as `-1.5` are operands, not options.
 */
export function findUnknownOption(command: Command, args: readonly string[]): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const token = args[index];
    if (token === '--') return undefined;
    let option: Option | undefined;
    let valueAttached: boolean;
    if (token.startsWith('--') && token.length > 2) {
      const name = token.split('=')[0];
      if (name === '--help') continue;
      option = command.options.find((candidate) => candidate.long === name);
      if (option === undefined) return name;
      valueAttached = token.includes('=');
    } else if (/^-[A-Za-z]/.test(token)) {
      const name = token.slice(0, 2);
      if (name === '-h') continue;
      option = command.options.find((candidate) => candidate.short === name);
      if (option === undefined) return name;
      valueAttached = token.length > 2;
    } else {
      continue;
    }
    const takesValue = option.required || (option.optional && index + 1 < args.length && !args[index + 1].startsWith('-'));
    if (takesValue && !valueAttached) index += 1;
  }
  return undefined;
}

/** Pairs each `--no-X` option with the `--X` option that stores the same value. */
function negationPairs(options: readonly Option[]): Array<[Option, Option]> {
  const pairs: Array<[Option, Option]> = [];
  for (const negative of options.filter((option) => option.negate)) {
    const positive = options.find((option) => !option.negate && option.attributeName() === negative.attributeName());
    if (positive) pairs.push([positive, negative]);
  }
  return pairs;
}

/**
 * Checks, without creating anything, that `file` can be written: it is not a directory, and its
 * directory exists and is writable. `label` names the file in messages, for example 'report'.
 * Throws UserError with exit status 2.
 * NOTE: the check cannot rule out a later failure, such as a full disk or a directory removed
 * during the run; writers still report those.
 */
export function checkOutputFile(label: string, file: string): void {
  const fail = (reason: string): never => {
    throw new UserError(`cannot write ${label} '${file}': ${reason}; choose a path in an existing, writable directory`, EXIT_INVALID_INPUT);
  };
  if (file.endsWith('/') || file.endsWith(path.sep)) fail('the name ends with a slash, so it names a directory');
  const stats = statOrUndefined(file, fail);
  if (stats?.isDirectory()) fail('it is a directory');
  if (stats && !stats.isFile()) {
    // A device or pipe such as /dev/null is written in place, so only the file itself must be writable.
    if (!isWritable(file)) fail('permission denied');
    return;
  }
  const directory = path.dirname(path.resolve(file));
  const directoryStats = statOrUndefined(directory, fail);
  if (directoryStats === undefined) fail(`directory '${path.dirname(file)}' does not exist`);
  if (!directoryStats?.isDirectory()) fail(`'${path.dirname(file)}' is not a directory`);
  // Files are written to a temporary name beside the target and renamed, so the directory must be writable.
  if (!isWritable(directory)) fail(`directory '${path.dirname(file)}' is not writable`);
}

/**
 * Checks, without creating anything, that `directory` exists as a writable directory or can be
 * created: its nearest existing ancestor is a writable directory outside the kernel pseudo-file
 * systems (/proc, /sys), and no missing component is a dangling symbolic link. Throws UserError
 * with exit status 2.
 */
export function checkOutputDirectory(label: string, directory: string): void {
  const fail = (reason: string): never => {
    throw new UserError(`cannot write ${label} '${directory}': ${reason}; choose a writable directory`, EXIT_INVALID_INPUT);
  };
  const { directory: existing } = nearestExistingDirectory(path.resolve(directory), fail);
  const pseudo = pseudoFileSystemOf(existing);
  if (pseudo !== undefined) fail(`'${existing}' is on the kernel ${pseudo} pseudo-file system, which cannot hold files`);
  if (!isWritable(existing)) fail(`'${existing}' is not writable`);
}

/** Returns the stats of `target`, undefined when it does not exist, or calls `fail` with the reason. */
function statOrUndefined(target: string, fail: (reason: string) => never): fs.Stats | undefined {
  try {
    return fs.statSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return fail(describeFileSystemError(error));
  }
}

function isWritable(target: string): boolean {
  try {
    fs.accessSync(target, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
