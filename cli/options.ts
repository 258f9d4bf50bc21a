import { UserError } from '../common/errors.js';

/** Parses an integer option value, rejecting fractions, garbage and values outside [min, max]. */
export function parseIntegerOption(option: string, text: string, min: number, max: number): number {
  const trimmed = text.trim();
  const value = /^[+-]?(0x[0-9a-f]+|\d+)$/i.test(trimmed) ? Number(trimmed.replace(/^\+/, '')) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UserError(`invalid value '${text}' for ${option}: expected an integer from ${min} to ${max}`);
  }
  return value;
}

/** Parses a finite decimal or scientific number option value. */
export function parseNumberOption(option: string, text: string, min = -Infinity, max = Infinity): number {
  const trimmed = text.trim();
  const value = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isFinite(value) || value < min || value > max) {
    const range = Number.isFinite(min) || Number.isFinite(max) ? ` from ${min} to ${max}` : '';
    throw new UserError(`invalid value '${text}' for ${option}: expected a number${range}`);
  }
  return value;
}

/** Checks that `value` is one of `choices`, case-insensitively, and returns the canonical spelling. */
export function parseChoiceOption<T extends string>(option: string, text: string, choices: readonly T[]): T {
  const found = choices.find((choice) => choice.toLowerCase() === text.trim().toLowerCase());
  if (found === undefined) {
    throw new UserError(`invalid value '${text}' for ${option}: expected one of ${choices.join(', ')}`);
  }
  return found;
}
