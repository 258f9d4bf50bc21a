import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPresets } from '../../sim/arch/load.js';
import { runCli } from '../helpers.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = fs
  .readdirSync(path.join(root, 'examples'))
  .filter((name) => name.endsWith('.lasm'))
  .map((name) => path.join(root, 'examples', name));

let directory = '';

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(directory, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

beforeAll(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lasm-cli-'));
});

afterAll(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

describe('lmulsim check', () => {
  it('examples are clean', async () => {
    expect(examples.map((file) => path.basename(file)).sort()).toEqual(
      ['attention-head.lasm', 'dot.lasm', 'elementwise-mul.lasm', 'gemm.lasm', 'gemv.lasm', 'layernorm.lasm', 'mlp.lasm', 'softmax.lasm'],
    );

    const result = await runCli(['check', ...examples]);

    expect(result.stderr).toContain('8 files checked: no errors or warnings');
    expect(result.code).toBe(0);
  });

  it('examples are clean on every preset', async () => {
    const presets = listPresets();
    expect(presets.length).toBeGreaterThan(0);

    for (const preset of presets) {
      const result = await runCli(['check', '--arch', preset.name, ...examples]);

      expect(result.stderr, preset.name).toContain('8 files checked: no errors or warnings');
      expect(result.code, preset.name).toBe(0);
    }
  });

  it('--arch limits apply', async () => {
    const file = write('wide.lasm', 'vsetlen 64\n');

    const generic = await runCli(['check', file]);
    const small = await runCli(['check', '--arch', 'edge-npu', file]);

    expect(generic.code).toBe(0);
    expect(small.code).toBe(2);
    expect(small.stderr).toContain('vector length must be 1 to 16, got 64');
  });

  it('--arch with an unknown preset is rejected', async () => {
    const result = await runCli(['check', '--arch', 'no-such-machine', examples[0]]);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('no-such-machine');
    expect(result.stderr).not.toContain('internal error');
  });

  it('examples have a header comment', () => {
    for (const file of examples) expect(fs.readFileSync(file, 'utf8')).toMatch(/^; .+\n(; .*\n)*; Shows: /);
  });

  it('error: exit 2 with code frame on stderr', async () => {
    const file = write('bad.lasm', '.const T = 16\nvadd v0, v1, v2\nvexpp v0, v1\n');

    const result = await runCli(['check', file]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}:3:1: error: unknown instruction 'vexpp'`);
    expect(result.stderr).toContain('3 | vexpp v0, v1\n  | ^^^^^');
    expect(result.stderr).toContain("hint: did you mean 'vexp'?");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('warnings alone exit 0', async () => {
    const file = write('warn.lasm', 'halt\nfence\n');

    const result = await runCli(['check', file]);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: unreachable code');
  });

  it('--json lists diagnostics on stdout', async () => {
    const file = write('json.lasm', 'halt\nfence\nset r99, 1\n');

    const result = await runCli(['check', '--json', file]);

    expect(result.code).toBe(2);
    const parsed = JSON.parse(result.stdout) as { diagnostics: unknown[] };
    expect(parsed.diagnostics).toEqual([
      { file, line: 2, column: 1, severity: 'warning', message: "unreachable code: it follows 'halt' in the same block (remove it, or put a label before it as a jump target)" },
      { file, line: 3, column: 5, severity: 'error', message: "scalar register 'r99' does not exist: the target has r0 to r15" },
    ]);
  });

  it('--json on a clean file', async () => {
    const result = await runCli(['check', '--json', examples[0]]);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ diagnostics: [] });
  });

  it('missing file: clear error, exit 2', async () => {
    const missing = path.join(directory, 'nope.lasm');

    const result = await runCli(['check', missing]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`file not found: ${missing}`);
  });

  it('directory instead of file', async () => {
    const result = await runCli(['check', directory]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is a directory');
  });

  it('bad inputs give diagnostics and exit 2', async () => {
    const inputs: Record<string, string | Uint8Array> = {
      'binary.lasm': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe]),
      'invalid-utf8.lasm': new Uint8Array([0x68, 0x61, 0x6c, 0x74, 0x0a, 0xc3, 0x28, 0xa0, 0xa1, 0x0a]),
      'unterminated.lasm': '.include "oops\n',
      'unclosed-loop.lasm': 'loop i, 4\n  halt\n',
      'deep.lasm': `.const X = ${'('.repeat(5000)}1${')'.repeat(5000)}\n`,
    };
    for (const [name, content] of Object.entries(inputs)) {
      const result = await runCli(['check', write(name, content)]);

      expect(result.code, name).toBe(2);
      expect(result.stderr, name).toMatch(/error: /);
      expect(result.stderr, name).not.toContain('internal error');
    }
  });

  it('invalid UTF-8 is named', async () => {
    const file = write('latin1.lasm', new Uint8Array([0x68, 0x61, 0x6c, 0x74, 0x0a, 0xe9, 0x0a]));

    const result = await runCli(['check', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:2:1: error: invalid UTF-8 byte sequence`);
  });

  it('NUL bytes are named', async () => {
    const file = write('nul.lasm', new Uint8Array([0x68, 0x00]));

    const result = await runCli(['check', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:1:2: error: file contains NUL bytes`);
  });

  it('empty file is a clean empty program', async () => {
    const result = await runCli(['check', write('empty.lasm', '')]);

    expect(result.code).toBe(0);
  });

  it('diagnostics are capped', async () => {
    const file = write('many.lasm', 'bogus\n'.repeat(250));

    const result = await runCli(['check', '--json', file]);

    const parsed = JSON.parse(result.stdout) as { diagnostics: { message: string; severity: string }[]; omitted: { errors: number; warnings: number } };
    expect(parsed.diagnostics).toHaveLength(100);
    expect(parsed.diagnostics.every((diagnostic) => diagnostic.severity === 'error')).toBe(true);
    expect(parsed.omitted).toEqual({ errors: 150, warnings: 0 });
    expect(result.code).toBe(2);
  });

  it('--max-diagnostics rejects a bad value', async () => {
    const result = await runCli(['check', '--max-diagnostics', 'lots', examples[0]]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid value 'lots' for --max-diagnostics");
  });

  it('includes resolve relative to the including file', async () => {
    write('inc/shapes.lasm', '.const T = 16\n');
    const file = write('inc/main.lasm', '.include "shapes.lasm"\n.tensor A fp32[T, T]\nhalt\n');

    const result = await runCli(['check', file]);

    expect(result.code).toBe(0);
  });

  it('errors in an included file name that file', async () => {
    const included = write('inc2/bad.lasm', 'bogus\n');
    const file = write('inc2/main.lasm', '.include "bad.lasm"\n');

    const result = await runCli(['check', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${included}:1:1: error: unknown instruction 'bogus'`);
  });

  it('include cycle is an error', async () => {
    write('cycle/a.lasm', '.include "b.lasm"\n');
    write('cycle/b.lasm', '.include "a.lasm"\n');

    const result = await runCli(['check', path.join(directory, 'cycle/a.lasm')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/include cycle: .*a\.lasm → .*b\.lasm → .*a\.lasm/);
  });

  it('missing include points at the directive', async () => {
    const file = write('inc3/main.lasm', 'halt\n.include "gone.lasm"\n');

    const result = await runCli(['check', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:2:1: error: file not found`);
  });

  it('missing initialiser file', async () => {
    const file = write('init/main.lasm', '.tensor A fp32[4] init=file("absent.npy")\n');

    const result = await runCli(['check', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('initialiser file not found');
  });
});

describe('lmulsim fmt', () => {
  it('prints the canonical form and leaves the file', async () => {
    const source = 'LOOP i,2\nVADD v0,v1,v2 ;x\nendloop\n';
    const file = write('fmt.lasm', source);

    const result = await runCli(['fmt', file]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('loop i, 2\n    vadd v0, v1, v2  ;x\nendloop\n');
    expect(fs.readFileSync(file, 'utf8')).toBe(source);
  });

  it('--write replaces the file', async () => {
    const file = write('fmt-write.lasm', 'HALT\n');

    const result = await runCli(['fmt', '--write', file]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(fs.readFileSync(file, 'utf8')).toBe('halt\n');
    expect(fs.readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('syntax error: exit 2, no output, file unchanged', async () => {
    const file = write('fmt-bad.lasm', 'vadd v0,, v1\n');

    const result = await runCli(['fmt', '--write', file]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('fmt-bad.lasm:1:9: error:');
    expect(fs.readFileSync(file, 'utf8')).toBe('vadd v0,, v1\n');
  });

  it('missing file', async () => {
    const result = await runCli(['fmt', path.join(directory, 'absent.lasm')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('file not found');
  });

  it('examples are already formatted', async () => {
    for (const file of examples) {
      const result = await runCli(['fmt', file]);

      expect(result.stdout, file).toBe(fs.readFileSync(file, 'utf8'));
    }
  });
});
