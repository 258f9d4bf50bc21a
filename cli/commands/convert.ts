import type { Command } from 'commander';
import { EXIT_USAGE, UserError } from '../../common/errors.js';
import { decode, encode, formatBits, type FloatFormat } from '../../sim/numerics/index.js';
import type { CliContext } from '../io.js';
import { givenOptions, parseFormatOption } from '../options.js';

interface ConvertOptions {
  readonly format: string;
  readonly saturate?: boolean;
  readonly decode: boolean;
  readonly json: boolean;
}

/** Registers the `convert` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  program
    .command('convert')
    .description('convert decimal numbers to a format\'s bit patterns (round to nearest even), or decode bit patterns with --decode')
    .requiredOption('-f, --format <name>', 'number format: fp32, fp16, bf16, e4m3, e5m2, e4m3fnuz, e5m2fnuz or eXmY')
    .option('--saturate', 'clamp overflow to ±max finite (default: e4m3, e5m2 and the fnuz formats saturate, the others do not)')
    .option('--no-saturate', 'turn overflow into ±inf, or NaN in formats without inf')
    .option('--decode', 'read the values as hex bit patterns and print their values', false)
    .option('--json', 'print a JSON object instead of text', false)
    .argument('<values...>', 'decimal numbers (1.5, -2e-3, inf, nan; put -- before -inf), or hex patterns with --decode')
    .action((values: string[], options: ConvertOptions, command: Command) => runConvert(context(), values, options, command));
}

function runConvert(ctx: CliContext, values: readonly string[], options: ConvertOptions, command: Command): void {
  if (options.decode && givenOptions(command, ['saturate']).length > 0) {
    throw new UserError('--saturate and --no-saturate do not apply to --decode, which reads bit patterns without rounding: drop them', EXIT_USAGE);
  }
  const format = parseFormatOption('--format', options.format);
  const saturate = options.saturate ?? format.saturateByDefault;

  // Parse every value before printing anything, so that a bad value leaves no partial output.
  const bitsList = values.map((text) => (options.decode ? parseBitPattern(format, text, 'value') : parseDecimal(format, text, 'value', saturate)));

  if (options.json) {
    const results = values.map((input, index) => ({
      input,
      bits: formatBits(format, bitsList[index]),
      value: jsonValue(decode(format, bitsList[index])),
    }));
    ctx.out(JSON.stringify({ format: format.name, saturate, decode: options.decode, results }));
    return;
  }

  values.forEach((input, index) => {
    const bits = formatBits(format, bitsList[index]);
    const value = formatValue(decode(format, bitsList[index]));
    ctx.out(options.decode ? `${bits} ${value}` : `${input} ${bits} ${value}`);
  });
}

const HEX_PATTERN = /^0x[0-9a-f]+$/i;
const DECIMAL_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const SPECIAL_VALUES: Readonly<Record<string, number>> = {
  nan: NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

/**
 * Parses a hex bit pattern such as 0x3c for `format`. Throws UserError naming `argumentName` when the text
 * is not hex or the pattern is wider than the format.
 */
export function parseBitPattern(format: FloatFormat, text: string, argumentName: string): number {
  const trimmed = text.trim();
  if (!HEX_PATTERN.test(trimmed)) {
    throw new UserError(`invalid bit pattern '${text}' for ${argumentName}: expected hex such as ${formatBits(format, format.maxFiniteBits)} (${format.widthBits} bits)`);
  }
  const digits = trimmed.slice(2).replace(/^0+(?=.)/, '');
  const bits = digits.length > 8 ? Infinity : parseInt(digits, 16);
  if (bits >= 2 ** format.widthBits) {
    throw new UserError(
      `invalid bit pattern '${text}' for ${argumentName}: wider than ${format.name}'s ${format.widthBits} bits (expected ${formatBits(format, 0)} to ${formatBits(format, 2 ** format.widthBits - 1)})`,
    );
  }
  return bits;
}

/**
 * Parses a decimal number (or nan, inf, -inf) and encodes it in `format` with round to nearest even
 * and the given overflow policy. Throws UserError naming `argumentName` for anything else.
 */
export function parseDecimal(format: FloatFormat, text: string, argumentName: string, saturate: boolean): number {
  const trimmed = text.trim();
  const special = SPECIAL_VALUES[trimmed.toLowerCase()];
  let value: number;
  if (special !== undefined) value = special;
  else if (DECIMAL_PATTERN.test(trimmed)) value = Number(trimmed);
  else throw new UserError(`invalid number '${text}' for ${argumentName}: expected a decimal number such as 1.5, -2e-3, inf or nan`);
  return encode(format, value, saturate);
}

/** Parses an operand that is either a hex bit pattern (0x prefix) or a decimal number. */
export function parseOperand(format: FloatFormat, text: string, argumentName: string, saturate: boolean): number {
  if (/^0x/i.test(text.trim())) return parseBitPattern(format, text, argumentName);
  const trimmed = text.trim();
  if (SPECIAL_VALUES[trimmed.toLowerCase()] === undefined && !DECIMAL_PATTERN.test(trimmed)) {
    throw new UserError(`invalid operand '${text}' for ${argumentName}: expected a hex bit pattern such as 0x3c or a decimal number such as 1.5, -2e-3, inf or nan`);
  }
  return parseDecimal(format, text, argumentName, saturate);
}

/** Formats a decoded value for text output: the shortest round-trip decimal, or nan, inf, -inf, -0. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** Returns a decoded value for JSON output: a number, or the strings "nan", "inf", "-inf". */
export function jsonValue(value: number): number | string {
  return Number.isFinite(value) ? value : formatValue(value);
}
