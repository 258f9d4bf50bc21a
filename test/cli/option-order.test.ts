import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { findUnknownOption } from '../../cli/options.js';
import { runCli } from '../helpers.js';

describe('unknown option before missing option', () => {
  it('mul names the misspelt option', async () => {
    const result = await runCli(['mul', '--formt', 'e4m3', '1', '2']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: unknown option '--formt' (did you mean '--format'?)");
    expect(result.stderr).not.toContain('not specified');
  });

  it('value after a known option is skipped', async () => {
    const result = await runCli(['mul', '--format', 'e4m3', '--bogus', '1', '2']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: unknown option '--bogus'");
  });

  it('operands after -- stay operands', async () => {
    // The file does not exist; the point is that it is read as a file, not as the option -x.
    const result = await runCli(['check', '--', '-x-missing.lasm']);

    expect(result.stderr).not.toContain('unknown option');
    expect(result.stderr).toContain('-x-missing.lasm');
    expect(result.code).toBe(2);
  });

  it('valid command still runs', async () => {
    const result = await runCli(['mul', '--format', 'e4m3', '1', '2']);

    expect(result.code).toBe(0);
  });

  it('missing option still reported', async () => {
    const result = await runCli(['mul', '1', '2']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("required option '-f, --format <name>' not specified");
  });
});

describe('findUnknownOption', () => {
  const command = new Command('demo').requiredOption('-f, --format <name>', 'format').option('--json', 'json').option('--level [n]', 'level');

  it('finds long and short unknowns', () => {
    expect(findUnknownOption(command, ['--formt', 'e4m3'])).toBe('--formt');
    expect(findUnknownOption(command, ['-x'])).toBe('-x');
    expect(findUnknownOption(command, ['--formt=e4m3'])).toBe('--formt');
  });

  it('skips option values and operands', () => {
    expect(findUnknownOption(command, ['--format', '--odd-value', '-1.5', '2'])).toBeUndefined();
    expect(findUnknownOption(command, ['-fe4m3', '--json', '--level', '3'])).toBeUndefined();
    expect(findUnknownOption(command, ['--level', '--bogus'])).toBe('--bogus');
    expect(findUnknownOption(command, ['--', '--bogus'])).toBeUndefined();
    expect(findUnknownOption(command, ['--help', '-h'])).toBeUndefined();
  });
});

describe('choice suggestions by stem', () => {
  it('phase decoding suggests decode', async () => {
    const result = await runCli(['model', 'gpt2', '--phase', 'decoding']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid value 'decoding' for --phase: expected one of prefill, decode (did you mean 'decode'?)");
  });

  it('phase abbreviation suggests the full name', async () => {
    const result = await runCli(['model', 'gpt2', '--phase', 'pre']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("(did you mean 'prefill'?)");
  });

  it('no suggestion for an unrelated value', async () => {
    const result = await runCli(['model', 'gpt2', '--phase', 'training']);

    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('did you mean');
  });
});
