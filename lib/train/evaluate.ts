/**
 * Forward passes over a whole split in batches, returning plain arrays so
 * that metrics are computed without tfjs.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Split } from "../data/types.ts";
import type { Network } from "../model/network.ts";

/** Pixels in one 28×28×1 image. */
export const PIXELS = 28 * 28;

/** Network outputs for a set of images, each row-major `[count, 10]`. */
export interface Evaluation {
  /** log_softmax of the logits, natural log, `[count, 10]`. */
  logProbs: Float32Array;
  /** The head's output, the input of log_softmax, `[count, 10]`. */
  logits: Float32Array;
  /** Output of the head's last linear layer before its activation, `[count, 10]`. */
  preActivations: Float32Array;
  /** Labels of the evaluated images, in the same order, `[count]`. */
  labels: Uint8Array;
  /** Number of images evaluated. */
  count: number;
}

/** Options of {@link evaluateSplit}. */
export interface EvaluateOptions {
  /** Images to evaluate, as indices into the split; default the first `count`. */
  indices?: Int32Array;
  /** Number of images from the start of the split when `indices` is absent; default all. */
  count?: number;
  /** Images per forward pass, ≥ 1; default 1000, which keeps conv1's output, the largest intermediate, at 27 MB. */
  batchSize?: number;
}

/**
 * Copies the images at `indices[start..end)` into one contiguous array `[end - start, 28, 28, 1]`.
 *
 * @param target reused buffer of at least `(end - start) · 784` floats, to avoid an allocation per batch.
 */
export function gatherImages(
  split: Split,
  indices: Int32Array,
  start: number,
  end: number,
  target: Float32Array,
): Float32Array {
  for (let i = start; i < end; i++) {
    const from = indices[i] * PIXELS;
    target.set(split.images.subarray(from, from + PIXELS), (i - start) * PIXELS);
  }
  return target.subarray(0, (end - start) * PIXELS);
}

/**
 * Runs the network on images of a split without recording gradients.
 *
 * Reads results with `await tensor.data()`, which works on every backend
 * (WebGPU under Deno rejects `dataSync`).
 *
 * @throws {RangeError} if an index or `count` is outside the split, or `batchSize` < 1.
 * @example
 * ```ts
 * const { logProbs, labels } = await evaluateSplit(network, dataset.test, { count: 1000 });
 * ```
 */
export async function evaluateSplit(
  network: Network,
  split: Split,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`Invalid batchSize ${batchSize} in evaluateSplit(): expected an integer ≥ 1.`);
  }
  const indices = options.indices ?? firstIndices(split, options.count ?? split.count);
  const count = indices.length;
  for (const index of indices) {
    if (index < 0 || index >= split.count) {
      throw new RangeError(`Invalid index ${index} in evaluateSplit(): the split has ${split.count} images.`);
    }
  }

  const logProbs = new Float32Array(count * 10);
  const logits = new Float32Array(count * 10);
  const preActivations = new Float32Array(count * 10);
  const labels = new Uint8Array(count);
  const buffer = new Float32Array(Math.min(batchSize, count) * PIXELS);

  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(start + batchSize, count);
    const pixels = gatherImages(split, indices, start, end, buffer);

    // tidy frees the input and every intermediate; only the three outputs survive, and they are disposed after reading.
    const outputs = tf.tidy(() => {
      const output = network.forward(tf.tensor4d(pixels, [end - start, 28, 28, 1]));
      return [output.logProbs, output.logits, output.preActivations];
    });
    try {
      const [lp, lg, pa] = await Promise.all(outputs.map((tensor) => tensor.data() as Promise<Float32Array>));
      logProbs.set(lp, start * 10);
      logits.set(lg, start * 10);
      preActivations.set(pa, start * 10);
    } finally {
      tf.dispose(outputs);
    }

    for (let i = start; i < end; i++) labels[i] = split.labels[indices[i]];
  }

  return { logProbs, logits, preActivations, labels, count };
}

function firstIndices(split: Split, count: number): Int32Array {
  if (!Number.isInteger(count) || count < 0 || count > split.count) {
    throw new RangeError(`Invalid count ${count} in evaluateSplit(): expected an integer in [0, ${split.count}].`);
  }
  return Int32Array.from({ length: count }, (_, i) => i);
}
