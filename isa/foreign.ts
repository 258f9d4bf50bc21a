/**
 * Mnemonics of other accelerator instruction sets and of RISC-V assembly, mapped to the lmulsim
 * instruction that does the same work. The validator consults this table before edit distance, so
 * that `mvin` suggests `load` rather than nothing, and `st` suggests `store` rather than `set`.
 */

/** The lmulsim counterpart of a foreign mnemonic. */
export interface ForeignMnemonic {
  /** Key of SIGNATURES to suggest; absent when no single instruction does the work. */
  readonly mnemonic?: string;
  /** Explanation of the mapping, in particular where it is not one-to-one. */
  readonly note: string;
}

/** Note for the loop keywords of other languages: the lmulsim loop syntax. */
export const LOOP_HINT = "counted loops are written 'loop i, COUNT' and closed by a line 'endloop', with i = 0 to COUNT - 1; loop on a condition with a label and beqz or bnez";

const VECTOR_OPERATIONS = 'vadd, vsub, vmul, vmax, vmin, vscale, vaddi, vexp and the other v… instructions';

/**
 * Foreign mnemonics in lower case: the opcodes of VTA (`VTA_OPCODE_*` in TVM's `hw_spec.h`), the
 * instructions in Gemmini's README, RISC-V base-ISA assembly and the five main instructions of the
 * TPU v1. Loop keywords of C, Python, shell, Pascal and Verilog are in it too. Names that already
 * are lmulsim mnemonics (`load`, `store`, `preload`, `fence`) are left out, because they are found
 * before this table is consulted.
 */
const FOREIGN_MNEMONICS: Readonly<Record<string, ForeignMnemonic>> = {
  // VTA
  gemm: { mnemonic: 'matmul', note: "VTA's GEMM is matmul here, which multiplies by the weight tile of the last preload" },
  alu: { note: `VTA's ALU operations are vector-unit instructions here: ${VECTOR_OPERATIONS}` },
  finish: { mnemonic: 'halt', note: "VTA's FINISH is halt here" },

  // Gemmini
  mvin: { mnemonic: 'load', note: "Gemmini's mvin is load here, from a DRAM tensor region to sp[…] or acc[…]" },
  mvout: { mnemonic: 'store', note: "Gemmini's mvout is store here, from sp[…] or acc[…] to a DRAM tensor region" },
  compute_preloaded: { mnemonic: 'matmul', note: "Gemmini's compute_preloaded is matmul here, after a preload" },
  compute_accumulated: {
    mnemonic: 'matmul',
    note: "Gemmini's compute_accumulated is matmul here too, because the weights stay in the array until the next preload, and the accumulate flag adds to the old accumulator values",
  },
  config_ld: { mnemonic: 'load', note: 'lmulsim has no configuration instructions, so each load takes its own fmt= and stride=' },
  config_st: { mnemonic: 'store', note: 'lmulsim has no configuration instructions, so each store takes its own stride=' },
  config_ex: { mnemonic: 'matmul', note: 'lmulsim has no configuration instructions, so each matmul takes its own method=, in= and out=' },

  // RISC-V assembly
  ld: { mnemonic: 'load', note: 'load copies a DRAM tensor region to sp[…] or acc[…], and vload copies sp[…] or acc[…] to a vector register' },
  lw: { mnemonic: 'load', note: 'load copies a DRAM tensor region to sp[…] or acc[…], and vload copies sp[…] or acc[…] to a vector register' },
  st: { mnemonic: 'store', note: 'store copies sp[…] or acc[…] to a DRAM tensor region, and vstore copies a vector register to sp[…] or acc[…]' },
  sd: { mnemonic: 'store', note: 'store copies sp[…] or acc[…] to a DRAM tensor region, and vstore copies a vector register to sp[…] or acc[…]' },
  sw: { mnemonic: 'store', note: 'store copies sp[…] or acc[…] to a DRAM tensor region, and vstore copies a vector register to sp[…] or acc[…]' },
  li: { mnemonic: 'set', note: 'set rD, VALUE writes a constant or an integer expression to a scalar register' },
  mv: { mnemonic: 'set', note: 'set rD, rS copies a scalar register, and vmov vD, vS copies a vector register' },
  addi: { mnemonic: 'set', note: 'set rD, rS + IMM takes any integer expression' },
  j: { mnemonic: 'jump', note: 'jump LABEL continues at a label of the same block' },
  beq: { mnemonic: 'beqz', note: 'beqz EXPR, LABEL branches when EXPR is zero, so beq a, b, L is beqz a - b, L' },
  bne: { mnemonic: 'bnez', note: 'bnez EXPR, LABEL branches when EXPR is not zero, so bne a, b, L is bnez a - b, L' },
  nop: { note: 'lmulsim has no no-op instruction, so leave the line out, or put a label at the end of the block as a jump target' },

  // TPU v1
  read_host_memory: { mnemonic: 'load', note: 'load reads host memory when the tensor is declared with place=host' },
  write_host_memory: { mnemonic: 'store', note: 'store writes host memory when the tensor is declared with place=host' },
  read_weights: { mnemonic: 'preload', note: 'load the weight tile to sp[…], then preload it into the array' },
  matrixmultiply: { mnemonic: 'matmul', note: "the TPU's MatrixMultiply is matmul here" },
  matrix_multiply: { mnemonic: 'matmul', note: "the TPU's MatrixMultiply is matmul here" },
  convolve: { mnemonic: 'matmul', note: 'lmulsim has no convolution instruction, so write a convolution as matmuls over im2col tiles' },
  activate: { note: `lmulsim has no activation instruction, so build one from vector instructions such as vmax with a zero register for ReLU, or vexp: ${VECTOR_OPERATIONS}` },

  // Loop keywords of C, Python, shell, Pascal and Verilog. `end` closes a Verilog, Pascal or Lua
  // block and `until` a repeat loop, so on their own lines they most likely close a loop too.
  for: { note: LOOP_HINT },
  foreach: { note: LOOP_HINT },
  while: { note: LOOP_HINT },
  repeat: { note: LOOP_HINT },
  do: { note: LOOP_HINT },
  until: { note: LOOP_HINT },
  endfor: { note: LOOP_HINT },
  endwhile: { note: LOOP_HINT },
  end: { note: LOOP_HINT },
  done: { note: LOOP_HINT },
};

/** Returns the lmulsim counterpart of `lower`, a mnemonic in lower case, or undefined when it is not a known foreign one. */
export function foreignMnemonic(lower: string): ForeignMnemonic | undefined {
  // hasOwn, so that names such as `constructor` are not found on Object.prototype.
  return Object.hasOwn(FOREIGN_MNEMONICS, lower) ? FOREIGN_MNEMONICS[lower] : undefined;
}
