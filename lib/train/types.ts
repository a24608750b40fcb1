/**
 * The typed configuration of one training run and the record it produces.
 * The run store saves records; notebooks and statistics read them.
 *
 * @module
 */

/** Weight initialisation scheme. */
export type InitScheme =
  /** PyTorch's default for Conv2d and Linear: weights and biases uniform in ±1/√fan_in. */
  | "pytorch"
  /** tfjs's layer defaults: Glorot-uniform weights, zero biases. */
  | "tfjs";

/** Optimiser of a run. */
export type OptimizerName =
  /** Plain SGD, no momentum: the original exercise. */
  | "sgd"
  /** SGD with momentum 0.9. */
  | "momentum"
  /** Adam with tfjs defaults (beta1 0.9, beta2 0.999, epsilon 1e-7). */
  | "adam";

/** Everything that decides the outcome of one run. Saved with its results. */
export interface RunConfig {
  /** Head variant name from the head registry, for example `"linear"` or `"relu"`. */
  head: string;
  /** Integer seed for initial weights and data order. */
  seed: number;
  /** Weight initialisation scheme. */
  init: InitScheme;
  /** Optimiser that applies the gradient steps. */
  optimizer: OptimizerName;
  /** Learning rate, > 0. The original exercise uses 0.001. */
  learningRate: number;
  /** Images per SGD step, ≥ 1. The original exercise uses 20. */
  batchSize: number;
  /** Number of passes over the training subset, ≥ 1. */
  epochs: number;
  /** Number of training images used (the first n of a seeded shuffle), or `null` for all 60,000. */
  trainSubset: number | null;
  /** Number of test images evaluated, or `null` for all 10,000. */
  testSubset: number | null;
}

/** Metrics measured at the end of one epoch. */
export interface EpochMetrics {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean NLL over the epoch's training steps, in nats per image. */
  trainLoss: number;
  /** Mean NLL over the test images, in nats per image. */
  testLoss: number;
  /** Fraction of test images classified correctly, in [0, 1]. */
  testAccuracy: number;
  /** Test accuracy of each class, length 10, each in [0, 1]. */
  perClassAccuracy: number[];
  /** Seconds since the run started. */
  elapsedSeconds: number;
}

/** Progress event sent to the caller's callback; lib never prints. */
export interface ProgressEvent {
  /** `"step"` during an epoch (see `TrainOptions.progressEverySteps`); `"epoch"` after each completed epoch. */
  kind: "step" | "epoch";
  /** 1-based epoch in progress. */
  epoch: number;
  /** Epochs of the run, `config.epochs`. */
  epochs: number;
  /** Steps done in this epoch. */
  step: number;
  /** Steps in one epoch: the training subset divided by the batch size, rounded up. */
  stepsPerEpoch: number;
  /** Mean training loss of the epoch so far, nats per image. */
  trainLoss: number;
  /** Set on `"epoch"` events. */
  metrics?: EpochMetrics;
  /** Seconds since the run started. */
  elapsedSeconds: number;
  /** Estimated seconds left in this run. */
  etaSeconds: number;
}

/** Outcome of a run. */
export type RunStatus = "complete" | "diverged";

/** Everything a finished run leaves behind: one JSON file in the run store. */
export interface RunRecord {
  /** Version of this record layout; bump on incompatible change. */
  schema: 1;
  /** The config the run trained with. */
  config: RunConfig;
  /** Hash of the config, the record's key in the store. */
  key: string;
  /** Outcome of the run: `"diverged"` when a training loss became NaN or ±Infinity, else `"complete"`. */
  status: RunStatus;
  /** Set when status is `"diverged"`: where the loss first became NaN or infinite. */
  divergence?: { epoch: number; step: number; loss: number };
  /** Metrics of each completed epoch, in order; fewer than `config.epochs` when the run diverged. */
  epochs: EpochMetrics[];
  /** Final test confusion matrix, [true class][predicted class], counts. */
  confusion: number[][];
  /** Output units dead at the end (pre-activation ≤ 0 on every training image of its class). */
  deadUnits: number[];
  /** Extra measurements by name (logit statistics, calibration, ...), filled by lib/metrics. */
  diagnostics: Record<string, unknown>;
  /** tfjs backend that trained the run: `"wasm"`, `"cpu"` or `"webgpu"`. */
  backend: string;
  /** Library versions, for example `{ tfjs: "4.22.0", deno: "2.9.6" }`. */
  versions: Record<string, string>;
  /** Wall-clock seconds from the start of the run to its record, diagnostics included. */
  wallSeconds: number;
  /** ISO 8601 time the run finished. */
  finishedAt: string;
}
