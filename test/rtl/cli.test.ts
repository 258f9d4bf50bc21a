import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'lmulsim-rtl-cli-'));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('rtl command', () => {
  it('writes lmul module with exact ports', async () => {
    const output = join(directory, 'lmul.v');

    const result = await runCli(['rtl', '--unit', 'lmul', '--format', 'e4m3', '-o', output]);

    expect(result.code).toBe(0);
    const verilog = readFileSync(output, 'utf8');
    expect(verilog).toContain('module lmul_e4m3 (\n  input [7:0] a,\n  input [7:0] b,\n  output [7:0] y\n);');
  });

  it('pipelined module has a clock', async () => {
    const result = await runCli(['rtl', '--unit', 'fpmul', '--format', 'bf16', '--stages', '3', '--top', 'mul3']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('module mul3 (\n  input clk,');
    expect(result.stdout).toContain('module mul3_comb (');
  });

  const badInputs: Array<[string, string[], RegExp]> = [
    ['unknown unit', ['--unit', 'fpdiv', '--format', 'e4m3'], /invalid value 'fpdiv' for --unit: expected one of lmul, fpmul, fpadd, mac/],
    ['unknown format', ['--unit', 'lmul', '--format', 'e4m4x'], /invalid value 'e4m4x' for --format/],
    ['unknown adder', ['--unit', 'lmul', '--format', 'e4m3', '--adder', 'csa'], /invalid value 'csa' for --adder: expected one of rca, ks, bk/],
    ['unknown multiplier', ['--unit', 'fpmul', '--format', 'e4m3', '--multiplier', 'wallace'], /invalid value 'wallace' for --multiplier/],
    ['negative stages', ['--unit', 'lmul', '--format', 'e4m3', '--stages', '-1'], /invalid value '-1' for --stages: expected an integer from 0 to 16/],
    ['method on lmul unit', ['--unit', 'lmul', '--format', 'e4m3', '--method', 'exact'], /the lmul unit implements only lmul/],
    ['bad top name', ['--unit', 'lmul', '--format', 'e4m3', '--top', '9x'], /invalid value '9x' for --top/],
  ];
  for (const [name, args, message] of badInputs) {
    it(`rejects ${name} with exit 2`, async () => {
      const output = join(directory, 'unit.v');

      const result = await runCli(['rtl', ...args, '-o', output]);

      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
      expect(existsSync(output)).toBe(false);
    });
  }

  it('rejects unwritable output without partial file', async () => {
    const output = join(directory, 'missing', 'unit.v');

    const result = await runCli(['rtl', '--unit', 'lmul', '--format', 'e4m3', '-o', output]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot write output file '${output}'`);
    expect(readdirSync(directory)).toEqual([]);
  });
});

describe('vectors command', () => {
  it('writes exhaustive vectors and testbench', async () => {
    const output = join(directory, 'v.hex');

    const result = await runCli(['vectors', '--unit', 'lmul', '--format', 'e4m3', '--exhaustive', '-o', output]);

    expect(result.code).toBe(0);
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(65536);
    // 0x38 is 1.0 in e4m3; L-Mul gives 1.0 x 1.0 = 1.125 (0x39) because of the offset 2^-3.
    expect(lines[0x38 * 256 + 0x38]).toBe('383839');
    expect(lines[0]).toBe('000000');
    const bench = readFileSync(join(directory, 'v_tb.v'), 'utf8');
    expect(bench).toContain('$display("%0d passed, %0d failed", passed, failed);');
    expect(bench).toContain('lmul_e4m3 dut (.a(a), .b(b), .y(y));');
  });

  it('same seed gives same random vectors', async () => {
    const first = join(directory, 'a.hex');
    const second = join(directory, 'b.hex');

    await runCli(['vectors', '--unit', 'fpmul', '--format', 'bf16', '--count', '50', '--seed', '9', '-o', first]);
    await runCli(['vectors', '--unit', 'fpmul', '--format', 'bf16', '--count', '50', '--seed', '9', '-o', second]);

    expect(readFileSync(first, 'utf8')).toBe(readFileSync(second, 'utf8'));
    expect(readFileSync(first, 'utf8').trim().split('\n')).toHaveLength(50);
  });

  it('rejects exhaustive for 16-bit operands', async () => {
    const output = join(directory, 'v.hex');

    const result = await runCli(['vectors', '--unit', 'lmul', '--format', 'fp16', '--exhaustive', '-o', output]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--exhaustive needs two operands of at most 8 bits');
    expect(readdirSync(directory)).toEqual([]);
  });

  it('rejects zero count', async () => {
    const result = await runCli(['vectors', '--unit', 'lmul', '--format', 'fp16', '--count', '0', '-o', join(directory, 'v.hex')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid value '0' for --count");
  });
});

describe('synth command', () => {
  it('missing yosys explains installation', async () => {
    const path = process.env.PATH;
    process.env.PATH = directory;
    try {
      const result = await runCli(['synth', '--unit', 'lmul', '--format', 'e4m3']);

      expect(result.code).toBe(1);
      expect(result.stderr).toContain("apt-get install yosys");
    } finally {
      process.env.PATH = path;
    }
  });
});
