/**
 * SCALE-Sim topology files: CSV with a header line, then one layer per line. The convolution form
 * has Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter and
 * Strides, optionally followed by a second stride for the width. The GEMM form (`-i gemm` in
 * SCALE-Sim) has Layer, M, N, K. SCALE-Sim's files end each line with a comma, and lmulsim accepts
 * lines with or without it.
 */
import type { Diagnostic } from '../common/diagnostic.js';

/** One layer lowered to C[M×N] = A[M×K] · B[K×N], as SCALE-Sim's operand matrices have it. */
export interface TopologyLayer {
  readonly name: string;
  /** Line of the layer in the topology file. */
  readonly line: number;
  /** Output pixels of one filter (convolution) or rows of A (GEMM). */
  readonly m: number;
  /** Filter window size: filter height × filter width × channels, or K. */
  readonly k: number;
  /** Filters, or N. */
  readonly n: number;
  readonly macs: number;
  /** The layer as SCALE-Sim stores it; a GEMM layer is an M × K input with N filters of 1 × K. */
  readonly shape: ConvShape;
}

/** Convolution parameters of a layer, with the output size SCALE-Sim derives from them. */
export interface ConvShape {
  readonly ifmapHeight: number;
  readonly ifmapWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly channels: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly ofmapHeight: number;
  readonly ofmapWidth: number;
}

/** Largest dimension accepted, so that products of dimensions stay exact in doubles. */
const MAX_DIMENSION = 1 << 24;

/**
 * Parses a topology file. Convolutions lower to GEMM as in SCALE-Sim's topology_utils.py: output
 * height ⌈(H − FH + S) / S⌉, output width likewise, M = output height × width, K = FH × FW × C,
 * N = filters. A layer whose name contains `DP` is depthwise: SCALE-Sim splits it into one layer per
 * channel with one channel each, and so does lmulsim.
 */
export function parseTopology(text: string, file: string, form: 'conv' | 'gemm'): { layers: TopologyLayer[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const layers: TopologyLayer[] = [];
  const error = (line: number, column: number, message: string, hint?: string): void => {
    diagnostics.push({ severity: 'error', message, span: { file, line, column }, ...(hint ? { hint } : {}) });
  };

  const lines = text.split(/\r\n|\r|\n/);
  let headerSeen = false;
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    if (!headerSeen) {
      headerSeen = true;
      return;
    }
    const fields = raw.split(',');
    // Column of each field, for diagnostics that point at the bad value.
    const columns: number[] = [];
    let offset = 0;
    for (const field of fields) {
      columns.push(offset + (field.length - field.trimStart().length) + 1);
      offset += field.length + 1;
    }
    const values = fields.map((field) => field.trim());
    if (values.length > 1 && values[values.length - 1] === '') values.pop();

    const fieldCounts = form === 'gemm' ? [4] : [8, 9];
    if (!fieldCounts.includes(values.length)) {
      let hint: string | undefined;
      if (form === 'conv' && values.length === 4) hint = 'this looks like a GEMM topology (Layer, M, N, K): add --gemm';
      if (form === 'gemm' && values.length >= 8) hint = 'this looks like a convolution topology: drop --gemm';
      const layout = form === 'gemm' ? '4 fields: Layer, M, N, K' : '8 or 9 fields: Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides[, Stride width]';
      error(line, 1, `layer line has ${values.length} fields, expected ${layout}`, hint);
      return;
    }

    const numbers: number[] = [];
    let valid = true;
    for (let field = 1; field < values.length; field++) {
      const value = /^\d+$/.test(values[field]) ? Number(values[field]) : NaN;
      if (!Number.isSafeInteger(value) || value < 1 || value > MAX_DIMENSION) {
        error(line, columns[field], `invalid value '${values[field]}' in field ${field + 1}: expected an integer from 1 to ${MAX_DIMENSION}`);
        valid = false;
      }
      numbers.push(value);
    }
    if (!valid) return;
    const name = values[0];

    if (form === 'gemm') {
      const [m, n, k] = numbers;
      const shape = { ifmapHeight: m, ifmapWidth: k, filterHeight: 1, filterWidth: k, channels: 1, strideHeight: 1, strideWidth: 1, ofmapHeight: m, ofmapWidth: 1 };
      layers.push({ name, line, m, k, n, macs: m * k * n, shape });
      return;
    }

    const [ifmapHeight, ifmapWidth, filterHeight, filterWidth, channels, filters, strideHeight] = numbers;
    const strideWidth = numbers[7] ?? strideHeight;
    if (filterHeight > ifmapHeight) return error(line, columns[3], `filter height ${filterHeight} is larger than the IFMAP height ${ifmapHeight}`);
    if (filterWidth > ifmapWidth) return error(line, columns[4], `filter width ${filterWidth} is larger than the IFMAP width ${ifmapWidth}`);
    const outputHeight = Math.ceil((ifmapHeight - filterHeight + strideHeight) / strideHeight);
    const outputWidth = Math.ceil((ifmapWidth - filterWidth + strideWidth) / strideWidth);
    const m = outputHeight * outputWidth;
    const shapeWith = (layerChannels: number): ConvShape => ({ ifmapHeight, ifmapWidth, filterHeight, filterWidth, channels: layerChannels, strideHeight, strideWidth, ofmapHeight: outputHeight, ofmapWidth: outputWidth });
    if (name.includes('DP')) {
      const k = filterHeight * filterWidth;
      for (let channel = 0; channel < channels; channel++) layers.push({ name: `${name}Channel_${channel}`, line, m, k, n: filters, macs: m * k * filters, shape: shapeWith(1) });
      return;
    }
    const k = filterHeight * filterWidth * channels;
    layers.push({ name, line, m, k, n: filters, macs: m * k * filters, shape: shapeWith(channels) });
  });

  if (!headerSeen) error(1, 1, 'the topology file is empty: expected a header line and one line per layer');
  else if (layers.length === 0 && diagnostics.length === 0) error(1, 1, 'the topology file has a header but no layers');
  return { layers, diagnostics };
}
