/**
 * Tests of lib/model/heads.ts: the registry and what each head computes.
 *
 * @module
 */

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  activationHead,
  getHead,
  headDescriptions,
  type HeadInstance,
  headNames,
  registerHead,
} from "../lib/model/heads.ts";
import { seededRandom } from "../lib/random.ts";

await tf.setBackend("cpu");

function build(name: string): HeadInstance {
  return getHead(name).create({ rng: seededRandom(0, "head-init"), init: "pytorch", features: 500, classes: 10 });
}

function applyHead(name: string): { preActivations: Float32Array; logits: Float32Array } {
  const head = build(name);
  try {
    const [preActivations, logits] = tf.tidy(() => {
      const output = head.apply(tf.randomNormal([8, 500], 0, 3, "float32", 11) as tf.Tensor2D);
      return [output.preActivations.dataSync() as Float32Array, output.logits.dataSync() as Float32Array];
    });
    return { preActivations, logits };
  } finally {
    tf.dispose(Object.values(head.params));
  }
}

Deno.test("headNames() lists the built-in heads in order", () => {
  assert.deepEqual(headNames().slice(0, 5), ["linear", "relu", "softplus", "leaky_relu", "hidden"]);
});

Deno.test("headDescriptions() has one line per head", () => {
  const descriptions = headDescriptions();
  for (const name of headNames()) {
    assert.ok(descriptions[name].length > 10, name);
    assert.ok(!descriptions[name].includes("\n"), name);
  }
  assert.match(descriptions.leaky_relu, /still passes a little gradient/);
  assert.match(descriptions.hidden, /capacity/);
});

Deno.test("getHead() lists valid names for an unknown head", () => {
  assert.throws(() => getHead("Relu"), {
    name: "RangeError",
    message: `Unknown head "Relu": expected one of ${headNames().join(", ")}.`,
  });
});

Deno.test("relu head clamps logits at 0", () => {
  const { preActivations, logits } = applyHead("relu");
  assert.ok(preActivations.some((value) => value < 0), "no negative pre-activation to clamp");
  for (let i = 0; i < logits.length; i++) assert.equal(logits[i], Math.max(0, preActivations[i]));
});

Deno.test("leaky_relu head scales negatives by 0.01", () => {
  const { preActivations, logits } = applyHead("leaky_relu");
  for (let i = 0; i < logits.length; i++) {
    const expected = preActivations[i] > 0 ? preActivations[i] : 0.01 * preActivations[i];
    assert.ok(Math.abs(logits[i] - expected) < 1e-6, `unit ${i}: ${logits[i]} vs ${expected}`);
  }
});

Deno.test("softplus head computes log(1 + exp(x))", () => {
  const { preActivations, logits } = applyHead("softplus");
  for (let i = 0; i < logits.length; i++) {
    const expected = Math.log1p(Math.exp(preActivations[i]));
    assert.ok(Math.abs(logits[i] - expected) < 1e-5, `unit ${i}: ${logits[i]} vs ${expected}`);
  }
});

Deno.test("hidden head has logits equal to its last layer", () => {
  const head = build("hidden");
  try {
    assert.deepEqual(Object.keys(head.params), ["fc1/kernel", "fc1/bias", "fc2/kernel", "fc2/bias"]);
    assert.deepEqual(head.params["fc1/kernel"].shape, [500, 64]);
    assert.deepEqual(head.params["fc2/kernel"].shape, [64, 10]);
  } finally {
    tf.dispose(Object.values(head.params));
  }
  const { preActivations, logits } = applyHead("hidden");
  assert.deepEqual(logits, preActivations);
});

Deno.test("registerHead() adds a head that getHead() returns", () => {
  const spec = activationHead("logits = tanh(fc1's output), a test head", tf.tanh);
  registerHead("test_tanh", spec);
  assert.equal(getHead("test_tanh"), spec);
  assert.ok(headNames().includes("test_tanh"));
  const { preActivations, logits } = applyHead("test_tanh");
  assert.ok(Math.abs(logits[0] - Math.tanh(preActivations[0])) < 1e-6);
});

Deno.test("registerHead() rejects a taken name", () => {
  assert.throws(() => registerHead("relu", activationHead("another relu", tf.relu)), {
    name: "Error",
    message: 'Head "relu" is already registered; choose another name.',
  });
});

Deno.test("registerHead() rejects a name with capitals", () => {
  assert.throws(() => registerHead("MyHead", activationHead("x", null)), {
    name: "TypeError",
    message: 'Invalid head name "MyHead": expected lower-case letters, digits and underscores, starting with a letter.',
  });
});
