/**
 * The comparison report: one program run under several multiplier methods, with the numbers every
 * writer (terminal table, Markdown, JSON, CSV, HTML) renders. Energies are pJ, errors are relative.
 */
import type { Claim, EnergyReport, LogicArea } from '../costmodels/index.js';
import type { MethodName } from '../sim/numerics/index.js';

/** Outcome of one method's run. */
export interface MethodOutcome {
  readonly method: MethodName;
  readonly cycles: number;
  readonly macs: number;
  readonly energy: EnergyReport;
  readonly energyPj: number;
  /** Energy per MAC, pJ, or null when the program does no MACs. */
  readonly pjPerMac: number | null;
  /** Largest |x − r| / |r| over output elements whose fp64 reference r is finite and non-zero. */
  readonly maxRelError: number;
  /** Mean of the same relative errors, which outputs near zero dominate. */
  readonly meanRelError: number;
  /** Median of the same relative errors, which outputs near zero do not dominate. */
  readonly medianRelError: number;
  /** Output elements the relative errors cover. */
  readonly errorElements: number;
  /** Output elements left out because their reference is zero. */
  readonly zeroReferenceElements: number;
  /** Output elements that are NaN or infinite where the reference is finite. */
  readonly nonFiniteElements: number;
  /** Saving 1 − energyPj / energyPj(exact): 0 for exact, null when exact was not run. */
  readonly savingVsExact: number | null;
  /** Relative error of every covered output element, in output-tensor order. */
  readonly relErrors: Float64Array;
}

/** One busy interval of a unit: [startCycle, endCycle) spent on `name` (an instruction mnemonic, or `several` after merging). */
export interface BusyInterval {
  readonly startCycle: number;
  readonly endCycle: number;
  readonly name: string;
}

/** Busy intervals of each unit during one method's run. */
export interface Timeline {
  readonly method: MethodName;
  readonly totalCycles: number;
  /** Busy intervals recorded before merging. */
  readonly recordedIntervals: number;
  /** Gap below which neighbouring intervals were merged, in cycles, or 0 when nothing was merged. */
  readonly mergeGapCycles: number;
  /** Units in machine order, named `coreN.unit`. */
  readonly units: readonly { readonly unit: string; readonly intervals: readonly BusyInterval[] }[];
}

/** Everything a report writer needs. */
export interface CompareReport {
  readonly program: string;
  readonly arch: string;
  /** Cost-model node name, for example 45nm. */
  readonly node: string;
  readonly methods: readonly MethodOutcome[];
  readonly timeline: Timeline;
  readonly claims: readonly Claim[];
  /** Logic area whose leakage the energies include; absent when leakage was left out. */
  readonly logicArea?: LogicArea;
  /** True when the energies leave out leakage because no logic area was given. */
  readonly leakageOmitted: boolean;
  /**
   * Data races of the program: conflicting accesses that no dependency token orders. Timing is the
   * same under every method, so the first method's run finds them all. `messages` lists the first few.
   */
  readonly dataRaces: { readonly count: number; readonly messages: readonly string[] };
}

/** The object `lmulsim compare --json` prints for one method. */
export interface MethodSummary {
  readonly method: string;
  readonly cycles: number;
  readonly energyPj: number;
  readonly pjPerMac: number | null;
  /** Null when no output element has a finite, non-zero fp64 reference. */
  readonly maxRelError: number | null;
  readonly meanRelError: number | null;
  readonly savingVsExact: number | null;
}

/** Returns the summary fields of each method, in run order. */
export function methodSummaries(report: CompareReport): MethodSummary[] {
  return report.methods.map((outcome) => ({
    method: outcome.method,
    cycles: outcome.cycles,
    energyPj: outcome.energyPj,
    pjPerMac: outcome.pjPerMac,
    maxRelError: outcome.errorElements === 0 ? null : outcome.maxRelError,
    meanRelError: outcome.errorElements === 0 ? null : outcome.meanRelError,
    savingVsExact: outcome.savingVsExact,
  }));
}
