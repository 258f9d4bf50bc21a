import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadArch } from '../../sim/arch/index.js';
import { checkProgramOnMachine } from '../../sim/exec/arch-check.js';
import { runCli } from '../helpers.js';
import { compile } from './helpers.js';

// edge-npu multiplies e4m3 and e5m2 only, so a matmul without in= (input format fp32) fails there.

let directory: string;
beforeEach(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lmulsim-default-in-'));
});
afterEach(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

const TILE = `.tensor A e4m3[16, 16]
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute
preload sp[0] k=16 n=16 wait=load
`;

function writeProgram(text: string): string {
  const file = path.join(directory, 'prog.lasm');
  fs.writeFileSync(file, text);
  return file;
}

describe('matmul input format default', () => {
  it('check names the default', async () => {
    const file = writeProgram(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 method=lmul\n`);

    const result = await runCli(['check', '--arch', 'edge-npu', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${file}:4:1: error: matmul has no in=, so its input format is fp32, which the matrix unit of machine 'edge-npu' does not multiply; ` +
        'the machine supports: in=e4m3, in=e5m2\n' +
        '4 | matmul acc[0], sp[0] m=16 k=16 n=16 method=lmul\n' +
        '  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
        '  hint: add in=e4m3 (or another format the machine supports) to the matmul; both operands are rounded to that format before they are multiplied\n',
    );
  });

  it('run names the default', async () => {
    const file = writeProgram(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16\n`);

    const result = await runCli(['run', file]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}:4:1: error: matmul has no in=, so its input format is fp32`);
    expect(result.stderr).toContain('hint: add in=e4m3');
  });

  it('explicit in= keeps its caret', async () => {
    const file = writeProgram(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=fp32\n`);

    const result = await runCli(['check', '--arch', 'edge-npu', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('has no in=');
    expect(result.stderr).toContain(
      `${file}:4:37: error: matmul input format 'fp32' is not an input format of the matrix unit of machine 'edge-npu'; ` +
        'the machine supports: in=e4m3, in=e5m2\n' +
        '4 | matmul acc[0], sp[0] m=16 k=16 n=16 in=fp32\n' +
        '  |                                     ^^^^^^^\n',
    );
  });

  it('in= spelt in upper case counts as given', async () => {
    const file = writeProgram(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 IN = bf16\n`);

    const result = await runCli(['check', '--arch', 'edge-npu', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:4:37: error: matmul input format 'bf16' is not an input format`);
    expect(result.stderr).not.toContain('has no in=');
  });

  it('listed in= format passes', async () => {
    const file = writeProgram(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3\n`);

    const result = await runCli(['check', '--arch', 'edge-npu', file]);

    expect(result.code).toBe(0);
  });

  it('API without sources hints at the default', () => {
    const arch = loadArch('edge-npu');
    const program = compile(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16\n`, arch);

    const diagnostics = checkProgramOnMachine(program, arch);

    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toBe("matmul input format 'fp32' is not an input format of the matrix unit of machine 'edge-npu'; the machine supports: in=e4m3, in=e5m2");
    expect(diagnostics[0].hint).toBe('a matmul without in= has the input format fp32');
  });
});
