/**
 * Byte addressing of the on-chip buffers. Programs address the scratchpad and the accumulator in
 * elements, and an access of format F to element address `a` touches bytes
 * [a × bytes(F), (a + 1) × bytes(F)), where bytes(F) is F's width rounded up to whole bytes. Every
 * access must fit the buffer in bytes. Element addresses must also stay below the element counts of
 * bufferGeometry (the scratchpad's bytes over its widest matrix input format), the bound that the
 * validator checks for every format.
 *
 * Reads (`store`, `vload`) move the bytes of the format the data was written in, which
 * `BufferFormats` remembers per element.
 *
 * NOTE: accesses of different formats alias by element address, not by byte. fp32 data at sp[0..16)
 * covers bytes 0 to 63, the same bytes as e4m3 data at sp[16..64), but the simulator keeps both.
 */
import type { UserError } from '../../common/errors.js';
import type { Instruction } from '../../isa/ast.js';
import { parseFormat } from '../numerics/index.js';
import type { RunContext } from './context.js';
import { runtimeError, type Core } from './ops.js';
import { elementBytes } from './tensors.js';

/**
 * Throws a run-time error when an access of `bytesPerElement`-byte elements, `rows × cols` elements
 * `rowStride` apart from element `address`, ends past the buffer's `capacityBytes`.
 */
export function checkByteRange(
  instruction: Instruction,
  core: Core,
  buffer: string,
  capacityBytes: number,
  format: string,
  bytesPerElement: number,
  address: number,
  rows: number,
  cols: number,
  rowStride: number,
): void {
  if (rows === 0 || cols === 0) return;
  const endByte = (address + (rows - 1) * rowStride + cols) * bytesPerElement;
  if (endByte > capacityBytes) throw byteRangeError(instruction, core, buffer, capacityBytes, format, bytesPerElement, address, rows, cols, endByte);
}

/** Builds the run-time error for an access whose bytes end at `endByte`, past the buffer's `capacityBytes`. */
export function byteRangeError(
  instruction: Instruction,
  core: Core,
  buffer: string,
  capacityBytes: number,
  format: string,
  bytesPerElement: number,
  address: number,
  rows: number,
  cols: number,
  endByte: number,
): UserError {
  return runtimeError(instruction, core, `${buffer} access out of range at run time: ${describeAccess(rows, cols, format, address, bytesPerElement, endByte)}, but the ${buffer} has ${capacityBytes} bytes`);
}

/** Describes an access and its byte range for error messages, for example "a 16×16 tile of fp32 at element 8 covers bytes 32 to 1055". */
export function describeAccess(rows: number, cols: number, format: string, address: number, bytesPerElement: number, endByte: number): string {
  const shape = rows === 1 ? `${cols} element${cols === 1 ? '' : 's'}` : `a ${rows}×${cols} tile`;
  return `${shape} of ${format} at element ${address} cover${rows === 1 && cols !== 1 ? '' : 's'} bytes ${address * bytesPerElement} to ${endByte - 1}`;
}

/** Most distinct formats one run tracks; format ids are bytes. */
const MAX_FORMATS = 255;

/** Index of a buffer in BufferFormats, as in TileAccess.buffer. */
export const SCRATCHPAD = 0;
export const ACCUMULATOR = 1;

/**
 * Format of every on-chip element of every core, as last written by `load`, `vstore` or `matmul`
 * (which writes the accumulator format), as a format id per element. An element never written has
 * its buffer's default format: the widest matrix input format in the scratchpad, and the
 * accumulator format in the accumulator.
 */
export class BufferFormats {
  /** Bytes per element and name of each format id; id 0 marks an element never written. */
  readonly bytes: number[] = [0];
  readonly names: string[] = [''];
  private readonly ids = new Map<string, number>();
  /** Format ids by element, per core and buffer at index `core * 2 + buffer`. */
  private readonly tags: Uint8Array[];
  /** Per core and buffer: the element size shared by every format present so far, or -1 when they differ. */
  private readonly uniformBytes: Int32Array;
  /** Per core and buffer, while its sizes are uniform: the format id written last, named in messages. */
  private readonly lastUniformIds: Int32Array;
  /** Per core and buffer: every tag value its elements may hold, 0 (never written) included. */
  private readonly presentTags: number[][];
  private readonly defaultIds: readonly number[];

  constructor(
    coreCount: number,
    scratchpadDefault: string,
    accumulatorDefault: string,
    private readonly capacityElements: readonly number[],
  ) {
    this.defaultIds = [this.idOf(scratchpadDefault), this.idOf(accumulatorDefault)];
    this.tags = Array.from({ length: coreCount * 2 }, () => new Uint8Array(0));
    this.uniformBytes = Int32Array.from({ length: coreCount * 2 }, (_, slot) => this.bytes[this.defaultIds[slot % 2]]);
    this.presentTags = Array.from({ length: coreCount * 2 }, () => [0]);
    this.lastUniformIds = Int32Array.from({ length: coreCount * 2 }, (_, slot) => this.defaultIds[slot % 2]);
  }

  /** Returns the id of a format name, allocating it on first use. */
  idOf(format: string): number {
    const known = this.ids.get(format);
    if (known !== undefined) return known;
    if (this.bytes.length >= MAX_FORMATS) throw new Error(`more than ${MAX_FORMATS} on-chip formats in one run`);
    this.bytes.push(elementBytes(parseFormat(format)));
    this.names.push(format);
    this.ids.set(format, this.bytes.length - 1);
    return this.bytes.length - 1;
  }

  /**
   * Records that `rows × cols` elements `rowStride` apart from `address` now hold format `id`. While
   * every format written to a buffer has its default format's size, no per-element tags are kept,
   * because every element then counts the same bytes. The first write of another size starts the
   * tags from the default format, whose size every earlier write shared.
   */
  mark(core: number, buffer: number, id: number, address: number, rows: number, cols: number, rowStride: number): void {
    if (rows === 0 || cols === 0) return;
    const slot = core * 2 + buffer;
    if (this.uniformBytes[slot] === this.bytes[id]) {
      this.lastUniformIds[slot] = id;
      return;
    }
    const tags = this.grow(slot, address + (rows - 1) * rowStride + cols);
    if (!this.presentTags[slot].includes(id)) this.presentTags[slot].push(id);
    for (let r = 0; r < rows; r++) {
      const start = address + r * rowStride;
      tags.fill(id, start, start + cols);
    }
    this.uniformBytes[slot] = -1;
  }

  /**
   * Returns the widest element size among `rows × cols` elements `rowStride` apart from `address`,
   * and writes into `range` that format's name and the end byte of the access: the largest
   * (element + 1) × its own size.
   */
  widestBytes(core: number, buffer: number, address: number, rows: number, cols: number, rowStride: number, range: { endByte: number; format: string }): number {
    const slot = core * 2 + buffer;
    const tags = this.tags[slot];
    const defaultId = this.defaultIds[buffer];
    const endElement = address + (rows - 1) * rowStride + cols;
    const uniform = this.uniformBytes[slot];
    if (uniform > 0) {
      range.endByte = endElement * uniform;
      range.format = this.names[this.lastUniformIds[slot]];
      return uniform;
    }

    // One native lastIndexOf per row and tag is much faster than reading every element in a loop.
    let widest = 0;
    let widestId = defaultId;
    let endByte = 0;
    for (const tag of this.presentTags[slot]) {
      const id = tag === 0 ? defaultId : tag;
      const lastElement = lastElementWithTag(tags, tag, address, rows, cols, rowStride);
      if (lastElement < 0) continue;
      const size = this.bytes[id];
      if (size > widest) {
        widest = size;
        widestId = id;
      }
      const end = (lastElement + 1) * size;
      if (end > endByte) endByte = end;
    }
    range.endByte = endByte;
    range.format = this.names[widestId];
    return widest;
  }

  private grow(slot: number, endElement: number): Uint8Array {
    const current = this.tags[slot];
    if (current.length >= endElement) return current;
    const length = Math.min(this.capacityElements[slot % 2], Math.max(endElement, 2 * current.length, 4096));
    const grown = new Uint8Array(length);
    grown.set(current);
    this.tags[slot] = grown;
    return grown;
  }
}

const trackers = new WeakMap<RunContext, BufferFormats>();

/** Returns the run's on-chip format tracker, creating it on first use. */
export function bufferFormats(context: RunContext): BufferFormats {
  let tracker = trackers.get(context);
  if (!tracker) {
    tracker = new BufferFormats(context.coreCount, widestInputFormat(context), context.arch.core.matrix.accumulatorFormat, [context.scratchpadElements, context.accumulatorElements]);
    trackers.set(context, tracker);
  }
  return tracker;
}

function widestInputFormat(context: RunContext): string {
  let widest = context.arch.core.matrix.inputFormats[0] ?? 'fp32';
  for (const name of context.arch.core.matrix.inputFormats) {
    if (elementBytes(parseFormat(name)) > elementBytes(parseFormat(widest))) widest = name;
  }
  return widest;
}

/**
 * Returns the last element holding `tag` among `rows × cols` elements `rowStride` apart from
 * `address`, or −1. Elements past the end of `tags` hold tag 0.
 */
function lastElementWithTag(tags: Uint8Array, tag: number, address: number, rows: number, cols: number, rowStride: number): number {
  for (let r = rows - 1; r >= 0; r--) {
    const start = address + r * rowStride;
    if (tag === 0 && start + cols > tags.length) return start + cols - 1;
    if (start >= tags.length) continue;
    const found = tags.subarray(start, start + cols).lastIndexOf(tag);
    if (found >= 0) return start + found;
  }
  return -1;
}
