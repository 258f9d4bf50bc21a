import { describe, expect, it } from 'vitest';
import type { Instruction, ResolvedProgram, TargetLimits } from '../../isa/ast.js';
import { evaluate } from '../../isa/expr.js';
import { parseSource } from '../../isa/parse.js';
import { validate } from '../../isa/validate.js';

function resolve(text: string, target?: TargetLimits): ResolvedProgram {
  const { ast, diagnostics } = parseSource(text, 'test.lasm');
  expect(diagnostics).toEqual([]);
  const result = validate(ast!, target);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.program!;
}

function errorsOf(text: string, target?: TargetLimits): string[] {
  const { ast } = parseSource(text, 'test.lasm');
  return validate(ast!, target)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.message);
}

const env = { indices: [3, 5], regs: [7, 11], core: 2, ncores: 4 };

describe('validate', () => {
  it('tensor: shape, format, init, output, placement', () => {
    const program = resolve('.const N = 8\n.tensor W E4M3[N, 2 * N] init=normal(0, 0.5, seed=9) output place=host\n');

    expect(program.tensors).toHaveLength(1);
    expect(program.tensors[0]).toMatchObject({ name: 'W', index: 0, shape: [8, 16], format: 'e4m3', init: { kind: 'normal', mean: 0, std: 0.5, seed: 9 }, output: true, placement: 'host' });
  });

  it('tensor init defaults to zeros in dram', () => {
    const program = resolve('.tensor A fp32[4]\n');

    expect(program.tensors[0]).toMatchObject({ init: { kind: 'zeros' }, output: false, placement: 'dram' });
  });

  it('tensor init from files', () => {
    const program = resolve('.tensor A fp32[4] init=file("data/a.npy")\n.tensor B fp16[4] init=file("b.bin")\n');

    expect(program.tensors[0].init).toMatchObject({ kind: 'file', fileFormat: 'npy' });
    expect(program.tensors[1].init).toMatchObject({ kind: 'file', fileFormat: 'raw' });
    expect((program.tensors[0].init as { path: string }).path).toMatch(/data[/\\]a\.npy$/);
  });

  it('constant folding: integer and float division', () => {
    const program = resolve('.const A = 7 / 2\n.const B = 7.0 / 2\n.const C = -7 / 2\n.const D = -7 % 3\n');

    expect([...program.constants]).toEqual([
      ['A', 3],
      ['B', 3.5],
      ['C', -3],
      ['D', -1],
    ]);
  });

  it('address expressions keep loop indices and registers', () => {
    const program = resolve('.tensor A fp32[64, 64]\nloop i, 4\n  loop j, 4\n    load sp[i * 256 + j * 16 + r1], A[i * 16 +: 16, j * 16 +: 16]\n  endloop\nendloop\n');

    const outer = program.body[0];
    expect(outer.kind).toBe('loop');
    const inner = outer.kind === 'loop' ? outer.body[0] : undefined;
    const load = inner?.kind === 'loop' ? inner.body[0] : undefined;
    expect(load?.kind).toBe('load');
    if (load?.kind !== 'load') return;
    expect(evaluate(load.dst.address, env)).toBe(3 * 256 + 5 * 16 + 11);
    expect(load.src.start.map((e) => evaluate(e, env))).toEqual([48, 80]);
    expect(load.src).toMatchObject({ tensor: 0, rows: 16, cols: 16 });
    expect(load.dst).toMatchObject({ buffer: 'scratchpad', rowStride: 16 });
    expect(load).toMatchObject({ unit: 'load', format: 'fp32', saturate: true, transpose: false });
  });

  it('core and ncores are run-time values', () => {
    const program = resolve('set r0, core * 100 + ncores\n', { cores: 4 });

    const set = program.body[0];
    expect(set.kind === 'set' ? evaluate(set.value, env) : undefined).toBe(204);
  });

  it('loops are not unrolled', () => {
    const text = ['.tensor A e4m3[1024, 1024]', 'preload sp[0] k=16 n=16', 'loop i, 64', ' loop j, 64', '  loop k, 64', '   matmul acc[0], sp[256] m=16 k=16 n=16 accumulate', '  endloop', ' endloop', 'endloop', ''].join('\n');

    const program = resolve(text);

    expect(program.instructionCount).toBe(5);
    expect(program.loopDepth).toBe(3);
    expect(JSON.stringify(program.body).length).toBeLessThan(3000);
  });

  it('matmul defaults and options', () => {
    const program = resolve('preload sp[0] k=8 n=4\nmatmul acc[0], sp[64] m=2 k=8 n=4\nmatmul acc[0], sp[64] m=2 k=8 n=4 stride=16 method=mitchell in=bf16 out=bf16 accumulate\n');

    expect(program.body[1]).toMatchObject({ kind: 'matmul', unit: 'compute', m: 2, k: 8, n: 4, method: 'exact', inputFormat: 'fp32', accumulateFormat: 'fp32', accumulate: false });
    expect(program.body[2]).toMatchObject({ method: 'mitchell', inputFormat: 'bf16', accumulateFormat: 'bf16', accumulate: true, src: { rowStride: 16 }, dst: { rowStride: 4 } });
  });

  it('vector instructions resolve to their kinds', () => {
    const program = resolve('vsetlen 8\nvadd v1, v2, v3\nvmul v1, v2, v3 method=lmul fmt=bf16\nvexp v4, v5\nvscale v1, v1, 1.0 / 8\nvaddi v1, v1, 1e-5\nvfill v0, -2\nvredmax v6, v7\nvstore sp[0], v1 fmt=e5m2 nosat\n');

    const kinds = program.body.map((i) => i.kind);
    expect(kinds).toEqual(['vsetlen', 'vbinary', 'vbinary', 'vunary', 'vimm', 'vimm', 'vfill', 'vreduce', 'vstore']);
    expect(program.body[2]).toMatchObject({ op: 'mul', method: 'lmul', format: 'bf16', dst: 1, a: 2, b: 3 });
    expect(program.body[4]).toMatchObject({ op: 'scale', value: 0.125 });
    expect(program.body[5]).toMatchObject({ op: 'add', value: 1e-5 });
    expect(program.body[6]).toMatchObject({ value: -2 });
    expect(program.body[7]).toMatchObject({ op: 'max', dst: 6, src: 7 });
    expect(program.body[8]).toMatchObject({ format: 'e5m2', saturate: false, dst: { buffer: 'scratchpad' } });
    expect(program.body.every((i) => i.unit === 'vector')).toBe(true);
  });

  it('sync takes the unit of its operand', () => {
    const program = resolve('sync compute signal=load\nsync load wait=compute\n');

    expect(program.body[0]).toMatchObject({ kind: 'sync', unit: 'compute', signal: ['load'], wait: [] });
    expect(program.body[1]).toMatchObject({ kind: 'sync', unit: 'load', wait: ['compute'] });
  });

  it('jump targets index the same block', () => {
    const program = resolve('loop i, 2\n  set r1, 0\nagain:\n  set r1, r1 + 1\n  bnez r1 - 3, again\nendloop\n');

    const loop = program.body[0] as Extract<Instruction, { kind: 'loop' }>;
    expect(loop.body[2]).toMatchObject({ kind: 'branch', condition: 'nonzero', label: 'again', target: 1 });
  });

  it('labels at the end of a block target its length', () => {
    const program = resolve('jump done\nhalt\ndone:\n');

    expect(program.body[0]).toMatchObject({ kind: 'jump', target: 2 });
  });

  it('target limits change the checks', () => {
    expect(errorsOf('preload sp[0] k=32 n=32\n', { arrayRows: 32, arrayCols: 32 })).toEqual([]);
    expect(errorsOf('preload sp[0] k=32 n=32\n')).toHaveLength(2);
    expect(errorsOf('.tensor A fp16[4]\n', { formats: ['fp32'] })).toEqual(["format 'fp16' is not supported by the target"]);
    expect(errorsOf('vadd v0, v1, v2\n', { vectorRegisters: 2 })[0]).toMatch(/v0 to v1/);
    expect(errorsOf('preload sp[0] k=1 n=1\nmatmul acc[0], sp[0] m=1 k=1 n=1 method=lmul\n', { methods: ['exact'] })).toEqual(["method 'lmul' is not supported by the target"]);
  });

  it('range check uses the core count', () => {
    const text = '.tensor A fp32[64, 16]\nloop i, 4\n  load sp[0], A[(i * ncores + core) * 16 +: 16, 0 +: 16]\nendloop\n';

    expect(errorsOf(text, { cores: 1 })).toEqual([]);
    expect(errorsOf(text, { cores: 2 })[0]).toMatch(/spans 0 to 127, outside 0 to 63/);
  });

  it('register-dependent addresses are not range-checked', () => {
    expect(errorsOf('vload v0, sp[r1 * 1000000]\n')).toEqual([]);
  });

  it('warnings do not block the program', () => {
    const { ast } = parseSource('halt\nfence\n', 't.lasm');

    const result = validate(ast!);

    expect(result.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(result.program?.body).toHaveLength(2);
  });

  it('errors withhold the program', () => {
    const { ast } = parseSource('bogus\n', 't.lasm');

    expect(validate(ast!).program).toBeUndefined();
  });

  it('token balance counts loop trips', () => {
    const balanced = '.tensor A fp32[16]\nloop i, 3\n  load sp[0], A[0 +: 16] signal=vector\n  vload v0, sp[0] wait=load\nendloop\n';
    const short = '.tensor A fp32[16]\nload sp[0], A[0 +: 16] signal=vector\nloop i, 3\n  vload v0, sp[0] wait=load\nendloop\n';

    expect(errorsOf(balanced)).toEqual([]);
    expect(errorsOf(short)).toEqual(['the vector queue waits for 3 tokens from the load queue, but only 1 is signalled; in the iteration with i = 1, this wait needs token 2, which no signal matches, so the vector queue would deadlock here']);
  });

  it('deadlock at the first unmatched wait without loops', () => {
    const lines = ['.tensor A fp32[16]', 'load sp[0], A[0 +: 16] signal=vector', 'vload v0, sp[0] wait=load', 'load sp[16], A[0 +: 16] signal=vector', 'vload v1, sp[16] wait=load', 'vload v2, sp[16] wait=load', 'vload v3, sp[16] wait=load', 'halt'];
    const { ast } = parseSource(lines.join('\n'), 't.lasm');

    const errors = validate(ast!).diagnostics.filter((d) => d.severity === 'error');

    // Two tokens are signalled, so the third wait (line 6) is the first that blocks for ever.
    expect(errors.map((d) => [d.span?.line, d.span?.column])).toEqual([[6, 1]]);
    expect(errors[0].message).toBe('the vector queue waits for 4 tokens from the load queue, but only 2 are signalled; this is the first wait that no signal matches, where the vector queue would deadlock');
    expect(errors[0].hint).toBe('add signal=vector to the load instruction that produces the data, or remove an extra wait=load; the vector queue\'s waits start on line 3');
  });

  it('token balance is skipped for run-time loop counts', () => {
    expect(errorsOf('.tensor A fp32[16]\nloop i, r1\n  vload v0, sp[0] wait=load\nendloop\n')).toEqual([]);
  });

  it('diagnostic spans inside a line', () => {
    const { ast } = parseSource('halt\n\tset r1, q + 1\nloop i, 2\n  vload v0, sp[i * x]\nendloop\n', 'pos.lasm');

    const diagnostics = validate(ast!).diagnostics.filter((d) => d.severity === 'error');

    expect(diagnostics.map((d) => d.span)).toEqual([
      { file: 'pos.lasm', line: 2, column: 10, endLine: 2, endColumn: 11 },
      { file: 'pos.lasm', line: 4, column: 20, endLine: 4, endColumn: 21 },
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual(["'q' is not defined", "'x' is not defined"]);
  });

  it('diagnostic spans at shared leaves', () => {
    const text = '.tensor A fp32[8, 8]\nload sp[x], A[0 +: W, 0 +: 4]\nload sp[0], A[0 +: 4, 0 +: 4] fmt=e9m9\npreload  sp[0] k=Q n=4\nvfill v0, c\n';
    const { ast } = parseSource(text, 'leaf.lasm');

    const diagnostics = validate(ast!).diagnostics.filter((d) => d.severity === 'error');

    expect(diagnostics.map((d) => [d.message, d.span?.line, d.span?.column, d.span?.endColumn])).toEqual([
      ["'x' is not defined", 2, 9, 10],
      ["'W' is not defined", 2, 20, 21],
      ["unknown number format 'e9m9'", 3, 35, 39],
      ["'Q' is not defined", 4, 18, 19],
      ["'c' is not defined", 5, 11, 12],
    ]);
  });

  it('diagnostic spans at operator operands', () => {
    const { ast } = parseSource('.const K = 2 * Y\n.const M = -(Z)\nset r1, r2 / 0\nset r1, (r2) % (0)\n', 'operands.lasm');

    const diagnostics = validate(ast!).diagnostics.filter((d) => d.severity === 'error');

    expect(diagnostics.map((d) => [d.message, d.span?.line, d.span?.column, d.span?.endColumn])).toEqual([
      ["'Y' is not defined", 1, 16, 17],
      ["'Z' is not defined", 2, 14, 15],
      ['division by zero', 3, 14, 15],
      ['division by zero', 4, 17, 18],
    ]);
  });

  it('equal address expressions share one node', () => {
    const text = '.tensor A fp32[64, 64]\nloop i, 4\n  load sp[i * 16 + 1], A[i * 16 +: 16, 0 +: 16]\n  load sp[i * 16 + 1], A[i * 16 +: 16, 16 +: 16]\n  load sp[i * 8 + 1], A[i * 16 +: 16, 32 +: 16]\nendloop\n';

    const program = resolve(text);

    const loop = program.body[0] as Extract<Instruction, { kind: 'loop' }>;
    const [first, second, third] = loop.body as Extract<Instruction, { kind: 'load' }>[];
    expect(second.dst.address).toBe(first.dst.address);
    expect(second.src.start[0]).toBe(first.src.start[0]);
    expect(third.dst.address).not.toBe(first.dst.address);
    expect(evaluate(first.dst.address, env)).toBe(3 * 16 + 1);
    expect(evaluate(third.dst.address, env)).toBe(3 * 8 + 1);
    expect(first.src.start.map((e) => evaluate(e, env))).toEqual([48, 0]);
    expect(third.src.start.map((e) => evaluate(e, env))).toEqual([48, 32]);
  });

  it('options do not carry over between instructions', () => {
    const text = '.tensor A fp32[8, 8]\nload sp[0], A[0 +: 4, 0 +: 4] stride=8 nosat signal=compute\nload sp[64], A[0 +: 4, 0 +: 4]\npreload sp[0] k=4 n=4 wait=load signal=load\nsync load wait=compute\n';

    const program = resolve(text);

    expect(program.body[0]).toMatchObject({ kind: 'load', saturate: false, signal: ['compute'], wait: [], dst: { rowStride: 8 } });
    expect(program.body[1]).toMatchObject({ kind: 'load', saturate: true, signal: [], wait: [], dst: { rowStride: 4 } });
    expect(program.body[2]).toMatchObject({ kind: 'preload', wait: ['load'], signal: ['load'] });
    expect(program.body[3]).toMatchObject({ kind: 'sync', unit: 'load', wait: ['compute'], signal: [] });
  });
});
