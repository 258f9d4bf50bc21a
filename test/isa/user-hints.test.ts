import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../common/diagnostic.js';
import type { TargetLimits } from '../../isa/ast.js';
import { parseSource } from '../../isa/parse.js';
import { validate } from '../../isa/validate.js';
import { loadArch } from '../../sim/arch/index.js';
import { checkProgramOnMachine } from '../../sim/exec/arch-check.js';
import { targetFromArch } from '../../sim/exec/target.js';

const TENSORS = '.tensor X fp32[64, 256]\n.tensor Y fp32[64, 256] output\n.const N = 4\n';

/** Returns the syntax errors of `text`. */
function syntaxErrors(text: string): Diagnostic[] {
  return parseSource(text, 'hints.lasm', { keepBrokenLines: true }).diagnostics;
}

/** Parses and validates `text`, which must parse, and returns the result of validation. */
function validated(text: string, target: TargetLimits = {}) {
  const parsed = parseSource(text, 'hints.lasm');
  expect(parsed.diagnostics).toEqual([]);
  return validate(parsed.ast!, target);
}

/** Returns the errors of `text` as `line:column: message`, and the hints in the same order. */
function errorsOf(text: string, target: TargetLimits = {}): { errors: string[]; hints: (string | undefined)[] } {
  const diagnostics = validated(text, target).diagnostics.filter((d) => d.severity === 'error');
  return { errors: diagnostics.map((d) => `${d.span?.line}:${d.span?.column}: ${d.message}`), hints: diagnostics.map((d) => d.hint) };
}

describe('slice spellings', () => {
  it.each([
    ['X[0, 0:256]', "expected ']' but found ':'", 'write 0 +: 256 for elements 0 to 255, or 0 +: 257 to include 256 as Verilog does, because regions are written START +: WIDTH in each dimension, not START:END'],
    ['X[0:64, 0 +: 16]', "expected ']' but found ':'", 'write 0 +: 64 for elements 0 to 63, or 0 +: 65 to include 64 as Verilog does, because regions are written START +: WIDTH in each dimension, not START:END'],
    ['X[0, 255:0]', "expected ']' but found ':'", 'write 0 +: 256 for elements 0 to 255, because regions are written START +: WIDTH in each dimension, not HIGH:LOW'],
    ['X[0, 16..48]', "expected ']' but found '.48'", 'write 16 +: 32 for elements 16 to 47, because regions are written START +: WIDTH in each dimension, not START..END'],
    ['X[0, 0:N]', "expected ']' but found ':'", 'regions are written START +: WIDTH in each dimension, such as i * 16 +: 16, not START:END'],
    ['X[0, 0..N]', "expected ']' but found '.N'", 'regions are written START +: WIDTH in each dimension, such as i * 16 +: 16, not START..END'],
    ['X[0, :]', "expected '-', '+', number, name or '(' but found ':'", 'a whole dimension of size N is written 0 +: N, because regions are written START +: WIDTH in each dimension'],
  ])('%s', (region, message, hint) => {
    const errors = syntaxErrors(`${TENSORS}load sp[0], ${region}\n`);

    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe(message);
    expect(errors[0].hint).toBe(hint);
  });

  it('colon outside brackets gets no slice hint', () => {
    const inside = syntaxErrors(`${TENSORS}load sp[0], X[3:4, 0 +: 16]\n`);
    const outside = syntaxErrors(`${TENSORS}set r1, 3:4\n`);

    expect(inside[0].hint).toMatch(/^write 3 \+: 1 for elements 3 to 3/);
    expect(outside).toHaveLength(1);
    expect(outside[0].hint).toBeUndefined();
  });
});

const LOOP_HINT = "counted loops are written 'loop i, COUNT' and closed by a line 'endloop', with i = 0 to COUNT - 1; loop on a condition with a label and beqz or bnez";

describe('loops of other languages', () => {
  it.each(['for i in 0..4', 'for i in range(4):', 'top: for (i = 0; i < 4; i++)', 'while (r1 != 0)'])('syntax error in %s', (line) => {
    const errors = syntaxErrors(`${TENSORS}${line}\n`);

    expect(errors).toHaveLength(1);
    expect(errors[0].hint).toBe(LOOP_HINT);
  });

  it.each(['while r1', 'repeat 4', 'for i, 4', 'endfor', 'endwhile', 'done'])('unknown instruction %s', (line) => {
    const { errors, hints } = errorsOf(`${TENSORS}${line}\n`);

    expect(errors).toEqual([`4:1: unknown instruction '${line.split(' ')[0]}'`]);
    expect(hints).toEqual([LOOP_HINT]);
  });
});

describe('option values used as numbers', () => {
  it('format as a constant', () => {
    const { errors, hints } = errorsOf(`${TENSORS}.const F = e4m3\nload sp[0], X[0, 0 +: 16] fmt=F\n`);

    // The load that uses F is not reported again.
    expect(errors).toEqual(["4:12: 'e4m3' is a number format, not a number"]);
    expect(hints[0]).toBe('formats cannot be constants or expressions; write the format where it is used, as an option value such as fmt=e4m3 or in=e4m3, or as the format of a .tensor');
  });

  it('format in capitals is named in lower case in the hint', () => {
    const { errors, hints } = errorsOf(`${TENSORS}.const F = E5M2\n`);

    expect(errors).toEqual(["4:12: 'E5M2' is a number format, not a number"]);
    expect(hints[0]).toContain('such as fmt=e5m2 or in=e5m2');
  });

  it('method as a constant', () => {
    const { errors, hints } = errorsOf(`${TENSORS}.const M = lmul\n`);

    expect(errors).toEqual(["4:12: 'lmul' is a multiplier method, not a number"]);
    expect(hints[0]).toBe('methods cannot be constants or expressions; write the method where it is used, as the option method=lmul');
  });

  it('queue in an expression', () => {
    const { errors, hints } = errorsOf(`${TENSORS}set r1, compute + 1\n`);

    expect(errors).toEqual(["4:9: 'compute' is a queue, not a number"]);
    expect(hints[0]).toBe('queues cannot be constants or expressions; write the queue where it is used, as an option such as wait=compute or signal=compute, or as the operand of sync');
  });

  it('numeric constant as a format', () => {
    const { errors, hints } = errorsOf(`${TENSORS}.const F = 3\nload sp[0], X[0, 0 +: 16] fmt=F\n`);

    expect(errors).toEqual(["5:31: 'F' is a constant, not a number format"]);
    expect(hints[0]).toBe('formats cannot be constants; write the format name itself, such as e4m3');
  });

  it('other undefined names keep their hint', () => {
    const { errors, hints } = errorsOf(`${TENSORS}.const F = qqq\n.const G = e5m2\n`);

    expect(errors).toEqual(["4:12: 'qqq' is not defined", "5:12: 'e5m2' is a number format, not a number"]);
    expect(hints[0]).toBe('define it with .const NAME = VALUE');
  });
});

describe('ranges that depend on core', () => {
  const SPMD = `.const MC = 64
.tensor A e4m3[256, 256]
`;
  const CORE_HINT = (what: string) =>
    `the ${what} depends on core, which takes the values 0 to 7 on this 8-core target, and each of them must stay in range. ` +
    'To give work to fewer cores, copy core to a register (set r1, core), branch past the work on the other cores (bnez r1 / COUNT, done), ' +
    `and write the ${what} with r1, which is checked only at run time`;

  it('tensor region', () => {
    const { errors, hints } = errorsOf(`${SPMD}load sp[0], A[core * MC +: MC, 0 +: 16]\n`, { cores: 8 });

    expect(errors).toEqual(["3:15: region of 'A' in dimension 1 spans 0 to 511, outside 0 to 255"]);
    expect(hints).toEqual([CORE_HINT('index')]);
  });

  it('on-chip address', () => {
    const { errors, hints } = errorsOf(`${SPMD}load sp[core * 40000], A[0 +: 16, 0 +: 16]\n`, { cores: 8 });

    expect(errors).toEqual(['3:6: scratchpad tile of 16×16 at address up to 280000 ends at element 280255, past the scratchpad size of 262144 elements']);
    expect(hints).toEqual([CORE_HINT('address')]);
  });

  it('ncores', () => {
    const { errors, hints } = errorsOf(`${SPMD}loop i, 2\nload sp[0], A[i * ncores * 32 +: 16, 0 +: 16]\nendloop\n`, { cores: 8 });

    expect(errors).toEqual(["4:15: region of 'A' in dimension 1 spans 0 to 271, outside 0 to 255"]);
    expect(hints).toEqual(['the index depends on ncores, which is 8 on this target']);
  });

  it('loop index only keeps the generic hint', () => {
    const { hints } = errorsOf(`${SPMD}loop i, 8\nload sp[0], A[i * MC +: MC, 0 +: 16]\nload sp[0], A[core * MC +: MC, 0 +: 16]\nendloop\n`, { cores: 8 });

    expect(hints).toEqual(['check the index expression over the whole range of the loop indices', CORE_HINT('index')]);
  });

  it('the workaround of the hint validates', () => {
    const direct = errorsOf(`${SPMD}load sp[0], A[core * MC +: MC, 0 +: 16]\n`, { cores: 8 });
    const throughRegister = validated(`${SPMD}set r1, core\nbnez r1 / 4, done\nload sp[0], A[r1 * MC +: MC, 0 +: 16]\ndone:\nhalt\n`, { cores: 8 });

    expect(direct.hints[0]).toContain('(set r1, core)');
    expect(throughRegister.diagnostics).toEqual([]);
    expect(throughRegister.program).toBeDefined();
  });
});

describe('token balance notes', () => {
  const PRODUCER = '.tensor A fp32[16, 16]\n';

  it('jump skips the check with a note', () => {
    const result = validated(`${PRODUCER}set r1, 0\nbeqz r1, go\ngo:\nload sp[0], A[0 +: 16, 0 +: 16] wait=compute\n`);

    expect(result.diagnostics).toEqual([]);
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0].severity).toBe('note');
    expect(result.notes[0].span).toMatchObject({ line: 3, column: 1 });
    expect(result.notes[0].message).toBe(
      "deadlock check skipped: the program jumps or branches (first on line 3), so the tokens each queue sends and takes are counted only at run time, and 'lmulsim run' reports a deadlock if one occurs",
    );
  });

  it('run-time loop count skips its queue pairs', () => {
    const result = validated(`${PRODUCER}set r1, 2\nloop i, r1 + 1\nload sp[0], A[0 +: 16, 0 +: 16] signal=compute\npreload sp[0] k=16 n=16 wait=load\nendloop\n`);

    expect(result.diagnostics).toEqual([]);
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0].span).toMatchObject({ line: 3, column: 9 });
    expect(result.notes[0].message).toMatch(/^deadlock check skipped for the tokens load → compute: this loop count \(line 3\) is known only at run time, /);
  });

  it('run-time count of an outer loop is named', () => {
    const result = validated(`${PRODUCER}set r1, 2\nloop i, r1\nloop j, 4\nsync load signal=compute\nsync compute wait=load\nendloop\nendloop\n`);

    expect(result.notes.map((note) => note.span?.line)).toEqual([3]);
  });

  it('counted program has no note', () => {
    const result = validated(`${PRODUCER}loop i, 4\nload sp[0], A[0 +: 16, 0 +: 16] signal=compute\npreload sp[0] k=16 n=16 wait=load\nendloop\n`);

    expect(result.notes).toEqual([]);
  });

  it('jumps without tokens have no note', () => {
    const result = validated(`${PRODUCER}set r1, 0\nbeqz r1, go\ngo:\nload sp[0], A[0 +: 16, 0 +: 16]\n`);

    expect(result.notes).toEqual([]);
  });

  it('run-time count without tokens in it has no note', () => {
    const result = validated(`${PRODUCER}sync load signal=compute\nsync compute wait=load\nset r1, 2\nloop i, r1\nload sp[0], A[0 +: 16, 0 +: 16]\nendloop\n`);

    expect(result.notes).toEqual([]);
  });

  it('failed token instruction has no note', () => {
    const parsed = parseSource(`${PRODUCER}set r1, 0\nbeqz r1, go\ngo:\nload sp[0], A[0 +: 16, 0 +: 16] wait=compte\n`, 'hints.lasm');
    const result = validate(parsed.ast!);

    expect(result.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(1);
    expect(result.notes).toEqual([]);
  });
});

describe('matrix unit in the validator', () => {
  const edgeNpu = loadArch('edge-npu');
  // edge-npu has 16 lanes per vector register and matrix inputs e4m3 and e5m2 only.
  const PROGRAM = `.tensor A fp32[16, 16]
load sp[0], A[0 +: 16, 0 +: 16] fmt=bf16
preload sp[0] k=16 n=16
vsetlen 32
matmul acc[0], sp[0] m=16 k=16 n=16 in=bf16 out=fp16
matmul acc[0], sp[0] m=16 k=16 n=16 method=lmul
`;

  it('reports machine and generic errors in one run', () => {
    const { errors } = errorsOf(PROGRAM, targetFromArch(edgeNpu, { matrixUnit: true }));

    expect(errors).toEqual([
      '4:9: vector length must be 1 to 16, got 32',
      "5:37: matmul input format 'bf16' is not an input format of the matrix unit of machine 'edge-npu'; the machine supports: in=e4m3, in=e5m2",
      "5:45: matmul accumulates in fp16 (its out= format), but the matrix unit of machine 'edge-npu' accumulates in fp32; the machine supports: out=fp32",
      "6:1: matmul has no in=, so its input format is fp32, which the matrix unit of machine 'edge-npu' does not multiply; the machine supports: in=e4m3, in=e5m2",
    ]);
  });

  it('matches the machine check in wording and place', () => {
    const withoutVsetlen = PROGRAM.replace('vsetlen 32\n', '');
    const fromValidator = validated(withoutVsetlen, targetFromArch(edgeNpu, { matrixUnit: true })).diagnostics;
    const generic = validated(withoutVsetlen, targetFromArch(edgeNpu));
    const sources = new Map([['hints.lasm', withoutVsetlen]]);
    const fromMachineCheck = checkProgramOnMachine(generic.program!, edgeNpu, { sources });

    expect(fromValidator.length).toBe(3);
    expect(fromValidator).toEqual(fromMachineCheck);
  });

  it('lacking datapath', () => {
    const arch = { ...edgeNpu, core: { ...edgeNpu.core, matrix: { ...edgeNpu.core.matrix, datapaths: ['exact' as const] } } };
    const text = `.tensor A fp32[16, 16]\nload sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3\npreload sp[0] k=16 n=16\nmatmul acc[0], sp[0] m=16 k=16 n=16 in=e4m3 method=lmul\n`;

    expect(errorsOf(text, targetFromArch(arch, { matrixUnit: true })).errors).toEqual([
      "4:45: matmul method 'lmul' runs on the lmul datapath, which the matrix unit of machine 'edge-npu' lacks; the machine supports: method=exact",
    ]);
    expect(errorsOf(text, targetFromArch(arch, { matrixUnit: true, methodsReplaced: true })).errors).toEqual([]);
  });

  it('off by default', () => {
    expect(errorsOf(PROGRAM, targetFromArch(edgeNpu)).errors).toEqual(['4:9: vector length must be 1 to 16, got 32']);
    expect(errorsOf(PROGRAM, targetFromArch(edgeNpu, { matrixUnit: true })).errors).toHaveLength(4);
  });
});
