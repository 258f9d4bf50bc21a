/**
 * Public API of the cost models: load a node's tables, price arithmetic units, estimate the energy
 * of a run and evaluate the L-Mul energy claims.
 */
export type { MacActivity, MemoryActivity, RunActivity, SramActivity, VectorActivity } from './activity.js';
export { analyticKernelActivity, evaluateClaims, type Claim, type ClaimKernel, type ClaimOptions, type KernelActivitySource } from './claims.js';
export { logicAreaFromArch, type AreaPart, type LogicArea } from './area.js';
export { CELL_TYPES, type CellType, type ComponentInstance } from './components.js';
export { estimateEnergy, METHOD_UNITS, REPORT_COMPONENTS, type EnergyLine, type EnergyOptions, type EnergyReport } from './energy.js';
export { FORMULA_FUNCTIONS, parseFormula } from './formula.js';
export { attentionActivity, defaultMachine, gemmActivity, type AnalyticMachine, type KernelNumerics } from './kernels.js';
export { applyOverrides, dataDirectory, isHostLinkKind, loadCostModel, overrideNames, SHIPPED_NODES, suggestNode, type CostModel, type HostMemory, type OverrideParameter, type SourcedValue } from './model.js';
export type { Provenance } from './provenance.js';
export { sramEnergyPerAccess, type SramEnergy } from './sram.js';
export { UNIT_NAMES, unitCost, type UnitCost, type UnitCostOptions, type UnitName } from './unitCost.js';
