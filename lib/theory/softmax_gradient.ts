/**
 * The gradient that log_softmax and the NLL loss send back to the logits,
 * and what a ReLU head does to it, written out in plain arithmetic so that
 * small examples can be checked by hand and against tfjs.
 *
 * For logits z ∈ ℝ^K and true class y, with p = softmax(z):
 *
 * - NLL = −log p_y = log Σ_j e^{z_j} − z_y, and ∂NLL/∂z_k = p_k − 1[k = y].
 * - With a ReLU head, z = max(a, 0) for pre-activations a, so
 *   ∂NLL/∂a_k = (p_k − 1[k = y])·1[a_k > 0]: the gradient is cut wherever the
 *   pre-activation is ≤ 0. tfjs's Relu gradient uses the same convention
 *   (step(a) is 0 at a = 0).
 *
 * @module
 */

function assertLogits(where: string, values: readonly number[]): void {
  if (values.length < 2 || !values.every(Number.isFinite)) {
    throw new RangeError(
      `lib/theory ${where}: expected at least two finite logits, got [${values.join(", ")}].`,
    );
  }
}

function assertLabel(where: string, label: number, classes: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= classes) {
    throw new RangeError(
      `lib/theory ${where}: label ${label} is not a class index; expected an integer in [0, ${classes - 1}].`,
    );
  }
}

/**
 * Computes log_softmax with the log-sum-exp shift: log p_k = z_k − m − log Σ_j e^{z_j − m}, m = max_j z_j,
 * so no exponential overflows.
 *
 * @param logits z, length K ≥ 2, finite.
 * @returns log-probabilities, natural log, length K.
 * @throws {RangeError} for fewer than two logits or a non-finite one.
 * @example
 * ```ts
 * logSoftmax([0, 0]); // [−0.693…, −0.693…]
 * ```
 */
export function logSoftmax(logits: readonly number[]): number[] {
  assertLogits("logSoftmax()", logits);
  const shift = Math.max(...logits);
  const logSum = Math.log(logits.reduce((sum, z) => sum + Math.exp(z - shift), 0));
  return logits.map((z) => z - shift - logSum);
}

/**
 * Computes softmax probabilities p_k = e^{z_k} / Σ_j e^{z_j}.
 *
 * @param logits z, length K ≥ 2, finite.
 * @returns probabilities in [0, 1] that sum to 1 up to rounding, length K.
 * @throws {RangeError} for fewer than two logits or a non-finite one.
 */
export function softmax(logits: readonly number[]): number[] {
  return logSoftmax(logits).map(Math.exp);
}

/**
 * Computes the NLL loss of one image, −log p_y = log Σ_j e^{z_j} − z_y, in nats.
 *
 * @param logits z, length K ≥ 2, finite.
 * @param label true class y, an integer in [0, K − 1].
 * @throws {RangeError} for invalid logits or label.
 */
export function nll(logits: readonly number[], label: number): number {
  assertLabel("nll()", label, logits.length);
  return -logSoftmax(logits)[label];
}

/**
 * Computes ∂NLL/∂z = softmax(z) − onehot(y), the gradient log_softmax and the NLL loss send to the logits.
 * Its entries sum to 0: raising the true logit lowers every other probability.
 *
 * @param logits z, length K ≥ 2, finite.
 * @param label true class y.
 * @returns the gradient, length K; entry y is p_y − 1 ≤ 0, the others p_k ≥ 0.
 * @throws {RangeError} for invalid logits or label.
 * @example
 * ```ts
 * nllGradient([0, 0], 0); // [−0.5, 0.5]
 * ```
 */
export function nllGradient(logits: readonly number[], label: number): number[] {
  assertLabel("nllGradient()", label, logits.length);
  return softmax(logits).map((p, k) => p - (k === label ? 1 : 0));
}

/**
 * Computes the ReLU's local derivative, 1[a_k > 0], with 0 at a_k = 0 as in tfjs and PyTorch.
 *
 * @param preActivations a, any length.
 * @returns 1 where a_k > 0, else 0.
 */
export function reluMask(preActivations: readonly number[]): number[] {
  return preActivations.map((a) => (a > 0 ? 1 : 0));
}

/**
 * Computes ∂NLL/∂a through a ReLU head: (softmax(max(a, 0)) − onehot(y)) ⊙ 1[a > 0].
 *
 * @param preActivations a, fc1's output, length K ≥ 2, finite.
 * @param label true class y.
 * @returns the gradient with respect to the pre-activations, length K; 0 wherever a_k ≤ 0.
 * @throws {RangeError} for invalid pre-activations or label.
 * @example
 * ```ts
 * reluNllGradient([-1, 0, 2], 0); // [0, 0, 0.78…]: the true class, below 0, gets nothing
 * ```
 */
export function reluNllGradient(preActivations: readonly number[], label: number): number[] {
  assertLogits("reluNllGradient()", preActivations);
  const mask = reluMask(preActivations);
  // A branch rather than g·mask, so that a cut gradient is +0, never −0.
  return nllGradient(preActivations.map((a) => Math.max(a, 0)), label).map((g, k) => (mask[k] === 1 ? g : 0));
}
