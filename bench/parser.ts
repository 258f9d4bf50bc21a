/**
 * Parser benchmark: parse and validate a generated 200,000-line `.lasm` program and report
 * instructions per second for each phase and for both together.
 */
import os from 'node:os';
import { parseSource } from '../isa/parse.js';
import { validate } from '../isa/validate.js';
import type { BenchSuite } from './run.js';

/** Instruction lines in the generated program, besides the loop and declaration lines. */
export const BENCH_INSTRUCTIONS = 200_000;

/** Builds a program of `count` instruction lines cycling through loads, matmuls, vector ops and stores inside two loops. */
export function generateProgram(count: number): string {
  const lines = [
    '; generated for bench/parser.ts',
    '.const T = 16',
    '.tensor A e4m3[1024, 1024] init=uniform(-1, 1, seed=1)',
    '.tensor C fp32[1024, 1024] output',
    'preload sp[4096] k=T n=T',
    'loop i, 64',
    '    loop j, 64',
  ];
  const body = [
    '        load sp[0], A[i * T +: T, j * T +: T] fmt=e4m3 sat signal=compute',
    '        preload sp[0] k=T n=T wait=load',
    '        matmul acc[(i % 4) * 256], sp[256] m=T k=T n=T method=lmul in=e4m3 out=fp32 accumulate',
    '        vload v1, sp[512 + j]  ; vector operand',
    '        vmul v2, v1, v1 method=lmul fmt=bf16',
    '        vadd v3, v2, v1',
    '        vstore sp[1024 + j * 4], v3 fmt=bf16',
    '        set r1, r1 + i * 64 + j',
    '        store C[i * T +: T, j * T +: T], acc[0]',
    '        vredsum v4, v3',
  ];
  for (let i = 0; i < count; i++) lines.push(body[i % body.length]);
  lines.push('    endloop', 'endloop', 'halt');
  return `${lines.join('\n')}\n`;
}

interface Timing {
  readonly wallMs: number;
  /** User plus system CPU time of the process, garbage-collector threads included. */
  readonly cpuMs: number;
}

function measure(action: () => void): Timing {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  action();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Parses and validates `text` once, timing each phase; throws when the program has an error. */
function parseAndValidate(text: string): Run {
  let parsed: ReturnType<typeof parseSource> | undefined;
  const parse = measure(() => {
    parsed = parseSource(text, 'bench.lasm');
  });
  const ast = parsed?.ast;
  if (!ast || parsed!.diagnostics.length > 0) throw new Error(`generated program does not parse: ${parsed?.diagnostics[0]?.message}`);
  let errors = 0;
  const validateTime = measure(() => {
    errors = validate(ast).diagnostics.filter((d) => d.severity === 'error').length;
  });
  if (errors > 0) throw new Error('generated program does not validate');
  return { parse, validate: validateTime };
}

interface Run {
  readonly parse: Timing;
  readonly validate: Timing;
}

function total(run: Run): Timing {
  return { wallMs: run.parse.wallMs + run.validate.wallMs, cpuMs: run.parse.cpuMs + run.validate.cpuMs };
}

/** Repeated runs after the first, reported by their lowest total CPU time. */
const REPEATS = 2;

export const suite: BenchSuite = {
  name: 'parser',
  async run() {
    const text = generateProgram(BENCH_INSTRUCTIONS);
    const loadBefore = os.loadavg()[0];

    // One warm-up pass on a smaller program lets V8 optimise the parser before timing.
    const warmup = parseSource(generateProgram(20_000), 'warmup.lasm');
    if (warmup.ast) validate(warmup.ast);

    // The first full-size run also pays for growing the heap (a full mark-compact while the tree
    // grows), as a one-shot `lmulsim check` would. The repeated runs start with a grown heap.
    const first = parseAndValidate(text);
    let best = parseAndValidate(text);
    for (let repeat = 1; repeat < REPEATS; repeat++) {
      const run = parseAndValidate(text);
      if (total(run).cpuMs < total(best).cpuMs) best = run;
    }
    const loadAfter = os.loadavg()[0];

    const rate = (ms: number): string => Math.round(BENCH_INSTRUCTIONS / (ms / 1000)).toLocaleString('en-US');
    const row = (label: string, time: Timing): string => `| ${label} | ${time.wallMs.toFixed(0)} | ${time.cpuMs.toFixed(0)} | ${rate(time.wallMs)} | ${rate(time.cpuMs)} |`;
    return [
      '## Parser',
      '',
      `Generated program: ${BENCH_INSTRUCTIONS.toLocaleString('en-US')} instruction lines in two nested loops, ${(text.length / 1e6).toFixed(1)} MB.`,
      `First run after a 20,000-line warm-up, then the best of ${REPEATS} repeated runs. One-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after, on ${os.cpus().length} logical cores.`,
      '',
      '| phase | wall time (ms) | CPU time (ms) | instructions per second (wall) | instructions per second (CPU) |',
      '|---|---|---|---|---|',
      row('parse, first run', first.parse),
      row('validate, first run', first.validate),
      row('parse + validate, first run', total(first)),
      row('parse, repeated', best.parse),
      row('validate, repeated', best.validate),
      row('parse + validate, repeated', total(best)),
      '',
    ].join('\n');
  },
};
