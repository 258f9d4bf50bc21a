/** Trace files of a run: Chrome trace-event JSON and VCD, chosen by the file's extension. */
import { UserError } from '../../common/errors.js';
import { ChromeTraceWriter } from './chrome.js';
import type { TraceWriter } from './types.js';
import { VcdTraceWriter } from './vcd.js';

export { ChromeTraceWriter } from './chrome.js';
export { VcdTraceWriter, vcdIdentifier } from './vcd.js';
export { STALL_CAUSES, type StallCause, type TraceArgs, type TraceWriter } from './types.js';

/** Opens a trace writer for `path`: `.json` gives Chrome trace-event JSON, `.vcd` a value change dump. */
export function openTraceWriter(path: string, clockMhz: number): TraceWriter {
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return new ChromeTraceWriter(path, clockMhz);
  if (lower.endsWith('.vcd')) return new VcdTraceWriter(path, clockMhz);
  throw new UserError(`invalid trace file name '${path}': expected a name ending in .json (Chrome trace events) or .vcd (value change dump)`);
}
