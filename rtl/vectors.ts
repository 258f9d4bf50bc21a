/**
 * Test vectors from the numerics core for the generated units, in `$readmemh` format, and the
 * self-checking Icarus testbench that reads them.
 */
import { UserError } from '../common/errors.js';
import { decode, encode } from '../sim/numerics/codec.js';
import { FP32, type FloatFormat } from '../sim/numerics/formats.js';
import { accumulate, productValue } from '../sim/numerics/mac.js';
import { multiply } from '../sim/numerics/methods.js';
import type { GeneratedUnit, UnitSpec } from './generate.js';

/** Operand distributions for random vectors. */
export const DISTRIBUTIONS = ['uniform', 'weights'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

/** How many vectors to make and from which operands. */
export interface VectorRequest {
  /** Every operand pair; only for units with two 8-bit operands or narrower. */
  readonly exhaustive: boolean;
  /** Number of random vectors when not exhaustive. */
  readonly count: number;
  readonly seed: number;
  /**
   * `uniform`: every bit pattern equally likely. `weights`: values drawn from a normal distribution
   * with standard deviation 0.02 (a typical trained-weight scale), rounded to the format.
   */
  readonly distribution: Distribution;
}

/** One test vector: input patterns in port order, then the expected output pattern. */
export type Vector = readonly number[];

/** Standard deviation of the `weights` distribution. */
export const WEIGHT_STD = 0.02;

/** Largest number of vectors a file may hold; Icarus keeps them all in memory. */
export const MAX_VECTORS = 1 << 22;

/** Returns a deterministic pseudo-random generator of floats in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBits(random: () => number, widthBits: number): number {
  if (widthBits <= 16) return Math.floor(random() * 2 ** widthBits);
  return Math.floor(random() * 2 ** 16) * 2 ** (widthBits - 16) + Math.floor(random() * 2 ** (widthBits - 16));
}

function normalSample(random: () => number, std: number): number {
  // Box-Muller; 1 − u keeps the logarithm's argument in (0, 1].
  const u = 1 - random();
  const v = random();
  return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Returns a random operand pattern of `format` from the chosen distribution. */
export function randomOperand(format: FloatFormat, distribution: Distribution, random: () => number): number {
  if (distribution === 'uniform') return randomBits(random, format.widthBits);
  return encode(format, normalSample(random, WEIGHT_STD), true);
}

/** Returns the expected output pattern for the inputs, computed by the numerics core. */
export function expectedOutput(spec: UnitSpec, inputs: readonly number[]): number {
  const format = spec.format;
  const [a, b] = inputs;
  switch (spec.unit) {
    case 'lmul':
      return multiply(format, 'lmul', a, b, { saturate: spec.saturate });
    case 'fpmul':
      return multiply(format, 'exact', a, b, { saturate: spec.saturate });
    case 'fpadd':
      return encode(format, accumulate(format, decode(format, a), decode(format, b)), false);
    case 'mac':
      return encode(FP32, accumulate(FP32, decode(FP32, inputs[2]), productValue(format, spec.method, a, b)), false);
  }
}

/** Builds the vectors for a generated unit; throws UserError for an exhaustive request on wide inputs. */
export function buildVectors(unit: GeneratedUnit, request: VectorRequest): Vector[] {
  const widths = unit.inputs.map((port) => port.widthBits);
  const vectors: Vector[] = [];
  if (request.exhaustive) {
    if (widths.length !== 2 || widths[0] + widths[1] > 16) {
      throw new UserError(`--exhaustive needs two operands of at most 8 bits; the ${unit.spec.unit} unit in ${unit.spec.format.name} has inputs of ${widths.join(' + ')} bits, so use --count`);
    }
    for (let a = 0; a < 2 ** widths[0]; a++) {
      for (let b = 0; b < 2 ** widths[1]; b++) vectors.push([a, b, expectedOutput(unit.spec, [a, b])]);
    }
    return vectors;
  }

  if (!Number.isSafeInteger(request.count) || request.count < 1 || request.count > MAX_VECTORS) {
    throw new UserError(`invalid value '${request.count}' for --count: expected an integer from 1 to ${MAX_VECTORS}`);
  }
  const random = seededRandom(request.seed);
  for (let index = 0; index < request.count; index++) {
    const inputs = [randomOperand(unit.spec.format, request.distribution, random), randomOperand(unit.spec.format, request.distribution, random)];
    // The accumulator input of a MAC is any fp32 pattern, or for `weights` a normal value with the spread
    // of a sum of 256 products of two weights (standard deviation 16 · 0.02²).
    if (unit.spec.unit === 'mac') inputs.push(request.distribution === 'uniform' ? randomBits(random, 32) : encode(FP32, normalSample(random, 16 * WEIGHT_STD ** 2), false));
    vectors.push([...inputs, expectedOutput(unit.spec, inputs)]);
  }
  return vectors;
}

/** Total bits of one vector word: every input port and the output. */
export function vectorWidthBits(unit: GeneratedUnit): number {
  return unit.inputs.reduce((sum, port) => sum + port.widthBits, 0) + unit.output.widthBits;
}

/** Formats vectors for `$readmemh`: one hexadecimal word per line, inputs then output, most significant first. */
export function formatHex(unit: GeneratedUnit, vectors: readonly Vector[]): string {
  const widths = [...unit.inputs.map((port) => port.widthBits), unit.output.widthBits];
  const digits = Math.ceil(vectorWidthBits(unit) / 4);
  const lines = vectors.map((vector) => {
    let word = 0n;
    vector.forEach((value, index) => {
      word = (word << BigInt(widths[index])) | BigInt(value);
    });
    return word.toString(16).padStart(digits, '0');
  });
  return lines.join('\n') + '\n';
}

/**
 * Returns a self-checking testbench for `unit` that reads `count` vectors from the file named by
 * the plusarg `+vectors=PATH` (default `defaultPath`, resolved against the simulator's working
 * directory), prints each of the first 10 mismatches and ends with the line `N passed, M failed`.
 * Pipelined units get a clock and one vector per cycle. A file that cannot be opened, or whose
 * words up to `count` are missing or contain x/z digits, stops the run through `$fatal` (exit
 * status 1 under vvp) before any vector is checked. An output or expected value with x or z bits
 * counts as failed.
 */
export function testbench(unit: GeneratedUnit, count: number, defaultPath: string): string {
  const total = vectorWidthBits(unit);
  const ports = [...unit.inputs, unit.output];
  const inputNames = unit.inputs.map((port) => port.name);
  const latency = unit.latencyCycles;
  const lines = [
    '`timescale 1ns/1ps',
    `module ${unit.spec.top}_tb;`,
    `  reg [${total - 1}:0] vectors [0:${count - 1}];`,
    ...unit.inputs.map((port) => `  reg [${port.widthBits - 1}:0] ${port.name};`),
    `  wire [${unit.output.widthBits - 1}:0] ${unit.output.name};`,
    `  reg [${unit.output.widthBits - 1}:0] expected;`,
    `  reg [${total - 1}:0] word;`,
    `  reg [1023:0] path;`,
    `  integer i, j, passed, failed, file;`,
  ];
  const connections = ports.map((port) => `.${port.name}(${port.name})`);
  if (latency > 0) {
    lines.push(`  reg clk = 1'b0;`);
    connections.unshift('.clk(clk)');
  }
  lines.push(`  ${unit.spec.top} dut (${connections.join(', ')});`);

  // Word layout: inputs in port order, then the expected output, most significant first.
  const fields: string[] = [];
  let high = total - 1;
  for (const port of ports) {
    fields.push(`[${high}:${high - port.widthBits + 1}]`);
    high -= port.widthBits;
  }
  const check = (index: string): string[] => [
    `      word = vectors[${index}];`,
    `      expected = word${fields[fields.length - 1]};`,
    // The reduction XOR is x when any bit is x or z, so a vector with unknown bits never passes.
    `      if (^${unit.output.name} !== 1'bx && ^expected !== 1'bx && ${unit.output.name} === expected) passed = passed + 1;`,
    `      else begin`,
    `        failed = failed + 1;`,
    `        if (failed <= 10) $display("mismatch at vector %0d: ${inputNames.map((name) => `${name}=%h`).join(' ')} y=%h expected=%h", ${index}, ${inputNames.map((_, n) => `word${fields[n]}`).join(', ')}, ${unit.output.name}, expected);`,
    `      end`,
  ];

  lines.push(
    `  initial begin`,
    `    if (!$value$plusargs("vectors=%s", path)) path = "${defaultPath}";`,
    `    file = $fopen(path, "r");`,
    `    if (file == 0) $fatal(1, "cannot open the vectors file %0s; run vvp in the directory that contains it or pass +vectors=PATH", path);`,
    `    $fclose(file);`,
    `    $readmemh(path, vectors);`,
    // Words the file does not supply stay x, so the first x word is where a short file ends.
    `    for (i = 0; i < ${count}; i = i + 1)`,
    `      if (^vectors[i] === 1'bx) $fatal(1, "vectors file %0s: word %0d is missing or contains x/z digits; expected ${count} vectors", path, i);`,
    `    passed = 0;`,
    `    failed = 0;`,
  );
  if (latency === 0) {
    lines.push(
      `    for (i = 0; i < ${count}; i = i + 1) begin`,
      `      word = vectors[i];`,
      ...unit.inputs.map((port, n) => `      ${port.name} = word${fields[n]};`),
      `      #1;`,
      ...check('i'),
      `    end`,
    );
  } else {
    // Vector i enters at rising edge i; its result appears after edge i + latency − 1.
    lines.push(
      `    for (i = 0; i < ${count + latency - 1}; i = i + 1) begin`,
      `      if (i < ${count}) begin`,
      `        word = vectors[i];`,
      ...unit.inputs.map((port, n) => `        ${port.name} = word${fields[n]};`),
      `      end`,
      `      #1 clk = 1'b1;`,
      `      #1;`,
      `      j = i - ${latency - 1};`,
      `      if (j >= 0) begin`,
      ...check('j').map((line) => `  ${line}`),
      `      end`,
      `      #1 clk = 1'b0;`,
      `    end`,
    );
  }
  lines.push(`    $display("%0d passed, %0d failed", passed, failed);`, `    $finish;`, `  end`, `endmodule`);
  return lines.join('\n') + '\n';
}
