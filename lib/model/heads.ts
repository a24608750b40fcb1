/**
 * The head registry: what follows the 500 convolutional features and comes
 * before log_softmax. The question of this project is whether the `relu` head
 * (ReLU on the last linear layer) helps or hurts compared with `linear`.
 *
 * A head is one {@link HeadSpec}: a one-line description and a `create`
 * function that draws its own parameters from a seeded generator and returns
 * a function from features `[batch, 500]` to pre-activations and logits
 * `[batch, 10]`. Add a variant with {@link registerHead}:
 *
 * ```ts
 * registerHead("tanh", activationHead("tanh of fc1's output", tf.tanh));
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../random.ts";
import type { InitScheme } from "../train/types.ts";
import { initDense } from "./init.ts";

/** Inputs a head needs to build its parameters. */
export interface HeadContext {
  /** Generator of the `"head-init"` stream of the run's seed. */
  rng: Rng;
  /** Initialisation scheme of the run. */
  init: InitScheme;
  /** Width of the convolutional features, 500 for this network. */
  features: number;
  /** Number of classes, 10 for Fashion-MNIST. */
  classes: number;
}

/** Output of a head for one batch. */
export interface HeadOutput {
  /** Output of the head's last linear layer before any activation: `[batch, classes]`. */
  preActivations: tf.Tensor2D;
  /** Input of log_softmax: `[batch, classes]`. */
  logits: tf.Tensor2D;
}

/** One built head: its trainable parameters and its forward function. */
export interface HeadInstance {
  /** Variables by name, for example `"fc1/kernel"` `[500, 10]`. */
  params: Record<string, tf.Variable>;
  /** Maps features `[batch, features]` to pre-activations and logits; call inside `tf.tidy` or a gradient tape. */
  apply(features: tf.Tensor2D): HeadOutput;
}

/** A head variant as registered. */
export interface HeadSpec {
  /** One line saying what the head computes and why it is in the comparison. */
  description: string;
  /** Builds the head's parameters from `context.rng` and returns the head. */
  create(context: HeadContext): HeadInstance;
}

/**
 * Creates a dense layer's kernel `[inFeatures, outFeatures]` and bias `[outFeatures]` as variables.
 *
 * @param context supplies the generator and the initialisation scheme.
 */
export function createDense(
  context: HeadContext,
  inFeatures: number,
  outFeatures: number,
): { kernel: tf.Variable; bias: tf.Variable } {
  const values = initDense(context.rng, context.init, inFeatures, outFeatures);
  return {
    kernel: toVariable(values.kernel, [inFeatures, outFeatures]),
    bias: toVariable(values.bias, [outFeatures]),
  };
}

/**
 * Wraps values in a trainable variable.
 *
 * The variable shares the initial tensor's storage and takes its own
 * reference, so the initial tensor is disposed here to keep the count of
 * live tensors exact.
 */
export function toVariable(values: Float32Array, shape: number[]): tf.Variable {
  const initial = tf.tensor(values, shape, "float32");
  const variable = tf.variable(initial, true);
  initial.dispose();
  return variable;
}

function dense(x: tf.Tensor2D, kernel: tf.Variable, bias: tf.Variable): tf.Tensor2D {
  // The fused op is one kernel on wasm and webgpu; tfjs unfuses it under a gradient tape when needed.
  return tf.fused.matMul({ a: x, b: kernel as tf.Tensor2D, bias }) as tf.Tensor2D;
}

/**
 * Builds a head spec of one dense layer fc1 (features → classes) followed by an elementwise activation.
 *
 * @param description one line for {@link headDescriptions}.
 * @param activation maps fc1's output `[batch, classes]` to logits of the same shape; `null` for none.
 */
export function activationHead(
  description: string,
  activation: ((x: tf.Tensor2D) => tf.Tensor2D) | null,
): HeadSpec {
  return {
    description,
    create(context) {
      const fc1 = createDense(context, context.features, context.classes);
      return {
        params: { "fc1/kernel": fc1.kernel, "fc1/bias": fc1.bias },
        apply(features) {
          const preActivations = dense(features, fc1.kernel, fc1.bias);
          const logits = activation === null ? preActivations : activation(preActivations);
          return { preActivations, logits };
        },
      };
    },
  };
}

/** Width of the hidden layer of the `hidden` head. */
export const HIDDEN_UNITS = 64;

const hiddenHead: HeadSpec = {
  description:
    `fc 500→${HIDDEN_UNITS} → ReLU → fc ${HIDDEN_UNITS}→10 with no activation on the output; it adds capacity, so it changes more than the output activation`,
  create(context) {
    const fc1 = createDense(context, context.features, HIDDEN_UNITS);
    const fc2 = createDense(context, HIDDEN_UNITS, context.classes);
    return {
      params: {
        "fc1/kernel": fc1.kernel,
        "fc1/bias": fc1.bias,
        "fc2/kernel": fc2.kernel,
        "fc2/bias": fc2.bias,
      },
      apply(features) {
        const hidden = tf.relu(dense(features, fc1.kernel, fc1.bias));
        const preActivations = dense(hidden, fc2.kernel, fc2.bias);
        return { preActivations, logits: preActivations };
      },
    };
  },
};

/** Slope of the `leaky_relu` head for negative inputs. */
export const LEAKY_RELU_ALPHA = 0.01;

const registry = new Map<string, HeadSpec>([
  ["linear", activationHead("logits = fc1's output, no activation (the baseline)", null)],
  [
    "relu",
    activationHead("logits = ReLU(fc1's output), so no logit can go below 0 (the variant in question)", tf.relu),
  ],
  [
    "softplus",
    activationHead("logits = softplus(fc1's output), a smooth ReLU that keeps a gradient below 0", tf.softplus),
  ],
  [
    "leaky_relu",
    activationHead(
      `logits = leaky ReLU(fc1's output) with slope ${LEAKY_RELU_ALPHA} below 0: a ReLU whose negative side still passes a little gradient`,
      (x) => tf.leakyRelu(x, LEAKY_RELU_ALPHA),
    ),
  ],
  ["hidden", hiddenHead],
]);

const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/**
 * Adds a head variant to the registry.
 *
 * @param name lower-case identifier such as `"tanh"`, stored in run configs.
 * @throws {TypeError} if the name is not lower-case letters, digits and underscores starting with a letter.
 * @throws {Error} if a head of that name is already registered.
 */
export function registerHead(name: string, spec: HeadSpec): void {
  if (!NAME_PATTERN.test(name)) {
    throw new TypeError(
      `Invalid head name "${name}": expected lower-case letters, digits and underscores, starting with a letter.`,
    );
  }
  if (registry.has(name)) {
    throw new Error(`Head "${name}" is already registered; choose another name.`);
  }
  registry.set(name, spec);
}

/**
 * Returns the registered head of that name.
 *
 * @throws {RangeError} naming the registered heads if none has that name.
 */
export function getHead(name: string): HeadSpec {
  const spec = registry.get(name);
  if (spec === undefined) {
    throw new RangeError(`Unknown head "${name}": expected one of ${headNames().join(", ")}.`);
  }
  return spec;
}

/** Returns the names of the registered heads in registration order. */
export function headNames(): string[] {
  return [...registry.keys()];
}

/** Returns each registered head's one-line description by name. */
export function headDescriptions(): Record<string, string> {
  return Object.fromEntries([...registry].map(([name, spec]) => [name, spec.description]));
}
