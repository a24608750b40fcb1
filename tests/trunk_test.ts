/**
 * Tests of the fused convolutional trunk: trunk.c run as the `ReluLabTrunk` and `ReluLabTrunkGrad`
 * kernels on tfjs's wasm backend, against the same trunk composed of stock tfjs ops on the cpu
 * backend. They also cover the kernels' input checks, their tensor bookkeeping, and the tool that
 * embeds the compiled module in TypeScript.
 *
 * Tolerances bound max |fused − cpu| relative to max |cpu| over each tensor:
 * - features: 1e-5. Both sides compute in float32 but round differently: the cpu backend adds the
 *   bias after the convolution and rounds each product-and-add from float64 to float32, while
 *   trunk.c starts from the bias and rounds every product. The inputs here stay below 5e-7.
 * - weight gradients: 1e-4. trunk.c sums each gradient over the batch in float32, while the cpu
 *   backend's filter gradient sums in float64, so the fused rounding error grows with the batch.
 *   The inputs here stay below 5e-6, the largest at batch 300.
 * - gradients where pooling windows tie: 1e-5. Only rounding separates the two sides there, and
 *   the inputs here stay below 4e-7.
 *
 * A wrong kernel misses these by orders of magnitude: a misplaced tap, channel, pooling winner or
 * chunk changes an element by about the tensor's own size.
 *
 * The cpu backend's filter gradient takes about 60 ms an image, so the 300-image gradient
 * comparison takes most of this file's runtime.
 *
 * @module
 */

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadFashionMnist } from "../lib/data/mod.ts";
import { initConv2d } from "../lib/model/init.ts";
import { createNetwork } from "../lib/model/network.ts";
import {
  fusedTrunkActive,
  setFusedTrunkAllowed,
  trunk,
  TRUNK_GRAD_KERNEL,
  TRUNK_KERNEL,
  type TrunkParams,
} from "../lib/model/trunk.ts";
import { seededRandom } from "../lib/random.ts";
import { selectBackend } from "../lib/train/backend.ts";
import { decodeBase64 } from "../lib/train/kernels/base64.ts";
import { CHUNK_IMAGES } from "../lib/train/kernels/trunk_module.ts";
import { TRUNK_WASM_BASE64 } from "../lib/train/kernels/trunk_wasm.ts";
import { bytesFromModuleText, moduleText } from "../tools/build_trunk.ts";

const FEATURE_TOLERANCE = 1e-5;
const GRADIENT_TOLERANCE = 1e-4;
const TIE_TOLERANCE = 1e-5;

const IMAGE_PIXELS = 28 * 28;
const FEATURES = 500;

/** Batch sizes of the comparisons with cpu. The last one spans two chunks of the WebAssembly module. */
const BATCH_SIZES = [1, 20, 300];
assert.ok(BATCH_SIZES[2] > CHUNK_IMAGES, "the largest batch must span two chunks of the WebAssembly module");

const REPOSITORY_ROOT = new URL("../", import.meta.url);

const dataset = await loadFashionMnist();

/** Filters and biases of the trunk as plain arrays, in tfjs's layouts (HWIO filters). */
interface TrunkArrays {
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

type ParamName = keyof TrunkArrays;

const PARAM_SHAPES: Record<ParamName, number[]> = {
  w1: [3, 3, 1, 10],
  b1: [10],
  w2: [3, 3, 10, 20],
  b2: [20],
};

const PARAM_NAMES = Object.keys(PARAM_SHAPES) as ParamName[];

/** Returns `n` floats uniform in [-scale, scale) from stream `stream` of `seed`. */
function uniform(n: number, seed: number, stream: string, scale = 1): Float32Array {
  const rng = seededRandom(seed, stream);
  return Float32Array.from({ length: n }, () => scale * (2 * rng() - 1));
}

/** Draws trunk weights with the PyTorch initialisation scheme, from stream "trunk-test" of `seed`. */
function initialWeights(seed: number): TrunkArrays {
  const rng = seededRandom(seed, "trunk-test");
  const conv1 = initConv2d(rng, "pytorch", 3, 3, 1, 10);
  const conv2 = initConv2d(rng, "pytorch", 3, 3, 10, 20);
  return { w1: conv1.kernel, b1: conv1.bias, w2: conv2.kernel, b2: conv2.bias };
}

/** Returns the first `batch` Fashion-MNIST training images, [batch, 28, 28] flattened. */
function fashionImages(batch: number): Float32Array {
  return dataset.train.images.subarray(0, batch * IMAGE_PIXELS);
}

/** Starts `backend` and checks that the trunk runs fused exactly when the backend is wasm. */
async function startBackend(backend: "wasm" | "cpu"): Promise<void> {
  await selectBackend(backend);
  assert.equal(
    fusedTrunkActive(),
    backend === "wasm",
    `fusedTrunkActive() on ${backend}: the comparison needs the fused path on wasm and stock ops on cpu`,
  );
}

/** Creates the trunk's weights as tensors on the active backend. The caller disposes them. */
function paramTensors(weights: TrunkArrays): TrunkParams {
  return {
    w1: tf.tensor4d(weights.w1, PARAM_SHAPES.w1 as [number, number, number, number]),
    b1: tf.tensor1d(weights.b1),
    w2: tf.tensor4d(weights.w2, PARAM_SHAPES.w2 as [number, number, number, number]),
    b2: tf.tensor1d(weights.b2),
  };
}

/** Creates the trunk's weights as variables on the active backend, leaving no other tensor behind. */
function paramVariables(weights: TrunkArrays): Record<ParamName, tf.Variable> {
  // tf.variable shares the initial tensor's data, so tidy can dispose that tensor and keep the variable.
  return tf.tidy(() => {
    const tensors = paramTensors(weights);
    return {
      w1: tf.variable(tensors.w1),
      b1: tf.variable(tensors.b1),
      w2: tf.variable(tensors.w2),
      b2: tf.variable(tensors.b2),
    };
  });
}

/** Creates images [batch, 28, 28, 1] from flattened pixels. */
function imageTensor(images: Float32Array): tf.Tensor4D {
  return tf.tensor4d(images, [images.length / IMAGE_PIXELS, 28, 28, 1]);
}

/** Runs the trunk on `backend` and returns the features [batch, 500], flattened. */
async function featuresOn(backend: "wasm" | "cpu", images: Float32Array, weights: TrunkArrays): Promise<Float32Array> {
  await startBackend(backend);
  const batch = images.length / IMAGE_PIXELS;
  const features = tf.tidy(() => trunk(imageTensor(images), paramTensors(weights)));
  assert.deepEqual(features.shape, [batch, FEATURES], `${backend}: features shape`);
  const values = (await features.data()) as Float32Array;
  features.dispose();
  return values;
}

/**
 * Returns the gradients of Σ features · dFeatures with respect to the trunk's weights on `backend`,
 * so that dFeatures is the gradient the trunk's backward pass receives.
 */
async function gradientsOn(
  backend: "wasm" | "cpu",
  images: Float32Array,
  weights: TrunkArrays,
  dFeatures: Float32Array,
): Promise<TrunkArrays> {
  await startBackend(backend);
  const batch = images.length / IMAGE_PIXELS;
  const variables = paramVariables(weights);
  try {
    const { value, grads } = tf.variableGrads(() => {
      const features = trunk(imageTensor(images), variables as unknown as TrunkParams);
      return tf.sum(tf.mul(features, tf.tensor2d(dFeatures, [batch, FEATURES]))) as tf.Scalar;
    }, PARAM_NAMES.map((name) => variables[name]));
    const gradients = {} as TrunkArrays;
    // variableGrads keys gradients by each variable's own name.
    for (const name of PARAM_NAMES) gradients[name] = (await grads[variables[name].name].data()) as Float32Array;
    tf.dispose([value, ...Object.values(grads)]);
    return gradients;
  } finally {
    tf.dispose(Object.values(variables));
  }
}

/** Asserts max |actual − expected| ≤ tolerance · max |expected|, and that `expected` is not all zeros. */
function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  let scale = 0;
  let worst = 0;
  let worstIndex = -1;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    const difference = Math.abs(actual[i] - expected[i]);
    // A NaN difference fails the comparison below, so it must be kept as the worst.
    if (!(difference <= worst)) {
      worst = difference;
      worstIndex = i;
    }
  }
  assert.ok(scale > 0, `${label}: the cpu result is all zeros, so the comparison proves nothing`);
  assert.ok(
    worst <= tolerance * scale,
    `${label}: max |fused − cpu| = ${worst} at index ${worstIndex} (fused ${actual[worstIndex]}, ` +
      `cpu ${expected[worstIndex]}), above ${tolerance} × max |cpu| = ${tolerance * scale}`,
  );
}

/** Asserts that every element of `values` is exactly 0, which also rules out NaN. */
function assertAllZero(values: Float32Array, label: string): void {
  const index = values.findIndex((value) => value !== 0);
  assert.equal(index, -1, `${label}: element ${index} is ${values[index]}, expected 0`);
}

/** Compares the fused gradients with the cpu gradients parameter by parameter. */
function assertGradientsClose(actual: TrunkArrays, expected: TrunkArrays, tolerance: number, label: string): void {
  for (const name of PARAM_NAMES) assertClose(actual[name], expected[name], tolerance, `${label}, d${name}`);
}

for (const batch of BATCH_SIZES) {
  Deno.test(`fused features match cpu, batch ${batch}`, async () => {
    const images = fashionImages(batch);
    for (const seed of [1, 2, 3]) {
      const weights = initialWeights(seed);
      const expected = await featuresOn("cpu", images, weights);
      const actual = await featuresOn("wasm", images, weights);
      assertClose(actual, expected, FEATURE_TOLERANCE, `batch ${batch}, seed ${seed}`);
    }
  });
}

Deno.test("fused features match cpu on uniform noise", async () => {
  // Noise has no constant background, so pooling windows almost never tie and ReLU inputs take both signs.
  const images = uniform(20 * IMAGE_PIXELS, 4, "noise-images").map((value) => (value + 1) / 2);
  const weights = initialWeights(4);
  const expected = await featuresOn("cpu", images, weights);
  const actual = await featuresOn("wasm", images, weights);
  assertClose(actual, expected, FEATURE_TOLERANCE, "uniform noise");
});

Deno.test("fused trunk accepts an empty batch", async () => {
  await startBackend("wasm");
  const variables = paramVariables(initialWeights(1));
  try {
    const features = tf.tidy(() => trunk(tf.zeros([0, 28, 28, 1]), variables as unknown as TrunkParams));
    assert.deepEqual(features.shape, [0, FEATURES]);
    features.dispose();

    const { value, grads } = tf.variableGrads(
      () => tf.sum(trunk(tf.zeros([0, 28, 28, 1]), variables as unknown as TrunkParams)) as tf.Scalar,
      PARAM_NAMES.map((name) => variables[name]),
    );
    for (const name of PARAM_NAMES) {
      const gradient = grads[variables[name].name];
      assert.deepEqual(gradient.shape, PARAM_SHAPES[name], `d${name} shape`);
      assertAllZero((await gradient.data()) as Float32Array, `d${name}`);
    }
    tf.dispose([value, ...Object.values(grads)]);
  } finally {
    tf.dispose(Object.values(variables));
  }
});

for (const [index, batch] of BATCH_SIZES.entries()) {
  Deno.test(`fused weight gradients match cpu, batch ${batch}`, async () => {
    const seed = 10 + index;
    const images = fashionImages(batch);
    const weights = initialWeights(seed);
    const dFeatures = uniform(batch * FEATURES, seed, "d-features");
    const expected = await gradientsOn("cpu", images, weights, dFeatures);
    const actual = await gradientsOn("wasm", images, weights, dFeatures);
    assertGradientsClose(actual, expected, GRADIENT_TOLERANCE, `batch ${batch}`);
  });
}

/** Returns the gradients of the mean NLL of the network with head `head` with respect to the trunk's weights. */
async function networkGradientsOn(backend: "wasm" | "cpu", head: string, batch: number): Promise<TrunkArrays> {
  await startBackend(backend);
  const network = createNetwork({ head, seed: 5, init: "pytorch" });
  try {
    const names: Record<ParamName, string> = {
      w1: "conv1/kernel",
      b1: "conv1/bias",
      w2: "conv2/kernel",
      b2: "conv2/bias",
    };
    const variables = PARAM_NAMES.map((name) => network.params[names[name]]);
    const { value, grads } = tf.variableGrads(() => {
      const images = imageTensor(fashionImages(batch));
      const labels = tf.oneHot(tf.tensor1d(Array.from(dataset.train.labels.subarray(0, batch)), "int32"), 10);
      return tf.neg(tf.mean(tf.sum(tf.mul(network.forward(images).logProbs, labels), 1))) as tf.Scalar;
    }, variables);
    const gradients = {} as TrunkArrays;
    for (const [i, name] of PARAM_NAMES.entries()) {
      gradients[name] = (await grads[variables[i].name].data()) as Float32Array;
    }
    tf.dispose([value, ...Object.values(grads)]);
    return gradients;
  } finally {
    network.dispose();
  }
}

for (const head of ["linear", "relu"]) {
  Deno.test(`fused NLL gradients match cpu, ${head} head`, async () => {
    for (const batch of [1, 20]) {
      const expected = await networkGradientsOn("cpu", head, batch);
      const actual = await networkGradientsOn("wasm", head, batch);
      assertGradientsClose(actual, expected, GRADIENT_TOLERANCE, `${head} head, batch ${batch}`);
    }
  });
}

/**
 * Returns one image that is constant on 4×4 blocks starting at rows and columns 3, 7, 11, …, with a
 * seeded value in [0, 1) for each block.
 *
 * With filters that are zero except at their centre tap, every pooling window of both layers then
 * ties: the four conv1 outputs of a window read their centre pixels from one block, and so do the four
 * conv2 outputs through pooled1. The other taps of the four positions read different pixels, so the
 * weight gradients depend on which position takes the window's gradient.
 */
function blockImage(seed: number): Float32Array {
  const rng = seededRandom(seed, "block-image");
  const blocks = Float32Array.from({ length: 8 * 8 }, () => rng());
  const image = new Float32Array(IMAGE_PIXELS);
  for (let row = 0; row < 28; row++) {
    for (let column = 0; column < 28; column++) {
      image[row * 28 + column] = blocks[Math.floor((row + 1) / 4) * 8 + Math.floor((column + 1) / 4)];
    }
  }
  return image;
}

/** Returns seeded weights whose filters are zero except at the centre tap (kh = kw = 1). */
function centreTapWeights(seed: number): TrunkArrays {
  const centre = 1 * 3 + 1;
  const w1 = new Float32Array(9 * 10);
  w1.set(uniform(10, seed, "centre-w1"), centre * 10);
  const w2 = new Float32Array(9 * 10 * 20);
  w2.set(uniform(10 * 20, seed, "centre-w2"), centre * 10 * 20);
  return { w1, b1: uniform(10, seed, "centre-b1", 0.2), w2, b2: uniform(20, seed, "centre-b2", 0.2) };
}

Deno.test("fused ties go to first window position", async () => {
  const images = new Float32Array(3 * IMAGE_PIXELS);
  for (let i = 0; i < 3; i++) images.set(blockImage(20 + i), i * IMAGE_PIXELS);
  const weights = centreTapWeights(20);
  const dFeatures = uniform(3 * FEATURES, 20, "tie-d-features");

  // The construction must leave some window active, or there is no gradient to route.
  const features = await featuresOn("cpu", images, weights);
  assert.ok(features.some((value) => value > 0), "no conv2 output is positive, so no window routes a gradient");

  const expected = await gradientsOn("cpu", images, weights, dFeatures);
  const actual = await gradientsOn("wasm", images, weights, dFeatures);
  assertGradientsClose(actual, expected, TIE_TOLERANCE, "tied windows");
});

/** Returns `values` with every element replaced by −|value|. */
function negated(values: Float32Array): Float32Array {
  return values.map((value) => -Math.abs(value));
}

/** Weights under which no convolution output of either layer is positive, on images in [0, 1]. */
const INACTIVE_WEIGHTS: Record<string, TrunkArrays> = {
  // conv1 ≤ −0.1 everywhere, so pooled1 = 0 and conv2 = b2 < 0.
  "conv1 negative": {
    ...initialWeights(30),
    w1: negated(uniform(90, 30, "negative-w1")),
    b1: new Float32Array(10).fill(-0.1),
    b2: new Float32Array(20).fill(-0.1),
  },
  // pooled1 > 0 but conv2 ≤ −0.1 everywhere.
  "conv2 negative": {
    w1: uniform(90, 31, "positive-w1").map(Math.abs),
    b1: new Float32Array(10).fill(0.1),
    w2: negated(uniform(1800, 31, "negative-w2")),
    b2: new Float32Array(20).fill(-0.1),
  },
  // Every output is exactly 0, where tfjs's ReLU gradient, step(x), is 0.
  "all zero": {
    w1: new Float32Array(90),
    b1: new Float32Array(10),
    w2: new Float32Array(1800),
    b2: new Float32Array(20),
  },
};

for (const [label, weights] of Object.entries(INACTIVE_WEIGHTS)) {
  Deno.test(`inactive ReLUs give zeros, ${label}`, async () => {
    const images = fashionImages(2);
    const dFeatures = uniform(2 * FEATURES, 30, "inactive-d-features");
    for (const backend of ["cpu", "wasm"] as const) {
      assertAllZero(await featuresOn(backend, images, weights), `${backend} features`);
      const gradients = await gradientsOn(backend, images, weights, dFeatures);
      for (const name of PARAM_NAMES) assertAllZero(gradients[name], `${backend} d${name}`);
    }
  });
}

Deno.test("fused trunk leaks no tensors", async () => {
  await startBackend("wasm");
  const variables = paramVariables(initialWeights(40));
  const images = imageTensor(fashionImages(20));
  const params = variables as unknown as TrunkParams;
  try {
    const before = tf.memory();
    const dataIdsBefore = backendDataIds();

    // Outside tidy the op must dispose the kernel's three extra outputs itself.
    const features = trunk(images, params);
    assert.equal(tf.memory().numTensors, before.numTensors + 1, "trunk() outside tidy left tensors besides features");
    features.dispose();

    tf.tidy(() => tf.relu(trunk(images, params))).dispose();
    const { value, grads } = tf.variableGrads(
      () => tf.sum(trunk(images, params)) as tf.Scalar,
      PARAM_NAMES.map((name) => variables[name]),
    );
    tf.dispose([value, ...Object.values(grads)]);

    const after = tf.memory();
    assert.equal(after.numTensors, before.numTensors, "tensors left after forward and backward");
    assert.equal(after.numDataBuffers, before.numDataBuffers, "data buffers left after forward and backward");
    assert.equal(backendDataIds(), dataIdsBefore, "wasm heap buffers left after forward and backward");
  } finally {
    images.dispose();
    tf.dispose(Object.values(variables));
  }
});

/** Creates valid inputs of the forward kernel for a batch of 2 zero images. The caller disposes them. */
function validKernelInputs(): Record<string, tf.Tensor> {
  return { images: tf.zeros([2, 28, 28, 1]), ...paramTensors(initialWeights(50)) };
}

/** Returns the message of the TypeError that `kernel` throws for input `name`, e.g. found "int32 [20]". */
function inputErrorMessage(kernel: string, name: string, found: string, expected: string): string {
  return `${kernel} (lib/train/kernels/trunk.ts): input '${name}' is ${found}, expected ${expected}. ` +
    "The kernel computes the exercise network's trunk only.";
}

const BAD_INPUTS: { label: string; name: string; tensor: () => tf.Tensor; found: string; expected: string }[] = [
  {
    label: "images with 3 channels",
    name: "images",
    tensor: () => tf.zeros([2, 28, 28, 3]),
    found: "float32 [2, 28, 28, 3]",
    expected: "float32 [batch, 28, 28, 1]",
  },
  {
    label: "int32 images",
    name: "images",
    tensor: () => tf.zeros([2, 28, 28, 1], "int32"),
    found: "int32 [2, 28, 28, 1]",
    expected: "float32 [batch, 28, 28, 1]",
  },
  {
    label: "int32 w1",
    name: "w1",
    tensor: () => tf.zeros([3, 3, 1, 10], "int32"),
    found: "int32 [3, 3, 1, 10]",
    expected: "float32 [3, 3, 1, 10]",
  },
  {
    label: "int32 b2",
    name: "b2",
    tensor: () => tf.zeros([20], "int32"),
    found: "int32 [20]",
    expected: "float32 [20]",
  },
  {
    label: "w2 with transposed channels",
    name: "w2",
    tensor: () => tf.zeros([3, 3, 20, 10]),
    found: "float32 [3, 3, 20, 10]",
    expected: "float32 [3, 3, 10, 20]",
  },
  {
    label: "w2 of rank 2",
    name: "w2",
    tensor: () => tf.zeros([90, 20]),
    found: "float32 [90, 20]",
    expected: "float32 [3, 3, 10, 20]",
  },
];

for (const { label, name, tensor, found, expected } of BAD_INPUTS) {
  Deno.test(`${TRUNK_KERNEL} rejects ${label}`, async () => {
    await startBackend("wasm");
    const inputs = validKernelInputs();
    const bad = tensor();
    try {
      assert.throws(() => tf.engine().runKernel(TRUNK_KERNEL, { ...inputs, [name]: bad }), {
        name: "TypeError",
        message: inputErrorMessage(TRUNK_KERNEL, name, found, expected),
      });
    } finally {
      tf.dispose([bad, ...Object.values(inputs)]);
    }
  });
}

/** Returns the number of data buffers on the active backend, including those that no tensor refers to. */
function backendDataIds(): number {
  return (tf.engine().backend as unknown as { numDataIds(): number }).numDataIds();
}

/**
 * Creates the gradient kernel's inputs by running the forward kernel on `inputs`, with a zero dFeatures.
 * The caller disposes every tensor in the result, `inputs` included.
 */
function gradientKernelInputs(inputs: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
  const [features, pooled1, argmax1, argmax2] = tf.engine().runKernel(TRUNK_KERNEL, inputs) as tf.Tensor[];
  const dFeatures = tf.zeros(features.shape);
  return { ...inputs, features, pooled1, argmax1, argmax2, dFeatures };
}

Deno.test({
  name: "trunk kernels free outputs on rejected weights",
  async fn() {
    await startBackend("wasm");
    const inputs = validKernelInputs();
    const gradientInputs = gradientKernelInputs(inputs);
    const bad = tf.zeros([3, 3, 1, 10], "int32");
    try {
      for (const [kernel, kernelInputs] of [[TRUNK_KERNEL, inputs], [TRUNK_GRAD_KERNEL, gradientInputs]] as const) {
        const before = backendDataIds();
        assert.throws(
          () => tf.engine().runKernel(kernel, { ...kernelInputs, w1: bad }),
          TypeError,
          `${kernel} accepted an int32 w1`,
        );
        assert.equal(backendDataIds(), before, `${kernel}: wasm data buffers left by the rejected call`);
      }
    } finally {
      tf.dispose([bad, ...Object.values(gradientInputs)]);
    }
  },
});

Deno.test({
  name: "trunk kernels check weights at batch 0",
  async fn() {
    await startBackend("wasm");
    const inputs = { ...paramTensors(initialWeights(50)), images: tf.zeros([0, 28, 28, 1]) };
    const gradientInputs = gradientKernelInputs(inputs);
    const bad = tf.zeros([3, 3, 20, 10]);
    try {
      for (const [kernel, kernelInputs] of [[TRUNK_KERNEL, inputs], [TRUNK_GRAD_KERNEL, gradientInputs]] as const) {
        assert.throws(() => tf.engine().runKernel(kernel, { ...kernelInputs, w2: bad }), {
          name: "TypeError",
          message: inputErrorMessage(kernel, "w2", "float32 [3, 3, 20, 10]", "float32 [3, 3, 10, 20]"),
        }, `${kernel} accepted w2 [3, 3, 20, 10] for a batch of 0`);
      }
    } finally {
      tf.dispose([bad, ...Object.values(gradientInputs)]);
    }
  },
});

Deno.test(`${TRUNK_GRAD_KERNEL} rejects dFeatures of another batch`, async () => {
  await startBackend("wasm");
  const gradientInputs = gradientKernelInputs(validKernelInputs());
  const dFeatures = tf.zeros([3, FEATURES]);
  try {
    assert.throws(() => tf.engine().runKernel(TRUNK_GRAD_KERNEL, { ...gradientInputs, dFeatures }), {
      name: "TypeError",
      message: inputErrorMessage(TRUNK_GRAD_KERNEL, "dFeatures", "float32 [3, 500]", "float32 [2, 500]"),
    });
  } finally {
    tf.dispose([dFeatures, ...Object.values(gradientInputs)]);
  }
});

Deno.test("fused trunk rejects image gradients", async () => {
  await startBackend("wasm");
  const images = imageTensor(fashionImages(2));
  const params = paramTensors(initialWeights(60));
  try {
    // tfjs 4.22.0's engine keeps the tape's saved tensors when a gradient function throws, so this test
    // checks the error only, not the tensor count.
    assert.throws(() => tf.grad((x: tf.Tensor) => tf.sum(trunk(x as tf.Tensor4D, params)))(images), {
      name: "Error",
      message: `${TRUNK_KERNEL} has no gradient with respect to its images; ` +
        "differentiate with respect to the weights only.",
    });
  } finally {
    tf.dispose([images, ...Object.values(params)]);
  }
});

/** Returns the names of the kernels that `compute` runs on the active backend. */
async function kernelNames(compute: () => tf.Tensor): Promise<string[]> {
  const profile = await tf.profile(() => tf.tidy(compute));
  return profile.kernels.map((kernel) => kernel.name);
}

Deno.test("setFusedTrunkAllowed(false) switches wasm to stock ops", async () => {
  await startBackend("wasm");
  const images = imageTensor(fashionImages(20));
  const params = paramTensors(initialWeights(70));
  try {
    const fusedKernels = await kernelNames(() => trunk(images, params));
    assert.ok(fusedKernels.includes(TRUNK_KERNEL), `fused path ran ${fusedKernels.join(", ")}`);
    const fused = tf.tidy(() => trunk(images, params));
    const fusedValues = (await fused.data()) as Float32Array;
    fused.dispose();

    setFusedTrunkAllowed(false);
    try {
      assert.equal(fusedTrunkActive(), false);
      const stockKernels = await kernelNames(() => trunk(images, params));
      assert.ok(!stockKernels.includes(TRUNK_KERNEL), `stock path ran ${stockKernels.join(", ")}`);
      const stock = tf.tidy(() => trunk(images, params));
      assert.deepEqual(stock.shape, [20, FEATURES]);
      const stockValues = (await stock.data()) as Float32Array;
      stock.dispose();
      assertClose(fusedValues, stockValues, FEATURE_TOLERANCE, "fused vs stock ops on wasm");
    } finally {
      setFusedTrunkAllowed(true);
    }
    assert.equal(fusedTrunkActive(), true);
  } finally {
    tf.dispose([images, ...Object.values(params)]);
  }
});

Deno.test("bytesFromModuleText() reads back what moduleText() wrote", () => {
  const rng = seededRandom(80, "module-bytes");
  for (const length of [0, 1, 2, 3, 4, 75, 76, 100, 1000]) {
    const bytes = Uint8Array.from({ length }, () => Math.floor(256 * rng()));
    assert.deepEqual(bytesFromModuleText(moduleText(bytes)), bytes, `${length} bytes`);
  }
  const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(bytesFromModuleText(moduleText(everyByte)), everyByte, "bytes 0 to 255");
});

Deno.test("committed trunk_wasm.ts is a valid module", async () => {
  const text = await Deno.readTextFile(new URL("lib/train/kernels/trunk_wasm.ts", REPOSITORY_ROOT));
  const bytes = bytesFromModuleText(text);
  assert.deepEqual(bytes, decodeBase64(TRUNK_WASM_BASE64), "the text parsed differs from the imported constant");
  assert.equal(moduleText(bytes), text, "the committed file is not what moduleText() writes for its bytes");
  assert.ok(WebAssembly.validate(bytes as BufferSource), "the committed bytes are not a valid WebAssembly module");

  const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes as BufferSource));
  const kinds = new Map(exports.map(({ name, kind }) => [name, kind]));
  const expected: [string, string][] = [
    ["memory", "memory"],
    ["__heap_base", "global"],
    ["trunk_set_weights", "function"],
    ["trunk_forward", "function"],
    ["trunk_backward_begin", "function"],
    ["trunk_backward", "function"],
    ["trunk_backward_end", "function"],
  ];
  for (const [name, kind] of expected) assert.equal(kinds.get(name), kind, `export ${name}`);
});

/** Reports whether `command --version` runs and succeeds. */
async function commandWorks(command: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, { args: ["--version"], stdout: "null", stderr: "null" })
      .output();
    return success;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

const hasClang14 = await commandWorks("clang-14");

Deno.test({
  name: hasClang14
    ? "build_trunk.ts --check finds trunk_wasm.ts up to date"
    : "build_trunk.ts --check, skipped without clang-14 (apt-get install clang-14 lld-14)",
  ignore: !hasClang14,
  async fn() {
    const result = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "tools/build_trunk.ts", "--check"],
      cwd: REPOSITORY_ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    assert.equal(
      result.code,
      0,
      `build_trunk.ts --check exited with ${result.code}:\n${decoder.decode(result.stdout)}${
        decoder.decode(result.stderr)
      }`,
    );
  },
});
