/**
 * Operand and option signatures of every mnemonic. One table gives the parser-independent
 * checks (operand count and kind, allowed options) and the help text of error messages.
 */
import type { Unit } from './ast.js';

/** Kind of value an operand must be. */
export type OperandKind =
  /** `sp[address]` or `acc[address]` */
  | 'onchip'
  | 'scratchpad'
  | 'accumulator'
  /** A DRAM tensor region such as `A[i*16 +: 16, 0 +: 16]` */
  | 'tensor'
  | 'vreg'
  | 'sreg'
  /** An integer expression, run-time values allowed */
  | 'int'
  /** A constant number, fractions allowed */
  | 'number'
  | 'label'
  /** A queue name: load, compute, vector or store */
  | 'queue';

/** Kind of value an option takes; 'flag' options take none. */
export type OptionKind = 'flag' | 'format' | 'method' | 'accformat' | 'int' | 'queue';

export interface Signature {
  readonly unit: Unit;
  /** Operand names (as shown in messages) and kinds, in order. */
  readonly operands: readonly (readonly [string, OperandKind])[];
  readonly options: Readonly<Record<string, OptionKind>>;
  /** Options without a default. */
  readonly required?: readonly string[];
}

const SYNC: Record<string, OptionKind> = { wait: 'queue', signal: 'queue' };
const VREG3 = [
  ['vd', 'vreg'],
  ['va', 'vreg'],
  ['vb', 'vreg'],
] as const;
const VREG2 = [
  ['vd', 'vreg'],
  ['vs', 'vreg'],
] as const;

function vector(operands: Signature['operands'], options: Record<string, OptionKind> = {}): Signature {
  return { unit: 'vector', operands, options: { ...options, ...SYNC } };
}

/** Every mnemonic, in lower case. `loop` and `endloop` are syntax, not entries here. */
export const SIGNATURES: Readonly<Record<string, Signature>> = {
  load: {
    unit: 'load',
    operands: [
      ['dst', 'onchip'],
      ['src', 'tensor'],
    ],
    options: { fmt: 'format', sat: 'flag', nosat: 'flag', transpose: 'flag', stride: 'int', ...SYNC },
  },
  store: {
    unit: 'store',
    operands: [
      ['dst', 'tensor'],
      ['src', 'onchip'],
    ],
    options: { sat: 'flag', nosat: 'flag', stride: 'int', ...SYNC },
  },
  preload: { unit: 'compute', operands: [['src', 'scratchpad']], options: { k: 'int', n: 'int', stride: 'int', ...SYNC }, required: ['k', 'n'] },
  matmul: {
    unit: 'compute',
    operands: [
      ['dst', 'accumulator'],
      ['src', 'scratchpad'],
    ],
    options: { m: 'int', k: 'int', n: 'int', stride: 'int', method: 'method', in: 'format', out: 'accformat', accumulate: 'flag', overwrite: 'flag', ...SYNC },
    required: ['m', 'k', 'n'],
  },
  vload: vector([
    ['vd', 'vreg'],
    ['src', 'onchip'],
  ]),
  vstore: vector(
    [
      ['dst', 'onchip'],
      ['vs', 'vreg'],
    ],
    { fmt: 'format', sat: 'flag', nosat: 'flag' },
  ),
  vadd: vector(VREG3),
  vsub: vector(VREG3),
  vmul: vector(VREG3, { method: 'method', fmt: 'format' }),
  vmax: vector(VREG3),
  vmin: vector(VREG3),
  vmov: vector(VREG2),
  vneg: vector(VREG2),
  vexp: vector(VREG2),
  vrecip: vector(VREG2),
  vrsqrt: vector(VREG2),
  vscale: vector([...VREG2, ['factor', 'number']]),
  vaddi: vector([...VREG2, ['addend', 'number']]),
  vfill: vector([
    ['vd', 'vreg'],
    ['value', 'number'],
  ]),
  vredsum: vector(VREG2),
  vredmax: vector(VREG2),
  vsetlen: vector([['length', 'int']]),
  set: {
    unit: 'control',
    operands: [
      ['rd', 'sreg'],
      ['value', 'int'],
    ],
    options: {},
  },
  jump: { unit: 'control', operands: [['label', 'label']], options: {} },
  beqz: {
    unit: 'control',
    operands: [
      ['value', 'int'],
      ['label', 'label'],
    ],
    options: {},
  },
  bnez: {
    unit: 'control',
    operands: [
      ['value', 'int'],
      ['label', 'label'],
    ],
    options: {},
  },
  /** The unit of `sync` is its operand; 'control' here is a placeholder. */
  sync: { unit: 'control', operands: [['queue', 'queue']], options: { ...SYNC } },
  fence: { unit: 'control', operands: [], options: {} },
  barrier: { unit: 'control', operands: [], options: {} },
  halt: { unit: 'control', operands: [], options: {} },
};

export const MNEMONICS: readonly string[] = [...Object.keys(SIGNATURES), 'loop', 'endloop'];

/** Example spelling of each operand kind, for error messages. */
export const OPERAND_EXAMPLES: Readonly<Record<OperandKind, string>> = {
  onchip: 'an on-chip address such as sp[0] or acc[0]',
  scratchpad: 'a scratchpad address such as sp[0]',
  accumulator: 'an accumulator address such as acc[0]',
  tensor: 'a tensor region such as A[0 +: 16, 0 +: 16]',
  vreg: 'a vector register such as v0',
  sreg: 'a scalar register such as r0',
  int: 'an integer expression',
  number: 'a constant number',
  label: 'a label name',
  queue: 'a queue name: load, compute, vector or store',
};

/** Describes a mnemonic's operands for messages, e.g. "vadd vd, va, vb". */
export function usage(mnemonic: string): string {
  const signature = SIGNATURES[mnemonic];
  const operands = signature.operands.map(([name]) => name).join(', ');
  return operands ? `${mnemonic} ${operands}` : mnemonic;
}
