/**
 * Initial weights for convolution and dense layers, drawn from a seeded
 * generator so that a seed fixes them on every machine.
 *
 * Two schemes:
 * - `pytorch`: PyTorch's default for `Conv2d` and `Linear` (`reset_parameters`:
 *   Kaiming-uniform with a = √5 for weights, which reduces to U(±1/√fan_in),
 *   and U(±1/√fan_in) for biases).
 * - `tfjs`: the tfjs layers defaults, Glorot-uniform weights
 *   U(±√(6 / (fan_in + fan_out))) and zero biases.
 *
 * Functions here return plain Float32Arrays in tfjs layouts; the caller wraps
 * them in variables.
 *
 * @module
 */

import type { Rng } from "../random.ts";
import type { InitScheme } from "../train/types.ts";

/** The initialisation schemes this module implements. */
export const INIT_SCHEMES: readonly InitScheme[] = ["pytorch", "tfjs"];

/** Initial values of one layer in tfjs layout. */
export interface LayerInit {
  /** Conv kernel `[kh, kw, inChannels, outChannels]` or dense kernel `[inFeatures, outFeatures]`, flattened row-major. */
  kernel: Float32Array;
  /** Bias, length outChannels or outFeatures. */
  bias: Float32Array;
}

/**
 * Throws a RangeError naming the valid schemes unless `scheme` is one.
 *
 * @param scheme value to check, for example from a config file.
 */
export function assertInitScheme(scheme: string): asserts scheme is InitScheme {
  if (!(INIT_SCHEMES as readonly string[]).includes(scheme)) {
    throw new RangeError(
      `Invalid init scheme "${scheme}": expected one of ${INIT_SCHEMES.join(", ")}.`,
    );
  }
}

function uniform(rng: Rng, length: number, bound: number): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = (2 * rng() - 1) * bound;
  return values;
}

function initLayer(
  rng: Rng,
  scheme: InitScheme,
  kernelLength: number,
  outputs: number,
  fanIn: number,
  fanOut: number,
): LayerInit {
  assertInitScheme(scheme);
  if (scheme === "pytorch") {
    const bound = 1 / Math.sqrt(fanIn);
    // Weights are drawn before biases, as PyTorch's reset_parameters does.
    const kernel = uniform(rng, kernelLength, bound);
    const bias = uniform(rng, outputs, bound);
    return { kernel, bias };
  }
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return { kernel: uniform(rng, kernelLength, limit), bias: new Float32Array(outputs) };
}

/**
 * Draws the initial kernel `[kh, kw, inChannels, outChannels]` and bias `[outChannels]` of a 2-D convolution.
 *
 * fan_in = inChannels·kh·kw; for Glorot, fan_out = outChannels·kh·kw (the Keras convention).
 *
 * @param rng seeded generator; this call consumes kh·kw·in·out (+ out for `pytorch`) draws.
 * @param scheme `pytorch` or `tfjs`.
 * @example
 * ```ts
 * const conv1 = initConv2d(seededRandom(0, "conv-init"), "pytorch", 3, 3, 1, 10);
 * conv1.kernel.length; // 90, each within ±1/3
 * ```
 */
export function initConv2d(
  rng: Rng,
  scheme: InitScheme,
  kernelHeight: number,
  kernelWidth: number,
  inChannels: number,
  outChannels: number,
): LayerInit {
  const area = kernelHeight * kernelWidth;
  return initLayer(
    rng,
    scheme,
    area * inChannels * outChannels,
    outChannels,
    area * inChannels,
    area * outChannels,
  );
}

/**
 * Draws the initial kernel `[inFeatures, outFeatures]` and bias `[outFeatures]` of a dense (linear) layer.
 *
 * @param rng seeded generator; this call consumes in·out (+ out for `pytorch`) draws.
 * @param scheme `pytorch` (bounds ±1/√inFeatures) or `tfjs` (Glorot, zero bias).
 */
export function initDense(
  rng: Rng,
  scheme: InitScheme,
  inFeatures: number,
  outFeatures: number,
): LayerInit {
  return initLayer(rng, scheme, inFeatures * outFeatures, outFeatures, inFeatures, outFeatures);
}
