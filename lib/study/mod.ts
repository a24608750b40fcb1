/**
 * Studies: profiles, training only what the run store lacks, aggregation over
 * seeds and the sentences that state results.
 *
 * @module
 */

export * from "./profiles.ts";
export * from "./ensure_run.ts";
export * from "./ensure_study.ts";
export * from "./aggregate.ts";
export * from "./verdict.ts";
export * from "./diagnose.ts";
export * from "./cross_validation.ts";
