import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../common/diagnostic.js';
import { parseSource } from '../../isa/parse.js';
import { validate } from '../../isa/validate.js';
import { loadArch, type ArchConfig } from '../../sim/arch/index.js';
import { checkProgramOnMachine } from '../../sim/exec/arch-check.js';
import { targetFromArch } from '../../sim/exec/target.js';

// edge-npu accumulates in fp32; the fixture edge-npu-fp16 is edge-npu with an fp16 accumulator.

const FILE = 'prog.lasm';
const TILE = `.tensor A fp32[16, 16]
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3
preload sp[0] k=16 n=16
`;

function fp16AccumulatorArch(): ArchConfig {
  return loadArch(join(import.meta.dirname, 'fixtures', 'edge-npu-fp16.yaml'));
}

/** Returns the out= errors of `text` on `arch`, from the validator and from the machine check with and without the source text. */
function outErrors(text: string, arch: ArchConfig): { validator: Diagnostic[]; withSource: Diagnostic[]; withoutSource: Diagnostic[] } {
  const parsed = parseSource(text, FILE);
  expect(parsed.diagnostics).toEqual([]);
  const isOut = (d: Diagnostic) => d.severity === 'error' && d.message.includes('accumulates in');
  const validator = validate(parsed.ast!, targetFromArch(arch, { matrixUnit: true })).diagnostics.filter(isOut);
  const program = validate(parsed.ast!, targetFromArch(arch)).program!;
  const withSource = checkProgramOnMachine(program, arch, { sources: new Map([[FILE, text]]) }).filter(isOut);
  const withoutSource = checkProgramOnMachine(program, arch).filter(isOut);
  return { validator, withSource, withoutSource };
}

describe('out= message on a machine', () => {
  it('missing out= names the default', () => {
    const { validator, withSource, withoutSource } = outErrors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3\n`, fp16AccumulatorArch());
    const message = "matmul has no out=, so it accumulates in fp32, but the matrix unit of machine 'edge-npu-fp16' accumulates in fp16; the machine supports: out=fp16";

    expect(validator.map((d) => d.message)).toEqual([message]);
    expect(validator[0].hint).toBe('add out=fp16 to the matmul, because the matrix unit adds in that format only');
    expect(withSource).toEqual(validator);
    expect(withoutSource.map((d) => d.message)).toEqual([
      "matmul accumulates in fp32 (its out= format, fp32 when absent), but the matrix unit of machine 'edge-npu-fp16' accumulates in fp16; the machine supports: out=fp16",
    ]);
  });

  it('explicit out= drops the default', () => {
    const text = `${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 out=fp32\n`;
    const { validator, withSource } = outErrors(text, fp16AccumulatorArch());
    const message = "matmul accumulates in fp32 (its out= format), but the matrix unit of machine 'edge-npu-fp16' accumulates in fp16; the machine supports: out=fp16";

    expect(validator.map((d) => d.message)).toEqual([message]);
    expect(validator[0].span?.column).toBe(text.split('\n')[3].indexOf('out=') + 1);
    expect(withSource).toEqual(validator);
  });

  it('explicit narrower out= on edge-npu', () => {
    const { validator, withSource } = outErrors(`${TILE}matmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 out=fp16\n`, loadArch('edge-npu'));

    expect(validator.map((d) => d.message)).toEqual([
      "matmul accumulates in fp16 (its out= format), but the matrix unit of machine 'edge-npu' accumulates in fp32; the machine supports: out=fp32",
    ]);
    expect(withSource).toEqual(validator);
  });
});
