import { describe, expect, it } from 'vitest';
import { executeProgram } from '../../sim/exec/index.js';
import { tilesOverlap, type TileAccess } from '../../sim/exec/hazards.js';
import { compile, testArch } from './helpers.js';

function tile(address: number, rows: number, cols: number, rowStride: number): TileAccess {
  return { buffer: 0, address, rows, cols, rowStride, write: true };
}

describe('hazard detection', () => {
  it('tiles side by side do not overlap', () => {
    // Two 4×4 tiles in the columns 0-3 and 4-7 of rows of 8 elements.
    expect(tilesOverlap(tile(0, 4, 4, 8), tile(4, 4, 4, 8))).toBe(false);
    expect(tilesOverlap(tile(0, 4, 4, 8), tile(32, 4, 4, 8))).toBe(false);
  });

  it('shifted tiles overlap', () => {
    expect(tilesOverlap(tile(0, 4, 4, 8), tile(3, 4, 4, 8))).toBe(true);
    expect(tilesOverlap(tile(0, 4, 4, 8), tile(27, 4, 4, 8))).toBe(true);
    expect(tilesOverlap(tile(4, 4, 4, 8), tile(7, 2, 4, 8))).toBe(true);
    expect(tilesOverlap(tile(0, 4, 4, 8), tile(28, 4, 4, 8))).toBe(false);
  });

  it('missing wait is reported', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 16]
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3
preload sp[0] k=16 n=16
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    expect(result.hazards.count).toBe(1);
    expect(result.hazards.first[0].message).toMatch(/^core 0: preload at \/virtual\/test.lasm:4:1 reads scratchpad elements from 0 at cycle 1, before the load at \/virtual\/test.lasm:3:1 that writes them completes at cycle 164; add wait=load/);
  });

  it('tokens order the accesses', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 16]
.tensor C fp32[16, 16] output
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute
preload sp[0] k=16 n=16 wait=load
matmul acc[0], sp[0] m=16 k=16 n=16 method=lmul in=e4m3 out=fp32 overwrite signal=store
store C[0 +: 16, 0 +: 16], acc[0] wait=compute
load sp[512], A[0 +: 16, 0 +: 16] fmt=e4m3
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    expect(result.hazards.count).toBe(0);
  });

  it('overwrite before read is reported', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 16]
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute
preload sp[0] k=16 n=16 wait=load
matmul acc[0], sp[0] m=16 k=16 n=16 method=lmul in=e4m3 out=fp32 overwrite
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // The second load starts at 64, while the preload (at 164) and the matmul (164 to 226) still read
    // the tile. The simulator ran the matmul first, so the hardware's values would differ.
    expect(result.hazards.count).toBe(2);
    expect(result.hazards.first[0].message).toMatch(/^core 0: load at \/virtual\/test.lasm:6:1 writes scratchpad elements from 0 at cycle 64, before the preload at \/virtual\/test.lasm:4:1 that reads them completes at cycle 164/);
    expect(result.hazards.first[1].message).toMatch(/before the matmul at \/virtual\/test.lasm:5:1 that reads them completes at cycle 226/);
  });
});

describe('accesses out of program order', () => {
  it('reports a store that runs before the matmul it follows', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A e4m3[16, 16] init=ones
.tensor C fp32[16, 16] output
load sp[0], A[0 +: 16, 0 +: 16] signal=compute
preload sp[0] k=16 n=16 wait=load
matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3
store C[0 +: 16, 0 +: 16], acc[0]
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // The store has no token to wait for, so it reads the accumulator long before the matmul writes it.
    expect(result.hazards.count).toBe(1);
    const message = result.hazards.first[0].message;
    expect(message).toContain('matmul at /virtual/test.lasm:6:1');
    expect(message).toContain('store at /virtual/test.lasm:7:1');
    expect(message).toMatch(/; add wait=compute to the store instruction and signal=store to the compute instruction$/);
  });

  it('reports the later access that started first', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A e4m3[16, 16] init=ones
.tensor C fp32[16, 16] output
load sp[0], A[0 +: 16, 0 +: 16] signal=compute
preload sp[0] k=16 n=16 wait=load
matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 wait=vector
store C[0 +: 16, 0 +: 16], acc[0]
vfill v1, 0 signal=compute
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // The matmul waits for the vfill, which comes after the store, so the store has run by then.
    expect(result.hazards.count).toBe(1);
    expect(result.hazards.first[0].message).toMatch(
      /^core 0: matmul at \/virtual\/test.lasm:6:1 writes accumulator elements from 0 at cycle \d+, but the store at \/virtual\/test.lasm:7:1, which comes after it in the program, already read them at cycle \d+; add wait=compute to the store instruction and signal=store to the compute instruction$/,
    );
  });

  it('advises program order for overlapping accesses', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A e4m3[16, 16] init=ones
.tensor C fp32[16, 16] output
load sp[0], A[0 +: 16, 0 +: 16] signal=compute
preload sp[0] k=16 n=16 wait=load
matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 signal=store
store C[0 +: 16, 0 +: 16], acc[0] wait=compute
load sp[0], A[0 +: 16, 0 +: 16]
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // The second load overwrites the tile that the preload read without waiting for the compute queue.
    expect(result.hazards.first.map((hazard) => hazard.message).join('\n')).not.toMatch(/add wait=load to the compute instruction/);
  });
});
