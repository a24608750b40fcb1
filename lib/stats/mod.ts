/**
 * Statistics over seeds: summaries with t intervals, paired comparisons,
 * bootstrap intervals, Holm's correction and the t distribution.
 *
 * @module
 */

export { summarize, type Summary } from "./summary.ts";
export { type PairedComparison, pairedComparison, type PairedComparisonOptions, pairedDifferences } from "./paired.ts";
export { bootstrapMeanCi, type BootstrapMethod, type BootstrapOptions } from "./bootstrap.ts";
export { holm } from "./holm.ts";
export { tCdf, tPdf, tQuantile } from "./t_distribution.ts";
