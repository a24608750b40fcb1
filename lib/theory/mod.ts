/**
 * The mathematics behind the claims about a ReLU before log_softmax, as
 * small exact formulas, their tfjs counterparts for checking them, and TeX
 * rendering for the notebooks.
 *
 * @module
 */

export * from "./softmax_gradient.ts";
export * from "./dead_class_bounds.ts";
export * from "./confidence_logit.ts";
export * from "./tfjs_reference.ts";
export * from "./tex.ts";
