import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lmulsim-run-reference-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

// A GEMM of zeros: every element of the output C has reference 0, so no relative error exists.
const ZERO_GEMM = `.tensor A fp32[16, 16]
.tensor B fp32[16, 16]
.tensor C fp32[16, 16] output
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3
load sp[256], B[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute
preload sp[256] k=16 n=16 wait=load
matmul acc[0], sp[0] m=16 k=16 n=16 method=lmul in=e4m3 out=fp32 overwrite signal=store
store C[0 +: 16, 0 +: 16], acc[0] wait=compute
halt
`;

const NO_OUTPUT = `.tensor A fp32[4, 4] init=ones
halt
`;

function writeProgram(text: string, name: string): string {
  const file = path.join(directory, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('run --reference edge cases', () => {
  it('all-zero reference shows - in the table', async () => {
    const file = writeProgram(ZERO_GEMM, 'zero.lasm');

    const result = await runCli(['run', file, '--reference']);

    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const heading = lines.indexOf('Error against the fp64 reference');
    expect(heading).toBeGreaterThan(0);
    const row = lines.slice(heading + 1).find((line) => line.trimStart().startsWith('C '));
    expect(row?.trim().split(/\s+/)).toEqual(['C', '256', '-', '-', '256', '0']);
  });

  it('all-zero reference gives null in --json', async () => {
    const file = writeProgram(ZERO_GEMM, 'zero.lasm');

    const result = await runCli(['run', file, '--reference', '--json']);

    expect(result.code).toBe(0);
    const [error] = JSON.parse(result.stdout).errors;
    expect(error.tensor).toBe('C');
    expect(error.maxRelError).toBeNull();
    expect(error.meanRelError).toBeNull();
    expect(error.zeroReference).toBe(256);
    expect(error.relErrorElements).toBe(0);
  });

  it('no output tensors prints a note', async () => {
    const file = writeProgram(NO_OUTPUT, 'no-output.lasm');

    const result = await runCli(['run', file, '--reference']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Error against the fp64 reference: none, because the program has no output tensors.');
    expect(result.stdout).not.toMatch(/tensor\s+elements\s+max rel error/);
  });
});
