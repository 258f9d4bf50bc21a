/** Machines and programs built in memory for the executor tests. */
import { validate, parseSource, type ResolvedProgram } from '../../isa/index.js';
import { archFromYamlText, type ArchConfig } from '../../sim/arch/index.js';
import { targetFromArch } from '../../sim/exec/index.js';

export interface TestArchOptions {
  readonly cores?: number;
  readonly rows?: number;
  readonly cols?: number;
  readonly dataflow?: 'weight-stationary' | 'output-stationary' | 'input-stationary';
  readonly datapaths?: readonly string[];
  readonly dramCapacity?: string;
  readonly pipelineLatencyCycles?: number;
}

/**
 * Builds a machine with round numbers: 1000 MHz, DRAM at 16 GB/s (16 bytes per cycle) with 100 cycles
 * of latency and 64-byte bursts, and a DMA engine of 32 bytes per cycle. Its SRAMs are wide enough
 * that tiles of up to 16 columns cause no bank conflicts.
 */
export function testArch(options: TestArchOptions = {}): ArchConfig {
  const text = `
clockMhz: 1000
cores: ${options.cores ?? 1}
core:
  matrix:
    rows: ${options.rows ?? 16}
    cols: ${options.cols ?? 16}
    dataflow: ${options.dataflow ?? 'output-stationary'}
    datapaths: [${(options.datapaths ?? ['exact', 'lmul']).join(', ')}]
    inputFormats: [e4m3, e5m2, bf16, fp16]
    accumulatorFormat: fp32
    pipelineLatencyCycles: ${options.pipelineLatencyCycles ?? 0}
  vector:
    lanes: 16
    ops:
      default: { latencyCycles: 2, initiationIntervalCycles: 1 }
  scratchpad:
    capacityBytes: 64 KiB
    banks: 16
    portsPerBank: 1
    wordBits: 128
  accumulator:
    capacityBytes: 64 KiB
    banks: 16
    portsPerBank: 2
    wordBits: 512
  vectorRegisters:
    count: 8
    lengthElements: 64
  dma:
    engines: 1
    bytesPerCycleEach: 32
memory:
  kind: ddr4
  bandwidthGBps: 16
  latencyCycles: 100
  capacityBytes: ${options.dramCapacity ?? '1 GiB'}
  burstBytes: 64
`;
  return archFromYamlText(text, 'test-machine.yaml');
}

/** Parses and validates `source` for `arch`; fails the test with the diagnostics when invalid. */
export function compile(source: string, arch: ArchConfig, file = '/virtual/test.lasm'): ResolvedProgram {
  const parsed = parseSource(source, file);
  if (!parsed.ast) throw new Error(`parse failed: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  const validated = validate(parsed.ast, targetFromArch(arch));
  if (!validated.program) throw new Error(`validation failed: ${validated.diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.message}`).join('; ')}`);
  return validated.program;
}

/** Runs `action` and returns the text of the UserError it throws: its message and every diagnostic with its position. */
export function userErrorText(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    const diagnostics = (error as { diagnostics?: readonly { message: string; span?: { line: number; column: number } }[] }).diagnostics ?? [];
    return [(error as Error).message, ...diagnostics.map((d) => `${d.span ? `${d.span.line}:${d.span.column}: ` : ''}${d.message}`)].join('\n');
  }
  throw new Error('expected an error, but the action completed');
}
