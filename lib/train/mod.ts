/**
 * Training: backend choice (with a speed trial), run configuration,
 * evaluation and the training loop.
 *
 * @module
 */

export {
  assertBackendPreference,
  BACKEND_PREFERENCES,
  type BackendChoice,
  type BackendPreference,
  selectBackend,
  tfVersions,
} from "./backend.ts";
export {
  assertProfileName,
  configFor,
  type DataSizes,
  DEFAULT_CONFIG,
  FASHION_MNIST_TEST_COUNT,
  FASHION_MNIST_TRAIN_COUNT,
  OPTIMIZERS,
  PROFILE_NAMES,
  profileFromEnv,
  type ProfileName,
  PROFILES,
  type ProfileSettings,
  validateConfig,
} from "./config.ts";
export { type EvaluateOptions, evaluateSplit, type Evaluation, gatherImages, PIXELS } from "./evaluate.ts";
export {
  type BackendCandidate,
  chooseFasterBackend,
  measureTrainingSpeed,
  type SpeedTrialOptions,
  type SpeedTrialResult,
} from "./speed_trial.ts";
export { configKey, type DiagnoseContext, type DiagnoseHook, type TrainOptions, trainRun } from "./train.ts";
export type {
  EpochMetrics,
  InitScheme,
  OptimizerName,
  ProgressEvent,
  RunConfig,
  RunRecord,
  RunStatus,
} from "./types.ts";
