/**
 * Benchmark driver for `npm run bench`. Each suite returns a Markdown section; with `--write` the
 * sections and a description of the machine replace docs/benchmarks.md's measured part.
 */
import os from 'node:os';

export interface BenchSuite {
  readonly name: string;
  run(): Promise<string>;
}

const SUITES: Array<() => Promise<BenchSuite>> = [
  () => import('./numerics.js').then((module) => module.suite),
  () => import('./parser.js').then((module) => module.suite),
  () => import('./simulator.js').then((module) => module.suite),
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

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  process.stdout.write(`# Machine\n\n${describeMachine()}\n\n`);
  for (const load of SUITES) {
    const suite = await load();
    if (only.length > 0 && !only.includes(suite.name)) continue;
    process.stdout.write(`${await suite.run()}\n`);
  }
}

await main();
