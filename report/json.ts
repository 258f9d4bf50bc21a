/** The comparison report as JSON: the summaries `compare --json` prints, plus energy lines, histograms, timeline and claims. */
import { errorHistogram } from './charts.js';
import { methodSummaries, type CompareReport } from './model.js';

/** Builds the JSON document of a `.json` report. */
export function reportJson(report: CompareReport): Record<string, unknown> {
  const summaries = methodSummaries(report);
  return {
    program: report.program,
    arch: report.arch,
    node: report.node,
    leakageOmitted: report.leakageOmitted,
    ...(report.logicArea ? { logicArea: report.logicArea } : {}),
    methods: report.methods.map((outcome, index) => ({
      ...summaries[index],
      medianRelError: outcome.errorElements === 0 ? null : outcome.medianRelError,
      macs: outcome.macs,
      energyByComponentPj: outcome.energy.byGroup,
      errorElements: outcome.errorElements,
      zeroReferenceElements: outcome.zeroReferenceElements,
      nonFiniteElements: outcome.nonFiniteElements,
      errorHistogram: errorHistogram(outcome.relErrors),
      energy: outcome.energy,
    })),
    timeline: report.timeline,
    claims: report.claims,
  };
}

/** Renders the JSON report text. */
export function renderJson(report: CompareReport): string {
  return JSON.stringify(reportJson(report), null, 2) + '\n';
}
