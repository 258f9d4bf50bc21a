import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { e4m3Value, lmulE4m3Bits } from '../analysis/reference.js';

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-numerics-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function writeTemp(name: string, text: string): string {
  const file = join(directory, name);
  writeFileSync(file, text);
  return file;
}

function hex8(bits: number): string {
  return '0x' + bits.toString(16).padStart(2, '0');
}

describe('mul', () => {
  it('adds e4m3 1.0 × 1.0 to 0x39', async () => {
    const result = await runCli(['mul', '--format', 'e4m3', '0x38', '0x38']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('0x39 1.125\n');
  });

  it('gates zero operands', async () => {
    const result = await runCli(['mul', '--format', 'e4m3', '0x00', '0x78']);

    expect(result.stdout).toBe('0x00 0\n');
  });

  it('saturates e4m3 overflow to 0x7e', async () => {
    const result = await runCli(['mul', '--format', 'e4m3', '0x7E', '0x7E']);

    expect(result.stdout).toBe('0x7e 448\n');
  });

  it('gives NaN without saturation', async () => {
    const result = await runCli(['mul', '--format', 'e4m3', '--no-saturate', '0x7e', '0x7e']);

    expect(result.stdout).toBe('0x7f nan\n');
  });

  it('converts decimal operands first', async () => {
    // 1.5 × 1.5 by the adder: 2 · (0.5 + 0.5 + 2^-4) = 2.125 in fp32.
    const result = await runCli(['mul', '--format', 'fp32', '1.5', '1.5']);

    expect(result.stdout).toBe('0x40080000 2.125\n');
  });

  it('uses the exact method', async () => {
    const result = await runCli(['mul', '-f', 'fp32', '-m', 'exact', '1.5', '1.5']);

    expect(result.stdout).toBe('0x40100000 2.25\n');
  });

  it('applies --offset', async () => {
    // Offset 0 is Mitchell's multiplier: 0x38 + 0x38 - 56 = 0x38.
    const result = await runCli(['mul', '-f', 'e4m3', '--offset', '0', '0x38', '0x38']);

    expect(result.stdout).toBe('0x38 1\n');
  });

  it('prints the JSON shape', async () => {
    const result = await runCli(['mul', '--format', 'e4m3', '--json', '0x38', '0x38']);

    expect(JSON.parse(result.stdout)).toEqual({ format: 'e4m3', method: 'lmul', a: '0x38', b: '0x38', result: '0x39', value: 1.125 });
  });

  it('pads JSON patterns and spells infinity', async () => {
    const result = await runCli(['mul', '--format', 'fp16', '--method', 'exact', '--json', '0x7c00', '0x3c00']);

    expect(JSON.parse(result.stdout)).toEqual({ format: 'fp16', method: 'exact', a: '0x7c00', b: '0x3c00', result: '0x7c00', value: 'inf' });
  });

  it('spells nan in JSON', async () => {
    const result = await runCli(['mul', '-f', 'e4m3', '--json', '0x7f', '0x38']);

    expect(JSON.parse(result.stdout).value).toBe('nan');
  });

  it('rejects a pattern wider than the format', async () => {
    const result = await runCli(['mul', '-f', 'e4m3', '0x100', '0x38']);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("'0x100'");
    expect(result.stderr).toContain('0x00 to 0xff');
  });

  it('rejects a bad number', async () => {
    const result = await runCli(['mul', '-f', 'e4m3', '1.5', '1,5']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid operand '1,5' for B");
  });

  it('rejects a bad format', async () => {
    const result = await runCli(['mul', '-f', 'e4m4x', '1', '1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'e4m4x'");
    expect(result.stderr).toContain('e5m2');
  });

  it('rejects a bad method', async () => {
    const result = await runCli(['mul', '-f', 'e4m3', '-m', 'lmull', '1', '1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'lmull'");
    expect(result.stderr).toContain('mitchell');
  });

  it('rejects an offset beyond the mantissa', async () => {
    const result = await runCli(['mul', '-f', 'e4m3', '--offset', '8', '1', '1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid value '8' for --offset: expected an integer from 0 to 7");
  });

  it('rejects --offset with exact', async () => {
    const result = await runCli(['mul', '-f', 'e4m3', '-m', 'exact', '--offset', '1', '1', '1']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--offset applies to the lmul and lmul-formula methods');
  });

  it('needs two operands', async () => {
    const result = await runCli(['mul', '-f', 'e4m3', '0x38']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing operands');
  });

  it('needs --format', async () => {
    const result = await runCli(['mul', '0x38', '0x38']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--format');
  });
});

describe('mul --input', () => {
  it('round-trips a CSV of 500 rows', async () => {
    const pairs: [number, number][] = [
      [0x38, 0x38],
      [0x00, 0x78],
      [0x7e, 0x7e],
    ];
    for (let i = 0; i < 497; i++) pairs.push([(i * 37 + 11) & 0xff, (i * 101 + 3) & 0xff]);
    const file = writeTemp('pairs.csv', 'a,b\n' + pairs.map(([a, b]) => `${hex8(a)},${hex8(b)}`).join('\n') + '\n');

    const result = await runCli(['mul', '--format', 'e4m3', '--input', file]);

    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('a,b,result');
    expect(lines.slice(1, 4)).toEqual(['0x38,0x38,0x39', '0x00,0x78,0x00', '0x7e,0x7e,0x7e']);
    expect(lines).toHaveLength(501);
    const expected = pairs.map(([a, b]) => `${hex8(a)},${hex8(b)},${hex8(lmulE4m3Bits(a, b))}`);
    expect(lines.slice(1)).toEqual(expected);
  });

  it('pads results and accepts CRLF and a missing final newline', async () => {
    const file = writeTemp('crlf.csv', 'a,b\r\n0x3c00,0x3c00\r\n0x1,0x3C00');

    const result = await runCli(['mul', '-f', 'fp16', '-m', 'exact', '-i', file]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('a,b,result\n0x3c00,0x3c00,0x3c00\n0x0001,0x3c00,0x0001\n');
  });

  it('names file, line and field of a bad value', async () => {
    const file = writeTemp('bad.csv', 'a,b\n0x38,0x38\n0x38,0xzz\n');

    const result = await runCli(['mul', '-f', 'e4m3', '-i', file]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}:3:6: error: invalid value '0xzz' in field b`);
  });

  it('rejects a pattern wider than the format', async () => {
    const file = writeTemp('wide.csv', 'a,b\n0x138,0x38\n');

    const result = await runCli(['mul', '-f', 'e4m3', '-i', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:2:1: error: invalid value '0x138' in field a: expected a hex bit pattern from 0x00 to 0xff`);
  });

  it('rejects a row with three fields', async () => {
    const file = writeTemp('three.csv', 'a,b\n0x38,0x38,0x38\n');

    const result = await runCli(['mul', '-f', 'e4m3', '-i', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected 2 fields a,b, found 3');
  });

  it('rejects a bad header', async () => {
    const file = writeTemp('header.csv', 'x,y\n0x38,0x38\n');

    const result = await runCli(['mul', '-f', 'e4m3', '-i', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid header 'x,y': expected 'a,b'");
  });

  it('rejects an empty file', async () => {
    const file = writeTemp('empty.csv', '');

    const result = await runCli(['mul', '-f', 'e4m3', '-i', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('empty file');
  });

  it('rejects a missing file', async () => {
    const file = join(directory, 'missing.csv');

    const result = await runCli(['mul', '-f', 'e4m3', '-i', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot read input file '${file}': file not found`);
  });

  it('rejects operands together with --input', async () => {
    const file = writeTemp('both.csv', 'a,b\n');

    const result = await runCli(['mul', '-f', 'e4m3', '-i', file, '0x38', '0x38']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not both');
  });
});

describe('convert', () => {
  it('rounds and saturates e4m3', async () => {
    const result = await runCli(['convert', '--format', 'e4m3', '464', '465', '1.8131605', '4.25', '0.0009765625']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('464 0x7e 448\n465 0x7e 448\n1.8131605 0x3f 1.875\n4.25 0x48 4\n0.0009765625 0x00 0\n');
  });

  it('gives NaN for e4m3 overflow without saturation', async () => {
    const result = await runCli(['convert', '-f', 'e4m3', '--no-saturate', '464', '465']);

    expect(result.stdout).toBe('464 0x7e 448\n465 0x7f nan\n');
  });

  it('gives inf for e5m2 overflow without saturation', async () => {
    const result = await runCli(['convert', '-f', 'e5m2', '--no-saturate', '61439', '61440', '--', '-61440']);

    expect(result.stdout).toBe('61439 0x7b 57344\n61440 0x7c inf\n-61440 0xfc -inf\n');
  });

  it('saturates fp16 when asked', async () => {
    const result = await runCli(['convert', '-f', 'fp16', '--saturate', '65520']);

    expect(result.stdout).toBe('65520 0x7bff 65504\n');
  });

  it('decodes patterns', async () => {
    const result = await runCli(['convert', '-f', 'e5m2', '--decode', '0x7c', '0xfc', '0x7d', '0x80', '0x01']);

    expect(result.stdout).toBe('0x7c inf\n0xfc -inf\n0x7d nan\n0x80 -0\n0x01 0.0000152587890625\n');
  });

  it('decodes every e4m3 pattern as the reference does', async () => {
    const patterns = Array.from({ length: 256 }, (_, bits) => hex8(bits));

    const result = await runCli(['convert', '-f', 'e4m3', '--decode', '--json', ...patterns]);

    const values = JSON.parse(result.stdout).results.map((entry: { value: number | string }) => entry.value);
    const expected = patterns.map((_, bits) => {
      const value = e4m3Value(bits);
      if (Number.isNaN(value)) return 'nan';
      // JSON has no negative zero: -0 prints as 0.
      if (value === 0) return 0;
      return value;
    });
    expect(values).toEqual(expected);
  });

  it('prints the JSON shape', async () => {
    const result = await runCli(['convert', '-f', 'e4m3', '--json', '448', 'nan']);

    expect(JSON.parse(result.stdout)).toEqual({
      format: 'e4m3',
      saturate: true,
      decode: false,
      results: [
        { input: '448', bits: '0x7e', value: 448 },
        { input: 'nan', bits: '0x7f', value: 'nan' },
      ],
    });
  });

  it('rejects a bad value without partial output', async () => {
    const result = await runCli(['convert', '-f', 'e4m3', '1.5', 'abc']);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("invalid number 'abc' for value");
  });

  it('rejects a pattern wider than the format', async () => {
    const result = await runCli(['convert', '-f', 'e5m2', '--decode', '0x1ff']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid bit pattern '0x1ff' for value: wider than e5m2's 8 bits");
  });

  it('rejects a decimal with --decode', async () => {
    const result = await runCli(['convert', '-f', 'e5m2', '--decode', '1.5']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid bit pattern '1.5'");
  });
});

describe('error', () => {
  it('prints the exhaustive e4m3 statistics', async () => {
    const result = await runCli(['error', '--format', 'e4m3', '--method', 'lmul']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('inputs: every pair of normal operands');
    expect(result.stdout).toContain('pairs evaluated: 56644');
    expect(result.stdout).toMatch(/max \|relative error\| +12\.500%/);
    expect(result.stdout).toContain('signed relative error histogram');
    expect(result.stdout).toMatch(/\]\s+\d+\s+#+\n$/);
  });

  it('prints the JSON shape', async () => {
    const result = await runCli(['error', '-f', 'e4m3', '--json', '--bins', '4']);

    const report = JSON.parse(result.stdout);
    expect(report.maxRelError).toBe(0.125);
    expect(report.meanRelError).toBeGreaterThan(0);
    expect(report.meanRelError).toBeLessThan(0.125);
    expect(typeof report.meanSignedRelError).toBe('number');
    expect(report.counts).toEqual({ total: 56644, evaluated: 56644, skippedNonNormalOperand: 0, skippedProductOutOfRange: 0, skippedNonFiniteResult: 0 });
    expect(report.settings).toEqual({ format: 'e4m3', method: 'lmul', inputs: 'exhaustive', samples: null, seed: null, offsetLsbs: 1, roundOutput: false, bins: 4 });
    expect(report.histogram).toHaveLength(4);
    expect(report.histogram.reduce((sum: number, bin: { count: number }) => sum + bin.count, 0)).toBe(56644);
  });

  it('repeats sampled runs for one seed', async () => {
    const args = ['error', '-f', 'e5m2', '--inputs', 'normal', '--samples', '3000', '--seed', '7', '--json'];

    const first = await runCli(args);
    const second = await runCli(args);
    const other = await runCli([...args.slice(0, -2), '8', '--json']);

    expect(second.stdout).toBe(first.stdout);
    expect(JSON.parse(other.stdout).meanRelError).not.toBe(JSON.parse(first.stdout).meanRelError);
  });

  it('reports skipped pairs', async () => {
    const result = await runCli(['error', '-f', 'e4m3', '--inputs', 'uniform', '--samples', '5000']);

    expect(result.stdout).toMatch(/skipped \d+ pairs with a zero, subnormal, infinite or NaN operand/);
  });

  it('restricts --round-output to normal products', async () => {
    const result = await runCli(['error', '-f', 'e4m3', '-m', 'exact', '--round-output', '--json']);

    const report = JSON.parse(result.stdout);
    expect(report.counts.skippedProductOutOfRange).toBeGreaterThan(0);
    // Round to nearest with a 3-bit mantissa errs by at most half an LSB, 2^-4 of the binade's lower end.
    expect(report.maxRelError).toBeLessThanOrEqual(1 / 16);
    expect(report.maxRelError).toBeGreaterThan(0);
  });

  it('applies --offset', async () => {
    const offsetZero = await runCli(['error', '-f', 'e4m3', '--offset', '0', '--json']);
    const mitchell = await runCli(['error', '-f', 'e4m3', '-m', 'mitchell', '--json']);

    expect(offsetZero.code).toBe(0);
    expect(JSON.parse(offsetZero.stdout).settings.offsetLsbs).toBe(0);
    expect(JSON.parse(offsetZero.stdout).meanRelError).toBe(JSON.parse(mitchell.stdout).meanRelError);
    expect(JSON.parse(mitchell.stdout).maxSignedRelError).toBe(0);
  });

  it('rejects --offset with exact', async () => {
    const result = await runCli(['error', '-f', 'e4m3', '-m', 'exact', '--offset', '1']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--offset applies to the lmul and lmul-formula methods, not to exact');
  });

  it('rejects exhaustive inputs for fp32', async () => {
    const result = await runCli(['error', '-f', 'fp32', '--inputs', 'exhaustive']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('exhaustive inputs need a format of at most 8 bits (fp32 has 32)');
  });

  it('rejects a bad distribution', async () => {
    const result = await runCli(['error', '-f', 'e4m3', '--inputs', 'gauss']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid value 'gauss' for --inputs: expected one of exhaustive, uniform, normal, lognormal");
  });

  it('rejects a bad sample count', async () => {
    const result = await runCli(['error', '-f', 'e4m3', '--inputs', 'normal', '--samples', '1e3']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid value '1e3' for --samples");
  });

  it('needs --format', async () => {
    const result = await runCli(['error']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing --format');
  });
});

describe('error --mantissa-bits', () => {
  it('prints tables, claims and offsets', async () => {
    const result = await runCli(['error', '--mantissa-bits', '3-4', '--samples', '2000']);

    expect(result.code).toBe(0);
    for (const inputs of ['exhaustive', 'uniform', 'normal', 'lognormal']) expect(result.stdout).toContain(`inputs: ${inputs}`);
    expect(result.stdout).toMatch(/4-bit L-Mul ≈ e4m3 \(end-to-end, paper offset\): (holds|fails) for/);
    expect(result.stdout).toMatch(/3-bit L-Mul beats e5m2 \(product-only, best offset\): (holds|fails) for/);
    expect(result.stdout).toMatch(/\nlmul-4 best +e8m4 +1\/16 /);
    expect(result.stdout).toContain('L-Mul offset search');
    expect(result.stdout).toMatch(/\n4 +1\/8 /);
  });

  it('prints the JSON shape', async () => {
    const result = await runCli(['error', '--mantissa-bits', '2-8', '--samples', '1000', '--json']);

    const report = JSON.parse(result.stdout);
    expect(report.settings.mantissaBits).toEqual({ low: 2, high: 8 });
    expect(report.comparisons).toHaveLength(4);
    expect(report.comparisons[1].rows).toHaveLength(16);
    expect(report.comparisons[1].rows[2].endToEnd.meanRelError).toBeGreaterThan(0);
    expect(report.offsets.map((o: { mantissaBits: number }) => o.mantissaBits)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(report.offsets[2].paper.offsetFraction).toBe(1 / 8);
  });

  it('rejects a reversed range', async () => {
    const result = await runCli(['error', '--mantissa-bits', '9-2']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid value '9-2' for --mantissa-bits: expected LOW-HIGH with 1 <= LOW <= HIGH <= 8");
  });

  it('rejects --bins with --mantissa-bits', async () => {
    const result = await runCli(['error', '--mantissa-bits', '4', '--bins', '8']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--bins cannot be combined with --mantissa-bits');
  });

  it('rejects --format with --mantissa-bits', async () => {
    const result = await runCli(['error', '--mantissa-bits', '2-8', '--format', 'e4m3']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--format cannot be combined with --mantissa-bits');
  });
});
