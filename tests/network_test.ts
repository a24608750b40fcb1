/**
 * Tests of lib/model/network.ts and lib/model/init.ts: shapes, parameter
 * counts, initialisation bounds and the seed streams.
 *
 * @module
 */

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { createNetwork, type Network } from "../lib/model/network.ts";
import { initConv2d, initDense } from "../lib/model/init.ts";
import { seededRandom } from "../lib/random.ts";

await tf.setBackend("cpu");

function withNetwork(options: Parameters<typeof createNetwork>[0], body: (network: Network) => void): void {
  const network = createNetwork(options);
  try {
    body(network);
  } finally {
    network.dispose();
  }
}

function maxAbs(values: Float32Array | Int32Array | Uint8Array): number {
  let max = 0;
  for (const value of values) max = Math.max(max, Math.abs(value));
  return max;
}

Deno.test("forward() returns [batch, 10] outputs", () => {
  withNetwork({ head: "relu", seed: 0, init: "pytorch" }, (network) => {
    const shapes = tf.tidy(() => {
      const output = network.forward(tf.randomUniform([3, 28, 28, 1], 0, 1, "float32", 1));
      return [output.preActivations.shape, output.logits.shape, output.logProbs.shape];
    });
    assert.deepEqual(shapes, [[3, 10], [3, 10], [3, 10]]);
  });
});

Deno.test("forward() log-probabilities sum to 1 per row", () => {
  withNetwork({ head: "linear", seed: 1, init: "pytorch" }, (network) => {
    const sums = tf.tidy(() => {
      const output = network.forward(tf.randomUniform([4, 28, 28, 1], 0, 1, "float32", 2));
      return tf.sum(tf.exp(output.logProbs), 1).dataSync();
    });
    for (const sum of sums) assert.ok(Math.abs(sum - 1) < 1e-5, `row sums to ${sum}`);
  });
});

Deno.test("forward() with head linear has logits equal to pre-activations", () => {
  withNetwork({ head: "linear", seed: 0, init: "pytorch" }, (network) => {
    const difference = tf.tidy(() => {
      const output = network.forward(tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 3));
      return tf.max(tf.abs(tf.sub(output.logits, output.preActivations))).dataSync()[0];
    });
    assert.equal(difference, 0);
  });
});

Deno.test("forward() rejects images without a channel axis", () => {
  withNetwork({ head: "linear", seed: 0, init: "pytorch" }, (network) => {
    const images = tf.zeros([2, 28, 28]) as unknown as tf.Tensor4D;
    assert.throws(() => network.forward(images), {
      name: "TypeError",
      message: "Invalid images shape [2, 28, 28] in Network.forward: expected [batch, 28, 28, 1].",
    });
    images.dispose();
  });
});

Deno.test("parameterCount() is 6930 for heads linear and relu", () => {
  for (const head of ["linear", "relu", "softplus", "leaky_relu"]) {
    withNetwork({ head, seed: 0, init: "pytorch" }, (network) => {
      assert.equal(network.parameterCount(), 6930, head);
    });
  }
});

Deno.test("parameterCount() is 34634 for head hidden", () => {
  // conv 100 + 1820, fc 500→64: 32,064, fc 64→10: 650.
  withNetwork({ head: "hidden", seed: 0, init: "pytorch" }, (network) => {
    assert.equal(network.parameterCount(), 34634);
  });
});

Deno.test("createNetwork() names the parameters with tfjs shapes", () => {
  withNetwork({ head: "relu", seed: 0, init: "pytorch" }, (network) => {
    const shapes = Object.fromEntries(Object.entries(network.params).map(([name, v]) => [name, v.shape]));
    assert.deepEqual(shapes, {
      "conv1/kernel": [3, 3, 1, 10],
      "conv1/bias": [10],
      "conv2/kernel": [3, 3, 10, 20],
      "conv2/bias": [20],
      "fc1/kernel": [500, 10],
      "fc1/bias": [10],
    });
  });
});

Deno.test("pytorch init keeps weights and biases within ±1/√fan_in", () => {
  withNetwork({ head: "relu", seed: 5, init: "pytorch" }, (network) => {
    const bounds: Record<string, number> = {
      "conv1/kernel": 1 / 3,
      "conv1/bias": 1 / 3,
      "conv2/kernel": 1 / Math.sqrt(90),
      "conv2/bias": 1 / Math.sqrt(90),
      "fc1/kernel": 1 / Math.sqrt(500),
      "fc1/bias": 1 / Math.sqrt(500),
    };
    for (const [name, bound] of Object.entries(bounds)) {
      const values = network.params[name].dataSync();
      const max = maxAbs(values);
      assert.ok(max <= bound, `${name}: max |w| ${max} > ${bound}`);
      // A uniform draw fills most of its range; a max far below the bound means the wrong scale.
      assert.ok(max > 0.8 * bound, `${name}: max |w| ${max} is far below ${bound}`);
    }
  });
});

Deno.test("tfjs init draws Glorot weights and zero biases", () => {
  const rng = seededRandom(0, "test");
  const conv = initConv2d(rng, "tfjs", 3, 3, 1, 10);
  const dense = initDense(rng, "tfjs", 500, 10);
  const convLimit = Math.sqrt(6 / (9 + 90));
  const denseLimit = Math.sqrt(6 / 510);
  assert.ok(maxAbs(conv.kernel) <= convLimit, `conv max ${maxAbs(conv.kernel)} > ${convLimit}`);
  assert.ok(maxAbs(conv.kernel) > 0.8 * convLimit, `conv max ${maxAbs(conv.kernel)} far below ${convLimit}`);
  assert.ok(maxAbs(dense.kernel) <= denseLimit, `dense max ${maxAbs(dense.kernel)} > ${denseLimit}`);
  assert.ok(maxAbs(dense.kernel) > 0.8 * denseLimit, `dense max ${maxAbs(dense.kernel)} far below ${denseLimit}`);
  assert.deepEqual([...conv.bias], new Array(10).fill(0));
  assert.deepEqual([...dense.bias], new Array(10).fill(0));
});

Deno.test("initDense() rejects an unknown scheme", () => {
  assert.throws(() => initDense(seededRandom(0), "xavier" as "tfjs", 2, 2), {
    name: "RangeError",
    message: 'Invalid init scheme "xavier": expected one of pytorch, tfjs.',
  });
});

Deno.test("createNetwork() gives heads of one seed the same conv weights", () => {
  const linear = createNetwork({ head: "linear", seed: 7, init: "pytorch" });
  const relu = createNetwork({ head: "relu", seed: 7, init: "pytorch" });
  const other = createNetwork({ head: "linear", seed: 8, init: "pytorch" });
  try {
    for (const name of ["conv1/kernel", "conv1/bias", "conv2/kernel", "conv2/bias"]) {
      assert.deepEqual(linear.params[name].dataSync(), relu.params[name].dataSync(), name);
      assert.notDeepEqual(linear.params[name].dataSync(), other.params[name].dataSync(), name);
    }
    // Same head-init stream, same shapes: the fc1 weights of linear and relu agree too.
    assert.deepEqual(linear.params["fc1/kernel"].dataSync(), relu.params["fc1/kernel"].dataSync());
  } finally {
    linear.dispose();
    relu.dispose();
    other.dispose();
  }
});

Deno.test("dispose() frees every variable", () => {
  const before = tf.memory().numTensors;
  const network = createNetwork({ head: "hidden", seed: 0, init: "tfjs" });
  assert.equal(tf.memory().numTensors, before + 8);
  network.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("createNetwork() rejects an unknown head before creating variables", () => {
  const before = tf.memory().numTensors;
  assert.throws(() => createNetwork({ head: "sigmoid", seed: 0, init: "pytorch" }), {
    name: "RangeError",
    message: 'Unknown head "sigmoid": expected one of linear, relu, softplus, leaky_relu, hidden.',
  });
  assert.throws(() => createNetwork({ head: "relu", seed: 0.5, init: "pytorch" }), { name: "TypeError" });
  assert.equal(tf.memory().numTensors, before);
});
