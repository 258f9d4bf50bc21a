/**
 * SCALE-Sim architecture configuration files (`.cfg`): INI text with the sections [general],
 * [architecture_presets], [run_presets] and optionally [sparsity] and [network_presets], as read by
 * SCALE-Sim v2's `scale_config.py` with Python's configparser. Keys are case-insensitive and take
 * `key: value` or `key = value`. Every problem is a diagnostic with file and line. Keys that SCALE-Sim
 * reads but lmulsim does not model are accepted and listed as ignored.
 */
import { closestMatch, type Diagnostic } from '../common/diagnostic.js';
import type { Dataflow } from '../sim/arch/types.js';

/** The parts of a SCALE-Sim configuration that lmulsim uses. */
export interface ScaleSimConfig {
  readonly runName: string;
  readonly arrayRows: number;
  readonly arrayCols: number;
  readonly ifmapSramKb: number;
  readonly filterSramKb: number;
  readonly ofmapSramKb: number;
  /** SCALE-Sim's dataflow code and lmulsim's name for it. */
  readonly dataflowCode: 'os' | 'ws' | 'is';
  readonly dataflow: Dataflow;
  /** DRAM bandwidth per bank in words per cycle (USER mode), empty in CALC mode. */
  readonly bandwidthWordsPerCycle: readonly number[];
  readonly interfaceBandwidth: 'USER' | 'CALC';
  /** Keys present in the file that do not change lmulsim's results, lower-cased. */
  readonly ignoredKeys: readonly string[];
}

export const DATAFLOW_CODES: Readonly<Record<'os' | 'ws' | 'is', Dataflow>> = { os: 'output-stationary', ws: 'weight-stationary', is: 'input-stationary' };

/** Keys per section, spelt as in SCALE-Sim's shipped configs; lookup is case-insensitive. */
const SECTION_KEYS: Readonly<Record<string, readonly string[]>> = {
  general: ['run_name'],
  architecture_presets: [
    'ArrayHeight',
    'ArrayWidth',
    'IfmapSramSzkB',
    'FilterSramSzkB',
    'OfmapSramSzkB',
    'IfmapOffset',
    'FilterOffset',
    'OfmapOffset',
    'Dataflow',
    'Bandwidth',
    'MemoryBanks',
    'OnChipMemoryBanks',
    'OnChipMemoryBankPorts',
    'IfmapCustomLayout',
    'FilterCustomLayout',
    'IfmapSRAMBankBandwidth',
    'IfmapSRAMBankNum',
    'IfmapSRAMBankPort',
    'FilterSRAMBankBandwidth',
    'FilterSRAMBankNum',
    'FilterSRAMBankPort',
  ],
  run_presets: ['InterfaceBandwidth', 'SRAM_row_size', 'SRAM_bank_size', 'DRAM_row_size', 'DRAM_bank_size'],
  sparsity: ['SparsitySupport', 'SparseRep', 'OptimizedMapping', 'BlockSize', 'RandomNumberGeneratorSeed'],
  network_presets: ['TopologyCsvLoc'],
};

/** Keys whose values lmulsim reads; every other known key is ignored. */
const USED_KEYS = new Set(['run_name', 'arrayheight', 'arraywidth', 'ifmapsramszkb', 'filtersramszkb', 'ofmapsramszkb', 'dataflow', 'bandwidth', 'interfacebandwidth', 'sparsitysupport']);

interface Entry {
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

/** Parses a SCALE-Sim `.cfg` text. Returns the configuration, or undefined with error diagnostics. */
export function parseScaleSimConfig(text: string, file: string): { config?: ScaleSimConfig; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const error = (line: number, column: number, message: string, hint?: string): void => {
    diagnostics.push({ severity: 'error', message, span: { file, line, column }, ...(hint ? { hint } : {}) });
  };
  const sections = new Map<string, Map<string, Entry>>();
  let current: Map<string, Entry> | undefined;
  let currentName = '';

  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const column = raw.indexOf(trimmed) + 1;

    const header = /^\[([^\]]*)\]$/.exec(trimmed);
    if (header) {
      currentName = header[1].trim().toLowerCase();
      if (!Object.hasOwn(SECTION_KEYS, currentName)) {
        const suggestion = closestMatch(currentName, Object.keys(SECTION_KEYS));
        error(line, column, `unknown section [${header[1]}]`, suggestion ? `did you mean [${suggestion}]?` : `sections: ${Object.keys(SECTION_KEYS).join(', ')}`);
        current = undefined;
        return;
      }
      if (sections.has(currentName)) error(line, column, `section [${currentName}] appears twice`);
      current = sections.get(currentName) ?? new Map();
      sections.set(currentName, current);
      return;
    }

    const separator = /[:=]/.exec(trimmed);
    if (!separator) {
      error(line, column, `invalid line '${trimmed}': expected [section] or key: value`);
      return;
    }
    const key = trimmed.slice(0, separator.index).trim();
    const value = trimmed.slice(separator.index + 1).trim();
    if (currentName === '') {
      error(line, column, `key '${key}' before the first [section]`);
      return;
    }
    if (!current) return;
    const known = SECTION_KEYS[currentName];
    const canonical = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    if (!canonical) {
      const suggestion = closestMatch(key, known);
      error(line, column, `unknown key '${key}' in [${currentName}]`, suggestion ? `did you mean '${suggestion}'?` : `keys of [${currentName}]: ${known.join(', ')}`);
      return;
    }
    if (current.has(key.toLowerCase())) error(line, column, `key '${canonical}' appears twice in [${currentName}]`);
    current.set(key.toLowerCase(), { value, line, column: column + trimmed.indexOf(value, separator.index + 1) });
  });

  const lastLine = Math.max(1, lines.length);
  const get = (section: string, key: string): Entry | undefined => sections.get(section)?.get(key.toLowerCase());
  const required = (section: string, key: string): Entry | undefined => {
    const entry = get(section, key);
    if (!entry) error(lastLine, 1, `missing key ${key} in [${section}]`);
    return entry;
  };
  const integer = (section: string, key: string, min: number): number => {
    const entry = required(section, key);
    if (!entry) return min;
    const value = /^\d+$/.test(entry.value) ? Number(entry.value) : NaN;
    if (!Number.isSafeInteger(value) || value < min) {
      error(entry.line, entry.column, `invalid ${key} '${entry.value}': expected an integer of at least ${min}`);
      return min;
    }
    return value;
  };

  const runName = required('general', 'run_name')?.value ?? 'scale_run';
  const arrayRows = integer('architecture_presets', 'ArrayHeight', 1);
  const arrayCols = integer('architecture_presets', 'ArrayWidth', 1);
  const ifmapSramKb = integer('architecture_presets', 'IfmapSramSzkB', 1);
  const filterSramKb = integer('architecture_presets', 'FilterSramSzkB', 1);
  const ofmapSramKb = integer('architecture_presets', 'OfmapSramSzkB', 1);

  const dataflowEntry = required('architecture_presets', 'Dataflow');
  let dataflowCode: 'os' | 'ws' | 'is' = 'os';
  if (dataflowEntry) {
    const code = dataflowEntry.value.toLowerCase();
    if (code === 'os' || code === 'ws' || code === 'is') dataflowCode = code;
    else error(dataflowEntry.line, dataflowEntry.column, `invalid Dataflow '${dataflowEntry.value}': expected os, ws or is`);
  }

  const modeEntry = required('run_presets', 'InterfaceBandwidth');
  let interfaceBandwidth: 'USER' | 'CALC' = 'CALC';
  if (modeEntry) {
    if (modeEntry.value === 'USER' || modeEntry.value === 'CALC') interfaceBandwidth = modeEntry.value;
    else error(modeEntry.line, modeEntry.column, `invalid InterfaceBandwidth '${modeEntry.value}': expected USER or CALC`);
  }

  let bandwidthWordsPerCycle: number[] = [];
  const bandwidthEntry = get('architecture_presets', 'Bandwidth');
  if (interfaceBandwidth === 'USER') {
    if (!bandwidthEntry) error(lastLine, 1, 'missing key Bandwidth in [architecture_presets]: InterfaceBandwidth USER needs it');
    else {
      bandwidthWordsPerCycle = bandwidthEntry.value.split(',').map((part) => Number(part.trim()));
      if (bandwidthWordsPerCycle.some((value) => !Number.isSafeInteger(value) || value < 1)) {
        error(bandwidthEntry.line, bandwidthEntry.column, `invalid Bandwidth '${bandwidthEntry.value}': expected positive integers (words per cycle), separated by commas`);
      }
    }
  }

  const sparsity = get('sparsity', 'SparsitySupport');
  if (sparsity && sparsity.value.toLowerCase() === 'true') error(sparsity.line, sparsity.column, 'SparsitySupport true is not supported: lmulsim models dense layers only');

  if (diagnostics.length > 0) return { diagnostics };
  const ignoredKeys = [...sections.values()].flatMap((entries) => [...entries.keys()]).filter((key) => !USED_KEYS.has(key));
  return {
    config: { runName, arrayRows, arrayCols, ifmapSramKb, filterSramKb, ofmapSramKb, dataflowCode, dataflow: DATAFLOW_CODES[dataflowCode], bandwidthWordsPerCycle, interfaceBandwidth, ignoredKeys },
    diagnostics,
  };
}
