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
    expect(result.hazards.first[0].message).toBe(
      'core 0: load at /virtual/test.lasm:3:1 writes scratchpad elements from 0 at cycle 0, and the preload at /virtual/test.lasm:4:1 reads them at cycle 1, with no dependency token or fence ordering the two; add wait=load to the compute instruction and signal=compute to the load instruction',
    );
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
    expect(result.hazards.first[0].message).toMatch(/^core 0: load at \/virtual\/test.lasm:6:1 writes scratchpad elements from 0 at cycle 64, and the preload at \/virtual\/test.lasm:4:1 reads them at cycle 164, with no dependency token or fence ordering the two; add wait=compute to the load instruction and signal=load to the compute instruction$/);
    expect(result.hazards.first[1].message).toMatch(/and the matmul at \/virtual\/test.lasm:5:1 reads them at cycle 164, with no dependency token or fence ordering the two/);
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
      /^core 0: store at \/virtual\/test.lasm:7:1 reads accumulator elements from 0 at cycle \d+, and the matmul at \/virtual\/test.lasm:6:1 writes them at cycle \d+, with no dependency token or fence ordering the two; add wait=compute to the store instruction and signal=store to the compute instruction$/,
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
    expect(result.hazards.count).toBeGreaterThan(0);
    expect(result.hazards.first.map((hazard) => hazard.message).join('\n')).not.toMatch(/add wait=load to the compute instruction/);
  });
});

describe('ordering by tokens rather than program order', () => {
  it('accepts a wait on a token sent later in the program', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A e4m3[16, 16] init=ones
.tensor C fp32[16, 16] output
preload sp[0] k=16 n=16 wait=load
load sp[0], A[0 +: 16, 0 +: 16] signal=compute
matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 signal=store
store C[0 +: 16, 0 +: 16], acc[0] wait=compute
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // The token orders the load before the preload, although the program lists them the other way round.
    expect(result.hazards.count).toBe(0);
  });

  it('reports an unordered pair that ran apart in time', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 16] init=ones
.tensor B fp32[16, 16] init=ones
.tensor D fp32[1, 16] output
load sp[512], B[0 +: 16, 0 +: 16] signal=vector
vload v1, sp[0] wait=load
vstore sp[256], v1 signal=store
load sp[0], A[0 +: 1, 0 +: 16]
store D[0 +: 1, 0 +: 16], sp[256] wait=vector
halt
`,
      arch,
    );

    const result = executeProgram(program, { arch, values: 'off' });

    // Nothing orders the vload of sp[0] and the later load into sp[0], so the load may run first.
    expect(result.hazards.count).toBe(1);
    expect(result.hazards.first[0].message).toMatch(
      /^core 0: load at \/virtual\/test.lasm:8:1 writes scratchpad elements from 0 at cycle \d+, and the vload at \/virtual\/test.lasm:6:1 reads them at cycle \d+, with no dependency token or fence ordering the two; add wait=vector to the load instruction and signal=load to the vector instruction$/,
    );
  });

  it('accepts accesses ordered by a fence', () => {
    const arch = testArch();
    const program = compile(
      `
.tensor A fp32[16, 16] init=ones
.tensor D fp32[1, 16] output
load sp[0], A[0 +: 1, 0 +: 16]
fence
vload v1, sp[0]
vstore sp[256], v1
fence
store D[0 +: 1, 0 +: 16], sp[256]
halt
`,
      arch,
    );

    expect(executeProgram(program, { arch, values: 'off' }).hazards.count).toBe(0);
  });
});
