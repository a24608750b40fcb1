/**
 * Calibration of the softmax confidence: reliability-diagram bins, the
 * expected calibration error (ECE), the mean confidence on misclassified
 * images, and the gap between training and test metrics.
 *
 * The confidence of an image is its largest softmax probability,
 * exp(max_c logProbs[i, c]). The prediction is that class (the argmax, ties
 * to the lowest index), and it is correct when it equals the label.
 *
 * Binning: B equal-width bins over [0, 1]. Bin i covers (i/B, (i+1)/B] for
 * i ≥ 1 and the first bin is [0, 1/B], so a confidence of exactly 0 lands in
 * bin 0 and a confidence on an inner edge goes to the lower bin.
 *
 * @module
 */

import { argmaxRow, assertRowMatrix } from "./classification.ts";

/** Default number of equal-width confidence bins for the ECE and the reliability diagram. */
export const CALIBRATION_BINS = 15;

/** One bar of a reliability diagram. */
export interface ReliabilityBin {
  /** Lower edge, i/B; excluded except for the first bin. */
  lower: number;
  /** Upper edge, (i+1)/B; included. */
  upper: number;
  /** Mean confidence of the images in the bin, in [0, 1]; NaN when the bin is empty. */
  confidence: number;
  /** Fraction of the images in the bin classified correctly, in [0, 1]; NaN when empty. */
  accuracy: number;
  /** Number of images in the bin. */
  count: number;
}

/**
 * Finds the bin of a confidence among `binCount` equal-width bins over
 * [0, 1] (see the module doc for which bin an edge belongs to).
 * Confidences above 1 by rounding go to the last bin, negative ones to the
 * first.
 *
 * @param confidence a probability in [0, 1]; must not be NaN.
 * @param binCount number of bins B, an integer ≥ 1.
 * @returns a bin index in [0, B − 1].
 */
export function calibrationBinIndex(
  confidence: number,
  binCount = CALIBRATION_BINS,
): number {
  let bin = Math.ceil(confidence * binCount) - 1;
  bin = Math.min(Math.max(bin, 0), binCount - 1);

  // confidence·B can round across an edge, so check against the edges that are reported.
  if (bin > 0 && confidence <= bin / binCount) bin--;
  else if (bin < binCount - 1 && confidence > (bin + 1) / binCount) bin++;
  return bin;
}

/**
 * Groups images by confidence into equal-width bins and measures each bin's
 * mean confidence and accuracy: the data of a reliability diagram.
 * Images whose confidence is NaN (a diverged network) are left out.
 *
 * @param logProbs log_softmax output, `[n, classes]` row-major, natural log.
 * @param labels true classes, `[n]`.
 * @param classes number of classes K, an integer ≥ 2.
 * @param binCount number of bins B, an integer ≥ 1; 15 by default.
 * @returns B bins in increasing order of confidence.
 * @throws {RangeError} on mismatched sizes, a label out of range or an invalid `binCount`.
 */
export function reliabilityBins(
  logProbs: Float32Array,
  labels: Uint8Array,
  classes = 10,
  binCount = CALIBRATION_BINS,
): ReliabilityBin[] {
  assertRowMatrix("reliabilityBins()", "logProbs", logProbs, labels, classes);
  if (!Number.isInteger(binCount) || binCount < 1) {
    throw new RangeError(
      `lib/metrics reliabilityBins(): binCount must be an integer ≥ 1, got ${binCount}.`,
    );
  }

  const confidenceSum = new Array<number>(binCount).fill(0);
  const correct = new Array<number>(binCount).fill(0);
  const count = new Array<number>(binCount).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const predicted = argmaxRow(logProbs, i, classes);
    const confidence = Math.exp(logProbs[i * classes + predicted]);
    if (Number.isNaN(confidence)) continue;

    const bin = calibrationBinIndex(confidence, binCount);
    confidenceSum[bin] += confidence;
    count[bin]++;
    if (predicted === labels[i]) correct[bin]++;
  }

  return count.map((images, i) => ({
    lower: i / binCount,
    upper: (i + 1) / binCount,
    confidence: images === 0 ? NaN : confidenceSum[i] / images,
    accuracy: images === 0 ? NaN : correct[i] / images,
    count: images,
  }));
}

/**
 * Computes the expected calibration error of reliability bins:
 * ECE = Σ_b (n_b / n)·|accuracy_b − confidence_b|, where n is the total
 * count. Empty bins contribute nothing.
 *
 * @returns a fraction in [0, 1]; NaN when the bins count no image.
 */
export function calibrationErrorFromBins(
  bins: readonly ReliabilityBin[],
): number {
  let total = 0;
  let weighted = 0;
  for (const bin of bins) {
    if (bin.count === 0) continue;
    total += bin.count;
    weighted += bin.count * Math.abs(bin.accuracy - bin.confidence);
  }
  return total === 0 ? NaN : weighted / total;
}

/**
 * Computes the expected calibration error with `binCount` equal-width bins
 * (see {@link reliabilityBins} and {@link calibrationErrorFromBins}).
 *
 * @param logProbs log_softmax output, `[n, classes]` row-major, natural log.
 * @param labels true classes, `[n]`.
 * @param classes number of classes K, an integer ≥ 2.
 * @param binCount number of bins B; 15 by default.
 * @returns a fraction in [0, 1]; 0 is perfectly calibrated.
 */
export function expectedCalibrationError(
  logProbs: Float32Array,
  labels: Uint8Array,
  classes = 10,
  binCount = CALIBRATION_BINS,
): number {
  return calibrationErrorFromBins(
    reliabilityBins(logProbs, labels, classes, binCount),
  );
}

/** Mean confidence over all images and over the misclassified ones. */
export interface ConfidenceSummary {
  /** Mean of max_c p(c | image) over all images, in [1/K, 1]; NaN for no images. */
  meanConfidence: number;
  /** The same mean over the misclassified images only; NaN when none is misclassified. */
  meanConfidenceOnErrors: number;
  /** Number of misclassified images. */
  errors: number;
}

/**
 * Measures how confident the network is overall and when it is wrong. An
 * overconfident network has a high `meanConfidenceOnErrors`.
 *
 * @param logProbs log_softmax output, `[n, classes]` row-major, natural log.
 * @param labels true classes, `[n]`.
 * @param classes number of classes K, an integer ≥ 2.
 * @throws {RangeError} if `logProbs.length !== labels.length × classes` or a label is out of range.
 */
export function confidenceSummary(
  logProbs: Float32Array,
  labels: Uint8Array,
  classes = 10,
): ConfidenceSummary {
  assertRowMatrix("confidenceSummary()", "logProbs", logProbs, labels, classes);

  let sum = 0;
  let errorSum = 0;
  let errors = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = argmaxRow(logProbs, i, classes);
    const confidence = Math.exp(logProbs[i * classes + predicted]);
    sum += confidence;
    if (predicted !== labels[i]) {
      errorSum += confidence;
      errors++;
    }
  }
  return {
    meanConfidence: labels.length === 0 ? NaN : sum / labels.length,
    meanConfidenceOnErrors: errors === 0 ? NaN : errorSum / errors,
    errors,
  };
}

/** Loss and accuracy of one split. */
export interface SplitScore {
  /** Mean NLL, nats per image. */
  loss: number;
  /** Fraction correct, in [0, 1]. */
  accuracy: number;
}

/** Generalisation gap between the training and test splits. */
export interface TrainTestGap {
  /** test.loss − train.loss, nats per image; positive when the test loss is higher. */
  loss: number;
  /** train.accuracy − test.accuracy; positive when training accuracy is higher. */
  accuracy: number;
}

/**
 * Computes the generalisation gap, signed so that overfitting makes both
 * fields positive.
 *
 * @example
 * ```ts
 * trainTestGap({ loss: 0.30, accuracy: 0.90 }, { loss: 0.35, accuracy: 0.88 });
 * // { loss: 0.05, accuracy: 0.02 } up to rounding
 * ```
 */
export function trainTestGap(
  train: SplitScore,
  test: SplitScore,
): TrainTestGap {
  return {
    loss: test.loss - train.loss,
    accuracy: train.accuracy - test.accuracy,
  };
}
