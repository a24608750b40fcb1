/**
 * The network's convolutional trunk, images [b, 28, 28, 1] → features
 * [b, 500]:
 *
 * ```
 * conv1 3×3 1→10 (valid) → ReLU → maxpool 2 → conv2 3×3 10→20 (valid) → ReLU → maxpool 2 → flatten
 * ```
 *
 * When the active backend has the `ReluLabTrunk` kernel (lib/train/kernels
 * registers one for wasm), the whole trunk is that one kernel. Otherwise it
 * is composed of stock tfjs ops. For finite inputs both give the same
 * features, in NHWC flatten order (row, column, channel), up to float
 * rounding. A NaN or infinite input makes the fused features NaN, where the
 * stock ops may give 0 or −Infinity; training marks such a run diverged.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** Kernel name of the fused trunk's forward pass. */
export const TRUNK_KERNEL = "ReluLabTrunk";

/** Kernel name of the fused trunk's weight gradients. */
export const TRUNK_GRAD_KERNEL = "ReluLabTrunkGrad";

/** Weights of the trunk, in tfjs's layouts. */
export interface TrunkParams {
  /** conv1 filter [3, 3, 1, 10]. */
  w1: tf.Tensor4D;
  /** conv1 bias [10]. */
  b1: tf.Tensor1D;
  /** conv2 filter [3, 3, 10, 20]. */
  w2: tf.Tensor4D;
  /** conv2 bias [20]. */
  b2: tf.Tensor1D;
}

let fusedAllowed = true;

/**
 * Allows or forbids the fused trunk kernel, for comparing the two paths
 * (benchmarks, tests). Allowed by default.
 */
export function setFusedTrunkAllowed(allowed: boolean): void {
  fusedAllowed = allowed;
}

/** Returns true if {@linkcode trunk} will run as the fused kernel on the active backend. */
export function fusedTrunkActive(): boolean {
  return fusedAllowed && tf.getKernel(TRUNK_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * Runs the trunk on images [batch, 28, 28, 1] and returns features
 * [batch, 500]. Differentiable with respect to the weights (not the images
 * on the fused path). Creates tensors: call inside `tf.tidy` or an
 * optimiser's `minimize`.
 */
export function trunk(images: tf.Tensor4D, params: TrunkParams): tf.Tensor2D {
  if (fusedTrunkActive()) {
    const [features, ...savedForGradient] = tf.engine().runKernel(
      TRUNK_KERNEL,
      { images, w1: params.w1, b1: params.b1, w2: params.w2, b2: params.b2 },
      {},
    ) as tf.Tensor[];
    // The tape keeps its own references to these; without a tape they are garbage now.
    for (const tensor of savedForGradient) tensor.dispose();
    return features as tf.Tensor2D;
  }
  const pooled1 = convBlock(images, params.w1, params.b1);
  const pooled2 = convBlock(pooled1, params.w2, params.b2);
  return tf.reshape(pooled2, [images.shape[0], 500]);
}

function convBlock(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D {
  // Under a gradient tape tfjs runs the fused conv unfused (conv + bias, then ReLU); outside one it is a single kernel.
  const activated = tf.fused.conv2d({ x, filter, strides: 1, pad: "valid", bias, activation: "relu" });
  return tf.maxPool(activated, 2, 2, "valid");
}
