/**
 * Metrics and diagnostics for one trained network on one split, as pure
 * functions on plain typed arrays.
 *
 * @module
 */

export {
  accuracyFromConfusion,
  confusionMatrix,
  meanNll,
  neverPredictedClasses,
  perClassAccuracy,
} from "./classification.ts";
export * from "./dead_units.ts";
export * from "./calibration.ts";
export * from "./logit_stats.ts";
export * from "./diagnostics.ts";
