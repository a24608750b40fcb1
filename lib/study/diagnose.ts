/**
 * The diagnostics hook of a run. It measures what the claims about a ReLU
 * head are tested with, on the network itself at initialisation and after
 * each epoch. `trainRun` stores each result in
 * `RunRecord.diagnostics["epoch<n>"]`, so notebooks read them back instead
 * of training again.
 *
 * Each call evaluates two splits:
 *
 * - `train`: at most {@link DIAGNOSE_TRAIN_IMAGES} images of the run's
 *   training subset, taken at an even stride through it. Dead units are
 *   found on this sample, so on the full 60,000 images a unit listed here is
 *   dead on the sample only. `RunRecord.deadUnits` uses the whole subset.
 * - `test`: the run's test images (the first `testSubset` of the test split).
 *
 * Every epoch stores a core of about 40 numbers per split. Epochs for which
 * {@link isDetailEpoch} is true (0, powers of two and the last) also store
 * the detail: quantile summaries, per-unit rates and the cost of dead units.
 * Epoch 0 and the last epoch add the test split's histograms and
 * reliability bins. As indented JSON a 2-epoch record of the quick profile
 * takes about 27 kB; by the same sizes a 30-epoch record would take about
 * 100 kB (an estimate: histograms of trained networks are wider).
 *
 * @example
 * ```ts
 * const record = await trainRun(config, dataset, { diagnose: diagnoseRun });
 * (record.diagnostics.epoch0 as EpochDiagnostics).test.zeroFraction.otherClasses;
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/types.ts";
import {
  collectDiagnostics,
  type Diagnostics,
  type Histogram,
  type JsonNumber,
  type NetworkOutputs,
  type StoredSummary,
} from "../metrics/mod.ts";
import { CLASSES, type Network } from "../model/network.ts";
import type { DiagnoseContext } from "../train/train.ts";
import { evaluateSplit, type Evaluation } from "../train/evaluate.ts";

/**
 * Most training images a diagnostics call evaluates. A forward pass over
 * 10,000 images took 1.1 s on wasm (tfjs 4.22.0, Deno 2.9.6, a 2-core x86
 * machine shared with other jobs).
 */
export const DIAGNOSE_TRAIN_IMAGES = 10_000;

/** Most images of a dead unit's class whose gradient {@link diagnoseRun} computes, to bound memory. */
export const GRADIENT_CHECK_IMAGES = 2_000;

/** Significant digits kept for stored fractions, losses and logits: enough for every difference a claim compares. */
export const STORED_DIGITS = 4;

/**
 * A histogram whose edges are the fixed ones exported by lib/metrics/diagnostics.ts,
 * trimmed to the bins from the first to the last non-empty one.
 */
export interface BinCounts {
  /** Index of the bin `counts[0]` counts; 0 when every bin is empty. */
  first: number;
  /** Counts of bins `first`, `first + 1`, …; empty when every bin is empty. */
  counts: number[];
  /** Finite values below the first edge. */
  below: number;
  /** Finite values above the last edge. */
  above: number;
  /** NaN and ±Infinity values. */
  nonFinite: number;
}

/** Reliability-diagram bins as columns, 15 bins of width 1/15 from confidence 0 to 1. */
export interface ReliabilityColumns {
  /** Mean confidence of each bin, `null` for an empty bin. */
  confidence: JsonNumber[];
  /** Accuracy of each bin, `null` for an empty bin. */
  accuracy: JsonNumber[];
  /** Images in each bin. */
  count: number[];
}

/** The numbers stored for one split at every epoch. */
export interface SplitCore {
  /** Number of images evaluated. */
  images: number;
  /** Fraction classified correctly, in [0, 1]. */
  accuracy: JsonNumber;
  /** Mean NLL, nats per image. */
  nll: JsonNumber;
  /** Expected calibration error over 15 equal-width bins, in [0, 1]. */
  ece: JsonNumber;
  /** Mean largest softmax probability, in [1/K, 1]. */
  meanConfidence: JsonNumber;
  /** The same mean over misclassified images; `null` when there are none. */
  meanConfidenceOnErrors: JsonNumber;
  /** Medians over images of each image's extreme probabilities and logits. */
  medians: {
    /** log10 of the smallest softmax probability of an image. */
    minProbabilityLog10: JsonNumber;
    /** Largest softmax probability of an image. */
    maxProbability: JsonNumber;
    /** Logit of the image's true class. */
    trueLogit: JsonNumber;
    /** Logits of the other K − 1 classes, pooled. */
    otherLogit: JsonNumber;
  };
  /** Fractions of logits exactly 0 (clamped by a ReLU head), true class and other classes, in [0, 1]. */
  zeroFraction: { trueClass: JsonNumber; otherClasses: JsonNumber };
  /** Fractions of logits strictly below 0 (0 for a ReLU head by construction), in [0, 1]. */
  negativeFraction: { trueClass: JsonNumber; otherClasses: JsonNumber };
  /** Fraction of all pre-activations (every image, every unit) strictly below 0, in [0, 1]. */
  preActivationNegativeRate: JsonNumber;
  /** Output units whose pre-activation is ≤ 0 on every image of their class in this split. */
  deadUnits: number[];
}

/** The detail stored for one split on detail epochs. */
export interface SplitDetail {
  /** Accuracy of each true class, length K. */
  perClassAccuracy: JsonNumber[];
  /**
   * Quantile summaries, see `Diagnostics` in lib/metrics/diagnostics.ts for each field.
   * Stored for the test split only, `null` for the training split.
   */
  summaries: {
    minProbability: StoredSummary;
    minProbabilityLog10: StoredSummary;
    maxProbability: StoredSummary;
    trueLogit: StoredSummary;
    otherLogit: StoredSummary;
  } | null;
  /** Per output unit: fraction of pre-activations < 0 over all images and over the unit's own class, length K. */
  preActivations: { negativeRate: JsonNumber[]; negativeRateOwnClass: JsonNumber[] };
  /** Cost of this split's dead units, from `deadUnitCost()` in lib/metrics/dead_units.ts. */
  deadUnitCost: Diagnostics["deadUnitCost"];
  /**
   * Histograms with the edges of lib/metrics/diagnostics.ts (`MIN_PROBABILITY_LOG10_EDGES`,
   * `MAX_PROBABILITY_EDGES`, `LOGIT_EDGES`) and the reliability bins.
   * Stored for the test split at epoch 0 and the last epoch only, else `null`.
   */
  distributions: {
    minProbabilityLog10: BinCounts;
    maxProbability: BinCounts;
    trueLogit: BinCounts;
    otherLogit: BinCounts;
    reliability: ReliabilityColumns;
  } | null;
}

/** One split's diagnostics: the core, and the detail on detail epochs. */
export interface SplitDiagnostics extends SplitCore {
  /** Present when {@link isDetailEpoch} was true for this epoch. */
  detail?: SplitDetail;
}

/**
 * Gradient of the mean NLL with respect to a dead unit's weights and bias.
 * With a ReLU head every own-class term is (p_c − 1)·1[pre-activation > 0] = 0,
 * so the `ownClass` fields are exactly 0; other heads pass a gradient.
 */
export interface DeadUnitGradient {
  /** The dead unit, which is also its class. */
  unit: number;
  /** Images of class `unit` in the training sample used, at most {@link GRADIENT_CHECK_IMAGES}. */
  ownClassImages: number;
  /** max over inputs of |∂L/∂W[input, unit]| with L the mean NLL over those images; `null` if not finite. */
  ownClassKernelMaxAbs: JsonNumber;
  /** ∂L/∂b[unit] over those images. */
  ownClassBiasGradient: JsonNumber;
  /** Images of the training sample in the all-class batch: its first min(1,000, sample) images. */
  batchImages: number;
  /** ∂L/∂b[unit] over that batch; > 0 means an SGD step lowers the bias, keeping the unit dead. */
  batchBiasGradient: JsonNumber;
}

/** Result of {@link diagnoseRun} for one epoch: one `record.diagnostics["epoch<n>"]`. */
export interface EpochDiagnostics {
  /** Version of this layout; bump on an incompatible change. */
  version: 1;
  /** 0 for the initial network, else the 1-based epoch just completed. */
  epoch: number;
  /** On the training sample (see the module doc). */
  train: SplitDiagnostics;
  /** On the run's test images. */
  test: SplitDiagnostics;
  /** Bias of the output layer, length K; stored on detail epochs. */
  outputBias?: JsonNumber[];
  /** One entry per unit in `train.deadUnits`, empty when none is dead. */
  deadUnitGradients: DeadUnitGradient[];
}

/**
 * Tells whether an epoch stores the detail: epoch 0, every power of two and
 * the last epoch. For 5 epochs that is 0, 1, 2, 4, 5; for 30 it is
 * 0, 1, 2, 4, 8, 16, 30.
 *
 * @param epoch 0 for initialisation, else 1-based.
 * @param epochs epochs of the run, ≥ 1.
 */
export function isDetailEpoch(epoch: number, epochs: number): boolean {
  return epoch === 0 || epoch === epochs || (epoch & (epoch - 1)) === 0;
}

/**
 * Picks `count` indices at an even stride through `indices`: element
 * ⌊i·n/count⌋ for i < count. A stride rather than the first `count` spreads
 * the sample over the file order, which matters when the subset is every
 * image in file order.
 */
export function strideSample(indices: Int32Array, count: number): Int32Array {
  if (indices.length <= count) return indices;
  return Int32Array.from({ length: count }, (_, i) => indices[Math.floor((i * indices.length) / count)]);
}

/** Rounds to {@link STORED_DIGITS} significant digits; non-finite numbers become `null` as in lib/metrics. */
function round(value: number | null): JsonNumber {
  if (value === null || !Number.isFinite(value)) return null;
  return Number(value.toPrecision(STORED_DIGITS));
}

function roundSummary(summary: StoredSummary): StoredSummary {
  const rounded = { ...summary };
  for (const field of Object.keys(rounded) as (keyof StoredSummary)[]) rounded[field] = round(rounded[field]);
  return rounded;
}

function binCounts(histogram: Histogram): BinCounts {
  const first = histogram.counts.findIndex((count) => count > 0);
  const last = histogram.counts.findLastIndex((count) => count > 0);
  return {
    first: Math.max(first, 0),
    counts: first < 0 ? [] : histogram.counts.slice(first, last + 1),
    below: histogram.below,
    above: histogram.above,
    nonFinite: histogram.nonFinite,
  };
}

/** Fractions of true-class and other-class logits strictly below 0. */
function negativeLogitFractions(evaluation: Evaluation, classes: number): SplitCore["negativeFraction"] {
  let trueNegative = 0;
  let otherNegative = 0;
  for (let i = 0; i < evaluation.count; i++) {
    for (let c = 0; c < classes; c++) {
      if (!(evaluation.logits[i * classes + c] < 0)) continue;
      if (c === evaluation.labels[i]) trueNegative++;
      else otherNegative++;
    }
  }
  return {
    trueClass: round(trueNegative / evaluation.count),
    otherClasses: round(otherNegative / (evaluation.count * (classes - 1))),
  };
}

function preActivationNegativeRate(evaluation: Evaluation): number {
  let negative = 0;
  for (const value of evaluation.preActivations) if (value < 0) negative++;
  return negative / evaluation.preActivations.length;
}

/** Reduces collectDiagnostics' result to the stored core and, when asked, the detail. */
function splitDiagnostics(
  evaluation: Evaluation,
  classes: number,
  detail: "none" | "train" | "test" | "test with distributions",
): SplitDiagnostics {
  const outputs: NetworkOutputs = evaluation;
  const full = collectDiagnostics(outputs, classes);
  const core: SplitDiagnostics = {
    images: full.images,
    accuracy: round(full.accuracy),
    nll: round(full.nll),
    ece: round(full.calibration.ece),
    meanConfidence: round(full.calibration.meanConfidence),
    meanConfidenceOnErrors: round(full.calibration.meanConfidenceOnErrors),
    medians: {
      minProbabilityLog10: round(full.probabilities.minLog10.summary.p50),
      maxProbability: round(full.probabilities.max.summary.p50),
      trueLogit: round(full.logits.trueClass.summary.p50),
      otherLogit: round(full.logits.otherClasses.summary.p50),
    },
    zeroFraction: {
      trueClass: round(full.logits.trueClass.zeroFraction),
      otherClasses: round(full.logits.otherClasses.zeroFraction),
    },
    negativeFraction: negativeLogitFractions(evaluation, classes),
    preActivationNegativeRate: round(preActivationNegativeRate(evaluation)),
    deadUnits: full.deadUnits,
  };
  if (detail === "none") return core;

  const cost = full.deadUnitCost;
  core.detail = {
    perClassAccuracy: full.perClassAccuracy.map(round),
    summaries: detail === "train" ? null : {
      minProbability: roundSummary(full.probabilities.min),
      minProbabilityLog10: roundSummary(full.probabilities.minLog10.summary),
      maxProbability: roundSummary(full.probabilities.max.summary),
      trueLogit: roundSummary(full.logits.trueClass.summary),
      otherLogit: roundSummary(full.logits.otherClasses.summary),
    },
    preActivations: {
      negativeRate: full.preActivations.negativeRate.map(round),
      negativeRateOwnClass: full.preActivations.negativeRateOwnClass.map(round),
    },
    deadUnitCost: {
      balancedAccuracyCeiling: cost.balancedAccuracyCeiling,
      accuracyCeiling: round(cost.accuracyCeiling),
      deadClassShare: round(cost.deadClassShare),
      deadClassAccuracy: round(cost.deadClassAccuracy),
      deadClassNll: round(cost.deadClassNll),
      lnClasses: cost.lnClasses,
      lossFloor: round(cost.lossFloor),
    },
    distributions: detail !== "test with distributions" ? null : {
      minProbabilityLog10: binCounts(full.probabilities.minLog10.histogram),
      maxProbability: binCounts(full.probabilities.max.histogram),
      trueLogit: binCounts(full.logits.trueClass.histogram),
      otherLogit: binCounts(full.logits.otherClasses.histogram),
      reliability: {
        confidence: full.calibration.bins.map((bin) => round(bin.confidence)),
        accuracy: full.calibration.bins.map((bin) => round(bin.accuracy)),
        count: full.calibration.bins.map((bin) => bin.count),
      },
    },
  };
  return core;
}

/**
 * Finds the output layer: the last rank-2 variable named `…/kernel` with
 * `classes` columns, and the bias of the same layer. For the registered heads
 * that is fc1, or fc2 for `hidden`.
 *
 * @throws {TypeError} when the network has no such pair, naming the variables it has.
 */
export function outputLayer(
  network: Network,
  classes: number,
): { kernel: tf.Variable; bias: tf.Variable; name: string } {
  const names = Object.keys(network.params);
  for (let i = names.length - 1; i >= 0; i--) {
    const name = names[i];
    const kernel = network.params[name];
    if (!name.endsWith("/kernel") || kernel.rank !== 2 || kernel.shape[1] !== classes) continue;
    const layer = name.slice(0, -"/kernel".length);
    const bias = network.params[`${layer}/bias`];
    if (bias !== undefined && bias.rank === 1 && bias.shape[0] === classes) return { kernel, bias, name: layer };
  }
  throw new TypeError(
    `diagnoseRun(): head "${network.head}" has no output layer: expected variables "<layer>/kernel" ` +
      `[features, ${classes}] and "<layer>/bias" [${classes}], got ${names.join(", ")}. ` +
      "Name the head's last dense layer that way.",
  );
}

/** Gradients of the mean NLL over `indices` with respect to the output layer, read back as arrays. */
async function outputLayerGradient(
  network: Network,
  dataset: Dataset,
  indices: Int32Array,
  classes: number,
): Promise<{ kernel: Float32Array; bias: Float32Array }> {
  const pixels = new Float32Array(indices.length * 784);
  const targets = new Float32Array(indices.length * classes);
  indices.forEach((index, i) => {
    pixels.set(dataset.train.images.subarray(index * 784, (index + 1) * 784), i * 784);
    targets[i * classes + dataset.train.labels[index]] = 1;
  });
  const { kernel, bias } = outputLayer(network, classes);

  // variableGrads differentiates only along paths from the listed variables, so the
  // convolutions run forward but not backward. tidy frees everything but the two gradients.
  const gradients = tf.tidy(() => {
    const x = tf.tensor4d(pixels, [indices.length, 28, 28, 1]);
    const y = tf.tensor2d(targets, [indices.length, classes]);
    const { grads } = tf.variableGrads(
      () => tf.neg(tf.mean(tf.sum(tf.mul(network.forward(x).logProbs, y), 1))) as tf.Scalar,
      [kernel, bias],
    );
    return [grads[kernel.name], grads[bias.name]];
  });
  try {
    const [kernelGradient, biasGradient] = await Promise.all(gradients.map((g) => g.data() as Promise<Float32Array>));
    return { kernel: kernelGradient, bias: biasGradient };
  } finally {
    tf.dispose(gradients);
  }
}

/** Measures the gradient reaching each dead unit from its own class and from an all-class batch. */
async function deadUnitGradients(
  network: Network,
  dataset: Dataset,
  sample: Int32Array,
  dead: number[],
  classes: number,
): Promise<DeadUnitGradient[]> {
  if (dead.length === 0) return [];
  const batch = sample.subarray(0, Math.min(1000, sample.length));
  const batchGradient = await outputLayerGradient(network, dataset, batch, classes);

  const results: DeadUnitGradient[] = [];
  for (const unit of dead) {
    const own = sample.filter((index) => dataset.train.labels[index] === unit).subarray(0, GRADIENT_CHECK_IMAGES);
    const gradient = await outputLayerGradient(network, dataset, own, classes);
    let kernelMaxAbs = 0;
    for (let row = unit; row < gradient.kernel.length; row += classes) {
      kernelMaxAbs = Math.max(kernelMaxAbs, Math.abs(gradient.kernel[row]));
    }
    results.push({
      unit,
      ownClassImages: own.length,
      ownClassKernelMaxAbs: round(kernelMaxAbs),
      ownClassBiasGradient: round(gradient.bias[unit]),
      batchImages: batch.length,
      batchBiasGradient: round(batchGradient.bias[unit]),
    });
  }
  return results;
}

/**
 * Measures the diagnostics of one epoch: a {@link DiagnoseHook} for
 * `trainRun(config, dataset, { diagnose: diagnoseRun })`.
 *
 * Evaluates the training sample and the test images (see the module doc),
 * reduces `collectDiagnostics()` of each to what {@link EpochDiagnostics}
 * keeps, and for each unit dead on the training sample computes the gradient
 * it receives. It reads the network without changing it and disposes every
 * tensor it creates. Cost: two forward passes over at most 20,000 images,
 * plus, for each dead unit, one forward and output-layer backward pass over
 * at most 2,000 images and one over 1,000. With 60,000 training and 10,000
 * test images and two dead units, a call took 1.8 to 2.8 s on wasm on the
 * machine named at {@link DIAGNOSE_TRAIN_IMAGES}.
 *
 * @param network the network being trained; left unchanged.
 * @param epoch 0 before training, else the 1-based epoch just completed.
 * @param context the run's config, training subset indices and test count.
 * @returns a JSON-serialisable object, typed {@link EpochDiagnostics}.
 * @throws {TypeError} if the network has no output layer named as {@link outputLayer} expects.
 */
export async function diagnoseRun(
  network: Network,
  dataset: Dataset,
  epoch: number,
  context: DiagnoseContext,
): Promise<Record<string, unknown>> {
  return { ...(await diagnoseEpoch(network, dataset, epoch, context)) };
}

/** {@link diagnoseRun} with its result typed; use it when calling the hook directly. */
export async function diagnoseEpoch(
  network: Network,
  dataset: Dataset,
  epoch: number,
  context: DiagnoseContext,
): Promise<EpochDiagnostics> {
  const classes = CLASSES;
  const detail = isDetailEpoch(epoch, context.config.epochs);
  // Histograms are the largest part of a record, and the notebooks draw them for the first and last epoch only.
  const distributions = epoch === 0 || epoch === context.config.epochs;
  const sample = strideSample(context.trainIndices, DIAGNOSE_TRAIN_IMAGES);

  const train = await evaluateSplit(network, dataset.train, { indices: sample });
  const test = context.testEvaluation ?? await evaluateSplit(network, dataset.test, { count: context.testCount });
  const trainDiagnostics = splitDiagnostics(train, classes, detail ? "train" : "none");
  let testDetail: "none" | "test" | "test with distributions" = detail ? "test" : "none";
  if (distributions) testDetail = "test with distributions";
  const testDiagnostics = splitDiagnostics(test, classes, testDetail);

  const result: EpochDiagnostics = {
    version: 1,
    epoch,
    train: trainDiagnostics,
    test: testDiagnostics,
    deadUnitGradients: await deadUnitGradients(network, dataset, sample, trainDiagnostics.deadUnits, classes),
  };
  if (detail) {
    const bias = (await outputLayer(network, classes).bias.data()) as Float32Array;
    result.outputBias = Array.from(bias, round);
  }
  return result;
}
