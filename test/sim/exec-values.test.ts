import { describe, expect, it } from 'vitest';
import { executeProgram, type RunResult } from '../../sim/exec/index.js';
import { accumulate, encode, parseFormat, productValue, type MethodName } from '../../sim/numerics/index.js';
import { compile, testArch, userErrorText } from './helpers.js';

/** Writes a tiled GEMM C[M×N] = A[M×K]·B[K×N] with T×T tiles, every k tile accumulated into the accumulator. */
function gemmSource(m: number, k: number, n: number, t: number, options: { method: string; format: string; init?: string; cFormat?: string }): string {
  const init = options.init ?? 'uniform(-2, 2, seed=3)';
  return `
.tensor A fp32[${m}, ${k}] init=${init}
.tensor B fp32[${k}, ${n}] init=${init.replace('seed=3', 'seed=4')}
.tensor C ${options.cFormat ?? 'fp32'}[${m}, ${n}] output
loop i, ${m / t}
  loop j, ${n / t}
    loop kk, ${k / t}
      load sp[0], A[i * ${t} +: ${t}, kk * ${t} +: ${t}] fmt=${options.format} signal=compute
      load sp[${t * t}], B[kk * ${t} +: ${t}, j * ${t} +: ${t}] fmt=${options.format}
      preload sp[${t * t}] k=${t} n=${t} wait=load
      matmul acc[0], sp[0] m=${t} k=${t} n=${t} method=${options.method} in=${options.format} out=fp32 accumulate signal=load
      sync load wait=compute
    endloop
    fence
    store C[i * ${t} +: ${t}, j * ${t} +: ${t}], acc[0]
    fence
  endloop
endloop
halt
`;
}

function tensor(result: RunResult, name: string): Float64Array {
  const values = result.tensors.find((candidate) => candidate.name === name)?.values;
  if (!values) throw new Error(`no values for tensor ${name}`);
  return values;
}

describe('executor values', () => {
  for (const dataflow of ['output-stationary', 'weight-stationary'] as const) {
    for (const [format, method] of [
      ['e4m3', 'lmul'],
      ['e5m2', 'exact'],
      ['bf16', 'lmul'],
    ] as const) {
      it(`gemm ${format} ${method} ${dataflow}`, () => {
        const arch = testArch({ rows: 8, cols: 8, dataflow });
        const program = compile(gemmSource(16, 24, 16, 8, { method, format }), arch);

        const result = executeProgram(program, { arch });

        // The accumulator keeps the previous output tile's sum unless cleared, so the reference
        // simulates the same program order: the accumulator is never cleared between (i, j) tiles.
        const expected = referenceAccumulating(tensor(result, 'A'), tensor(result, 'B'), 16, 24, 16, 8, format, method);
        expect(Array.from(tensor(result, 'C'))).toEqual(Array.from(expected));
        expect(result.macs).toBe(16 * 24 * 16);
      });
    }
  }

  it('gemm reference mode exact on integers', () => {
    const arch = testArch({ rows: 8, cols: 8 });
    const source = gemmSource(8, 16, 8, 8, { method: 'lmul', format: 'e4m3', init: 'uniform(-4, 4, seed=3)' });
    const program = compile(source, arch);

    const result = executeProgram(program, { arch, values: 'reference' });

    // The fp32 inputs come from [-4, 4). The fp64 reference neither rounds them to e4m3 nor uses
    // L-Mul, so C is the same sum of products in double, taken in the same order.
    const a = tensor(result, 'A');
    const b = tensor(result, 'B');
    const c = tensor(result, 'C');
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        let sum = 0;
        for (let p = 0; p < 16; p++) sum += a[i * 16 + p] * b[p * 8 + j];
        expect(c[i * 8 + j]).toBe(sum);
      }
    }
  });

  it('reference mode on small integers equals the exact product', () => {
    const arch = testArch({ rows: 4, cols: 4 });
    const program = compile(
      `
.tensor A fp32[4, 4] init=const(3)
.tensor B fp32[4, 4] init=const(-7)
.tensor C fp32[4, 4] output
load sp[0], A[0 +: 4, 0 +: 4] fmt=e4m3
load sp[16], B[0 +: 4, 0 +: 4] fmt=e4m3 signal=compute
preload sp[16] k=4 n=4 wait=load
matmul acc[0], sp[0] m=4 k=4 n=4 method=lmul in=e4m3 out=fp32 overwrite signal=store
store C[0 +: 4, 0 +: 4], acc[0] wait=compute
halt
`,
      arch,
    );

    const reference = executeProgram(program, { arch, values: 'reference' });
    const hardware = executeProgram(program, { arch });

    // 4 · 3 · (−7) = −84 exactly; L-Mul on e4m3 gives a different (biased) value.
    expect(Array.from(tensor(reference, 'C'))).toEqual(new Array(16).fill(-84));
    expect(tensor(hardware, 'C')[0]).not.toBe(-84);
  });

  it('method override changes the products', () => {
    const arch = testArch({ rows: 4, cols: 4 });
    const program = compile(gemmSource(4, 4, 4, 4, { method: 'lmul', format: 'e4m3' }), arch);

    const exact = executeProgram(program, { arch, method: 'exact' });

    const expected = referenceAccumulating(tensor(exact, 'A'), tensor(exact, 'B'), 4, 4, 4, 4, 'e4m3', 'exact');
    expect(Array.from(tensor(exact, 'C'))).toEqual(Array.from(expected));
    expect(exact.counters.macs.map((slot) => slot.method)).toEqual(['exact']);
  });

  it('missing datapath names machine and method', () => {
    const arch = testArch({ datapaths: ['exact'] });
    const program = compile(gemmSource(16, 16, 16, 16, { method: 'lmul', format: 'e4m3' }), arch);

    expect(userErrorText(() => executeProgram(program, { arch }))).toMatch(/machine 'test-machine' has no lmul datapath.*method 'lmul'/);
  });

  it('store rounds to the tensor format', () => {
    const arch = testArch({ rows: 4, cols: 4 });
    const program = compile(gemmSource(4, 4, 4, 4, { method: 'exact', format: 'bf16', cFormat: 'e4m3' }), arch);

    const result = executeProgram(program, { arch });

    const fp32 = referenceAccumulating(tensor(result, 'A'), tensor(result, 'B'), 4, 4, 4, 4, 'bf16', 'exact');
    const e4m3 = parseFormat('e4m3');
    const expected = Array.from(fp32, (value) => {
      const bits = encode(e4m3, value, true);
      return productValue(e4m3, 'exact', bits, encode(e4m3, 1));
    });
    expect(Array.from(tensor(result, 'C'))).toEqual(expected);
  });
});

/**
 * Computes the GEMM in the documented hardware order. Operands are rounded to the input format. Each
 * tile's partial sum starts at +0 and adds products in increasing k with one fp32 rounding per
 * addition, and the tile's sum is then added to the accumulator entry with one more rounding. The
 * GEMM program never clears the accumulator, so output tile (i, j) starts from the previous tile's sums.
 */
function referenceAccumulating(a: Float64Array, b: Float64Array, m: number, k: number, n: number, t: number, formatName: string, method: MethodName): Float64Array {
  const format = parseFormat(formatName);
  const fp32 = parseFormat('fp32');
  const out = new Float64Array(m * n);
  const acc = new Float64Array(t * t);
  for (let ti = 0; ti < m / t; ti++) {
    for (let tj = 0; tj < n / t; tj++) {
      for (let k0 = 0; k0 < k; k0 += t) {
        for (let i = 0; i < t; i++) {
          for (let j = 0; j < t; j++) {
            let sum = 0;
            for (let p = k0; p < k0 + t; p++) {
              const aBits = encode(format, a[(ti * t + i) * k + p]);
              const bBits = encode(format, b[p * n + tj * t + j]);
              sum = accumulate(fp32, sum, productValue(format, method, aBits, bBits));
            }
            acc[i * t + j] = accumulate(fp32, acc[i * t + j], sum);
          }
        }
      }
      for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) out[(ti * t + i) * n + tj * t + j] = Math.fround(acc[i * t + j]);
    }
  }
  return out;
}

