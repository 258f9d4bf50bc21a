import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADDER_KINDS, addVectors } from '../../rtl/adders.js';
import { MULTIPLIER_KINDS, multiplyUnsigned } from '../../rtl/multipliers.js';
import { bitsOf, Netlist, type Bit } from '../../rtl/netlist.js';
import { normalizeLeft, shiftRightSticky } from '../../rtl/shifters.js';
import { parseTestbenchOutput } from '../../rtl/simulate.js';
import { findTool, makeTempDirectory, removeDirectory, runTool } from '../../rtl/tools.js';

const haveIcarus = findTool('iverilog') !== undefined && findTool('vvp') !== undefined;

/**
 * Simulates a structure with two n-bit inputs x, y and output z against every input pair.
 * `expected` is the reference, a behavioural Verilog expression of x and y.
 */
async function exhaustive(width: number, outputWidth: number, build: (netlist: Netlist) => Bit[], expected: string, functions = ''): Promise<{ passed: number; failed: number }> {
  const netlist = new Netlist();
  const outputs = build(netlist);
  const dut = [
    `module dut (input [${width - 1}:0] x, input [${width - 1}:0] y, output [${outputWidth - 1}:0] z);`,
    netlist.body(),
    ...outputs.map((bit, index) => `  assign z[${index}] = ${bit};`),
    'endmodule',
  ].join('\n');
  const bench = [
    'module tb;',
    `  reg [${width - 1}:0] x, y;`,
    `  wire [${outputWidth - 1}:0] z;`,
    `  reg [${outputWidth - 1}:0] want;`,
    '  integer i, j, passed, failed;',
    '  dut d (.x(x), .y(y), .z(z));',
    functions,
    '  initial begin',
    '    passed = 0; failed = 0;',
    `    for (i = 0; i < ${2 ** width}; i = i + 1) for (j = 0; j < ${2 ** width}; j = j + 1) begin`,
    `      x = i; y = j; #1; want = ${expected};`,
    '      if (z === want) passed = passed + 1; else failed = failed + 1;',
    '    end',
    '    $display("%0d passed, %0d failed", passed, failed);',
    '  end',
    'endmodule',
  ].join('\n');
  const directory = makeTempDirectory();
  try {
    writeFileSync(join(directory, 'dut.v'), dut);
    writeFileSync(join(directory, 'tb.v'), bench);
    await runTool('iverilog', ['-g2005', '-o', 'sim.vvp', 'tb.v', 'dut.v'], { cwd: directory });
    const { passed, failed } = parseTestbenchOutput((await runTool('vvp', ['-n', 'sim.vvp'], { cwd: directory })).stdout);
    return { passed, failed };
  } finally {
    removeDirectory(directory);
  }
}

describe.runIf(haveIcarus)('rtl structures', () => {
  for (const kind of ADDER_KINDS) {
    for (const width of [5, 8]) {
      it(`${kind} adder ${width} bits with carry in`, async () => {
        const result = await exhaustive(width, width + 1, (netlist) => {
          const sum = addVectors(netlist, bitsOf('x', width), bitsOf('y', width), 'x[0]', kind);
          return [...sum.sum, sum.carryOut];
        }, `{1'b0, x} + {1'b0, y} + x[0]`);

        expect(result).toEqual({ passed: 2 ** (2 * width), failed: 0 });
      });
    }
  }

  for (const kind of MULTIPLIER_KINDS) {
    for (const width of [3, 4, 7]) {
      it(`${kind} multiplier ${width} x ${width} bits`, async () => {
        const result = await exhaustive(width, 2 * width, (netlist) => multiplyUnsigned(netlist, bitsOf('x', width), bitsOf('y', width), kind, 'rca'), `x * y`);

        expect(result).toEqual({ passed: 2 ** (2 * width), failed: 0 });
      });
    }
  }

  it('leading-zero normaliser 7 bits', async () => {
    // Reference: count leading zeros one by one; an all-zero input counts 7 and stays zero.
    const reference = [
      '  function [9:0] normalize(input [6:0] v);',
      '    integer k;',
      '    reg [2:0] count;',
      '    begin',
      '      count = 0;',
      '      for (k = 0; k < 7; k = k + 1) if (v[6] == 0 && count < 7) begin v = v << 1; count = count + 1; end',
      '      normalize = {count, v};',
      '    end',
      '  endfunction',
    ].join('\n');
    const result = await exhaustive(7, 10, (netlist) => {
      const normalized = normalizeLeft(netlist, bitsOf('x', 7));
      return [...normalized.bits, ...normalized.count];
    }, 'normalize(x)', reference);

    expect(result).toEqual({ passed: 16384, failed: 0 });
  });

  it('sticky right shifter 8 bits', async () => {
    const result = await exhaustive(8, 9, (netlist) => {
      const shifted = shiftRightSticky(netlist, bitsOf('x', 8), bitsOf('y', 4));
      return [...shifted.bits, shifted.sticky];
    }, `{|(x & ~(8'hff << y[3:0])), x >> y[3:0]}`);

    expect(result).toEqual({ passed: 65536, failed: 0 });
  });
});
