/** Machine descriptions: types, schema, YAML loader and presets. */
export * from './types.js';
export { archFromYamlText, listPresets, loadArch, presetDirectory, type PresetInfo } from './load.js';
export { gbpsToBytesPerCycle, nsToCycles, parseSizeBytes } from './resolve.js';
export { MACHINE_SCHEMA } from './schema-errors.js';
