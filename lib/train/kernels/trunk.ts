/**
 * The exercise network's whole convolutional trunk as two tfjs kernels on
 * the wasm backend, `ReluLabTrunk` (forward) and `ReluLabTrunkGrad`
 * (its weight gradients), computed by trunk.c in WebAssembly SIMD.
 *
 * Op by op, a training step at batch 20 took 4.8 to 6.2 ms here (3,200 to
 * 4,200 images/s, `deno task bench --quick`, 2-core x86-64). With the trunk
 * as one kernel each way it took 1.5 to 1.7 ms (12,000 to 13,500 images/s). lib/model/trunk.ts
 * calls the kernel when the active backend has it and composes stock ops
 * otherwise, so cpu and WebGPU train exactly as before.
 *
 * The forward kernel has four outputs: the features [b, 500] and three
 * tensors the gradient needs (pooled conv1 activations and both layers'
 * pooling winners). Only the features leave lib/model/trunk.ts. There is
 * no gradient with respect to the images.
 *
 * @module
 */

import {
  type GradConfig,
  type KernelConfig,
  type KernelFunc,
  type NamedTensorMap,
  type Tensor,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { TRUNK_GRAD_KERNEL, TRUNK_KERNEL } from "../../model/trunk.ts";
import { SIZES, type TrunkActivations, TrunkModule, type TrunkWeights } from "./trunk_module.ts";

let instance: TrunkModule | undefined;

/** Returns the shared instance, compiling it on first use (about 10 KB of WebAssembly). */
function trunkModule(): TrunkModule {
  instance ??= new TrunkModule();
  return instance;
}

/** Expected shape of each weight input, and how tfjs's conv2d lays it out. */
const WEIGHT_SHAPES: Record<keyof TrunkWeights, number[]> = {
  w1: [3, 3, 1, 10],
  b1: [10],
  w2: [3, 3, 10, 20],
  b2: [20],
};

function checkInput(kernel: string, name: string, info: TensorInfo, shape: number[], dtype: string): void {
  const matches = info.dtype === dtype && info.shape.length === shape.length &&
    info.shape.every((size, axis) => shape[axis] < 0 || size === shape[axis]);
  if (!matches) {
    const expected = shape.map((size) => size < 0 ? "batch" : String(size)).join(", ");
    throw new TypeError(
      `${kernel} (lib/train/kernels/trunk.ts): input '${name}' is ${info.dtype} [${
        info.shape.join(", ")
      }], expected ${dtype} [${expected}]. The kernel computes the exercise network's trunk only.`,
    );
  }
}

function checkWeights(kernel: string, inputs: NamedTensorMap): void {
  for (const name of Object.keys(WEIGHT_SHAPES) as (keyof TrunkWeights)[]) {
    checkInput(kernel, name, inputs[name], WEIGHT_SHAPES[name], "float32");
  }
}

/** Returns heap views of the weights; take them after the last makeOutput, which may detach older views. */
function readWeights(backend: BackendWasm, inputs: NamedTensorMap): TrunkWeights {
  const weights = {} as TrunkWeights;
  for (const name of Object.keys(WEIGHT_SHAPES) as (keyof TrunkWeights)[]) {
    weights[name] = backend.typedArrayFromHeap(inputs[name]) as Float32Array;
  }
  return weights;
}

/** Forward kernel: inputs images [b, 28, 28, 1], w1, b1, w2, b2; outputs features, pooled1, argmax1, argmax2. */
function trunkForward(args: { inputs: NamedTensorMap; backend: BackendWasm }): TensorInfo[] {
  const { inputs, backend } = args;
  const images = inputs.images;
  checkInput(TRUNK_KERNEL, "images", images, [-1, 28, 28, 1], "float32");
  // Every check comes before the first makeOutput, so that a rejected input leaves no buffer behind.
  checkWeights(TRUNK_KERNEL, inputs);
  const batch = images.shape[0];

  const features = backend.makeOutput([batch, SIZES.features], "float32");
  const pooled1 = backend.makeOutput([batch, 13, 13, 10], "float32");
  const argmax1 = backend.makeOutput([batch, 13, 13, 10], "int32");
  const argmax2 = backend.makeOutput([batch, SIZES.features], "int32");
  if (batch === 0) return [features, pooled1, argmax1, argmax2];

  // Heap views are taken after every makeOutput, which may grow the heap and detach older views.
  const activations: TrunkActivations = {
    features: backend.typedArrayFromHeap(features) as Float32Array,
    pooled1: backend.typedArrayFromHeap(pooled1) as Float32Array,
    argmax1: backend.typedArrayFromHeap(argmax1) as Int32Array,
    argmax2: backend.typedArrayFromHeap(argmax2) as Int32Array,
  };
  const weights = readWeights(backend, inputs);
  trunkModule().forward(batch, backend.typedArrayFromHeap(images) as Float32Array, weights, activations);
  return [features, pooled1, argmax1, argmax2];
}

/**
 * Gradient kernel: inputs images, w1, b1, w2, b2, the forward kernel's
 * outputs and dFeatures [b, 500]; outputs dw1, db1, dw2, db2.
 */
function trunkGradient(args: { inputs: NamedTensorMap; backend: BackendWasm }): TensorInfo[] {
  const { inputs, backend } = args;
  const batch = inputs.images.shape[0];
  checkInput(TRUNK_GRAD_KERNEL, "images", inputs.images, [-1, 28, 28, 1], "float32");
  checkInput(TRUNK_GRAD_KERNEL, "pooled1", inputs.pooled1, [batch, 13, 13, 10], "float32");
  checkInput(TRUNK_GRAD_KERNEL, "argmax1", inputs.argmax1, [batch, 13, 13, 10], "int32");
  checkInput(TRUNK_GRAD_KERNEL, "features", inputs.features, [batch, SIZES.features], "float32");
  checkInput(TRUNK_GRAD_KERNEL, "argmax2", inputs.argmax2, [batch, SIZES.features], "int32");
  checkInput(TRUNK_GRAD_KERNEL, "dFeatures", inputs.dFeatures, [batch, SIZES.features], "float32");
  checkWeights(TRUNK_GRAD_KERNEL, inputs);

  const outputs = (Object.keys(WEIGHT_SHAPES) as (keyof TrunkWeights)[]).map((name) =>
    backend.makeOutput(WEIGHT_SHAPES[name], "float32")
  );
  const [dw1, db1, dw2, db2] = outputs.map((info) => backend.typedArrayFromHeap(info) as Float32Array);
  if (batch === 0) {
    for (const gradient of [dw1, db1, dw2, db2]) gradient.fill(0);
    return outputs;
  }
  const weights = readWeights(backend, inputs);
  const activations: TrunkActivations = {
    pooled1: backend.typedArrayFromHeap(inputs.pooled1) as Float32Array,
    argmax1: backend.typedArrayFromHeap(inputs.argmax1) as Int32Array,
    features: backend.typedArrayFromHeap(inputs.features) as Float32Array,
    argmax2: backend.typedArrayFromHeap(inputs.argmax2) as Int32Array,
  };
  trunkModule().backward(
    batch,
    backend.typedArrayFromHeap(inputs.images) as Float32Array,
    weights,
    activations,
    backend.typedArrayFromHeap(inputs.dFeatures) as Float32Array,
    { w1: dw1, b1: db1, w2: dw2, b2: db2 },
  );
  return outputs;
}

/** Kernel config of the forward trunk on 'wasm'. */
export const trunkConfig: KernelConfig = {
  kernelName: TRUNK_KERNEL,
  backendName: "wasm",
  kernelFunc: trunkForward as unknown as KernelFunc,
};

/** Kernel config of the trunk's weight gradients on 'wasm'. */
export const trunkGradConfig: KernelConfig = {
  kernelName: TRUNK_GRAD_KERNEL,
  backendName: "wasm",
  kernelFunc: trunkGradient as unknown as KernelFunc,
};

/**
 * Gradient of `ReluLabTrunk`: one `ReluLabTrunkGrad` call gives all four
 * weight gradients. It runs when the tape reaches the node, not inside the
 * per-input closures: each closure runs in its own tidy, which would
 * dispose the other three gradients.
 */
export const trunkGradientConfig: GradConfig = {
  kernelName: TRUNK_KERNEL,
  inputsToSave: ["images", "w1", "b1", "w2", "b2"],
  outputsToSave: [true, true, true, true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [images, w1, b1, w2, b2, features, pooled1, argmax1, argmax2] = saved;
    const dFeatures = (dy as Tensor[])[0] ?? tf.zerosLike(features);
    const [dw1, db1, dw2, db2] = tf.engine().runKernel(TRUNK_GRAD_KERNEL, {
      images,
      w1,
      b1,
      w2,
      b2,
      pooled1,
      argmax1,
      features,
      argmax2,
      dFeatures,
    }) as Tensor[];
    return {
      images: () => {
        throw new Error(
          `${TRUNK_KERNEL} has no gradient with respect to its images; differentiate with respect to the weights only.`,
        );
      },
      w1: () => dw1,
      b1: () => db1,
      w2: () => dw2,
      b2: () => db2,
    };
  },
};
