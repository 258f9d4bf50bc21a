/**
 * Switching activity of a synthesised unit: the Yosys gate-level netlist is simulated under Icarus
 * with generic cell models, the nets are dumped to a VCD file, and net toggles are counted per
 * operation. The cell models have no delay and the count compares each net's settled values, so a
 * one-bit net counts at most one toggle per operation and glitches are not counted.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { GeneratedUnit } from './generate.js';
import { makeTempDirectory, removeDirectory, runTool } from './tools.js';
import { randomOperand, seededRandom, type Distribution } from './vectors.js';

/** Behavioural models of the Yosys generic cells that `abc -g` and `synth` emit, for simulation. */
export const GENERIC_CELL_MODELS = [
  ['$_AND_', 'A & B'],
  ['$_NAND_', '~(A & B)'],
  ['$_OR_', 'A | B'],
  ['$_NOR_', '~(A | B)'],
  ['$_XOR_', 'A ^ B'],
  ['$_XNOR_', '~(A ^ B)'],
  ['$_ANDNOT_', 'A & ~B'],
  ['$_ORNOT_', 'A | ~B'],
]
  .map(([cell, expression]) => `module \\${cell} (input A, input B, output Y);\n  assign Y = ${expression};\nendmodule`)
  .concat([
    'module \\$_MUX_ (input A, input B, input S, output Y);\n  assign Y = S ? B : A;\nendmodule',
    'module \\$_NOT_ (input A, output Y);\n  assign Y = ~A;\nendmodule',
    'module \\$_BUF_ (input A, output Y);\n  assign Y = A;\nendmodule',
    'module \\$_DFF_P_ (input C, input D, output reg Q);\n  always @(posedge C) Q <= D;\nendmodule',
  ])
  .join('\n');

/** Measured activity of one unit under one operand distribution. */
export interface ToggleMeasurement {
  readonly operations: number;
  /** Mean number of nets (inputs, outputs and internal wires of the netlist) that change per operation. */
  readonly togglesPerOperation: number;
  /** Mean Hamming distance between consecutive operand inputs, in bits per operation. */
  readonly inputBitTogglesPerOperation: number;
}

/**
 * Counts value changes per net in a VCD file, comparing the last value of each net in one time
 * step with its last value in the previous step, from the first step at or after `fromTime`.
 * Nets with the same identifier code are counted once.
 */
export async function countVcdToggles(path: string, fromTime: number): Promise<number> {
  const values = new Map<string, string>();
  const pending = new Map<string, string>();
  let time = -1;
  let toggles = 0;
  const flush = (): void => {
    for (const [id, value] of pending) {
      const previous = values.get(id);
      if (previous !== undefined && time > fromTime) toggles += hammingDistance(previous, value);
      values.set(id, value);
    }
    pending.clear();
  };

  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let inHeader = true;
  for await (const line of lines) {
    if (inHeader) {
      if (line.includes('$enddefinitions')) inHeader = false;
      continue;
    }
    if (line.startsWith('#')) {
      flush();
      time = Number(line.slice(1));
    } else if (line.startsWith('b')) {
      const space = line.indexOf(' ');
      pending.set(line.slice(space + 1).trim(), line.slice(1, space));
    } else if (/^[01xz]/.test(line)) {
      pending.set(line.slice(1).trim(), line[0]);
    }
  }
  flush();
  return toggles;
}

/** Bits that differ between two VCD binary values, right-aligned (VCD drops leading zeros); x and z count as differing. */
function hammingDistance(previous: string, next: string): number {
  const width = Math.max(previous.length, next.length);
  const left = previous.padStart(width, previous[0] === 'x' || previous[0] === 'z' ? previous[0] : '0');
  const right = next.padStart(width, next[0] === 'x' || next[0] === 'z' ? next[0] : '0');
  let count = 0;
  for (let index = 0; index < width; index++) if (left[index] !== right[index]) count++;
  return count;
}

/** Bits that differ between two unsigned patterns of up to 32 bits (the int32 XOR operator would go negative). */
function bitDistance(x: number, y: number): number {
  let difference = BigInt(x) ^ BigInt(y);
  let count = 0;
  for (; difference > 0n; difference >>= 1n) count += Number(difference & 1n);
  return count;
}

/**
 * Simulates the mapped `netlist` of a combinational two-operand unit with `operations` random
 * operand pairs from `distribution` and returns net toggles per operation.
 */
export async function measureToggles(unit: GeneratedUnit, netlist: string, distribution: Distribution, operations: number, seed: number): Promise<ToggleMeasurement> {
  if (unit.latencyCycles > 0 || unit.inputs.length !== 2) throw new Error('toggle measurement needs a combinational two-operand unit');
  const random = seededRandom(seed);
  const format = unit.spec.format;
  const operands: Array<[number, number]> = [];
  for (let index = 0; index < operations + 1; index++) operands.push([randomOperand(format, distribution, random), randomOperand(format, distribution, random)]);
  let inputBitToggles = 0;
  for (let index = 1; index < operands.length; index++) {
    inputBitToggles += bitDistance(operands[index][0], operands[index - 1][0]) + bitDistance(operands[index][1], operands[index - 1][1]);
  }

  const [a, b] = unit.inputs;
  const digits = Math.ceil(a.widthBits / 4);
  const stimulus = operands.map(([x, y]) => `    ${a.name} = ${a.widthBits}'h${x.toString(16).padStart(digits, '0')}; ${b.name} = ${b.widthBits}'h${y.toString(16).padStart(digits, '0')}; #10;`);
  const bench = [
    '`timescale 1ns/1ps',
    'module toggle_tb;',
    `  reg [${a.widthBits - 1}:0] ${a.name};`,
    `  reg [${b.widthBits - 1}:0] ${b.name};`,
    `  wire [${unit.output.widthBits - 1}:0] ${unit.output.name};`,
    `  ${unit.spec.top} dut (.${a.name}(${a.name}), .${b.name}(${b.name}), .${unit.output.name}(${unit.output.name}));`,
    '  initial begin',
    '    $dumpfile("toggles.vcd");',
    // Level 1 dumps the nets of the netlist module itself, not the ports of every cell instance.
    '    $dumpvars(1, dut);',
    ...stimulus,
    '    $finish;',
    '  end',
    'endmodule',
  ].join('\n');

  const directory = makeTempDirectory();
  try {
    writeFileSync(join(directory, 'netlist.v'), netlist);
    writeFileSync(join(directory, 'cells.v'), GENERIC_CELL_MODELS + '\n');
    writeFileSync(join(directory, 'tb.v'), bench + '\n');
    await runTool('iverilog', ['-g2005', '-o', 'sim.vvp', 'tb.v', 'netlist.v', 'cells.v'], { cwd: directory });
    await runTool('vvp', ['-n', 'sim.vvp'], { cwd: directory });
    // The first operand pair settles from x during steps 0..9; count from the second pair on.
    const toggles = await countVcdToggles(join(directory, 'toggles.vcd'), 9);
    return { operations, togglesPerOperation: toggles / operations, inputBitTogglesPerOperation: inputBitToggles / operations };
  } finally {
    removeDirectory(directory);
  }
}
