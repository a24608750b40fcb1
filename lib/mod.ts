/**
 * relu-softmax-lab: everything a notebook or a user needs to train the
 * Fashion-MNIST exercise network with a chosen head, store the runs, compare
 * heads over seeds and plot the evidence.
 *
 * @example Test your own head against `linear` and `relu`
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import * as lab from "./lib/mod.ts";
 *
 * lab.registerHead("tanh", lab.activationHead("tanh of fc1's output", tf.tanh));
 * await lab.selectBackend();
 * const dataset = await lab.loadFashionMnist();
 * const config = lab.runConfig({ head: "tanh", seed: 0, epochs: 1, trainSubset: 6000 });
 * const record = await lab.trainRun(config, dataset);
 * console.log(record.epochs.at(-1)?.testAccuracy);
 * ```
 *
 * @module
 */

// tfjs types that the public types below refer to.
export type { Tensor2D, Tensor4D, Variable } from "@tensorflow/tfjs";
export * from "./random.ts";
export * from "./data/mod.ts";
export * from "./model/mod.ts";
export { describeNetwork, type LayerRow } from "./model/summary.ts";
export {
  assertBackendPreference,
  BACKEND_PREFERENCES,
  type BackendChoice,
  type BackendPreference,
  configFor,
  configKey,
  type DataSizes,
  DEFAULT_CONFIG,
  type DiagnoseContext,
  type DiagnoseHook,
  type EpochMetrics,
  type EvaluateOptions,
  evaluateSplit,
  type Evaluation,
  FASHION_MNIST_TEST_COUNT,
  FASHION_MNIST_TRAIN_COUNT,
  type InitScheme,
  type OptimizerName,
  OPTIMIZERS,
  type ProfileName,
  type ProgressEvent,
  type RunConfig,
  type RunRecord,
  type RunStatus,
  selectBackend,
  tfVersions,
  type TrainOptions,
  trainRun,
  validateConfig,
} from "./train/mod.ts";
export * as metrics from "./metrics/mod.ts";
// Metric types that the stored diagnostics refer to. `stats` exports its own `Summary`, hence the alias.
export type {
  Diagnostics,
  Histogram,
  JsonNumber,
  StoredDistribution,
  StoredSummary,
  Summary as QuantileSummary,
} from "./metrics/mod.ts";
export * from "./stats/mod.ts";
export * from "./store/mod.ts";
export * from "./plots/mod.ts";
export * from "./notebook/mod.ts";
export * from "./study/mod.ts";
export * from "./tables/mod.ts";
export * from "./theory/mod.ts";
export * from "./claims/mod.ts";
export { libraryVersions, runConfig } from "./versions.ts";
