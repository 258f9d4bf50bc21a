import type { Command } from 'commander';
import { EXIT_USAGE, UserError } from '../../common/errors.js';
import { METHOD_NAMES, defaultOffsetLsbs, type FloatFormat } from '../../sim/numerics/index.js';
import {
  APPROXIMATELY_EQUAL_FACTOR,
  COMPARISON_MAX_MANTISSA_BITS,
  COMPARISON_MIN_MANTISSA_BITS,
  DISTRIBUTION_DEFINITIONS,
  EXHAUSTIVE_MAX_WIDTH_BITS,
  FINE_OFFSET_FRACTION_BITS,
  INPUT_SET_NAMES,
  compareMantissaWidths,
  formatPercent,
  measureProductError,
  renderHistogram,
  searchOffsets,
  type ErrorSummary,
  type InputSetComparison,
  type InputSetName,
  type OffsetError,
  type OffsetSearchResult,
  type ProductErrorResult,
} from '../../sim/analysis/index.js';
import type { CliContext } from '../io.js';
import { givenOptions, parseChoiceOption, parseFormatOption, parseIntegerOption, rejectOptions } from '../options.js';

interface ErrorCommandOptions {
  readonly format?: string;
  readonly method: string;
  readonly inputs?: string;
  readonly samples?: string;
  readonly seed: string;
  readonly offset?: string;
  readonly roundOutput: boolean;
  readonly bins: string;
  readonly mantissaBits?: string;
  readonly json: boolean;
}

/** Pairs drawn for one method when --samples is not given. */
const DEFAULT_SAMPLES = 1_000_000;
/** Pairs drawn per distribution for --mantissa-bits when --samples is not given; the run takes seconds. */
const DEFAULT_COMPARISON_SAMPLES = 100_000;
const MAX_SAMPLES = 100_000_000;

/** Registers the `error` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  program
    .command('error')
    .description('measure the relative error of a multiplication method, or compare L-Mul mantissa widths with float8 (--mantissa-bits)')
    .option('-f, --format <name>', 'number format (required unless --mantissa-bits is given): fp32, fp16, bf16, e4m3, e5m2, e4m3fnuz, e5m2fnuz or eXmY')
    .option('-m, --method <name>', `multiplication method: ${METHOD_NAMES.join(', ')}`, 'lmul')
    .option('--inputs <set>', `operand pairs: ${INPUT_SET_NAMES.join(', ')} (default: exhaustive for formats of ${EXHAUSTIVE_MAX_WIDTH_BITS} bits or fewer, uniform otherwise)`)
    .option('--samples <pairs>', `pairs drawn per distribution (default ${DEFAULT_SAMPLES}, or ${DEFAULT_COMPARISON_SAMPLES} with --mantissa-bits)`)
    .option('--seed <integer>', 'seed of the input generator', '1')
    .option('--offset <lsbs>', "L-Mul offset in LSBs of the mantissa (default 2^(m - l(m)), the paper's offset, with l(m) = m for m <= 3, 3 for m = 4, 4 for m >= 5)")
    .option('--round-output', 'round each product into the format (multiply) instead of the MAC-form product, over pairs with a normal exact product', false)
    .option('--bins <count>', 'histogram bins', '16')
    .option('--mantissa-bits <range>', `compare L-Mul with mantissa widths LOW-HIGH (${COMPARISON_MIN_MANTISSA_BITS} to ${COMPARISON_MAX_MANTISSA_BITS}, e.g. 2-8) against e4m3 and e5m2`)
    .option('--json', 'print a JSON object instead of text', false)
    .action((options: ErrorCommandOptions, command: Command) => {
      if (options.mantissaBits !== undefined) runComparison(context(), options, command);
      else runSingle(context(), options, command);
    });
}

function runSingle(ctx: CliContext, options: ErrorCommandOptions, command: Command): void {
  if (options.format === undefined) throw new UserError('missing --format: give a format, or --mantissa-bits for the L-Mul comparison', EXIT_USAGE);
  const format = parseFormatOption('--format', options.format);
  const method = parseChoiceOption('--method', options.method, METHOD_NAMES);
  let inputs: InputSetName;
  if (options.inputs !== undefined) inputs = parseChoiceOption('--inputs', options.inputs, INPUT_SET_NAMES);
  else inputs = format.widthBits <= EXHAUSTIVE_MAX_WIDTH_BITS ? 'exhaustive' : 'uniform';
  if (inputs === 'exhaustive' && format.widthBits > EXHAUSTIVE_MAX_WIDTH_BITS) {
    throw new UserError(
      `invalid value 'exhaustive' for --inputs with ${format.name}: exhaustive inputs need a format of at most ${EXHAUSTIVE_MAX_WIDTH_BITS} bits (${format.name} has ${format.widthBits}); use uniform, normal or lognormal`,
    );
  }
  if (inputs === 'exhaustive') rejectOptions(command, ['samples', 'seed'], 'to exhaustive inputs, which are not sampled', 'or give --inputs uniform, normal or lognormal');

  let offsetLsbs: number | undefined;
  if (options.offset !== undefined) {
    if (method !== 'lmul' && method !== 'lmul-formula') throw new UserError(`--offset applies to the lmul and lmul-formula methods, not to ${method}: drop --offset or use --method lmul`, EXIT_USAGE);
    offsetLsbs = parseIntegerOption('--offset', options.offset, 0, 2 ** format.manBits - 1);
  }
  const samples = options.samples === undefined ? DEFAULT_SAMPLES : parseIntegerOption('--samples', options.samples, 1, MAX_SAMPLES);
  const seed = parseIntegerOption('--seed', options.seed, 0, 2 ** 31 - 1);
  const bins = parseIntegerOption('--bins', options.bins, 1, 1000);

  const result = measureProductError({ format, method, inputs, samples, seed, offsetLsbs, roundOutput: options.roundOutput, histogramBins: bins });
  // The offset the method applies: none for exact, 0 for mitchell.
  let effectiveOffset: number | null = null;
  if (method === 'lmul' || method === 'lmul-formula') effectiveOffset = offsetLsbs ?? defaultOffsetLsbs(format.manBits);
  else if (method === 'mitchell') effectiveOffset = 0;

  if (options.json) {
    const settings = { format: format.name, method, inputs, samples: inputs === 'exhaustive' ? null : samples, seed: inputs === 'exhaustive' ? null : seed, offsetLsbs: effectiveOffset, roundOutput: options.roundOutput, bins };
    ctx.out(JSON.stringify({ settings, counts: result.counts, ...result.summary, histogram: result.histogram }));
    return;
  }
  for (const line of renderSingle(format, method, inputs, samples, seed, effectiveOffset, options.roundOutput, result)) ctx.out(line);
}

function renderSingle(
  format: FloatFormat,
  method: string,
  inputs: InputSetName,
  samples: number,
  seed: number,
  offsetLsbs: number | null,
  roundOutput: boolean,
  result: ProductErrorResult,
): string[] {
  const { counts, summary } = result;
  const offsetDescription = offsetLsbs === null ? '' : `, offset ${offsetLsbs} LSB${offsetLsbs === 1 ? '' : 's'} (${offsetLsbs / 2 ** format.manBits})`;
  const product = roundOutput ? 'product rounded into the format' : 'MAC-form product (not rounded)';
  const source =
    inputs === 'exhaustive' ? 'every pair of normal operands' : `${samples} pairs drawn from ${inputs} ${DISTRIBUTION_DEFINITIONS[inputs]}, seed ${seed}`;

  const lines = [`${format.name} ${method}${offsetDescription}: ${product} against the exact product`, `inputs: ${source}`];
  if (counts.skippedNonNormalOperand > 0) lines.push(`skipped ${counts.skippedNonNormalOperand} pairs with a zero, subnormal, infinite or NaN operand`);
  if (counts.skippedProductOutOfRange > 0) lines.push(`skipped ${counts.skippedProductOutOfRange} pairs whose exact product is outside the normal range`);
  if (counts.skippedNonFiniteResult > 0) lines.push(`skipped ${counts.skippedNonFiniteResult} pairs whose result is NaN or infinite`);
  lines.push(`pairs evaluated: ${counts.evaluated}`, '');
  lines.push(
    ...renderTable(
      ['statistic', 'value'],
      [
        ['mean |relative error|', formatPercent(summary.meanRelError).replace('+', '')],
        ['max |relative error|', formatPercent(summary.maxRelError).replace('+', '')],
        ['mean signed relative error (bias)', formatPercent(summary.meanSignedRelError)],
        ['rms relative error', formatPercent(summary.rmsRelError).replace('+', '')],
        ['signed error range', `${formatPercent(summary.minSignedRelError)} to ${formatPercent(summary.maxSignedRelError)}`],
      ],
    ),
  );
  if (result.histogram.length > 0) lines.push('', 'signed relative error histogram (bin, pairs):', ...renderHistogram(result.histogram));
  return lines;
}

/** Parses --mantissa-bits: 'LOW-HIGH' or a single width. */
function parseMantissaRange(text: string): { low: number; high: number } {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  const low = match ? Number(match[1]) : NaN;
  const high = match ? Number(match[2] ?? match[1]) : NaN;
  const valid = low >= COMPARISON_MIN_MANTISSA_BITS && high <= COMPARISON_MAX_MANTISSA_BITS && low <= high;
  if (!valid) {
    throw new UserError(
      `invalid value '${text}' for --mantissa-bits: expected LOW-HIGH with ${COMPARISON_MIN_MANTISSA_BITS} <= LOW <= HIGH <= ${COMPARISON_MAX_MANTISSA_BITS}, e.g. 2-8, or a single width`,
    );
  }
  return { low, high };
}

function runComparison(ctx: CliContext, options: ErrorCommandOptions, command: Command): void {
  const conflicting = givenOptions(command, ['format', 'method', 'inputs', 'offset', 'roundOutput', 'bins']);
  if (conflicting.length > 0) {
    throw new UserError(`${conflicting.join(', ')} cannot be combined with --mantissa-bits, which sets the formats, method and inputs itself and prints no histogram: drop them`, EXIT_USAGE);
  }
  const { low, high } = parseMantissaRange(options.mantissaBits ?? '');
  const samples = options.samples === undefined ? DEFAULT_COMPARISON_SAMPLES : parseIntegerOption('--samples', options.samples, 1, MAX_SAMPLES);
  const seed = parseIntegerOption('--seed', options.seed, 0, 2 ** 31 - 1);

  const offsets: OffsetSearchResult[] = [];
  for (let k = low; k <= high; k++) offsets.push(searchOffsets(k));
  const bestOffsetLsbs = new Map(offsets.map((result) => [result.mantissaBits, result.bestIntegerForMean.offsetLsbs]));
  const comparisons = compareMantissaWidths({ lowMantissaBits: low, highMantissaBits: high, samples, seed, bestOffsetLsbs });

  if (options.json) {
    ctx.out(JSON.stringify({ settings: { mantissaBits: { low, high }, samples, seed, approximatelyEqualFactor: APPROXIMATELY_EQUAL_FACTOR, fineOffsetFractionBits: FINE_OFFSET_FRACTION_BITS }, comparisons, offsets }));
    return;
  }
  for (const line of renderComparison(comparisons, offsets, samples, seed)) ctx.out(line);
}

function percent(value: number | undefined, signed = false): string {
  if (value === undefined) return '-';
  const text = formatPercent(value);
  return signed ? text : text.replace('+', '');
}

function summaryCells(summary: ErrorSummary | undefined): string[] {
  return [percent(summary?.meanRelError), percent(summary?.maxRelError), percent(summary?.meanSignedRelError, true)];
}

function renderComparison(comparisons: readonly InputSetComparison[], offsets: readonly OffsetSearchResult[], samples: number, seed: number): string[] {
  const lines = [
    "L-Mul with k mantissa bits (operands rounded to e8mk, offset 2^-l(k), MAC-form product; 'best': best whole-LSB offset below)",
    'against float8 multiplication (operands rounded to e4m3 or e5m2, exact product rounded to the same format).',
    'end-to-end: against x·y of the real inputs; product-only: against the exact product of the rounded operands.',
  ];

  for (const comparison of comparisons) {
    lines.push('');
    if (comparison.inputs === 'exhaustive') {
      lines.push('inputs: exhaustive (every k-bit mantissa pair for L-Mul; every normal float8 pair with a normal exact product)');
    } else {
      const kept = comparison.pairsTotal - comparison.pairsSkipped;
      lines.push(
        `inputs: ${comparison.inputs} ${DISTRIBUTION_DEFINITIONS[comparison.inputs]}, ${comparison.pairsTotal} pairs, seed ${seed}; ` +
          `${kept} kept, ${comparison.pairsSkipped} skipped with |x|, |y| or |x·y| outside [2^-6, 448]`,
      );
    }
    const rows = comparison.rows.map((row) => [row.label, row.operandFormat, row.offsetLsbs === undefined ? '-' : fractionText(row.offsetLsbs, row.mantissaBits), ...summaryCells(row.endToEnd), ...summaryCells(row.productOnly)]);
    lines.push(...renderTable(['multiplier', 'operands', 'offset', 'e2e mean', 'e2e max', 'e2e bias', 'product mean', 'product max', 'product bias'], rows));
    for (const verdict of comparison.verdicts) {
      const outcome = verdict.holds ? 'holds' : 'fails';
      lines.push(`  ${verdict.claim} (${verdict.metric}, ${verdict.offsetChoice} offset): ${outcome}, mean |error| ratio ${verdict.ratio.toFixed(3)}`);
    }
  }

  lines.push('', ...renderClaimSummary(comparisons));
  lines.push('', `L-Mul offset search over every k-bit mantissa pair (adder semantics; fine offsets in steps of 2^-${FINE_OFFSET_FRACTION_BITS} via guard bits):`);
  const offsetRows = offsets.map((result) => [
    String(result.mantissaBits),
    offsetText(result.paper, result.mantissaBits),
    percent(result.paper.meanRelError),
    percent(result.paper.meanSignedRelError, true),
    offsetText(result.bestIntegerForMean, result.mantissaBits),
    percent(result.bestIntegerForMean.meanRelError),
    offsetText(result.bestForMean, result.mantissaBits),
    percent(result.bestForMean.meanRelError),
    percent(result.bestForMean.meanSignedRelError, true),
    offsetText(result.bestForBias, result.mantissaBits),
    percent(result.bestForBias.meanRelError),
    percent(result.bestForBias.meanSignedRelError, true),
  ]);
  lines.push(
    ...renderTable(
      ['k', 'paper', 'mean', 'bias', 'best LSB', 'mean', 'best for mean', 'mean', 'bias', 'best for |bias|', 'mean', 'bias'],
      offsetRows,
    ),
  );
  return lines;
}

/** Formats an offset as a reduced fraction of the leading 1, e.g. 3/64; offsets are LSBs / 2^(k + guard bits). */
function offsetText(offset: OffsetError, mantissaBits: number): string {
  return fractionText(offset.offsetLsbs, mantissaBits + offset.guardBits);
}

/** Formats lsbs / 2^fractionBits as a reduced fraction: 6/128 as 3/64, 0 as 0. */
function fractionText(lsbs: number, fractionBits: number): string {
  if (lsbs === 0) return '0';
  let numerator = lsbs;
  let denominator = 2 ** fractionBits;
  while (numerator % 2 === 0) {
    numerator /= 2;
    denominator /= 2;
  }
  return `${numerator}/${denominator}`;
}

/** One line per claim and metric, listing the input sets under which it holds and fails. */
function renderClaimSummary(comparisons: readonly InputSetComparison[]): string[] {
  const lines: string[] = ['claims (≈ means L-Mul mean |error| at most ' + APPROXIMATELY_EQUAL_FACTOR + '× float8\'s; beats means lower):'];
  const keys = new Map<string, { holds: string[]; fails: string[] }>();
  for (const comparison of comparisons) {
    for (const verdict of comparison.verdicts) {
      const key = `${verdict.claim} (${verdict.metric}, ${verdict.offsetChoice} offset)`;
      const entry = keys.get(key) ?? { holds: [], fails: [] };
      (verdict.holds ? entry.holds : entry.fails).push(comparison.inputs);
      keys.set(key, entry);
    }
  }
  // Keys are inserted in the order the input sets report them; list paper offset before best, end-to-end before product-only.
  const rank = (key: string) => (key.includes('best offset') ? 2 : 0) + (key.includes('product-only') ? 1 : 0);
  const sorted = [...keys].sort(([a], [b]) => rank(a) - rank(b));
  for (const [key, { holds, fails }] of sorted) {
    lines.push(`  ${key}: holds for ${holds.length > 0 ? holds.join(', ') : 'none'}; fails for ${fails.length > 0 ? fails.join(', ') : 'none'}`);
  }
  return lines;
}

/** Renders rows as a text table: left-aligned first column, right-aligned others, two spaces apart. */
function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const format = (row: readonly string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ').trimEnd();
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...rows.map(format)];
}
