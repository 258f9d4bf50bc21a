/**
 * `lmulsim attention-numerics`: computes one attention head of a language model bit-exactly per
 * format and multiplication method and prints the errors of its scores, outputs and softmax rows
 * against fp64 attention on the unrounded inputs.
 */
import type { Command } from 'commander';
import { METHOD_NAMES, tryParseFormat, type FloatFormat } from '../../sim/numerics/index.js';
import { attentionErrorTable, CHANNEL_LOG_SIGMA, generateAttentionInputs, type AttentionErrorRow } from '../../workloads/attention-numerics.js';
import { findModel, headDim } from '../../workloads/llm/index.js';
import type { CliContext } from '../io.js';
import { parseChoiceList, parseIntegerOption } from '../options.js';

/** Operand formats of the study: the fp8 and 16-bit formats that L-Mul is proposed for. */
const STUDY_FORMATS = ['e4m3', 'e5m2', 'bf16', 'fp16'] as const;
/** Longest sequence accepted, in tokens; the cost grows with its square. */
const MAX_SEQ_TOKENS = 4096;

interface AttentionNumericsOptions {
  readonly model: string;
  readonly seq: string;
  readonly formats: string;
  readonly methods: string;
  readonly seed: string;
  readonly json: boolean;
}

/** Registers the `attention-numerics` subcommand. */
export function register(program: Command, context: () => CliContext): void {
  program
    .command('attention-numerics')
    .description('compare one attention head computed per format and method with fp64 attention: score and output errors, softmax KL divergence')
    .option('--model <name>', 'model whose head dimension is used: gpt2, bert-base, llama-2-7b, llama-2-70b, llama-3.1-8b, mistral-7b', 'llama-2-7b')
    .option('--seq <tokens>', `sequence length in tokens, 1 to ${MAX_SEQ_TOKENS}`, '512')
    .option('--formats <list>', `comma-separated operand formats: ${STUDY_FORMATS.join(', ')}`, STUDY_FORMATS.join(','))
    .option('--methods <list>', `comma-separated multiplication methods: ${METHOD_NAMES.join(', ')}`, 'exact,lmul')
    .option('--seed <integer>', 'seed of the random Q, K and V, 0 to 4294967295', '1')
    .option('--json', 'print one JSON object instead of a table', false)
    .action((options: AttentionNumericsOptions) => attentionNumericsCommand(context(), options));
}

/** Parses --formats: study formats by name or alias (float16 for fp16), each once. */
function parseFormats(text: string): FloatFormat[] {
  const items = text.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  // Aliases become canonical names first; parseChoiceList then checks, deduplicates and suggests.
  const canonical = items.map((item) => tryParseFormat(item)?.name ?? item).join(',');
  const names = parseChoiceList('--formats', items.length === 0 ? text : canonical, STUDY_FORMATS, 'format', 'merge');
  return names.map((name) => tryParseFormat(name) as FloatFormat);
}

function attentionNumericsCommand(ctx: CliContext, options: AttentionNumericsOptions): void {
  const config = findModel(options.model);
  const seqTokens = parseIntegerOption('--seq', options.seq, 1, MAX_SEQ_TOKENS);
  const formats = parseFormats(options.formats);
  const methods = parseChoiceList('--methods', options.methods, METHOD_NAMES, 'method', 'merge');
  const seed = parseIntegerOption('--seed', options.seed, 0, 0xffffffff);
  const dim = headDim(config);

  const inputs = generateAttentionInputs(seqTokens, dim, seed);
  const rows = attentionErrorTable(inputs, formats, methods);

  if (options.json) {
    ctx.out(JSON.stringify({ rows }, null, 2));
    return;
  }
  ctx.out(`${config.displayName}, one attention head: ${seqTokens} tokens, head dimension ${dim}, seed ${seed}`);
  ctx.out(`Q, K: N(0, 1) times per-channel scales exp(${CHANNEL_LOG_SIGMA}·N(0, 1)); V: N(0, 1); fp32 accumulation, fp64 softmax`);
  ctx.out('errors against fp64 attention on unrounded inputs; relative errors are normwise per row (max and mean over rows); KL in nats');
  ctx.out('');
  for (const line of formatTable(rows)) ctx.out(line);
}

function formatTable(rows: readonly AttentionErrorRow[]): string[] {
  const header = ['format', 'method', 'score max', 'score mean', 'output max', 'output mean', 'KL mean', 'KL max'];
  const widths = [7, 13, 10, 10, 10, 11, 10, 10];
  const cell = (text: string, index: number): string => (index < 2 ? text.padEnd(widths[index]) : text.padStart(widths[index]));
  const lines = [header.map(cell).join(' ')];
  for (const row of rows) {
    const values = [row.scoreMaxRelError, row.scoreMeanRelError, row.outputMaxRelError, row.outputMeanRelError, row.klMean, row.klMax];
    lines.push([row.format, row.method, ...values.map((value) => value.toExponential(2))].map(cell).join(' '));
  }
  return lines;
}
