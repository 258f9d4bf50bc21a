/**
 * Matrix-unit figures for the simulator benchmark: PE-cycles per second of the PE-level simulator and
 * the tile kernel's MAC rate against the numerics core's gemm, as a Markdown table. bench/simulator.ts
 * includes this section.
 */
import { benchPeFidelity } from '../sim/matrix/index.js';

const CASES: ReadonlyArray<readonly [string, string]> = [
  ['e4m3', 'lmul'],
  ['e4m3', 'exact'],
  ['bf16', 'lmul'],
  ['fp16', 'lmul'],
  ['fp32', 'lmul'],
];

function millions(rate: number): string {
  return (rate / 1e6).toFixed(1);
}

/** Runs the matrix-unit benchmarks (about 3 × `minMs` milliseconds per case) and returns a Markdown section. */
export function peFidelitySection(minMs = 1000): string {
  const lines = [
    '### Matrix unit',
    '',
    'PE fidelity: weight-stationary 32×32 array, 64×64×64 GEMM. Tile fidelity and numerics gemm: 128×128×128 GEMM. Accumulator fp32. Operands are uniformly random bit patterns, so infinities, NaNs and products beyond the fp32 range take the slow paths. Rates are per CPU second.',
    '',
    '| format | method | PE fidelity (M PE-cycles/s) | tile fidelity (M MAC/s) | numerics gemm (M MAC/s) | tile / gemm |',
    '|---|---|---|---|---|---|',
  ];
  for (const [format, method] of CASES) {
    const result = benchPeFidelity(format, method, minMs);
    lines.push(`| ${format} | ${method} | ${millions(result.peCyclesPerSecond)} | ${millions(result.tileMacsPerSecond)} | ${millions(result.numericsMacsPerSecond)} | ${result.tileToNumericsRatio.toFixed(2)} |`);
  }
  return lines.join('\n') + '\n';
}
