/**
 * Tests of the kernels lib/train/kernels registers on tfjs's wasm backend:
 * each one against tfjs's cpu backend on the same inputs.
 *
 * Tolerance: max |wasm − cpu| ≤ 1e-4 · max |cpu| over each tensor. The cpu
 * backend mostly accumulates in float64 JavaScript numbers, XNNPACK in
 * float32 and in another order, so a single element near zero can differ by
 * more than 1e-4 of itself.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { seededRandom } from "../lib/random.ts";
import { registerWasmKernels } from "../lib/train/kernels/mod.ts";

const RELATIVE_TOLERANCE = 1e-4;

setWasmPaths(
  fileURLToPath(new URL("./", import.meta.resolve("@tensorflow/tfjs-backend-wasm"))),
);
registerWasmKernels();

/** Returns `n` floats uniform in [-1, 1) from the seeded stream `stream`. */
function uniform(n: number, stream: string): Float32Array {
  const rng = seededRandom(7, stream);
  return Float32Array.from({ length: n }, () => 2 * rng() - 1);
}

/** Runs `compute` on `backend` and returns its outputs' values; disposes every tensor it made. */
async function valuesOn(
  backend: string,
  compute: () => tf.Tensor[],
): Promise<Float32Array[]> {
  assert.equal(
    await tf.setBackend(backend),
    true,
    `backend ${backend} failed to start`,
  );
  const before = tf.memory().numTensors;
  const outputs = tf.tidy(compute);
  const values = outputs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outputs);
  assert.equal(
    tf.memory().numTensors,
    before,
    `${backend}: compute leaked tensors`,
  );
  return values;
}

/** Asserts max |actual − expected| ≤ RELATIVE_TOLERANCE · max |expected|. */
function assertClose(
  actual: Float32Array,
  expected: Float32Array,
  label: string,
): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  }
  assert.ok(
    scale > 0,
    `${label}: reference is all zeros, so the comparison proves nothing`,
  );
  assert.ok(
    worst <= RELATIVE_TOLERANCE * scale,
    `${label}: max |wasm − cpu| = ${worst}, above ${RELATIVE_TOLERANCE} × ${scale}`,
  );
}

/** Compares `compute` on wasm and on cpu, output by output. */
async function assertWasmMatchesCpu(
  compute: () => tf.Tensor[],
  label: string,
): Promise<void> {
  const expected = await valuesOn("cpu", compute);
  const actual = await valuesOn("wasm", compute);
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assertClose(actual[i], e, `${label}, output ${i}`));
}

/** Runs one Conv2DBackpropFilter kernel on seeded x and dy. */
function filterGradient(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number,
  pad: "valid" | "same",
): tf.Tensor[] {
  const x = tf.tensor4d(uniform(xShape.reduce((a, b) => a * b), "x"), xShape);
  const y = tf.conv2d(x, tf.zeros(filterShape), strides, pad);
  const dy = tf.tensor(uniform(y.size, "dy"), y.shape);
  const dW = tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
    strides,
    pad,
    dataFormat: "NHWC",
    filterShape,
  }) as tf.Tensor;
  return [dW];
}

Deno.test("registerWasmKernels() twice keeps one registration", () => {
  registerWasmKernels();
  const kernel = tf.getKernel("Conv2DBackpropFilter", "wasm");
  registerWasmKernels();
  assert.equal(tf.getKernel("Conv2DBackpropFilter", "wasm"), kernel);
});

Deno.test("Conv2DBackpropFilter on wasm matches cpu, valid padding", async () => {
  await assertWasmMatchesCpu(
    () => filterGradient([3, 13, 13, 10], [3, 3, 10, 20], 1, "valid"),
    "10→20 valid",
  );
  await assertWasmMatchesCpu(
    () => filterGradient([4, 28, 28, 1], [3, 3, 1, 10], 1, "valid"),
    "1→10 valid",
  );
});

Deno.test("Conv2DBackpropFilter on wasm matches cpu, strided", async () => {
  await assertWasmMatchesCpu(
    () => filterGradient([2, 9, 8, 3], [3, 2, 3, 4], 2, "same"),
    "stride 2 same",
  );
  await assertWasmMatchesCpu(
    () => filterGradient([2, 10, 11, 3], [3, 3, 3, 4], 2, "valid"),
    "stride 2 valid",
  );
  await assertWasmMatchesCpu(
    () => filterGradient([2, 11, 11, 2], [4, 4, 2, 3], 3, "valid"),
    "stride 3 valid",
  );
  await assertWasmMatchesCpu(
    () => filterGradient([3, 9, 10, 1], [3, 3, 1, 4], 2, "same"),
    "1 input channel, stride 2 same",
  );
});

Deno.test("Conv2DBackpropFilter on wasm rejects NCHW data", async () => {
  await tf.setBackend("wasm");
  const x = tf.zeros([1, 5, 5, 1]);
  const dy = tf.zeros([1, 3, 3, 1]);
  assert.throws(
    () =>
      tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
        strides: 1,
        pad: "valid",
        dataFormat: "NCHW",
        filterShape: [3, 3, 1, 1],
      }),
    new TypeError(
      "Conv2DBackpropFilter on 'wasm' (lib/train/kernels) supports dataFormat 'NHWC' only, got 'NCHW': keep images channels-last.",
    ),
  );
  tf.dispose([x, dy]);
});

/** Runs one kernel by name on seeded inputs of the given shapes. */
function kernelOn(
  kernelName: string,
  shapes: Record<string, number[]>,
  attrs: tf.NamedAttrMap,
  stream = "kernel",
): tf.Tensor[] {
  const inputs = Object.fromEntries(
    Object.entries(shapes).map(([name, shape]) => [
      name,
      tf.tensor(uniform(shape.reduce((a, b) => a * b, 1), `${stream}-${name}`), shape),
    ]),
  );
  return [tf.engine().runKernel(kernelName, inputs, attrs) as tf.Tensor];
}

Deno.test("Conv2DBackpropInput on wasm matches cpu", async () => {
  type Shape4 = [number, number, number, number];
  const cases: [Shape4, Shape4, number, "valid" | "same"][] = [
    [[3, 13, 13, 10], [3, 3, 10, 20], 1, "valid"],
    [[2, 9, 8, 3], [3, 2, 3, 4], 1, "same"],
    [[2, 9, 8, 3], [3, 3, 3, 4], 2, "same"],
    [[2, 10, 11, 3], [3, 3, 3, 4], 2, "valid"],
  ];
  for (const [inputShape, filterShape, strides, pad] of cases) {
    const y = tf.conv2d(tf.zeros<tf.Rank.R4>(inputShape), tf.zeros<tf.Rank.R4>(filterShape), strides, pad);
    const dyShape = y.shape;
    tf.dispose(y);
    await assertWasmMatchesCpu(
      () =>
        kernelOn("Conv2DBackpropInput", { dy: dyShape, filter: filterShape }, {
          strides,
          pad,
          dataFormat: "NHWC",
          inputShape,
        }),
      `input ${inputShape}, filter ${filterShape}, stride ${strides} ${pad}`,
    );
  }
});

/**
 * Returns x: [2, 7, 8, 3] with ties inside pooling windows: the first channel
 * is all zeros (as after a ReLU on an empty background), the second repeats
 * each value on a 2×2 block, the third is seeded noise.
 */
function poolInputWithTies(): tf.Tensor4D {
  const noise = uniform(2 * 7 * 8, "pool");
  const values = new Float32Array(2 * 7 * 8 * 3);
  for (let b = 0; b < 2; b++) {
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 8; j++) {
        const pixel = (b * 7 + i) * 8 + j;
        values[pixel * 3 + 1] = noise[(b * 7 + (i & ~1)) * 8 + (j & ~1)];
        values[pixel * 3 + 2] = noise[pixel];
      }
    }
  }
  return tf.tensor4d(values, [2, 7, 8, 3]);
}

Deno.test("MaxPoolGrad on wasm matches cpu, ties included", async () => {
  const cases: [number, number, "valid" | "same"][] = [[2, 2, "valid"], [2, 2, "same"], [3, 2, "valid"]];
  for (const [filterSize, strides, pad] of cases) {
    await assertWasmMatchesCpu(() => {
      const input = poolInputWithTies();
      const output = tf.maxPool(input, filterSize, strides, pad);
      const dy = tf.tensor(uniform(output.size, "pool-dy"), output.shape);
      return [tf.engine().runKernel("MaxPoolGrad", { dy, input, output }, { filterSize, strides, pad }) as tf.Tensor];
    }, `maxPool ${filterSize}×${filterSize} stride ${strides} ${pad}`);
  }
});

Deno.test("MaxPoolGrad on wasm picks a tie's first maximum", async () => {
  await tf.setBackend("wasm");
  const input = tf.tensor4d([1, 1, 1, 1], [1, 2, 2, 1]);
  const output = tf.tensor4d([1], [1, 1, 1, 1]);
  const dy = tf.tensor4d([5], [1, 1, 1, 1]);
  const dx = tf.engine().runKernel("MaxPoolGrad", { dy, input, output }, {
    filterSize: 2,
    strides: 2,
    pad: "valid",
  }) as tf.Tensor;
  assert.deepEqual(Array.from(dx.dataSync()), [5, 0, 0, 0]);
  tf.dispose([input, output, dy, dx]);
});

Deno.test("BatchMatMul on wasm matches cpu, all transposes", async () => {
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      const a = transposeA ? [3, 7, 5] : [3, 5, 7];
      const b = transposeB ? [3, 4, 7] : [3, 7, 4];
      await assertWasmMatchesCpu(
        () => kernelOn("BatchMatMul", { a, b }, { transposeA, transposeB }),
        `transposeA ${transposeA}, transposeB ${transposeB}`,
      );
    }
  }
});

Deno.test("Sum on wasm matches cpu over any axes", async () => {
  const cases: [number[], number[], boolean][] = [
    [[6, 26, 26, 10], [0, 1, 2], false],
    [[6, 11, 11, 20], [2, 0, 1], true],
    [[1, 20, 10], [0, 1], false],
    [[40, 3, 5], [0], false],
    [[6, 5, 4, 3], [-4, -3, -2], false],
    [[6, 5, 4, 3], [1, 2], false],
    [[6, 5, 4, 3], [0, 1, 2, 3], false],
  ];
  for (const [shape, axis, keepDims] of cases) {
    await assertWasmMatchesCpu(
      () => kernelOn("Sum", { x: shape }, { axis, keepDims }),
      `sum of ${shape} over ${axis}, keepDims ${keepDims}`,
    );
  }
});

Deno.test("Add on wasm matches cpu for broadcasts", async () => {
  const cases: [number[], number[]][] = [
    [[6, 26, 26, 10], [10]],
    [[20], [3, 11, 11, 20]],
    [[6, 26, 26, 10], [6, 26, 26, 10]],
    [[4, 10], [10]],
    [[6, 26, 26, 10], [26, 1, 10]],
  ];
  for (const [a, b] of cases) {
    await assertWasmMatchesCpu(() => kernelOn("Add", { a, b }, {}), `${a} + ${b}`);
  }
  // A bias that is a reshaped view keeps its buffer's original shape, which the depthwise kernel rejects.
  await assertWasmMatchesCpu(() => {
    const x = tf.tensor4d(uniform(6 * 26 * 26 * 10, "add-x"), [6, 26, 26, 10]);
    const bias = tf.reshape(tf.tensor2d(uniform(10, "add-bias"), [1, 10]), [10]);
    return [tf.add(x, bias)];
  }, "bias reshaped from [1, 10]");
});

Deno.test("Identity and Cast on wasm share buffers safely", async () => {
  await tf.setBackend("wasm");
  const x = tf.tensor2d([[1.5, -2], [3, 4]]);
  const copy = tf.clone(x);
  const same = tf.cast(x, "float32");
  const integers = tf.cast(x, "int32");
  x.dispose();
  assert.deepEqual(Array.from(copy.dataSync()), [1.5, -2, 3, 4]);
  assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 3, 4]);
  assert.deepEqual(Array.from(integers.dataSync()), [1, -2, 3, 4]);
  assert.equal(integers.dtype, "int32");
  tf.dispose([copy, same, integers]);
});

/**
 * Gradients of the exercise network's NLL loss with respect to all its
 * weights, on a batch of 6 seeded images: conv(1→10, 3×3) → ReLU → maxpool 2
 * → conv(10→20, 3×3) → ReLU → maxpool 2 → fc(500→10) → log_softmax.
 */
function exerciseNetworkGradients(fused: boolean): tf.Tensor[] {
  const batch = 6;
  const images = tf.tensor4d(uniform(batch * 28 * 28, "images"), [
    batch,
    28,
    28,
    1,
  ]);
  const labels = tf.oneHot(tf.tensor1d([0, 3, 9, 3, 5, 1], "int32"), 10);
  const w1 = tf.tensor4d(uniform(90, "w1"), [3, 3, 1, 10]).mul(0.3);
  const b1 = tf.tensor1d(uniform(10, "b1")).mul(0.1);
  const w2 = tf.tensor4d(uniform(1800, "w2"), [3, 3, 10, 20]).mul(0.1);
  const b2 = tf.tensor1d(uniform(20, "b2")).mul(0.1);
  const w3 = tf.tensor2d(uniform(5000, "w3"), [500, 10]).mul(0.05);
  const b3 = tf.tensor1d(uniform(10, "b3")).mul(0.05);

  const loss = (
    w1: tf.Tensor,
    b1: tf.Tensor,
    w2: tf.Tensor,
    b2: tf.Tensor,
    w3: tf.Tensor,
    b3: tf.Tensor,
  ) => {
    const conv = (x: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor) =>
      fused
        ? tf.fused.conv2d({
          x,
          filter: w as tf.Tensor4D,
          strides: 1,
          pad: "valid",
          bias: b,
          activation: "relu",
        })
        : tf.relu(
          tf.add(tf.conv2d(x, w as tf.Tensor4D, 1, "valid"), b),
        ) as tf.Tensor4D;
    const h1 = tf.maxPool(conv(images, w1, b1), 2, 2, "valid");
    const h2 = tf.maxPool(conv(h1, w2, b2), 2, 2, "valid");
    const logits = tf.add(tf.matMul(tf.reshape(h2, [batch, 500]), w3), b3);
    return tf.neg(
      tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), labels), 1)),
    ) as tf.Scalar;
  };
  return tf.grads(loss)([w1, b1, w2, b2, w3, b3]);
}

Deno.test("exercise network gradients on wasm match cpu", async () => {
  await assertWasmMatchesCpu(
    () => exerciseNetworkGradients(false),
    "unfused network",
  );
  await assertWasmMatchesCpu(
    () => exerciseNetworkGradients(true),
    "fused network",
  );
});

Deno.test("wasm training steps leak nothing", async () => {
  await tf.setBackend("wasm");
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const weights = [
    tf.variable(tf.tensor4d(uniform(90, "w1"), [3, 3, 1, 10]).mul(0.3)),
    tf.variable(tf.zeros([10])),
    tf.variable(tf.tensor4d(uniform(1800, "w2"), [3, 3, 10, 20]).mul(0.1)),
    tf.variable(tf.zeros([20])),
    tf.variable(tf.tensor2d(uniform(5000, "w3"), [500, 10]).mul(0.05)),
    tf.variable(tf.zeros([10])),
  ];
  const [w1, b1, w2, b2, w3, b3] = weights;
  const images = tf.tensor4d(uniform(4 * 784, "images"), [4, 28, 28, 1]);
  const labels = tf.oneHot(tf.tensor1d([1, 2, 3, 4], "int32"), 10);
  const optimizer = tf.train.sgd(0.001);
  const step = () => {
    const loss = optimizer.minimize(() => {
      const conv = (x: tf.Tensor4D, w: tf.Variable, b: tf.Variable) =>
        tf.fused.conv2d({ x, filter: w as tf.Tensor4D, strides: 1, pad: "valid", bias: b, activation: "relu" });
      const h1 = tf.maxPool(conv(images, w1, b1), 2, 2, "valid");
      const h2 = tf.maxPool(conv(h1, w2, b2), 2, 2, "valid");
      const logits = tf.fused.matMul({ a: tf.reshape(h2, [4, 500]), b: w3, bias: b3 });
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), labels), 1))) as tf.Scalar;
    }, true);
    loss?.dispose();
  };

  step();
  const tensors = tf.memory().numTensors;
  const buffers = backend.numDataIds();
  for (let i = 0; i < 3; i++) step();
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(backend.numDataIds(), buffers);
  tf.dispose([...weights, images, labels]);
  optimizer.dispose();
});
