/** SCALE-Sim import: configuration and topology parsers, layer simulation and SCALE-Sim-format reports. */
export { parseScaleSimConfig, DATAFLOW_CODES, type ScaleSimConfig } from './config.js';
export { parseTopology, type TopologyLayer } from './topology.js';
export { computeReportCsv, lmulsimReportCsv, LMULSIM_REPORT_HEADER, SAMPLED_OUTPUTS, scaleSimStallFreeCycles, simulateLayers, type LayerResult, type SimulateOptions } from './simulate.js';
