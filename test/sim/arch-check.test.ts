import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArch, type ArchConfig } from '../../sim/arch/index.js';
import { checkProgramOnMachine, type MachineCheckOptions } from '../../sim/exec/arch-check.js';
import { compile, testArch } from './helpers.js';

// The test machine has both datapaths, input formats e4m3, e5m2, bf16 and fp16, an fp32
// accumulator, a 64 KiB scratchpad (32,768 elements of bf16, its widest input format) and 1 GiB of
// DRAM. edge-npu accumulates in fp32, so its 64 KiB accumulator has room for 16,384 elements. The
// fixture machine edge-npu-fp16 is edge-npu with an fp16 accumulator of 32,768 elements in 64 KiB.

/** Returns the edge-npu-fp16 fixture machine. */
function fp16AccumulatorArch(): ArchConfig {
  return loadArch(join(import.meta.dirname, 'fixtures', 'edge-npu-fp16.yaml'));
}

function errors(source: string, arch: ArchConfig, options: MachineCheckOptions = {}): string[] {
  return checkProgramOnMachine(compile(source, arch), arch, options).map((diagnostic) => {
    expect(diagnostic.severity).toBe('error');
    return `${diagnostic.span?.line}:${diagnostic.span?.column}: ${diagnostic.message}`;
  });
}

const TILE = `
.tensor A fp32[16, 16]
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3
preload sp[0] k=16 n=16
`;

describe('machine check of matmul', () => {
  it('matching program has no errors', () => {
    expect(errors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 method=lmul in=e4m3 out=fp32\n`, testArch())).toEqual([]);
  });

  it('missing datapath', () => {
    const arch = testArch({ datapaths: ['exact'] });

    const found = errors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 method=mitchell in=e4m3\n`, arch);

    expect(found).toEqual(["5:1: matmul method 'mitchell' runs on the lmul datapath, which the matrix unit of machine 'test-machine' lacks; the machine supports: method=exact"]);
  });

  it('lmul-only machine lists its methods', () => {
    const arch = testArch({ datapaths: ['lmul'] });

    const found = errors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3\n`, arch);

    expect(found).toHaveLength(1);
    expect(found[0]).toContain('the machine supports: method=lmul, method=lmul-formula, method=mitchell');
  });

  it('replaced methods are not checked', () => {
    const arch = testArch({ datapaths: ['exact'] });

    expect(errors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 method=lmul in=e4m3\n`, arch, { methodsReplaced: true })).toEqual([]);
  });

  it('input format not in the matrix unit', () => {
    const found = errors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=fp32\n`, testArch());

    expect(found).toEqual(["5:1: matmul input format 'fp32' is not an input format of the matrix unit of machine 'test-machine'; the machine supports: in=e4m3, in=e5m2, in=bf16, in=fp16"]);
  });

  it('wider accumulation than the machine', () => {
    const found = errors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 out=fp32\n`, fp16AccumulatorArch());

    expect(found).toEqual([
      "5:1: matmul accumulates in fp32 (its out= format, fp32 when absent), but the matrix unit of machine 'edge-npu-fp16' accumulates in fp16; the machine supports: out=fp16",
    ]);
  });

  it('default accumulation is fp32', () => {
    const source = `${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3\n`;

    const found = errors(source, fp16AccumulatorArch());

    expect(found).toHaveLength(1);
    expect(found[0]).toContain('the machine supports: out=fp16');
    expect(errors(source, loadArch('edge-npu'))).toEqual([]);
  });

  it('narrower accumulation than the machine', () => {
    const found = errors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 out=bf16\n`, testArch());

    expect(found).toHaveLength(1);
    expect(found[0]).toContain("matmul accumulates in bf16 (its out= format, fp32 when absent), but the matrix unit of machine 'test-machine' accumulates in fp32; the machine supports: out=fp32");
  });

  it('fp16 accumulation on edge-npu', () => {
    const found = errors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 out=fp16\n`, loadArch('edge-npu'));

    expect(found).toEqual([
      "5:1: matmul accumulates in fp16 (its out= format, fp32 when absent), but the matrix unit of machine 'edge-npu' accumulates in fp32; the machine supports: out=fp32",
    ]);
  });

  it('matching accumulation on edge-npu', () => {
    expect(errors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 out=fp32\n`, loadArch('edge-npu'))).toEqual([]);
  });

  it('matching fp16 accumulation', () => {
    expect(errors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 out=fp16\n`, fp16AccumulatorArch())).toEqual([]);
  });

  it('every mismatch of one matmul', () => {
    const arch = testArch({ datapaths: ['exact'] });

    const found = errors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 method=lmul in=fp32 out=fp16\n`, arch);

    expect(found).toHaveLength(3);
    expect(found[0]).toContain('method=exact');
    expect(found[1]).toContain('in=e4m3');
    expect(found[2]).toContain('out=fp32');
  });

  it('mismatches inside loops', () => {
    const found = errors(`${TILE}loop i, 4\n    loop j, 2\n        matmul acc[0], sp[0] m=16 k=16 n=16 in=e5m2 out=fp16\n    endloop\nendloop\n`, testArch());

    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^7:9: matmul accumulates in fp16/);
  });
});

describe('machine check of accumulator bytes', () => {
  it('fp32 vstore into an fp16 accumulator fits', () => {
    // 16 fp32 elements at element 16,368 end at byte 4 × (16,368 + 16) − 1 = 65,535, the last byte.
    expect(errors(`vsetlen 16\nvstore acc[16368], v0\n`, fp16AccumulatorArch())).toEqual([]);
  });

  it('fp32 vstore past the last byte', () => {
    // The 64 KiB fp16 accumulator has 32,768 elements, but fp32 data ends at byte 4 × (16,380 + 16) − 1.
    const found = errors(`vsetlen 16\nvstore acc[16380], v0\n`, fp16AccumulatorArch());

    expect(found).toEqual([
      "2:1: accumulator write out of range: 16 elements of fp32 at element 16380 ends at byte 65583, past the 65536-byte accumulator of machine 'edge-npu-fp16'; the machine supports: bytes 0 to 65535",
    ]);
  });

  it('fp16 load at the same address fits', () => {
    expect(errors(`.tensor A fp32[1, 16]\nload acc[16380], A[0 +: 1, 0 +: 16] fmt=fp16\n`, fp16AccumulatorArch())).toEqual([]);
  });

  it('edge-npu accumulator has 16384 elements', () => {
    // 64 KiB of fp32 is 16,384 elements: 16 elements at 16,368 fill it, and one more is past the end.
    expect(errors(`vsetlen 16\nvstore acc[16368], v0\n`, loadArch('edge-npu'))).toEqual([]);
    expect(() => errors(`vsetlen 16\nvstore acc[16369], v0\n`, loadArch('edge-npu'))).toThrow('past the accumulator size of 16384 elements');
  });
});

describe('machine check of scratchpad bytes', () => {
  it('constant fp32 load past the last byte', () => {
    const found = errors(`.tensor A fp32[16, 16]\nload sp[16200], A[0 +: 16, 0 +: 16] fmt=fp32\n`, testArch());

    expect(found).toEqual([
      "2:1: scratchpad write out of range: a 16×16 tile of fp32 at element 16200 ends at byte 65823, past the 65536-byte scratchpad of machine 'test-machine'; the machine supports: bytes 0 to 65535",
    ]);
  });

  it('constant fp32 load ending at the last byte', () => {
    expect(errors(`.tensor A fp32[16, 16]\nload sp[16128], A[0 +: 16, 0 +: 16] fmt=fp32\n`, testArch())).toEqual([]);
  });

  it('transposed load uses the on-chip shape', () => {
    // On chip the 4×16 region is 16 rows of 4 with row stride 8: it ends at element 16000 + 15·8 + 4.
    const source = (address: number) => `.tensor A fp32[4, 16]\nload sp[${address}], A[0 +: 4, 0 +: 16] fmt=fp32 transpose stride=8\n`;

    expect(errors(source(16260), testArch())).toEqual([]);
    expect(errors(source(16261), testArch())).toHaveLength(1);
  });

  it('loop indices reach past the last byte', () => {
    const found = errors(`.tensor A fp32[16, 16]\nloop i, 4\n    load sp[i * 8192], A[0 +: 16, 0 +: 16] fmt=fp32\nendloop\n`, testArch());

    expect(found).toEqual([
      "3:5: scratchpad write out of range: a 16×16 tile of fp32 at elements up to 24576 ends at byte 99327, past the 65536-byte scratchpad of machine 'test-machine'; the machine supports: bytes 0 to 65535",
    ]);
  });

  it('register addresses are left to run time', () => {
    expect(errors(`.tensor A fp32[16, 16]\nset r0, 16200\nload sp[r0], A[0 +: 16, 0 +: 16] fmt=fp32\n`, testArch())).toEqual([]);
  });

  it('vstore with the vector length in force', () => {
    const source = (length: number) => `vsetlen ${length}\nvstore sp[16380], v0\n`;

    expect(errors(source(4), testArch())).toEqual([]);
    expect(errors(source(5), testArch())).toEqual([
      "2:1: scratchpad write out of range: 5 elements of fp32 at element 16380 ends at byte 65539, past the 65536-byte scratchpad of machine 'test-machine'; the machine supports: bytes 0 to 65535",
    ]);
  });

  it('vstore with the default vector length', () => {
    // The default length is the register length, 64.
    expect(errors(`vstore sp[16320], v0\n`, testArch())).toEqual([]);
    expect(errors(`vstore sp[16321], v0\n`, testArch())).toHaveLength(1);
  });

  it('vector length set later in a loop body', () => {
    // The second iteration's vstore runs with the length 8 set at the end of the first.
    const found = errors(`vsetlen 4\nloop i, 2\n    vstore sp[16380], v0\n    vsetlen 8\nendloop\n`, testArch());

    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^3:5: scratchpad write out of range: 8 elements of fp32/);
  });

  it('narrow format fits where fp32 does not', () => {
    expect(errors(`vsetlen 64\nvstore sp[16380], v0 fmt=e4m3\n`, testArch())).toEqual([]);
  });
});

describe('machine check of tensors', () => {
  it('DRAM overflow is reported once', () => {
    const arch = testArch({ dramCapacity: '2 KiB' });

    const found = errors(`.tensor A fp32[16, 16]\n.tensor B fp32[16, 16]\n.tensor C fp32[16, 16]\n.tensor D fp32[16, 16]\n`, arch);

    expect(found).toEqual(["3:9: DRAM tensors need 3072 bytes up to 'C', more than the 2048 bytes of ddr4 memory of machine 'test-machine'"]);
  });

  it('host tensor without a host link', () => {
    const found = errors(`.tensor A fp32[16, 16] place=host\n`, testArch());

    expect(found).toEqual(["1:9: tensor 'A' is placed in host memory, but machine 'test-machine' has no host link"]);
  });
});
