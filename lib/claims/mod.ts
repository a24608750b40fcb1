/**
 * The claims about a ReLU before log_softmax, each tested against the
 * diagnostics stored with the runs: aggregation over seeds, data for the
 * plots, and one generated sentence per claim.
 *
 * @module
 */

export {
  type DeadUnitGradient,
  DIAGNOSE_TRAIN_IMAGES,
  type EpochDiagnostics,
  type SplitCore,
  type SplitDetail,
  type SplitDiagnostics,
} from "../study/diagnose.ts";
export * from "./claim_result.ts";
export * from "./stored_diagnostics.ts";
export * from "./diagnostic_curves.ts";
export * from "./stored_histograms.ts";
export * from "./quantile_rows.ts";
export * from "./probability_floor_claim.ts";
export * from "./clamped_logits_claim.ts";
export * from "./regulariser_claim.ts";
export * from "./positive_inputs_claim.ts";
export * from "./dead_units_claim.ts";
export * from "./extreme_runs.ts";
