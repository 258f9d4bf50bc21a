import { describe, expect, it } from 'vitest';
import { parseFormat } from '../../sim/numerics/formats.js';
import { generateUnit, resolveUnitSpec, type UnitRequest } from '../../rtl/generate.js';
import { simulateUnit } from '../../rtl/simulate.js';
import { findTool } from '../../rtl/tools.js';
import { buildVectors, type Vector } from '../../rtl/vectors.js';
import { exactMultiply, lmulMultiply } from './reference.js';

const haveIcarus = findTool('iverilog') !== undefined && findTool('vvp') !== undefined;

/** Vectors whose expected output (from the numerics core) disagrees with the test's bigint reference. */
function referenceDisagreements(request: UnitRequest, vectors: readonly Vector[]): string[] {
  const format = parseFormat(request.format);
  const reference = request.unit === 'lmul' ? lmulMultiply : exactMultiply;
  return vectors
    .filter(([a, b, expected]) => reference(format, a, b) !== expected)
    .slice(0, 5)
    .map(([a, b, expected]) => `a=${a.toString(16)} b=${b.toString(16)} core=${expected.toString(16)} reference=${reference(format, a, b).toString(16)}`);
}

async function checkUnit(request: UnitRequest, vectorRequest: { exhaustive: boolean; count: number }): Promise<void> {
  const unit = generateUnit(resolveUnitSpec(request));
  const vectors = buildVectors(unit, { ...vectorRequest, seed: 7, distribution: 'uniform' });

  const result = await simulateUnit(unit, vectors);

  expect(referenceDisagreements(request, vectors)).toEqual([]);
  expect(result.mismatches).toEqual([]);
  expect(result.failed).toBe(0);
  expect(result.passed).toBe(vectors.length);
}

describe.runIf(haveIcarus)('rtl units exhaustive in 8-bit formats', () => {
  const cases: UnitRequest[] = [
    { unit: 'lmul', format: 'e4m3' },
    { unit: 'lmul', format: 'e5m2', adder: 'ks' },
    { unit: 'fpmul', format: 'e4m3' },
    { unit: 'fpmul', format: 'e5m2' },
    { unit: 'fpmul', format: 'e4m3', multiplier: 'booth', adder: 'ks' },
    { unit: 'fpmul', format: 'e5m2', multiplier: 'array', adder: 'bk' },
    { unit: 'lmul', format: 'e4m3fnuz', adder: 'bk' },
    { unit: 'fpmul', format: 'e5m2fnuz', multiplier: 'booth' },
    { unit: 'lmul', format: 'e3m4' },
    { unit: 'fpmul', format: 'e3m4', multiplier: 'booth', adder: 'bk' },
  ];
  for (const request of cases) {
    const name = `${request.unit} ${request.format} ${request.adder ?? 'rca'} ${request.multiplier ?? 'dadda'}`;
    it(`${name} passes all 65536 pairs`, async () => {
      await checkUnit(request, { exhaustive: true, count: 0 });
    });
  }
});

describe.runIf(haveIcarus)('rtl units random in 16-bit formats', () => {
  for (const request of [
    { unit: 'lmul', format: 'bf16' },
    { unit: 'lmul', format: 'fp16' },
    { unit: 'fpmul', format: 'bf16' },
    { unit: 'fpmul', format: 'fp16' },
  ] satisfies UnitRequest[]) {
    it(`${request.unit} ${request.format} passes 100000 random pairs`, async () => {
      await checkUnit(request, { exhaustive: false, count: 100_000 });
    });
  }
});

describe.runIf(haveIcarus)('rtl units in fp32', () => {
  it('lmul fp32 passes random pairs', async () => {
    await checkUnit({ unit: 'lmul', format: 'fp32', adder: 'ks' }, { exhaustive: false, count: 20_000 });
  });

  it('fpmul fp32 passes random pairs', async () => {
    await checkUnit({ unit: 'fpmul', format: 'fp32', multiplier: 'booth', adder: 'ks' }, { exhaustive: false, count: 3_000 });
  });
});
