import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../common/diagnostic.js';
import { parseSource } from '../../isa/parse.js';
import { validate } from '../../isa/validate.js';

/** Parses and validates `text`, and returns its errors. */
function errorsOf(text: string): Diagnostic[] {
  const { ast, diagnostics } = parseSource(text, 'hints.lasm');
  expect(diagnostics).toEqual([]);
  return validate(ast!).diagnostics.filter((d) => d.severity === 'error');
}

/** Returns the hint of the single error of `text`. */
function hintOf(text: string): string | undefined {
  const errors = errorsOf(text);
  expect(errors).toHaveLength(1);
  return errors[0].hint;
}

const TENSORS = '.tensor A fp32[16, 16]\n.tensor V fp32[16]\n';

describe('mnemonics of other instruction sets', () => {
  it.each([
    ['ld sp[0], A[0 +: 4, 0 +: 4]', "did you mean 'load'? (load copies a DRAM tensor region to sp[…] or acc[…], and vload copies sp[…] or acc[…] to a vector register)"],
    ['st A[0 +: 4, 0 +: 4], sp[0]', "did you mean 'store'? (store copies sp[…] or acc[…] to a DRAM tensor region, and vstore copies a vector register to sp[…] or acc[…])"],
    ['gemm acc[0], sp[0]', "did you mean 'matmul'? (VTA's GEMM is matmul here, which multiplies by the weight tile of the last preload)"],
    ['finish', "did you mean 'halt'? (VTA's FINISH is halt here)"],
    ['mvin sp[0], A[0 +: 4, 0 +: 4]', "did you mean 'load'? (Gemmini's mvin is load here, from a DRAM tensor region to sp[…] or acc[…])"],
    ['mvout A[0 +: 4, 0 +: 4], acc[0]', "did you mean 'store'? (Gemmini's mvout is store here, from sp[…] or acc[…] to a DRAM tensor region)"],
    ['config_ld r1', "did you mean 'load'? (lmulsim has no configuration instructions, so each load takes its own fmt= and stride=)"],
    ['li r1, 3', "did you mean 'set'? (set rD, VALUE writes a constant or an integer expression to a scalar register)"],
    ['j done', "did you mean 'jump'? (jump LABEL continues at a label of the same block)"],
    ['bne r1, r2, done', "did you mean 'bnez'? (bnez EXPR, LABEL branches when EXPR is not zero, so bne a, b, L is bnez a - b, L)"],
    ['write_host_memory A[0 +: 4, 0 +: 4], sp[0]', "did you mean 'store'? (store writes host memory when the tensor is declared with place=host)"],
  ])('%s', (line, hint) => {
    expect(hintOf(`${TENSORS}${line}\ndone:\nhalt\n`)).toBe(hint);
  });

  it('alias without one counterpart', () => {
    expect(hintOf(`${TENSORS}alu acc[0], acc[0]\n`)).toBe("VTA's ALU operations are vector-unit instructions here: vadd, vsub, vmul, vmax, vmin, vscale, vaddi, vexp and the other v… instructions");
    expect(hintOf(`${TENSORS}nop\n`)).toBe('lmulsim has no no-op instruction, so leave the line out, or put a label at the end of the block as a jump target');
  });

  it('alias in any letter case', () => {
    const errors = errorsOf(`${TENSORS}GEMM acc[0], sp[0]\nMvIn sp[0], A[0 +: 4, 0 +: 4]\n`);

    expect(errors.map((d) => d.message)).toEqual(["unknown instruction 'GEMM'", "unknown instruction 'MvIn'"]);
    expect(errors[0].hint).toMatch(/^did you mean 'matmul'\?/);
    expect(errors[1].hint).toMatch(/^did you mean 'load'\?/);
  });

  it('alias wins over edit distance', () => {
    // `st` is one edit from `set`, and `beq` one from `beqz`: the alias decides and explains.
    expect(hintOf(`${TENSORS}st A[0 +: 4, 0 +: 4], sp[0]\n`)).toMatch(/^did you mean 'store'\?/);
    expect(hintOf(`${TENSORS}beq r1, r2, done\ndone:\nhalt\n`)).toBe("did you mean 'beqz'? (beqz EXPR, LABEL branches when EXPR is zero, so beq a, b, L is beqz a - b, L)");
  });

  it('repeated alias gets the same hint', () => {
    const errors = errorsOf(`${TENSORS}mvin sp[0], A[0 +: 4, 0 +: 4]\nmvin sp[16], A[4 +: 4, 0 +: 4]\nmvin sp[32], A[8 +: 4, 0 +: 4]\n`);

    expect(errors.map((d) => d.span?.line)).toEqual([3, 4, 5]);
    expect(new Set(errors.map((d) => d.hint))).toEqual(new Set(["did you mean 'load'? (Gemmini's mvin is load here, from a DRAM tensor region to sp[…] or acc[…])"]));
  });

  it('alias counts as its counterpart after failure', () => {
    // A failed read_weights counts as a preload, so the matmul after it is not reported for lacking one.
    const errors = errorsOf(`${TENSORS}read_weights sp[0] k=16 n=16\nmatmul acc[0], sp[0] m=16 k=16 n=16\nhalt\n`);

    expect(errors.map((d) => `${d.span?.line}: ${d.message}`)).toEqual(["3: unknown instruction 'read_weights'"]);
    expect(errors[0].hint).toBe("did you mean 'preload'? (load the weight tile to sp[…], then preload it into the array)");
  });

  it('misspelling keeps edit distance', () => {
    expect(hintOf(`${TENSORS}laod sp[0], A[0 +: 4, 0 +: 4]\n`)).toBe("did you mean 'load'?");
    expect(hintOf(`${TENSORS}matmull acc[0], sp[0] m=16 k=16 n=16\n`)).toBe("did you mean 'matmul'?");
    expect(hintOf(`${TENSORS}frobnicate\n`)).toBe('docs/isa.md lists every instruction');
  });

  it('prototype names are not aliases', () => {
    expect(hintOf(`${TENSORS}constructor\n`)).toBe('docs/isa.md lists every instruction');
    expect(hintOf(`${TENSORS}__proto__\n`)).toBe('docs/isa.md lists every instruction');
  });
});

const SIGNAL = 'load sp[0], V[0 +: 16] signal=vector';
const WAIT = 'vload v0, sp[0] wait=load';

describe('deadlock position with loops', () => {
  it('wait in a loop body', () => {
    const lines = ['.tensor V fp32[16]', SIGNAL, SIGNAL, 'loop i, 4', `    ${WAIT}`, 'endloop', 'halt'];

    const errors = errorsOf(lines.join('\n'));

    // Two tokens, so the wait of iteration i = 2 (token 3) is the first that none matches.
    expect(errors.map((d) => [d.span?.line, d.span?.column])).toEqual([[5, 5]]);
    expect(errors[0].message).toBe(
      'the vector queue waits for 4 tokens from the load queue, but only 2 are signalled; in the iteration with i = 2, this wait needs token 3, which no signal matches, so the vector queue would deadlock here',
    );
    expect(errors[0].hint).toBe('add signal=vector to the load instruction that produces the data, or remove an extra wait=load');
  });

  it('nested loops name every index', () => {
    const lines = [
      '.tensor V fp32[16]', // 1
      'loop i, 3', // 2
      `    ${SIGNAL}`, // 3
      `    ${SIGNAL}`, // 4
      '    loop j, 2', // 5
      '        vadd v1, v2, v3', // 6
      `        ${WAIT}`, // 7
      '    endloop', // 8
      `    ${WAIT}`, // 9
      'endloop', // 10
      'halt', // 11
    ];

    const errors = errorsOf(lines.join('\n'));

    // Each iteration of i signals 2 and waits 3 times: tokens 1 to 6 are signalled. Waits run in the
    // order (i=0: 7, 7, 9), (i=1: 7, 7, 9), (i=2: 7, 7, 9), so token 7 is the first wait of i = 2.
    expect(errors.map((d) => [d.span?.line, d.span?.column])).toEqual([[7, 9]]);
    expect(errors[0].message).toContain('in the iteration with i = 2 and j = 0, this wait needs token 7,');
  });

  it('hint names the first wait', () => {
    const lines = ['.tensor V fp32[16]', SIGNAL, WAIT, SIGNAL, 'loop i, 5', '    vadd v1, v2, v3', `    ${WAIT}`, 'endloop', 'halt'];

    const errors = errorsOf(lines.join('\n'));

    expect(errors.map((d) => [d.span?.line, d.span?.column])).toEqual([[7, 5]]);
    expect(errors[0].message).toContain('in the iteration with i = 1, this wait needs token 3,');
    expect(errors[0].hint).toBe("add signal=vector to the load instruction that produces the data, or remove an extra wait=load; the vector queue's waits start on line 3");
  });

  it('top-level wait after a loop', () => {
    // The loop is balanced; the extra wait after it is the one that blocks, not the first wait.
    const lines = ['.tensor V fp32[16]', 'loop i, 8', `    ${SIGNAL}`, `    ${WAIT}`, 'endloop', WAIT, 'halt'];

    const errors = errorsOf(lines.join('\n'));

    expect(errors.map((d) => [d.span?.line, d.span?.column])).toEqual([[6, 1]]);
    expect(errors[0].message).toBe(
      'the vector queue waits for 9 tokens from the load queue, but only 8 are signalled; this is the first wait that no signal matches, where the vector queue would deadlock',
    );
    expect(errors[0].hint).toBe("add signal=vector to the load instruction that produces the data, or remove an extra wait=load; the vector queue's waits start on line 4");
  });

  it('sync waits count in order', () => {
    const lines = ['.tensor V fp32[16]', SIGNAL, 'loop i, 2', '    sync vector wait=load', `    ${WAIT}`, 'endloop', 'halt'];

    const errors = errorsOf(lines.join('\n'));

    // Token 2 is the vload of i = 0, after the sync took token 1.
    expect(errors.map((d) => [d.span?.line, d.span?.column])).toEqual([[5, 5]]);
    expect(errors[0].message).toContain('in the iteration with i = 0, this wait needs token 2,');
  });

  it('long program with repeated lines', () => {
    // 4000 lines in the loop body take the parser's compact route. The body signals 2000 tokens and
    // waits 2001 times, with one extra wait after the 501st pair.
    const lines = ['.tensor V fp32[16]', 'loop i, 3'];
    for (let pair = 0; pair < 2000; pair++) {
      lines.push(`    ${SIGNAL}`, `    ${WAIT}`);
      if (pair === 500) lines.push(`    ${WAIT}`);
    }
    lines.push('endloop', 'halt');
    // Iterations 0 and 1 take 4002 tokens, so token 6001 is the 1999th wait of i = 2.
    const waitLines = lines.flatMap((text, index) => (text === `    ${WAIT}` ? [index + 1] : []));
    expect(waitLines).toHaveLength(2001);

    const errors = errorsOf(lines.join('\n'));

    expect(errors.map((d) => [d.span?.line, d.span?.column])).toEqual([[waitLines[1998], 5]]);
    expect(waitLines[1998]).toBe(3999);
    expect(errors[0].message).toContain('in the iteration with i = 2, this wait needs token 6001,');
  });
});

describe('deadlock position without loops', () => {
  it('first unmatched wait', () => {
    const lines = ['.tensor V fp32[16]', SIGNAL, WAIT, WAIT, WAIT, 'halt'];

    const errors = errorsOf(lines.join('\n'));

    expect(errors.map((d) => [d.span?.line, d.span?.column])).toEqual([[4, 1]]);
    expect(errors[0].message).toBe('the vector queue waits for 3 tokens from the load queue, but only 1 is signalled; this is the first wait that no signal matches, where the vector queue would deadlock');
    expect(errors[0].hint).toBe("add signal=vector to the load instruction that produces the data, or remove an extra wait=load; the vector queue's waits start on line 3");
  });

  it('no signal points at the first wait', () => {
    const lines = ['.tensor V fp32[16]', 'load sp[0], V[0 +: 16]', 'loop i, 3', `    ${WAIT}`, 'endloop', 'halt'];

    const errors = errorsOf(lines.join('\n'));

    expect(errors.map((d) => [d.span?.line, d.span?.column])).toEqual([[4, 5]]);
    expect(errors[0].message).toBe('the vector queue waits for 3 tokens from the load queue, but only 0 are signalled; the vector queue would deadlock');
    expect(errors[0].hint).toBe('add signal=vector to the load instruction that produces the data');
  });
});

/** A generated program: signals and waits between the load and vector queues, in nested constant loops. */
type Node = { kind: 'signal' } | { kind: 'wait' } | { kind: 'other' } | { kind: 'loop'; count: number; body: Node[] };

const nodeArbitrary = fc.letrec<{ node: Node; body: Node[] }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Node>({ kind: 'signal' }),
    fc.constant<Node>({ kind: 'wait' }),
    fc.constant<Node>({ kind: 'other' }),
    fc.record({ kind: fc.constant('loop' as const), count: fc.integer({ min: 1, max: 4 }), body: tie('body') }) as fc.Arbitrary<Node>,
  ),
  body: fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
}));

interface Rendered {
  readonly lines: string[];
  /** Line, column and loop indices of each wait, in the order in which the vector queue runs them. */
  readonly waits: { line: number; column: number; indices: number[] }[];
  signals: number;
}

/** Writes `body` as `.lasm` lines and unrolls it, loop by loop, into the order of its tokens. */
function render(body: Node[]): Rendered {
  const result: Rendered = { lines: ['.tensor V fp32[16]'], waits: [], signals: 0 };
  const emit = (nodes: Node[], depth: number): void => {
    const indent = '    '.repeat(depth);
    for (const node of nodes) {
      if (node.kind === 'loop') {
        result.lines.push(`${indent}loop l${depth}, ${node.count}`);
        emit(node.body, depth + 1);
        result.lines.push(`${indent}endloop`);
      } else {
        result.lines.push(`${indent}${node.kind === 'signal' ? SIGNAL : node.kind === 'wait' ? WAIT : 'vadd v1, v2, v3'}`);
      }
    }
  };
  emit(body, 0);
  result.lines.push('halt');

  // Unroll with a line counter that follows the same layout as `emit`.
  let line = 1;
  const unroll = (nodes: Node[], depth: number, indices: number[]): void => {
    for (const node of nodes) {
      line++;
      if (node.kind === 'loop') {
        const start = line;
        for (let index = 0; index < node.count; index++) {
          line = start;
          unroll(node.body, depth + 1, [...indices, index]);
        }
        line++;
      } else if (node.kind === 'signal') {
        result.signals++;
      } else if (node.kind === 'wait') {
        result.waits.push({ line, column: 4 * depth + 1, indices });
      }
    }
  };
  unroll(body, 0, []);
  return result;
}

describe('deadlock position against unrolling', () => {
  it('first unmatched wait of random loops', () => {
    fc.assert(
      fc.property(nodeArbitrary.body, (body) => {
        const program = render(body);
        fc.pre(program.waits.length > program.signals);

        const errors = errorsOf(program.lines.join('\n'));

        // The unrolled waits take tokens 1, 2, …, so the wait at index `signals` gets none. With no
        // signal at all, the error points at the first wait, which is also the first one unrolled.
        const blocked = program.waits[program.signals];
        expect(errors.map((d) => [d.span?.line, d.span?.column])).toEqual([[blocked.line, blocked.column]]);
        if (program.signals > 0 && blocked.indices.length > 0) {
          const indices = blocked.indices.map((index, depth) => `l${depth} = ${index}`);
          const text = indices.length === 1 ? indices[0] : `${indices.slice(0, -1).join(', ')} and ${indices[indices.length - 1]}`;
          expect(errors[0].message).toContain(`in the iteration with ${text}, this wait needs token ${program.signals + 1},`);
        }
      }),
      { numRuns: 300, seed: 20261205 },
    );
  });
});
