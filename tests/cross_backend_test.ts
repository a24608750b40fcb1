/**
 * The question's network computes the same gradients and trains to the same
 * losses on every tfjs backend: cpu (the reference), wasm with this
 * project's kernels, and WebGPU where `navigator.gpu` offers an adapter (in
 * CI, Debian's mesa-vulkan-drivers gives a software one).
 *
 * Tolerance: max |backend − cpu| ≤ 1e-3 · max |cpu| for each parameter's
 * gradient. wasm (XNNPACK) and WebGPU accumulate in float32 in another order
 * than cpu, and WebGPU's exp and log differ in the last bits. 1e-3 of a
 * tensor's largest entry is far below any difference a wrong kernel makes
 * (a transposed filter gradient is off by the gradient's own size).
 *
 * @module
 */

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadFashionMnist } from "../lib/data/mod.ts";
import { createNetwork } from "../lib/model/mod.ts";
import { selectBackend, trainRun } from "../lib/train/mod.ts";
import type { RunConfig } from "../lib/train/types.ts";

const RELATIVE_TOLERANCE = 1e-3;
const BATCH = 16;

const dataset = await loadFashionMnist();
const images = dataset.train.images.subarray(0, BATCH * 784);
const labels = Array.from(dataset.train.labels.subarray(0, BATCH));

/** Reports whether this machine's Deno offers a WebGPU adapter (hardware or software). */
async function hasWebGpuAdapter(): Promise<boolean> {
  try {
    return (await navigator.gpu?.requestAdapter()) != null;
  } catch {
    return false;
  }
}
// selectBackend("auto") probes navigator.gpu first and points XDG_RUNTIME_DIR at a private folder, without
// which Mesa prints an error on every adapter request.
await selectBackend("auto");
const webgpu = await hasWebGpuAdapter();
const backends = ["cpu", "wasm", ...(webgpu ? ["webgpu"] : [])];

/** Gradient of the mean NLL of one fixed batch with respect to every parameter, on `backend`. */
async function gradientsOn(backend: string, head: string): Promise<Map<string, Float32Array>> {
  await selectBackend(backend);
  const network = createNetwork({ head, seed: 3, init: "pytorch" });
  const names = Object.keys(network.params);
  const { grads } = tf.variableGrads(() => {
    const x = tf.tensor4d(images, [BATCH, 28, 28, 1]);
    const y = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
    return tf.neg(tf.mean(tf.sum(tf.mul(network.forward(x).logProbs, y), 1))) as tf.Scalar;
  }, names.map((name) => network.params[name]));
  const values = new Map<string, Float32Array>();
  // variableGrads keys gradients by the tfjs variable's own name, not by the params key.
  for (const name of names) {
    values.set(name, (await grads[network.params[name].name].data()) as Float32Array);
  }
  tf.dispose(grads);
  network.dispose();
  return values;
}

function maxAbs(values: Float32Array): number {
  return values.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
}

for (const head of ["linear", "relu"]) {
  Deno.test(`network gradients agree on ${backends.join(", ")} (${head} head)`, async () => {
    const reference = await gradientsOn("cpu", head);
    for (const backend of backends.slice(1)) {
      const gradients = await gradientsOn(backend, head);
      for (const [name, expected] of reference) {
        const actual = gradients.get(name)!;
        assert.equal(actual.length, expected.length, `${backend} ${name}: length`);
        let worst = 0;
        for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        const scale = maxAbs(expected);
        assert.ok(
          worst <= RELATIVE_TOLERANCE * scale,
          `${backend} ${name}: max |difference| ${worst} > ${RELATIVE_TOLERANCE} × max |cpu| ${scale}`,
        );
      }
    }
  });
}

Deno.test(`short training run gives the same losses on ${backends.join(", ")}`, async () => {
  const config: RunConfig = {
    head: "relu",
    seed: 1,
    init: "pytorch",
    optimizer: "sgd",
    learningRate: 0.01,
    batchSize: 20,
    epochs: 1,
    // The cpu backend trains at about 20 images/s, so the run is kept to a few steps.
    trainSubset: 100,
    testSubset: 100,
  };
  const losses = new Map<string, number[]>();
  for (const backend of backends) {
    await selectBackend(backend);
    const record = await trainRun(config, dataset);
    losses.set(backend, [record.epochs[0].trainLoss, record.epochs[0].testLoss]);
  }
  const [referenceTrain, referenceTest] = losses.get("cpu")!;
  for (const backend of backends.slice(1)) {
    const [train, test] = losses.get(backend)!;
    assert.ok(Math.abs(train - referenceTrain) < 1e-4, `${backend} train loss ${train} vs cpu ${referenceTrain}`);
    assert.ok(Math.abs(test - referenceTest) < 1e-4, `${backend} test loss ${test} vs cpu ${referenceTest}`);
  }
});

Deno.test({
  name: "a WebGPU adapter is there when CI installed mesa-vulkan-drivers",
  ignore: Deno.env.get("CI") !== "true",
  fn() {
    assert.ok(webgpu, "navigator.gpu offers no adapter: install Debian's mesa-vulkan-drivers");
  },
});
