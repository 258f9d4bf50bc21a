/**
 * A bit-level netlist builder that emits Verilog-2005 continuous assignments, one gate per
 * assignment, so the structure chosen here (adder prefix network, partial-product tree) is what
 * Yosys reads. Constants are folded as gates are created, which removes the cells a constant
 * operand (L-Mul's K, Booth's sign-extension bits) makes redundant.
 */

/** A single-bit Verilog expression: a wire name, a bit select such as `a[3]`, or a constant. */
export type Bit = string;

export const ZERO: Bit = "1'b0";
export const ONE: Bit = "1'b1";

/** Sum and carry outputs of a full or half adder. */
export interface AdderBits {
  readonly sum: Bit;
  readonly carry: Bit;
}

/** Collects wire declarations and gate assignments for one module body. */
export class Netlist {
  private readonly declarations: string[] = [];
  private readonly assignments: string[] = [];
  private counter = 0;

  /** `scope` starts every wire name, so several netlists can share one module. */
  constructor(private readonly scope = 'w') {}

  /** Declares a fresh single-bit wire whose name starts with `prefix`. */
  wire(prefix: string): Bit {
    const name = `${this.scope}${prefix}_${this.counter++}`;
    this.declarations.push(`  wire ${name};`);
    return name;
  }

  private gate(prefix: string, expression: string): Bit {
    const name = this.wire(prefix);
    this.assignments.push(`  assign ${name} = ${expression};`);
    return name;
  }

  not(x: Bit): Bit {
    if (x === ZERO) return ONE;
    if (x === ONE) return ZERO;
    return this.gate('n', `~${x}`);
  }

  and(x: Bit, y: Bit): Bit {
    if (x === ZERO || y === ZERO) return ZERO;
    if (x === ONE) return y;
    if (y === ONE) return x;
    return this.gate('g', `${x} & ${y}`);
  }

  or(x: Bit, y: Bit): Bit {
    if (x === ONE || y === ONE) return ONE;
    if (x === ZERO) return y;
    if (y === ZERO) return x;
    return this.gate('g', `${x} | ${y}`);
  }

  xor(x: Bit, y: Bit): Bit {
    if (x === ZERO) return y;
    if (y === ZERO) return x;
    if (x === ONE) return this.not(y);
    if (y === ONE) return this.not(x);
    return this.gate('x', `${x} ^ ${y}`);
  }

  /** 2:1 multiplexer: `whenOne` if `select` is 1, else `whenZero`. */
  mux(select: Bit, whenOne: Bit, whenZero: Bit): Bit {
    if (select === ONE || whenOne === whenZero) return whenOne;
    if (select === ZERO) return whenZero;
    return this.gate('m', `${select} ? ${whenOne} : ${whenZero}`);
  }

  /** OR of all bits (0 for none), as a balanced tree. */
  orAll(bits: readonly Bit[]): Bit {
    if (bits.length === 0) return ZERO;
    if (bits.length === 1) return bits[0];
    const half = Math.ceil(bits.length / 2);
    return this.or(this.orAll(bits.slice(0, half)), this.orAll(bits.slice(half)));
  }

  /** Half adder: sum = x XOR y, carry = x AND y. */
  halfAdder(x: Bit, y: Bit): AdderBits {
    return { sum: this.xor(x, y), carry: this.and(x, y) };
  }

  /** Full adder with constant folding: a constant 0 input leaves a half adder, a constant 1 an XNOR and an OR. */
  fullAdder(x: Bit, y: Bit, z: Bit): AdderBits {
    const inputs = [x, y, z];
    const variables = inputs.filter((bit) => bit !== ZERO && bit !== ONE);
    const ones = inputs.filter((bit) => bit === ONE).length;
    if (variables.length === 0) {
      return { sum: ones % 2 ? ONE : ZERO, carry: ones >= 2 ? ONE : ZERO };
    }
    if (variables.length === 1) {
      const [v] = variables;
      if (ones === 0) return { sum: v, carry: ZERO };
      if (ones === 1) return { sum: this.not(v), carry: v };
      return { sum: v, carry: ONE };
    }
    if (variables.length === 2) {
      const [v, w] = variables;
      if (ones === 0) return this.halfAdder(v, w);
      return { sum: this.not(this.xor(v, w)), carry: this.or(v, w) };
    }
    const partial = this.xor(x, y);
    const sum = this.gate('s', `${partial} ^ ${z}`);
    const carry = this.gate('c', `(${x} & ${y}) | (${partial} & ${z})`);
    return { sum, carry };
  }

  /** Returns the module body: declarations first, then assignments. */
  body(): string {
    return [...this.declarations, ...this.assignments].join('\n');
  }
}

/** Splits a vector name into its bits, least significant first: `bitsOf('a', 3)` is `a[0]`, `a[1]`, `a[2]`. */
export function bitsOf(name: string, width: number, offset = 0): Bit[] {
  return Array.from({ length: width }, (_, index) => `${name}[${index + offset}]`);
}

/** Returns the bits of a non-negative constant, least significant first, as `1'b0`/`1'b1`. */
export function constantBits(value: bigint, width: number): Bit[] {
  return Array.from({ length: width }, (_, index) => ((value >> BigInt(index)) & 1n ? ONE : ZERO));
}
