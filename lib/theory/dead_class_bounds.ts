/**
 * The loss floor and accuracy ceiling a dead output unit sets, as exact formulas. With a ReLU head, a unit
 * that is ≤ 0 on an image gives logit z_c = 0 there, and every other logit
 * is ≥ 0. For an image of that class:
 *
 * NLL = log Σ_j e^{z_j} − z_c = log(1 + Σ_{j≠c} e^{z_j}) ≥ log K,
 *
 * with equality exactly when every other logit is 0 too. So each training
 * image of a dead class adds at least ln K nats (2.303 for K = 10) to the
 * loss, and the class can win only by a tie at 0.
 *
 * @module
 */

function assertClasses(where: string, classes: number): void {
  if (!Number.isInteger(classes) || classes < 2) {
    throw new RangeError(`lib/theory ${where}: classes must be an integer ≥ 2, got ${classes}.`);
  }
}

/**
 * Computes the exact NLL of an image whose own logit is 0: log(1 + Σ_j e^{z_j}) over the other logits.
 *
 * @param otherLogits the K − 1 other logits, each ≥ 0 with a ReLU head (any finite values are accepted).
 * @returns nats; ln K when every other logit is 0.
 * @throws {RangeError} if there is no other logit or one is not finite.
 * @example
 * ```ts
 * deadClassNll(new Array(9).fill(0)); // ln 10 ≈ 2.302585
 * ```
 */
export function deadClassNll(otherLogits: readonly number[]): number {
  if (otherLogits.length < 1 || !otherLogits.every(Number.isFinite)) {
    throw new RangeError(
      `lib/theory deadClassNll(): expected at least one finite other logit, got [${otherLogits.join(", ")}].`,
    );
  }
  // log-sum-exp over [0, ...otherLogits], shifted by the largest so that e^z cannot overflow.
  const shift = Math.max(0, ...otherLogits);
  const sum = Math.exp(-shift) + otherLogits.reduce((total, z) => total + Math.exp(z - shift), 0);
  return shift + Math.log(sum);
}

/**
 * Returns ln K, the least NLL of an image of a dead class when all logits are ≥ 0 (equality when they are all 0).
 *
 * @param classes K, an integer ≥ 2.
 * @returns nats; 2.302585… for K = 10.
 * @throws {RangeError} for an invalid K.
 */
export function deadClassNllFloor(classes: number): number {
  assertClasses("deadClassNllFloor()", classes);
  return Math.log(classes);
}

/**
 * Computes the least mean training loss that dead classes force: share · ln K,
 * where `share` is the fraction of training images whose class is dead.
 * The other images add at least 0, so the mean NLL over the split is ≥ this.
 *
 * @param deadShare fraction of images in dead classes, in [0, 1]; d/K for balanced classes.
 * @param classes K, an integer ≥ 2.
 * @returns nats per image.
 * @throws {RangeError} for a share outside [0, 1] or an invalid K.
 * @example
 * ```ts
 * trainingLossFloor(0.1, 10); // 0.2302…: one dead class of ten costs at least 0.23 nats per image
 * ```
 */
export function trainingLossFloor(deadShare: number, classes: number): number {
  assertClasses("trainingLossFloor()", classes);
  if (!(deadShare >= 0 && deadShare <= 1)) {
    throw new RangeError(`lib/theory trainingLossFloor(): deadShare must be in [0, 1], got ${deadShare}.`);
  }
  return deadShare * Math.log(classes);
}

/**
 * Computes the accuracy ceiling (K − d)/K with d dead classes and balanced
 * classes, assuming a dead class never wins on its own images. It can win
 * only by a tie of all logits at 0, which argmax breaks towards the lowest
 * index.
 *
 * @param classes K, an integer ≥ 2.
 * @param dead d, an integer in [0, K].
 * @returns a fraction in [0, 1]; 0.9 for one dead class of ten.
 * @throws {RangeError} for an invalid K or d.
 */
export function accuracyCeiling(classes: number, dead: number): number {
  assertClasses("accuracyCeiling()", classes);
  if (!Number.isInteger(dead) || dead < 0 || dead > classes) {
    throw new RangeError(`lib/theory accuracyCeiling(): dead must be an integer in [0, ${classes}], got ${dead}.`);
  }
  return (classes - dead) / classes;
}
