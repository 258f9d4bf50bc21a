import { describe, expect, it } from 'vitest';
import { decode } from '../../sim/numerics/codec.js';
import { FP32, parseFormat } from '../../sim/numerics/formats.js';
import { generateUnit, resolveUnitSpec, type UnitRequest } from '../../rtl/generate.js';
import { simulateUnit } from '../../rtl/simulate.js';
import { findTool } from '../../rtl/tools.js';
import { buildVectors, type Distribution } from '../../rtl/vectors.js';
import { exactAdd, exactMultiply } from './reference.js';

const haveIcarus = findTool('iverilog') !== undefined && findTool('vvp') !== undefined;

async function simulate(request: UnitRequest, exhaustive: boolean, count: number, distribution: Distribution = 'uniform') {
  const unit = generateUnit(resolveUnitSpec(request));
  const vectors = buildVectors(unit, { exhaustive, count, seed: 3, distribution });
  return { vectors, result: await simulateUnit(unit, vectors) };
}

describe.runIf(haveIcarus)('rtl fpadd', () => {
  it('e4m3 exhaustive against core and reference', async () => {
    const { vectors, result } = await simulate({ unit: 'fpadd', format: 'e4m3' }, true, 0);

    const format = parseFormat('e4m3');
    expect(vectors.filter(([a, b, y]) => exactAdd(format, a, b) !== y)).toEqual([]);
    expect(result.mismatches).toEqual([]);
    expect(result.passed).toBe(65536);
  });

  it('e3m4 exhaustive against reference', async () => {
    const { vectors, result } = await simulate({ unit: 'fpadd', format: 'e3m4', adder: 'ks' }, true, 0);

    const format = parseFormat('e3m4');
    expect(vectors.filter(([a, b, y]) => exactAdd(format, a, b) !== y)).toEqual([]);
    expect(result.mismatches).toEqual([]);
    expect(result.passed).toBe(65536);
  });

  it('fp32 random against core and reference', async () => {
    const { vectors, result } = await simulate({ unit: 'fpadd', format: 'fp32', adder: 'ks' }, false, 5000);

    expect(vectors.filter(([a, b, y]) => exactAdd(FP32, a, b) !== y)).toEqual([]);
    expect(result.mismatches).toEqual([]);
    expect(result.passed).toBe(5000);
  });

  it('bf16 random with bk adder', async () => {
    const { result } = await simulate({ unit: 'fpadd', format: 'bf16', adder: 'bk' }, false, 5000);

    expect(result.mismatches).toEqual([]);
    expect(result.passed).toBe(5000);
  });
});

describe.runIf(haveIcarus)('rtl mac', () => {
  for (const format of ['e4m3', 'e5m2', 'fp16']) {
    for (const method of ['exact', 'lmul']) {
      it(`${method} ${format} against accumulate`, async () => {
        const { result } = await simulate({ unit: 'mac', format, method }, false, 3000);

        expect(result.mismatches).toEqual([]);
        expect(result.passed).toBe(3000);
      });
    }
  }

  it('exact e4m3 weights against reference', async () => {
    const { vectors, result } = await simulate({ unit: 'mac', format: 'e4m3', method: 'exact' }, false, 3000, 'weights');

    // The e4m3 product is exact in fp32, so acc + product rounded once equals the fp32 sum of the two.
    const format = parseFormat('e4m3');
    const mismatches = vectors.filter(([a, b, acc, y]) => {
      const product = exactMultiply(FP32, fp32Of(format, a), fp32Of(format, b), false);
      return exactAdd(FP32, acc, product) !== y;
    });
    expect(mismatches).toEqual([]);
    expect(result.passed).toBe(3000);
  });

  it('pipelined lmul mac keeps order', async () => {
    const { result } = await simulate({ unit: 'mac', format: 'e5m2', method: 'lmul', stages: 3 }, false, 2000);

    expect(result.mismatches).toEqual([]);
    expect(result.passed).toBe(2000);
  });
});

/** fp32 pattern of an e4m3 value (exact: fp32 contains every e4m3 value). */
function fp32Of(format: ReturnType<typeof parseFormat>, bits: number): number {
  const value = decode(format, bits);
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return view.getUint32(0);
}
