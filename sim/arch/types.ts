/**
 * Resolved machine description: what `loadArch` returns after schema validation and unit conversion.
 * Every quantity carries its unit in its name, and every optional input has been given its default,
 * so the simulator never receives GB/s, nanoseconds or size strings.
 */

/** Dataflows of the systolic array, named after the operand that stays in the processing elements. */
export const DATAFLOWS = ['weight-stationary', 'output-stationary', 'input-stationary'] as const;
export type Dataflow = (typeof DATAFLOWS)[number];

/**
 * Multiplier datapaths a matrix unit can have in hardware. `exact` is a floating-point multiplier;
 * `lmul` is the integer-adder datapath, which also runs the `mitchell` and `lmul-formula` methods.
 */
export const DATAPATHS = ['exact', 'lmul'] as const;
export type Datapath = (typeof DATAPATHS)[number];

/** Accumulator formats of the matrix unit and of the accumulator SRAM. */
export const ACCUMULATOR_FORMATS = ['fp32', 'fp16', 'bf16'] as const;
export type AccumulatorFormat = (typeof ACCUMULATOR_FORMATS)[number];

/** Operation kinds of the vector unit; each has its own latency and initiation interval. */
export const VECTOR_OPS = ['add', 'sub', 'mul', 'max', 'min', 'exp', 'reciprocal', 'rsqrt', 'scale', 'reduce-sum', 'reduce-max'] as const;
export type VectorOp = (typeof VECTOR_OPS)[number];

/** Off-chip memory technologies; the energy model prices traffic by this name. */
export const MEMORY_KINDS = ['ddr3', 'ddr4', 'ddr5', 'lpddr5', 'hbm2', 'hbm3', 'gddr6'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/** Host links for data that lives in host memory. */
export const HOST_LINK_KINDS = ['pcie3', 'pcie4', 'pcie5'] as const;
export type HostLinkKind = (typeof HOST_LINK_KINDS)[number];

/** Systolic array of one core. */
export interface MatrixUnitConfig {
  readonly rows: number;
  readonly cols: number;
  readonly dataflow: Dataflow;
  /** Multiplier datapaths present in hardware, without duplicates, in DATAPATHS order. */
  readonly datapaths: readonly Datapath[];
  /** Operand format names the array accepts, for example e4m3 or bf16. */
  readonly inputFormats: readonly string[];
  readonly accumulatorFormat: AccumulatorFormat;
  /** Extra cycles between the array's bottom edge and the accumulator SRAM write; 0 when absent. */
  readonly pipelineLatencyCycles: number;
  /**
   * Stationary-operand registers per processing element: 1 (default) or 2 (double-buffered, the next
   * fold's operand loads while the current fold streams). Output-stationary arrays ignore it.
   */
  readonly stationaryBuffers: 1 | 2;
}

/** Timing of one vector operation kind: a pipelined unit accepting a new group of `lanes` elements every interval. */
export interface VectorOpTiming {
  readonly latencyCycles: number;
  readonly initiationIntervalCycles: number;
}

export interface VectorUnitConfig {
  readonly lanes: number;
  /** Timing of every operation kind; the loader fills kinds the file omits from its `default` entry. */
  readonly ops: Readonly<Record<VectorOp, VectorOpTiming>>;
}

/** One on-chip SRAM buffer (scratchpad or accumulator memory). */
export interface SramConfig {
  readonly capacityBytes: number;
  readonly banks: number;
  /** Read/write ports per bank; each port moves one word per cycle. */
  readonly portsPerBank: number;
  readonly wordBits: number;
}

export interface VectorRegisterConfig {
  readonly count: number;
  readonly lengthElements: number;
}

export interface DmaConfig {
  readonly engines: number;
  /** Peak bytes per cycle of one engine, before the memory or link bandwidth limits it. */
  readonly bytesPerCycleEach: number;
}

/** Everything one core contains. All cores of a machine are alike. */
export interface CoreConfig {
  readonly matrix: MatrixUnitConfig;
  readonly vector: VectorUnitConfig;
  readonly scratchpad: SramConfig;
  readonly accumulator: SramConfig;
  readonly vectorRegisters: VectorRegisterConfig;
  readonly dma: DmaConfig;
}

/** Off-chip memory shared by all cores. */
export interface OffChipMemoryConfig {
  readonly kind: MemoryKind;
  /** Peak bandwidth shared by all cores, in bytes per core clock cycle (may be fractional). */
  readonly bandwidthBytesPerCycle: number;
  readonly bandwidthGBps: number;
  /** Access latency in core clock cycles, rounded up from nanoseconds when given that way. */
  readonly latencyCycles: number;
  readonly capacityBytes: number;
  /** Transfer granularity: each contiguous run of bytes is rounded out to whole aligned bursts. */
  readonly burstBytes: number;
}

/** Link to host memory (PCIe), shared by all cores. */
export interface HostLinkConfig {
  readonly kind: HostLinkKind;
  /** Bandwidth per direction, in bytes per core clock cycle. */
  readonly bandwidthBytesPerCycle: number;
  readonly bandwidthGBps: number;
  readonly latencyCycles: number;
  readonly hostCapacityBytes: number;
  /** Largest transfer unit (TLP payload) in bytes; each contiguous run is split into packets of this size. */
  readonly maxPayloadBytes: number;
  /** Bytes each packet adds on the link: header, sequence number, LCRC and framing. */
  readonly packetOverheadBytes: number;
}

/** A validated, fully resolved machine description. Objects are frozen. */
export interface ArchConfig {
  /** Preset name, or the file's base name without extension. */
  readonly name: string;
  /** Path of the YAML file it was loaded from. */
  readonly file: string;
  readonly description: string;
  readonly clockMhz: number;
  readonly coreCount: number;
  readonly core: CoreConfig;
  readonly memory: OffChipMemoryConfig;
  readonly hostLink?: HostLinkConfig;
}
