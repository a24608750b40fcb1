/**
 * Tests for lib/metrics/diagnostics.ts: the collected record on synthetic
 * outputs, its size, and one run through the real network with a unit made
 * dead by its bias.
 *
 * @module
 */

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { collectDiagnostics, type NetworkOutputs } from "../lib/metrics/diagnostics.ts";
import { perClassAccuracy } from "../lib/metrics/classification.ts";
import { deadUnits } from "../lib/metrics/dead_units.ts";
import { expectedCalibrationError } from "../lib/metrics/calibration.ts";
import { createNetwork } from "../lib/model/mod.ts";
import { seededRandom } from "../lib/random.ts";

/** Makes seeded outputs of n images: logits = ReLU(pre-activations), log-probs = log_softmax(logits). */
function syntheticOutputs(n: number, seed: number): NetworkOutputs {
  const rng = seededRandom(seed, "metrics-test");
  const labels = new Uint8Array(n);
  const preActivations = new Float32Array(n * 10);
  const logits = new Float32Array(n * 10);
  const logProbs = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(rng() * 10);
    for (let c = 0; c < 10; c++) {
      // The true class gets a head start, so accuracy is well above chance.
      const value = 6 * rng() - 3 + (c === labels[i] ? 2 : 0);
      preActivations[i * 10 + c] = value;
      logits[i * 10 + c] = Math.max(value, 0);
    }
    const row = logits.subarray(i * 10, i * 10 + 10);
    const logSumExp = Math.log(
      row.reduce((sum, value) => sum + Math.exp(value), 0),
    );
    for (let c = 0; c < 10; c++) logProbs[i * 10 + c] = row[c] - logSumExp;
  }
  return { logProbs, logits, preActivations, labels };
}

Deno.test("collectDiagnostics() agrees with the parts", () => {
  const outputs = syntheticOutputs(500, 1);
  const diagnostics = collectDiagnostics(outputs);

  assert.equal(diagnostics.version, 1);
  assert.equal(diagnostics.images, 500);
  assert.equal(diagnostics.classes, 10);
  assert.equal(
    diagnostics.confusion.flat().reduce((sum, count) => sum + count, 0),
    500,
  );
  assert.deepEqual(
    diagnostics.perClassAccuracy,
    perClassAccuracy(diagnostics.confusion),
  );
  assert.deepEqual(
    diagnostics.deadUnits,
    deadUnits(outputs.preActivations, outputs.labels),
  );
  assert.equal(
    diagnostics.calibration.ece,
    expectedCalibrationError(outputs.logProbs, outputs.labels),
  );
  assert.equal(diagnostics.calibration.bins.length, 15);
  assert.equal(diagnostics.logits.trueClass.summary.count, 500);
  assert.equal(diagnostics.logits.otherClasses.summary.count, 4500);
  assert.equal(diagnostics.probabilities.max.histogram.counts.length, 20);
  assert.equal(diagnostics.logits.trueClass.histogram.edges.length, 51);
});

Deno.test("collectDiagnostics() counts ReLU zeros by class", () => {
  const outputs = syntheticOutputs(500, 2);
  const diagnostics = collectDiagnostics(outputs);
  // Pre-activations are uniform in [−3, 3), shifted by +2 for the true class.
  const trueZeros = diagnostics.logits.trueClass.zeroFraction!;
  const otherZeros = diagnostics.logits.otherClasses.zeroFraction!;
  assert.ok(
    Math.abs(trueZeros - 1 / 6) < 0.06,
    `true-class zeros ${trueZeros}`,
  );
  assert.ok(
    Math.abs(otherZeros - 0.5) < 0.03,
    `other-class zeros ${otherZeros}`,
  );
});

Deno.test("collectDiagnostics() stays small for 60,000 images", () => {
  const diagnostics = collectDiagnostics(syntheticOutputs(60_000, 3));
  const bytes = new TextEncoder().encode(JSON.stringify(diagnostics)).length;
  assert.ok(bytes < 20_000, `record is ${bytes} bytes`);
});

Deno.test("collectDiagnostics() stores undefined numbers as null", () => {
  // Two images, both class 0 and both right: class 1 has no images and no image is wrong.
  const logProbs = new Float32Array(20).fill(-10);
  logProbs[0] = -0.001;
  logProbs[10] = -0.001;
  const outputs = {
    logProbs,
    logits: new Float32Array(20),
    preActivations: new Float32Array(20).fill(-1),
    labels: new Uint8Array([0, 0]),
  };
  const diagnostics = collectDiagnostics(outputs);
  const stored = JSON.parse(JSON.stringify(diagnostics));

  assert.equal(diagnostics.perClassAccuracy[0], 1);
  assert.equal(diagnostics.perClassAccuracy[1], null);
  assert.equal(diagnostics.calibration.meanConfidenceOnErrors, null);
  assert.equal(diagnostics.calibration.bins[0].confidence, null);
  assert.equal(diagnostics.preActivations.negativeRateOwnClass[5], null);
  assert.deepEqual(diagnostics.deadUnits, [0]);
  assert.deepEqual(stored, diagnostics);
});

Deno.test("collectDiagnostics() rejects no images", () => {
  const empty = new Float32Array(0);
  assert.throws(
    () =>
      collectDiagnostics({
        logProbs: empty,
        logits: empty,
        preActivations: empty,
        labels: new Uint8Array(0),
      }),
    {
      name: "RangeError",
      message: "lib/metrics collectDiagnostics(): outputs.labels is empty; " +
        "pass the outputs of at least one image.",
    },
  );
});

Deno.test("collectDiagnostics() rejects mismatched logits", () => {
  const outputs = syntheticOutputs(4, 4);
  assert.throws(
    () =>
      collectDiagnostics({
        ...outputs,
        logits: outputs.logits.subarray(0, 30),
      }),
    {
      name: "RangeError",
      message: "lib/metrics collectDiagnostics(): outputs.logits has 30 values " +
        "but labels has 4 images, so 4 × 10 classes = 40 values were expected. " +
        "Pass outputs.logits with shape [labels.length, 10], row-major.",
    },
  );
});

Deno.test("deadUnits() finds a unit killed by its bias", async () => {
  await tf.setBackend("cpu");
  const tensorsBefore = tf.memory().numTensors;
  const network = createNetwork({ head: "relu", seed: 7, init: "pytorch" });

  // Unit 3's bias at −100 keeps it ≤ 0 on every image; +100 on the rest keeps them > 0,
  // so exactly one unit is dead whatever the random features are.
  const bias = new Float32Array(10).fill(100);
  bias[3] = -100;
  const biasTensor = tf.tensor1d(bias);
  network.params["fc1/bias"].assign(biasTensor);
  biasTensor.dispose();

  const count = 20;
  const rng = seededRandom(7, "metrics-test-images");
  const pixels = Float32Array.from({ length: count * 28 * 28 }, () => rng());
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const images = tf.tensor4d(pixels, [count, 28, 28, 1]);
  // An array, because tf.tidy() returns only tensor containers, which NetworkOutput is not typed as.
  const [logProbs, logits, preActivations] = tf.tidy(() => {
    const output = network.forward(images);
    return [output.logProbs, output.logits, output.preActivations];
  });
  const outputs: NetworkOutputs = {
    logProbs: (await logProbs.data()) as Float32Array,
    logits: (await logits.data()) as Float32Array,
    preActivations: (await preActivations.data()) as Float32Array,
    labels,
  };
  tf.dispose([images, logProbs, logits, preActivations]);
  network.dispose();

  assert.deepEqual(deadUnits(outputs.preActivations, labels), [3]);
  const diagnostics = collectDiagnostics(outputs);
  assert.deepEqual(diagnostics.deadUnits, [3]);
  assert.equal(diagnostics.perClassAccuracy[3], 0);
  assert.equal(diagnostics.deadUnitCost.deadClassAccuracy, 0);
  assert.ok(diagnostics.neverPredicted.includes(3));
  assert.equal(diagnostics.preActivations.negativeRate[3], 1);
  // The two class-3 images of twenty have their true-class logit clamped to 0.
  assert.equal(diagnostics.logits.trueClass.zeroFraction, 0.1);
  // Own logit 0 and the others near 100: the NLL of a dead-class image is far above ln 10.
  assert.ok(diagnostics.deadUnitCost.deadClassNll! > 90);
  assert.equal(tf.memory().numTensors, tensorsBefore);
});
