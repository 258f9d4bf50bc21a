/**
 * Benchmark driver for `npm run bench`. Each suite returns a Markdown section. With `--write` the
 * sections and a description of the machine replace the part of docs/benchmarks.md between the
 * `<!-- measured:start -->` and `<!-- measured:end -->` markers.
 * Positional arguments select suites by name: `npm run bench -- numerics parser`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchSuite {
  readonly name: string;
  run(): Promise<string>;
}

const SUITES: Array<() => Promise<BenchSuite>> = [
  () => import('./numerics.js').then((module) => module.suite),
  () => import('./parser.js').then((module) => module.suite),
  () => import('./simulator.js').then((module) => module.suite),
  () => import('./sweep.js').then((module) => module.suite),
];

/** Describes the machine the figures were measured on. */
export function describeMachine(): string {
  const cpus = os.cpus();
  return [
    `- CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} logical cores`,
    `- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node.js ${process.version} on ${os.platform()} ${os.release()} (${os.arch()})`,
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
  ].join('\n');
}

const START_MARKER = '<!-- measured:start -->';
const END_MARKER = '<!-- measured:end -->';

/** Replaces the measured part of the benchmarks page, writing a temporary file and renaming it. */
function writeBenchmarksPage(measured: string): string {
  // This file runs from bench/ under tsx and from dist/bench/ when compiled.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '..', 'docs'), path.resolve(here, '..', '..', 'docs')];
  const docs = candidates.find((folder) => fs.existsSync(path.join(folder, 'benchmarks.md')));
  if (docs === undefined) throw new Error(`docs/benchmarks.md not found from ${here}`);
  const page = path.join(docs, 'benchmarks.md');
  const text = fs.readFileSync(page, 'utf8');
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`${page} has no ${START_MARKER} ... ${END_MARKER} section to replace`);

  const updated = `${text.slice(0, start + START_MARKER.length)}\n${measured}\n${text.slice(end)}`;
  fs.writeFileSync(`${page}.tmp`, updated);
  fs.renameSync(`${page}.tmp`, page);
  return page;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const suites = await Promise.all(SUITES.map((load) => load()));
  const names = suites.map((suite) => suite.name);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`usage: npm run bench -- [--write] [SUITE...]\nsuites: ${names.join(', ')}\n--write replaces the measured block of docs/benchmarks.md\n`);
    return;
  }
  const unknownOption = args.find((arg) => arg.startsWith('-') && arg !== '--write');
  const only = args.filter((arg) => !arg.startsWith('-'));
  const unknownSuite = only.find((name) => !names.includes(name));
  if (unknownOption !== undefined || unknownSuite !== undefined) {
    const what = unknownOption !== undefined ? `unknown option '${unknownOption}'` : `unknown suite '${unknownSuite}'`;
    process.stderr.write(`error: ${what}; the suites are ${names.join(', ')}, and --write is the only option\n`);
    process.exitCode = 1;
    return;
  }
  const sections = [`## Machine\n\n${describeMachine()}\n`];
  process.stdout.write(`${sections[0]}\n`);
  for (const suite of suites) {
    if (only.length > 0 && !only.includes(suite.name)) continue;
    const section = await suite.run();
    sections.push(section);
    process.stdout.write(`${section}\n`);
  }
  if (args.includes('--write')) process.stderr.write(`wrote ${writeBenchmarksPage(sections.join('\n'))}\n`);
}

await main();
