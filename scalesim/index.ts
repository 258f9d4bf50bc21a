/** SCALE-Sim import: configuration and topology parsers, SCALE-Sim's cycle model, layer simulation and reports. */
export { parseScaleSimConfig, DATAFLOW_CODES, type ScaleSimConfig } from './config.js';
export { parseTopology, type ConvShape, type TopologyLayer } from './topology.js';
export { demandSchedule, operandAddresses, spatialTemporal, visitPrefetchOrder, NO_REQUEST, type DataflowCode, type DemandSchedule, type Fold, type OperandAddresses } from './demand.js';
export { UnlimitedReadBuffer, UserReadBuffer, WriteBuffer } from './memory.js';
export { pythonSum, replayLayer, type DramFigures, type ReplayConfig, type ScaleSimFigures } from './replay.js';
export { computeReportCsv, formatPythonFloat, lmulsimReportCsv, LMULSIM_REPORT_HEADER } from './report.js';
export { SAMPLED_OUTPUTS, scaleSimStallFreeCycles, simulateLayers, type LayerResult, type SimulateOptions } from './simulate.js';
