/**
 * The convolutional network of the PyTorch Fashion-MNIST exercise, written as
 * a forward function over named variables instead of tf.layers, so that
 * every op is a plain kernel call:
 *
 * ```
 * images [batch, 28, 28, 1] → conv1 3×3 1→10 (valid) → ReLU → maxpool 2
 *   → conv2 3×3 10→20 (valid) → ReLU → maxpool 2 → flatten [batch, 500]
 *   → head → log_softmax
 * ```
 *
 * With the `linear` or `relu` head it has 6,930 parameters.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../random.ts";
import type { InitScheme } from "../train/types.ts";
import { getHead, type HeadInstance, toVariable } from "./heads.ts";
import { assertInitScheme, initConv2d } from "./init.ts";
import { trunk } from "./trunk.ts";

/** Number of convolutional features the head receives: 5·5·20. */
export const FEATURES = 500;

/** Number of classes. */
export const CLASSES = 10;

/** Options of {@link createNetwork}. */
export interface NetworkOptions {
  /** Registered head name, for example `"linear"` or `"relu"`. */
  head: string;
  /** Integer seed; streams `"conv-init"` and `"head-init"` of it draw the weights. */
  seed: number;
  /** Initialisation scheme of the convolution and head weights. */
  init: InitScheme;
}

/** Outputs of one forward pass; all `[batch, 10]`. */
export interface NetworkOutput {
  /** Output of the head's last linear layer, before the head's activation. */
  preActivations: tf.Tensor2D;
  /** Input of log_softmax. */
  logits: tf.Tensor2D;
  /** log_softmax(logits), natural log. */
  logProbs: tf.Tensor2D;
}

/** A built network. It owns its variables: call `dispose()` when done. */
export interface Network {
  /** Head name it was built with. */
  head: string;
  /** Variables by name: `conv1/kernel` `[3,3,1,10]`, `conv1/bias`, `conv2/kernel` `[3,3,10,20]`, `conv2/bias`, then the head's. */
  params: Record<string, tf.Variable>;
  /**
   * Runs the network on images `[batch, 28, 28, 1]` with pixels in [0, 1].
   * Creates tensors: call inside `tf.tidy` or an optimiser's `minimize`.
   */
  forward(images: tf.Tensor4D): NetworkOutput;
  /** Returns the number of scalar parameters. */
  parameterCount(): number;
  /** Disposes every variable; the network is unusable afterwards. */
  dispose(): void;
}

function convVariables(seed: number, init: InitScheme) {
  // One stream for both convolutions, so every head gets the same conv weights for a seed.
  const rng = seededRandom(seed, "conv-init");
  const conv1 = initConv2d(rng, init, 3, 3, 1, 10);
  const conv2 = initConv2d(rng, init, 3, 3, 10, 20);
  return {
    "conv1/kernel": toVariable(conv1.kernel, [3, 3, 1, 10]),
    "conv1/bias": toVariable(conv1.bias, [10]),
    "conv2/kernel": toVariable(conv2.kernel, [3, 3, 10, 20]),
    "conv2/bias": toVariable(conv2.bias, [20]),
  };
}

/**
 * Builds the network with freshly initialised variables.
 *
 * @throws {RangeError} for an unknown head (listing the registered ones) or init scheme.
 * @throws {TypeError} if the seed is not a safe integer.
 * @example
 * ```ts
 * const network = createNetwork({ head: "relu", seed: 0, init: "pytorch" });
 * network.parameterCount(); // 6930
 * const logProbs = tf.tidy(() => network.forward(tf.zeros([2, 28, 28, 1])).logProbs);
 * network.dispose();
 * ```
 */
export function createNetwork(options: NetworkOptions): Network {
  const { head: headName, seed, init } = options;
  const spec = getHead(headName);
  assertInitScheme(init);
  // seededRandom validates the seed before any variable exists, so a bad seed leaks nothing.
  const headRng = seededRandom(seed, "head-init");

  const conv = convVariables(seed, init);
  let head: HeadInstance;
  try {
    head = spec.create({ rng: headRng, init, features: FEATURES, classes: CLASSES });
  } catch (error) {
    for (const variable of Object.values(conv)) variable.dispose();
    throw error;
  }
  const params: Record<string, tf.Variable> = { ...conv, ...head.params };

  return {
    head: headName,
    params,
    forward(images) {
      if (images.rank !== 4 || images.shape[1] !== 28 || images.shape[2] !== 28 || images.shape[3] !== 1) {
        throw new TypeError(
          `Invalid images shape [${images.shape.join(", ")}] in Network.forward: expected [batch, 28, 28, 1].`,
        );
      }
      // NHWC flatten, so feature order is (row, column, channel); PyTorch's is (channel, row, column).
      // Only this network reads the features, so the order does not matter.
      const features = trunk(images, {
        w1: conv["conv1/kernel"] as tf.Tensor4D,
        b1: conv["conv1/bias"] as tf.Tensor1D,
        w2: conv["conv2/kernel"] as tf.Tensor4D,
        b2: conv["conv2/bias"] as tf.Tensor1D,
      });
      const { preActivations, logits } = head.apply(features);
      return { preActivations, logits, logProbs: tf.logSoftmax(logits) };
    },
    parameterCount() {
      return Object.values(params).reduce((sum, variable) => sum + variable.size, 0);
    },
    dispose() {
      for (const variable of Object.values(params)) variable.dispose();
    },
  };
}
