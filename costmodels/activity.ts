/**
 * What a simulated run did, counted per kind of action: the interface between the simulator, which
 * fills it in, and the energy model, which prices each entry from the cost tables.
 */

/** Multiply-accumulate operations of one kind, summed over the run. */
export interface MacActivity {
  /** Multiplier method: exact, lmul, lmul-formula or mitchell. */
  readonly method: string;
  /** Operand format name, for example e4m3 or bf16. */
  readonly format: string;
  /** Accumulator format name: fp32, fp16 or bf16. */
  readonly accumulator: string;
  readonly count: number;
  /** Sum over all MACs of the Hamming distance between consecutive operands at the multiplier inputs, when measured. */
  readonly operandToggleBits?: number;
}

/** Vector-unit operations of one kind (add, mul, exp, reduce-sum, ...), counted per element. */
export interface VectorActivity {
  readonly op: string;
  readonly format: string;
  /** Multiplier method for elementwise mul; absent for other operations. */
  readonly method?: string;
  readonly elementOps: number;
}

/** Traffic of one on-chip SRAM buffer. */
export interface SramActivity {
  /** Buffer name, for example core0.scratchpad or core0.accumulator. */
  readonly buffer: string;
  readonly capacityBytes: number;
  readonly wordBits: number;
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly readAccesses: number;
  readonly writeAccesses: number;
}

/** Traffic of one off-chip memory or link. */
export interface MemoryActivity {
  /** Name of the memory or link in the machine description, for example dram or host. */
  readonly name: string;
  /** Technology used to price it: ddr4, ddr5, lpddr5, hbm2, hbm3, gddr6, pcie5, ... */
  readonly kind: string;
  /** Bytes moved toward the chip: whole bursts for a memory, payload plus packet overhead for a link. */
  readonly readBytes: number;
  /** Bytes moved away from the chip, counted like readBytes. */
  readonly writeBytes: number;
  /**
   * Data bytes read over a host link, without packet overhead; the host memory behind the link is
   * priced on these. Without both payload fields, it is priced on readBytes + writeBytes.
   */
  readonly payloadReadBytes?: number;
  /** Data bytes written over a host link, without packet overhead. */
  readonly payloadWriteBytes?: number;
}

/** Everything the energy model needs to know about one run. */
export interface RunActivity {
  readonly cycles: number;
  readonly clockMhz: number;
  readonly macs: readonly MacActivity[];
  readonly vectorOps: readonly VectorActivity[];
  readonly sram: readonly SramActivity[];
  readonly memories: readonly MemoryActivity[];
  /** Register-file or pipeline-register bits written, when the simulator counts them. */
  readonly registerBitWrites?: number;
}
