import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

const directory = mkdtempSync(join(tmpdir(), 'lmulsim-exit-status-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A vector-only program, so that it runs on every preset whatever its matrix unit accumulates in. */
const PROGRAM = join('test', 'cli', 'fixtures', 'square.lasm');

/** A machine description with a misspelt key, so that loading it fails with a positioned diagnostic. */
const BAD_MACHINE = join(directory, 'bad-machine.yaml');
writeFileSync(BAD_MACHINE, readFileSync(join('examples', 'arch', 'edge-npu.yaml'), 'utf8').replace('cols: 16', 'colums: 16'));

/** A cost-model node file with an unknown top-level key. */
const BAD_COST = join(directory, 'bad-node.yaml');
writeFileSync(BAD_COST, readFileSync(join('costmodels', 'data', '45nm.yaml'), 'utf8') + '\nbogus: 1\n');

/** A regular file, used where a path component must be a directory. */
const PLAIN_FILE = join(directory, 'plain.txt');
writeFileSync(PLAIN_FILE, 'x');

type Case = readonly [name: string, argv: readonly string[], message: RegExp];

const USAGE_ERRORS: readonly Case[] = [
  ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
  ['unknown option', ['mul', '-f', 'e4m3', '--bogus', '1', '1'], /unknown option '--bogus'/],
  ['missing required option', ['mul', '1', '1'], /required option '-f, --format <name>' not specified/],
  ['missing argument', ['convert', '-f', 'e4m3'], /missing required argument 'values'/],
  ['extra argument', ['fmt', PROGRAM, PROGRAM], /too many arguments/],
  ['mul saturate pair', ['mul', '-f', 'e4m3', '--saturate', '--no-saturate', '1', '1'], /--saturate and --no-saturate cannot be combined: give only one of them/],
  ['convert saturate pair', ['convert', '-f', 'fp16', '--no-saturate', '--saturate', '1'], /--saturate and --no-saturate cannot be combined/],
  ['convert decode saturate', ['convert', '-f', 'e4m3', '--decode', '--no-saturate', '0x38'], /do not apply to --decode/],
  ['quiet with verbose', ['--quiet', '--verbose', 'mul', '-f', 'e4m3', '1', '1'], /--quiet and --verbose cannot be combined/],
  ['error seed exhaustive', ['error', '-f', 'e4m3', '--seed', '5'], /--seed does not apply to exhaustive inputs.*drop it or give --inputs uniform/],
  ['costs list with json', ['costs', '--list-parameters', '--json'], /--json does not apply to --list-parameters/],
  ['vectors exhaustive count', ['vectors', '--unit', 'lmul', '--format', 'e4m3', '-o', join(directory, 'v.hex'), '--exhaustive', '--count', '5'], /--exhaustive and --count cannot be combined/],
  ['vectors exhaustive seed', ['vectors', '--unit', 'lmul', '--format', 'e4m3', '-o', join(directory, 'v.hex'), '--exhaustive', '--seed', '3'], /--seed does not apply to --exhaustive/],
  ['run node without energy', ['run', PROGRAM, '--node', '7nm'], /--node and --cost apply only with --energy/],
  ['model unknown option', ['model', 'gpt2', '--seq-len', '8'], /unknown option '--seq-len'/],
];

const INVALID_INPUTS: readonly Case[] = [
  ['mul bad format', ['mul', '-f', 'fp31', '1', '1'], /invalid value 'fp31' for --format/],
  ['mul offset out of range', ['mul', '-f', 'e4m3', '--offset', '99', '1', '1'], /invalid value '99' for --offset: expected an integer from 0 to 7/],
  ['run bad machine file', ['run', PROGRAM, '--arch', BAD_MACHINE], /unknown key 'colums' in core\.matrix/],
  ['run unknown preset', ['run', PROGRAM, '--arch', 'edge-nup'], /machine 'edge-nup' not found/],
  ['run missing machine file', ['run', PROGRAM, '--arch', join(directory, 'none.yaml')], /cannot read machine description .*none\.yaml: no such file/],
  ['check bad machine file', ['check', PROGRAM, '--arch', BAD_MACHINE], /invalid machine description/],
  ['compare bad machine file', ['compare', PROGRAM, '--arch', BAD_MACHINE], /invalid machine description/],
  ['model bad machine file', ['model', 'gpt2', '--arch', BAD_MACHINE], /invalid machine description/],
  ['costs bad cost file', ['costs', '--node', BAD_COST], /unknown key 'bogus'/],
  ['claims unknown node', ['claims', '--node', '9nm'], /unknown technology node '9nm'/],
  ['run bad cost file', ['run', PROGRAM, '--energy', '--node', BAD_COST], /unknown key 'bogus'/],
  ['costs missing cost file', ['costs', '--node', join(directory, 'none.yaml')], /cannot read cost file .*none\.yaml': file not found/],
];

describe('exit status 1 for usage errors', () => {
  for (const [name, argv, message] of USAGE_ERRORS) {
    it(name, async () => {
      const result = await runCli(argv);

      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    });
  }
});

describe('exit status 2 for invalid input', () => {
  for (const [name, argv, message] of INVALID_INPUTS) {
    it(name, async () => {
      const result = await runCli(argv);

      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).toBe('');
    });
  }
});

describe('contradictory flags one at a time', () => {
  it('mul accepts --saturate alone', async () => {
    const result = await runCli(['mul', '-f', 'fp16', '--saturate', '0x7bff', '0x7bff']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('0x7bff 65504\n');
  });

  it('mul accepts --no-saturate alone', async () => {
    const result = await runCli(['mul', '-f', 'e4m3', '--no-saturate', '0x7e', '0x7e']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('0x7f nan\n');
  });
});

describe('did you mean for enumerated values', () => {
  const CASES: readonly Case[] = [
    ['mul --format', ['mul', '-f', 'fp31', '1', '1'], /invalid value 'fp31' for --format: expected fp32, .* \(did you mean 'fp32'\?\)/],
    ['mul --method', ['mul', '-f', 'e4m3', '-m', 'lmull', '1', '1'], /invalid value 'lmull' for --method: expected one of exact, lmul, lmul-formula, mitchell \(did you mean 'lmul'\?\)/],
    ['convert --format', ['convert', '-f', 'bf17', '1'], /invalid value 'bf17' for --format: .*\(did you mean 'bf16'\?\)/],
    ['error --method', ['error', '-f', 'e4m3', '-m', 'mitchel'], /\(did you mean 'mitchell'\?\)/],
    ['error --inputs', ['error', '-f', 'e4m3', '--inputs', 'unifrom'], /invalid value 'unifrom' for --inputs: .*\(did you mean 'uniform'\?\)/],
    ['run --arch', ['run', PROGRAM, '--arch', 'edge-nup'], /\(did you mean 'edge-npu'\?\)/],
    ['run --method', ['run', PROGRAM, '--method', 'exactt'], /invalid value 'exactt' for --method: .*\(did you mean 'exact'\?\)/],
    ['run --fidelity', ['run', PROGRAM, '--fidelity', 'til'], /invalid value 'til' for --fidelity: expected one of tile, pe \(did you mean 'tile'\?\)/],
    ['run --numerics', ['run', PROGRAM, '--numerics', 'onn'], /\(did you mean 'on'\?\)/],
    ['run --node', ['run', PROGRAM, '--energy', '--node', '46nm'], /unknown technology node '46nm'.*\(did you mean '45nm'\?\)/],
    ['compare --methods', ['compare', PROGRAM, '--methods', 'exact,lmull'], /invalid method 'lmull' in --methods: .*\(did you mean 'lmul'\?\)/],
    ['compare --node', ['compare', PROGRAM, '--node', '7n'], /\(did you mean '7nm'\?\)/],
    ['model name', ['model', 'gpt-2'], /\(did you mean 'gpt2'\?\)/],
    ['model --phase', ['model', 'gpt2', '--phase', 'prefil'], /\(did you mean 'prefill'\?\)/],
    ['model --methods', ['model', 'gpt2', '--methods', 'exact,lmull'], /invalid method 'lmull' in --methods: .*\(did you mean 'lmul'\?\)/],
    ['model --weights-in', ['model', 'gpt2', '--weights-in', 'drm'], /\(did you mean 'dram'\?\)/],
    ['model --weight-format', ['model', 'gpt2', '--weight-format', 'e4m4'], /machine 'tpu-v4' accepts bf16, e4m3, e5m2 \(did you mean 'e4m3'\?\)/],
    ['model --numerics', ['model', 'gpt2', '--numerics', 'sampel'], /\(did you mean 'sample'\?\)/],
    ['costs --format', ['costs', '--format', 'int9'], /invalid value 'int9' for --format: .*\(did you mean 'int8'\?\)/],
    ['vectors --distribution', ['vectors', '--unit', 'lmul', '--format', 'e4m3', '-o', join(directory, 'd.hex'), '--distribution', 'weight'], /\(did you mean 'weights'\?\)/],
    ['attention --formats', ['attention-numerics', '--formats', 'e4m3,fp17'], /invalid format 'fp17' in --formats: .*\(did you mean 'fp16'\?\)/],
    ['attention --methods', ['attention-numerics', '--methods', 'lmull'], /invalid method 'lmull' in --methods: .*\(did you mean 'lmul'\?\)/],
    ['accuracy --configs', ['accuracy', 'fashion-mnist', '--configs', 'e4m3-lmull'], /\(did you mean 'e4m3-lmul'\?\)/],
  ];
  for (const [name, argv, message] of CASES) {
    it(name, async () => {
      const result = await runCli(argv);

      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
    });
  }
});

describe('message style', () => {
  const ERRORS: readonly (readonly string[])[] = [
    ['mul', '-f', 'fp31', '1', '1'],
    ['mul', '-f', 'e9m2', '1', '1'],
    ['convert', '-f', 'e4m3', 'abc'],
    ['run', PROGRAM, '--arch', 'nope'],
    ['run', PROGRAM, '--method', 'nope'],
    ['compare', PROGRAM, '--methods', 'nope'],
    ['model', 'gpt2', '--methods', 'nope'],
    ['error', '-f', 'nope'],
  ];
  for (const argv of ERRORS) {
    it(`lower-case start for ${argv.filter((arg) => arg !== PROGRAM).slice(0, 3).join(' ')}`, async () => {
      const result = await runCli(argv);

      const message = /^error: (.*)$/m.exec(result.stderr)?.[1] ?? '';
      expect(message, result.stderr).not.toBe('');
      expect(message[0]).toBe(message[0].toLowerCase());
      expect(message).not.toMatch(/\. [A-Z]/);
    });
  }
});

describe('output paths checked first', () => {
  it('run --out under a file', async () => {
    const result = await runCli(['run', PROGRAM, '--max-cycles', '1', '--out', join(PLAIN_FILE, 'out')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot write output directory '${join(PLAIN_FILE, 'out')}'`);
    expect(result.stderr).not.toContain('cycle');
  });

  it('run --energy node before the run', async () => {
    const result = await runCli(['run', PROGRAM, '--max-cycles', '1', '--energy', '--node', '9nm']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown technology node '9nm'");
  });

  it('compare --report in a missing directory', async () => {
    const program = join(directory, 'syntax-error.lasm');
    writeFileSync(program, 'frobnicate\n');
    const report = join(directory, 'missing', 'report.html');

    const result = await runCli(['compare', program, '--report', report]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot write report '${report}': directory '${join(directory, 'missing')}' does not exist`);
    expect(result.stderr).not.toContain('frobnicate');
  });

  it('model --node before the phase check', async () => {
    const result = await runCli(['model', 'bert-base', '--phase', 'decode', '--node', '9nm']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown technology node '9nm'");
  });

  it('rtl --output in a missing directory', async () => {
    const output = join(directory, 'missing', 'unit.v');

    const result = await runCli(['rtl', '--unit', 'lmul', '--format', 'e4m3', '-o', output]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot write output file '${output}'`);
  });

  it('vectors testbench in a directory path', async () => {
    const testbench = join(directory, 'bench-dir');
    mkdirSync(testbench, { recursive: true });
    const output = join(directory, 'ok.hex');

    const result = await runCli(['vectors', '--unit', 'lmul', '--format', 'e4m3', '-o', output, '--count', '4', '--testbench', testbench]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot write testbench '${testbench}': it is a directory`);
    expect(() => readFileSync(output)).toThrow();
  });
});
