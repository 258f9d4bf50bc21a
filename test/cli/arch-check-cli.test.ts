import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, temporaryFiles } from '../helpers.js';

const writeFile = temporaryFiles('lmulsim-arch-check-');
const writeProgram = (text: string): string => writeFile('prog.lasm', text);

// edge-npu: datapaths exact and lmul, input formats e4m3 and e5m2, fp32 accumulator, 512 KiB scratchpad.
// The fixture machine edge-npu-fp16 is edge-npu with an fp16 accumulator.
const FP16_ACCUMULATOR_ARCH = path.join(import.meta.dirname, '..', 'sim', 'fixtures', 'edge-npu-fp16.yaml');

const TILE = `.tensor A fp32[16, 16]
.tensor C fp32[16, 16] output
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute
preload sp[0] k=16 n=16 wait=load
`;

describe('check --arch machine check', () => {
  it('accumulator mismatch is an error with its location', async () => {
    const file = writeProgram(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 out=fp16\n`);

    const result = await runCli(['check', '--arch', 'edge-npu', file]);

    expect(result.code).toBe(2);
    // The error points at the out= option, and the code frame underlines exactly `out=fp16`.
    expect(result.stderr).toContain(`${file}:5:45: error: matmul accumulates in fp16 (its out= format), but the matrix unit of machine 'edge-npu' accumulates in fp32; the machine supports: out=fp32`);
    expect(result.stderr).toMatch(/\n\s*\|\s{45}\^{8}\n/);
    expect(result.stderr).toContain('1 file checked: 1 error, no warnings');
  });

  it('same program on an fp16 machine is clean', async () => {
    const file = writeProgram(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 out=fp16\n`);

    const result = await runCli(['check', '--arch', FP16_ACCUMULATOR_ARCH, file]);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('1 file checked: no errors or warnings');
  });

  it('without --arch the machine is not checked', async () => {
    const file = writeProgram(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=fp32 out=bf16\n`);

    const result = await runCli(['check', file]);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain("add --arch edge-npu to also check against the machine that 'lmulsim run' uses by default");
  });

  it('every mismatch is listed in --json', async () => {
    const file = writeProgram(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=bf16 out=fp16\nload sp[131070], A[0 +: 1, 0 +: 4] fmt=fp32\n`);

    const result = await runCli(['check', '--json', '--arch', 'edge-npu', file]);

    expect(result.code).toBe(2);
    const diagnostics = JSON.parse(result.stdout).diagnostics as { line: number; column: number; message: string }[];
    // The validator reports the matrix-unit mismatches. The byte check of the load runs only on a
    // program that validated, so it shows up once the matmul is fixed.
    expect(diagnostics.map((diagnostic) => diagnostic.line)).toEqual([5, 5]);
    // in= and out= mismatches point at their options.
    expect(diagnostics.map((diagnostic) => diagnostic.column)).toEqual([37, 45]);
    expect(diagnostics[0].message).toContain('the machine supports: in=e4m3, in=e5m2');
    expect(diagnostics[1].message).toContain('the machine supports: out=fp32');
  });

  it('byte overrun is listed in --json', async () => {
    const file = writeProgram(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3\nload sp[131070], A[0 +: 1, 0 +: 4] fmt=fp32\n`);

    const result = await runCli(['check', '--json', '--arch', 'edge-npu', file]);

    expect(result.code).toBe(2);
    const diagnostics = JSON.parse(result.stdout).diagnostics as { line: number; column: number; message: string }[];
    expect(diagnostics.map((diagnostic) => `${diagnostic.line}:${diagnostic.column}`)).toEqual(['6:1']);
    expect(diagnostics[0].message).toContain("4 elements of fp32 at element 131070 ends at byte 524295, past the 524288-byte scratchpad of machine 'edge-npu'");
    expect(diagnostics[0].message).toContain("(addresses count elements of the access's format, so element a of fp32 starts at byte a × 4)");
  });
});

describe('run machine check', () => {
  it('rejects a mismatch before simulating', async () => {
    const file = writeProgram(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 out=fp16 signal=store\nstore C[0 +: 16, 0 +: 16], acc[0] wait=compute\n`);

    const result = await runCli(['run', file, '--arch', 'edge-npu']);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}:5:45: error: matmul accumulates in fp16`);
    expect(result.stderr).toContain('1 error; nothing was run');
  });

  it('runs when the program matches', async () => {
    const file = writeProgram(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 out=fp32 signal=store\nstore C[0 +: 16, 0 +: 16], acc[0] wait=compute\n`);

    const result = await runCli(['run', file, '--arch', 'edge-npu', '--json']);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).macs).toBe(4096);
  });

  it('scratchpad bytes past the capacity at run time', async () => {
    // 131,070 + 4 elements are within the 524,288 elements of e4m3, but 131,074 fp32 elements are 524,296 bytes.
    const file = writeProgram(`.tensor A fp32[1, 4]\nset r0, 131070\nload sp[r0], A[0 +: 1, 0 +: 4] fmt=fp32\nhalt\n`);

    const result = await runCli(['run', file, '--arch', 'edge-npu']);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}:3:1: error: scratchpad access out of range at run time: 4 elements of fp32 at element 131070 cover bytes 524280 to 524295, but the scratchpad has 524288 bytes (core 0)`);
    expect(result.stderr).not.toContain('    at ');
  });
});
