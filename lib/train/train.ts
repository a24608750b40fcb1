/**
 * The training loop: one run of one config, from fresh weights to a
 * {@link RunRecord}. Progress goes to a callback; nothing here prints.
 *
 * Every random choice comes from the run's seed: weights from streams
 * `"conv-init"` and `"head-init"`, the training subset from `"subset"` and
 * the order of each epoch from `"data-order"`. Two heads with the same seed
 * therefore start from the same convolution weights and see the same images
 * in the same order, so their results can be compared in pairs.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/types.ts";
import { accuracyFromConfusion, confusionMatrix, meanNll, perClassAccuracy } from "../metrics/classification.ts";
import { deadUnits } from "../metrics/dead_units.ts";
import { createNetwork, type Network } from "../model/network.ts";
import { seededRandom, shuffledIndices } from "../random.ts";
import { runKey } from "../store/key.ts";
import { tfVersions } from "./backend.ts";
import { validateConfig } from "./config.ts";
import { evaluateSplit, type Evaluation, gatherImages, PIXELS } from "./evaluate.ts";
import type { EpochMetrics, ProgressEvent, RunConfig, RunRecord } from "./types.ts";

const CLASSES = 10;

/** Facts about the run passed to a {@link DiagnoseHook} besides the network. */
export interface DiagnoseContext {
  /** Config of the run being trained. */
  config: RunConfig;
  /** Indices into `dataset.train` of the training subset, in subset order. */
  trainIndices: Int32Array;
  /** Number of test images the run evaluates (the first ones of the test split). */
  testCount: number;
  /** The epoch's evaluation of those test images, when the loop has one (every epoch after the 0th), so a hook can reuse it. */
  testEvaluation?: Evaluation;
}

/**
 * Measures extra diagnostics after an epoch. Its result is stored as
 * `record.diagnostics["epoch<n>"]`, so it must be JSON-serialisable. It must
 * dispose the tensors it creates and must not change the network.
 */
export type DiagnoseHook = (
  network: Network,
  dataset: Dataset,
  epoch: number,
  context: DiagnoseContext,
) => Promise<Record<string, unknown>>;

/** Options of {@link trainRun}. */
export interface TrainOptions {
  /** Receives a `"step"` event every `progressEverySteps` steps and an `"epoch"` event after each epoch. */
  onProgress?: (event: ProgressEvent) => void;
  /** Aborts the run between steps; `trainRun` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Steps between `"step"` events, ≥ 1; default 50. */
  progressEverySteps?: number;
  /** Steps between reads of the loss; default 1, or 50 on webgpu where each read costs a round trip. */
  readLossEverySteps?: number;
  /** Called after each completed epoch; see {@link DiagnoseHook}. */
  diagnose?: DiagnoseHook;
  /** Computes `record.key`; default `runKey` from lib/store, the key the run store files records under. */
  keyOf?: (config: RunConfig) => string;
}

/**
 * Computes a run's store key; the same function as `runKey` in lib/store.
 *
 * @deprecated Use `runKey` from lib/store/key.ts.
 * TODO: remove once lib/mod.ts no longer re-exports `configKey`.
 */
export const configKey: (config: RunConfig) => string = runKey;

function createOptimizer(config: RunConfig): tf.Optimizer {
  switch (config.optimizer) {
    case "sgd":
      return tf.train.sgd(config.learningRate);
    case "momentum":
      return tf.train.momentum(config.learningRate, 0.9);
    case "adam":
      return tf.train.adam(config.learningRate);
  }
}

function assertDataset(dataset: Dataset): void {
  for (const [name, split] of [["train", dataset.train], ["test", dataset.test]] as const) {
    if (split.images.length !== split.count * PIXELS || split.labels.length !== split.count) {
      throw new TypeError(
        `Invalid dataset.${name}: count ${split.count} needs ${
          split.count * PIXELS
        } pixels and ${split.count} labels, ` +
          `got ${split.images.length} and ${split.labels.length}. Load it with lib/data.`,
      );
    }
  }
}

/** Returns the training subset: the first `trainSubset` of a shuffle drawn from stream `"subset"`, or every image. */
function subsetIndices(config: RunConfig, count: number): Int32Array {
  if (config.trainSubset === null) return Int32Array.from({ length: count }, (_, i) => i);
  // The shuffle depends only on the seed, so every head of a seed trains on the same images.
  return shuffledIndices(count, seededRandom(config.seed, "subset")).slice(0, config.trainSubset);
}

/** Mean negative log-likelihood: −(1/batch)·Σᵢ logProbs[i, label i], with labels one-hot `[batch, 10]`. */
export function nllLoss(logProbs: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(logProbs, oneHot), 1)));
}

/** Reads the pending scalar losses in one transfer, then disposes them. */
async function readLosses(pending: tf.Scalar[]): Promise<Float32Array> {
  try {
    if (pending.length === 1) return (await pending[0].data()) as Float32Array;
    const stacked = tf.stack(pending);
    try {
      return (await stacked.data()) as Float32Array;
    } finally {
      stacked.dispose();
    }
  } finally {
    tf.dispose(pending);
    pending.length = 0;
  }
}

/** Yields to the event loop, so that a notebook can send progress and an abort can arrive. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** State shared by the epochs of one run. */
interface RunState {
  config: RunConfig;
  dataset: Dataset;
  network: Network;
  optimizer: tf.Optimizer;
  variables: tf.Variable[];
  options: TrainOptions;
  readEvery: number;
  progressEvery: number;
  stepsPerEpoch: number;
  startedAt: number;
}

type EpochOutcome =
  | { kind: "complete"; trainLoss: number }
  | { kind: "diverged"; step: number; loss: number };

function elapsedSeconds(state: RunState): number {
  return (performance.now() - state.startedAt) / 1000;
}

function etaSeconds(state: RunState, epoch: number, step: number): number {
  const total = state.config.epochs * state.stepsPerEpoch;
  const done = (epoch - 1) * state.stepsPerEpoch + step;
  return done === 0 ? NaN : (elapsedSeconds(state) / done) * (total - done);
}

/** Trains one epoch over `order` (indices into the training split) and returns its mean loss or where it diverged. */
async function trainEpoch(state: RunState, epoch: number, order: Int32Array): Promise<EpochOutcome> {
  const { config, dataset, network, optimizer, variables, options } = state;
  const images = new Float32Array(config.batchSize * PIXELS);
  const targets = new Float32Array(config.batchSize * CLASSES);
  const pending: tf.Scalar[] = [];
  let lossSum = 0;
  let stepsRead = 0;
  let lastReported = 0;

  try {
    for (let step = 0; step < state.stepsPerEpoch; step++) {
      options.signal?.throwIfAborted();

      // Batch: copy the images and one-hot labels of this step into reused buffers; the last batch may be smaller.
      const start = step * config.batchSize;
      const end = Math.min(start + config.batchSize, order.length);
      const batch = end - start;
      const pixels = gatherImages(dataset.train, order, start, end, images);
      targets.fill(0, 0, batch * CLASSES);
      for (let i = 0; i < batch; i++) targets[i * CLASSES + dataset.train.labels[order[start + i]]] = 1;

      // Forward, loss, backward and update. minimize() frees activations and gradients itself; the outer tidy
      // frees the two input tensors. Only the scalar loss leaves, kept for reading below.
      const loss = tf.tidy(() => {
        const x = tf.tensor4d(pixels, [batch, 28, 28, 1]);
        const y = tf.tensor2d(targets.subarray(0, batch * CLASSES), [batch, CLASSES]);
        return optimizer.minimize(() => nllLoss(network.forward(x).logProbs, y), true, variables) as tf.Scalar;
      });
      pending.push(loss);

      // Read the loss: every step on cpu and wasm, where a read is cheap, every readEvery steps on webgpu.
      // Reading in the middle of a batch of steps would stall the GPU queue for nothing.
      if (pending.length < state.readEvery && step < state.stepsPerEpoch - 1) continue;
      const firstStep = step - pending.length + 1;
      const values = await readLosses(pending);
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i])) return { kind: "diverged", step: firstStep + i + 1, loss: values[i] };
        lossSum += values[i];
      }
      stepsRead = step + 1;

      // Report.
      if (options.onProgress !== undefined && stepsRead - lastReported >= state.progressEvery) {
        lastReported = stepsRead;
        options.onProgress({
          kind: "step",
          epoch,
          epochs: config.epochs,
          step: stepsRead,
          stepsPerEpoch: state.stepsPerEpoch,
          trainLoss: lossSum / stepsRead,
          elapsedSeconds: elapsedSeconds(state),
          etaSeconds: etaSeconds(state, epoch, stepsRead),
        });
        await yieldToEventLoop();
      }
    }
  } finally {
    // An abort or an error between a step and its read leaves losses unread.
    tf.dispose(pending);
  }
  return { kind: "complete", trainLoss: lossSum / stepsRead };
}

/**
 * Trains one run and returns its record.
 *
 * Call `selectBackend()` first; the run trains on whichever tfjs backend is
 * active. Each epoch trains on the training subset in a fresh seeded order,
 * then evaluates on the first `testSubset` test images. After the last epoch
 * it counts dead units on the training subset.
 *
 * When a training loss is NaN or ±Infinity, the run stops with status
 * `"diverged"` and the 1-based epoch and step in `divergence`. The record
 * keeps the metrics of the epochs completed before it. Its `confusion` and
 * `deadUnits` are empty, because the weights are no longer meaningful.
 *
 * The network and the optimiser are disposed before this returns or throws:
 * a run leaves no tensors behind.
 *
 * @param config validated first with `validateConfig` against the dataset's sizes.
 * @throws {TypeError | RangeError} for an invalid config or dataset, before any training.
 * @throws the signal's reason when `options.signal` aborts.
 * @example
 * ```ts
 * await selectBackend("wasm");
 * const record = await trainRun(configFor("quick", { head: "relu" }), dataset, {
 *   onProgress: (event) => console.log(event.epoch, event.step, event.trainLoss),
 * });
 * ```
 */
export async function trainRun(config: RunConfig, dataset: Dataset, options: TrainOptions = {}): Promise<RunRecord> {
  assertDataset(dataset);
  validateConfig(config, { trainCount: dataset.train.count, testCount: dataset.test.count });
  const progressEvery = options.progressEverySteps ?? 50;
  if (!Number.isInteger(progressEvery) || progressEvery < 1) {
    throw new RangeError(`Invalid progressEverySteps ${progressEvery} in trainRun(): expected an integer ≥ 1.`);
  }
  options.signal?.throwIfAborted();

  const startedAt = performance.now();
  await tf.ready();
  const versions = tfVersions();
  const readEvery = options.readLossEverySteps ?? (versions.backend === "webgpu" ? 50 : 1);
  if (!Number.isInteger(readEvery) || readEvery < 1) {
    throw new RangeError(`Invalid readLossEverySteps ${readEvery} in trainRun(): expected an integer ≥ 1.`);
  }

  const trainIndices = subsetIndices(config, dataset.train.count);
  const testCount = config.testSubset ?? dataset.test.count;
  const network = createNetwork({ head: config.head, seed: config.seed, init: config.init });
  const optimizer = createOptimizer(config);
  const state: RunState = {
    config,
    dataset,
    network,
    optimizer,
    variables: Object.values(network.params),
    options,
    readEvery,
    progressEvery,
    stepsPerEpoch: Math.ceil(trainIndices.length / config.batchSize),
    startedAt,
  };
  const orderRng = seededRandom(config.seed, "data-order");
  const epochs: EpochMetrics[] = [];
  const diagnostics: Record<string, unknown> = {};
  let confusion: number[][] = [];
  let divergence: RunRecord["divergence"];
  let dead: number[] = [];

  try {
    // Epoch 0 is the network at initialisation: claims about "at first" are measured there.
    if (options.diagnose !== undefined) {
      diagnostics.epoch0 = await options.diagnose(network, dataset, 0, { config, trainIndices, testCount });
    }

    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const permutation = shuffledIndices(trainIndices.length, orderRng);
      const order = permutation.map((position) => trainIndices[position]);

      const outcome = await trainEpoch(state, epoch, order);
      if (outcome.kind === "diverged") {
        divergence = { epoch, step: outcome.step, loss: outcome.loss };
        confusion = [];
        break;
      }

      // Metrics on plain arrays; evaluateSplit disposes its tensors before returning.
      const test = await evaluateSplit(network, dataset.test, { count: testCount });
      confusion = confusionMatrix(test.logProbs, test.labels, CLASSES);
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: outcome.trainLoss,
        testLoss: meanNll(test.logProbs, test.labels, CLASSES),
        testAccuracy: accuracyFromConfusion(confusion),
        perClassAccuracy: perClassAccuracy(confusion),
        elapsedSeconds: elapsedSeconds(state),
      };
      epochs.push(metrics);

      if (options.diagnose !== undefined) {
        diagnostics[`epoch${epoch}`] = await options.diagnose(network, dataset, epoch, {
          config,
          trainIndices,
          testCount,
          testEvaluation: test,
        });
      }

      options.onProgress?.({
        kind: "epoch",
        epoch,
        epochs: config.epochs,
        step: state.stepsPerEpoch,
        stepsPerEpoch: state.stepsPerEpoch,
        trainLoss: metrics.trainLoss,
        metrics,
        elapsedSeconds: metrics.elapsedSeconds,
        etaSeconds: etaSeconds(state, epoch, state.stepsPerEpoch),
      });
      await yieldToEventLoop();
    }

    if (divergence === undefined) {
      const train = await evaluateSplit(network, dataset.train, { indices: trainIndices });
      dead = deadUnits(train.preActivations, train.labels, CLASSES);
    }
  } finally {
    // The optimiser owns its learning-rate scalar and, for momentum and Adam, one slot variable per parameter.
    optimizer.dispose();
    network.dispose();
  }

  const record: RunRecord = {
    schema: 1,
    config: { ...config },
    key: (options.keyOf ?? runKey)(config),
    status: divergence === undefined ? "complete" : "diverged",
    epochs,
    confusion,
    deadUnits: dead,
    diagnostics,
    backend: versions.backend,
    versions: { tfjs: versions.tfjs, deno: versions.deno },
    wallSeconds: elapsedSeconds(state),
    finishedAt: new Date().toISOString(),
  };
  if (divergence !== undefined) record.divergence = divergence;
  return record;
}
