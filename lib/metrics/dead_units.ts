/**
 * Dead output units and the sign of fc1's pre-activations.
 *
 * Output unit c of fc1 is dead when its pre-activation is ≤ 0 on every
 * training image of class c. With a ReLU head its logit is then exactly 0 on
 * those images, so it receives no gradient from its own class (ReLU's
 * derivative is 0 there) and class c can never win by its own logit. This
 * module finds such units, measures how often each unit is negative, and
 * states what a dead unit costs in accuracy and loss.
 *
 * @module
 */

import { argmaxRow, assertRowMatrix } from "./classification.ts";

/**
 * Finds the dead output units.
 *
 * Unit c is dead when `preActivations[i, c] ≤ 0` for every image i with
 * `labels[i] === c`. A class with no images is not reported dead: there is
 * no evidence either way. A NaN pre-activation does not satisfy `≤ 0`, so it
 * keeps its unit alive. Pass the training split to match the definition.
 *
 * @param preActivations fc1's output before the head, `[n, classes]` row-major.
 * @param labels true classes, `[n]`.
 * @param classes number of classes K (= output units), an integer ≥ 2.
 * @returns dead unit indices in increasing order.
 * @throws {RangeError} if `preActivations.length !== labels.length × classes` or a label is out of range.
 *
 * @example
 * ```ts
 * deadUnits(new Float32Array([-1, 2, 0.5, -3]), new Uint8Array([0, 1]), 2); // [0]
 * ```
 */
export function deadUnits(
  preActivations: Float32Array,
  labels: Uint8Array,
  classes = 10,
): number[] {
  assertRowMatrix(
    "deadUnits()",
    "preActivations",
    preActivations,
    labels,
    classes,
  );

  const seen = new Array<boolean>(classes).fill(false);
  const positiveSomewhere = new Array<boolean>(classes).fill(false);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    seen[c] = true;
    if (!(preActivations[i * classes + c] <= 0)) positiveSomewhere[c] = true;
  }

  const dead: number[] = [];
  for (let c = 0; c < classes; c++) {
    if (seen[c] && !positiveSomewhere[c]) dead.push(c);
  }
  return dead;
}

/** Per-unit fraction of negative pre-activations. */
export interface NegativeRates {
  /** Unit c: fraction of all n images with `preActivations[i, c] < 0`, in [0, 1]. Length K. */
  all: number[];
  /**
   * Unit c: the same fraction over the images of class c only, in [0, 1].
   * NaN for a class with no images. Length K.
   */
  ownClass: number[];
}

/**
 * Measures, for each output unit, how often fc1's pre-activation is
 * strictly negative: over all images, and over the images of the unit's own
 * class. Exact zeros are not counted as negative. With a ReLU head,
 * `all[c]` is the share of images on which the head clamps logit c from a
 * negative value to 0.
 *
 * @param preActivations fc1's output, `[n, classes]` row-major.
 * @param labels true classes, `[n]`.
 * @param classes number of classes K, an integer ≥ 2.
 * @returns fractions in [0, 1]; NaN where no image was counted.
 * @throws {RangeError} if `preActivations.length !== labels.length × classes` or a label is out of range.
 */
export function negativeRates(
  preActivations: Float32Array,
  labels: Uint8Array,
  classes = 10,
): NegativeRates {
  assertRowMatrix(
    "negativeRates()",
    "preActivations",
    preActivations,
    labels,
    classes,
  );

  const negative = new Array<number>(classes).fill(0);
  const negativeOwn = new Array<number>(classes).fill(0);
  const classCount = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const row = i * classes;
    for (let c = 0; c < classes; c++) {
      if (preActivations[row + c] < 0) negative[c]++;
    }
    const own = labels[i];
    classCount[own]++;
    if (preActivations[row + own] < 0) negativeOwn[own]++;
  }

  const n = labels.length;
  return {
    all: negative.map((count) => (n === 0 ? NaN : count / n)),
    ownClass: negativeOwn.map((
      count,
      c,
    ) => (classCount[c] === 0 ? NaN : count / classCount[c])),
  };
}

/** Cost of a set of dead units in accuracy and loss, measured on one split. */
export interface DeadUnitCost {
  /** The dead units this cost is for, increasing. */
  deadUnits: number[];
  /** (K − d) / K: the accuracy ceiling if classes were balanced and no dead class were ever right. */
  balancedAccuracyCeiling: number;
  /** 1 − (share of this split's images whose class is dead): the same ceiling for this split's class mix. */
  accuracyCeiling: number;
  /** Share of this split's images whose class is dead, in [0, 1]. */
  deadClassShare: number;
  /** Measured accuracy on images of dead classes, in [0, 1]; NaN when there are none. */
  deadClassAccuracy: number;
  /** Measured mean NLL on images of dead classes, nats per image; NaN when there are none. */
  deadClassNll: number;
  /** ln K, nats: the least NLL of an image whose own logit is 0 while the others are ≥ 0. */
  lnClasses: number;
  /** deadClassShare × ln K, nats per image: the least those images add to the split's mean NLL. */
  lossFloor: number;
}

/**
 * Measures the cost of dead units on one split.
 *
 * Why ln K: with a ReLU head, an image of a dead class c has logit
 * z_c = 0 and z_j ≥ 0 for j ≠ c, so Σ_j exp(z_j) ≥ K and
 * NLL = −log p_c = log Σ_j exp(z_j) − z_c ≥ ln K, with equality only when
 * every other logit is 0 too. The bound holds for the images on which the
 * unit is ≤ 0. On the training split those are all images of a dead class.
 * On another split some may not be, so compare `deadClassNll` with
 * `lnClasses` rather than assuming the bound. The ceilings likewise assume the
 * dead classes are never predicted for their own images; a tie of all
 * logits at 0 can still pick class c (ties go to the lowest index), which
 * `deadClassAccuracy` would show.
 *
 * @param dead dead unit indices, for example from {@link deadUnits}.
 * @param logProbs log-probabilities, `[n, classes]` row-major.
 * @param labels true classes, `[n]`.
 * @param classes number of classes K, an integer ≥ 2.
 * @throws {RangeError} on mismatched sizes, or a dead unit outside [0, K − 1].
 */
export function deadUnitCost(
  dead: readonly number[],
  logProbs: Float32Array,
  labels: Uint8Array,
  classes = 10,
): DeadUnitCost {
  assertRowMatrix("deadUnitCost()", "logProbs", logProbs, labels, classes);
  for (const unit of dead) {
    if (!Number.isInteger(unit) || unit < 0 || unit >= classes) {
      throw new RangeError(
        `lib/metrics deadUnitCost(): dead unit ${unit} is invalid; ` +
          `expected an integer unit index in [0, ${classes - 1}].`,
      );
    }
  }

  const isDead = new Array<boolean>(classes).fill(false);
  for (const unit of dead) isDead[unit] = true;

  let images = 0;
  let correct = 0;
  let nllSum = 0;
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!isDead[c]) continue;
    images++;
    if (argmaxRow(logProbs, i, classes) === c) correct++;
    nllSum -= logProbs[i * classes + c];
  }

  const d = isDead.filter(Boolean).length;
  const share = labels.length === 0 ? NaN : images / labels.length;
  return {
    deadUnits: [...new Set(dead)].sort((a, b) => a - b),
    balancedAccuracyCeiling: (classes - d) / classes,
    accuracyCeiling: 1 - share,
    deadClassShare: share,
    deadClassAccuracy: images === 0 ? NaN : correct / images,
    deadClassNll: images === 0 ? NaN : nllSum / images,
    lnClasses: Math.log(classes),
    lossFloor: share * Math.log(classes),
  };
}
