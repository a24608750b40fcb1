/**
 * The same quantities as lib/theory's formulas, computed by tfjs's own ops
 * and automatic differentiation, so a notebook can check each formula
 * against the library that trains the network.
 *
 * Values are read with `await tensor.data()`, which every backend supports
 * (WebGPU under Deno rejects `dataSync`). Every function disposes the
 * tensors it creates.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** A head the reference gradient can go through: none, or a ReLU. */
export type ReferenceHead = "linear" | "relu";

async function readAndDispose(tensor: tf.Tensor): Promise<number[]> {
  try {
    return Array.from(await tensor.data());
  } finally {
    tensor.dispose();
  }
}

function assertInputs(where: string, values: readonly number[], label?: number): void {
  if (values.length < 2 || !values.every(Number.isFinite)) {
    throw new RangeError(`lib/theory ${where}: expected at least two finite values, got [${values.join(", ")}].`);
  }
  if (label !== undefined && (!Number.isInteger(label) || label < 0 || label >= values.length)) {
    throw new RangeError(
      `lib/theory ${where}: label ${label} is not a class index; expected an integer in [0, ${values.length - 1}].`,
    );
  }
}

/**
 * Computes softmax with `tf.softmax` in float32.
 *
 * @param logits length K ≥ 2, finite.
 * @returns probabilities, length K.
 * @throws {RangeError} for fewer than two logits or a non-finite one.
 */
export async function tfjsSoftmax(logits: readonly number[]): Promise<number[]> {
  assertInputs("tfjsSoftmax()", logits);
  return await readAndDispose(tf.tidy(() => tf.softmax(tf.tensor1d([...logits]))));
}

/**
 * Computes the NLL −log_softmax(z)[y] with `tf.logSoftmax`, as the training loop does, in float32.
 *
 * @param logits length K ≥ 2, finite.
 * @param label true class, an integer in [0, K − 1].
 * @returns nats.
 * @throws {RangeError} for invalid logits or label.
 */
export async function tfjsNll(logits: readonly number[], label: number): Promise<number> {
  assertInputs("tfjsNll()", logits, label);
  const [value] = await readAndDispose(tf.tidy(() => tf.neg(tf.logSoftmax(tf.tensor1d([...logits])).gather([label]))));
  return value;
}

/**
 * Differentiates NLL(log_softmax(head(a)), y) with respect to the
 * pre-activations a with `tf.grad`: the gradient fc1's output receives in training.
 *
 * @param preActivations a, length K ≥ 2, finite.
 * @param label true class, an integer in [0, K − 1].
 * @param head `"linear"` (logits = a) or `"relu"` (logits = tf.relu(a)).
 * @returns ∂NLL/∂a, length K, float32 values.
 * @throws {RangeError} for invalid inputs or an unknown head.
 */
export async function tfjsNllGradient(
  preActivations: readonly number[],
  label: number,
  head: ReferenceHead,
): Promise<number[]> {
  assertInputs("tfjsNllGradient()", preActivations, label);
  if (head !== "linear" && head !== "relu") {
    throw new RangeError(`lib/theory tfjsNllGradient(): head must be "linear" or "relu", got "${head}".`);
  }
  const loss = (a: tf.Tensor): tf.Tensor => {
    const logits = head === "relu" ? tf.relu(a) : a;
    return tf.neg(tf.logSoftmax(logits).gather([label])).sum();
  };
  return await readAndDispose(tf.tidy(() => tf.grad(loss)(tf.tensor1d([...preActivations]))));
}

/**
 * Returns max_k |a_k − b_k|, for stating how far a formula and tfjs agree.
 *
 * @throws {RangeError} if the lengths differ or either array is empty.
 */
export function maxAbsDifference(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(
      `lib/theory maxAbsDifference(): expected two non-empty arrays of equal length, got ${a.length} and ${b.length}.`,
    );
  }
  return a.reduce((max, value, k) => Math.max(max, Math.abs(value - b[k])), 0);
}
