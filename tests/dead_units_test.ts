/**
 * Tests for lib/metrics/dead_units.ts on pre-activations set by hand.
 *
 * @module
 */

import assert from "node:assert/strict";
import { deadUnitCost, deadUnits, negativeRates } from "../lib/metrics/dead_units.ts";

/** Makes `[labels.length, 10]` pre-activations that are 1 everywhere. */
function positivePreActivations(labels: Uint8Array): Float32Array {
  return new Float32Array(labels.length * 10).fill(1);
}

// Two images of each of the ten classes.
const LABELS = new Uint8Array([
  0,
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  0,
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
]);

Deno.test("deadUnits() finds a unit ≤ 0 on its class", () => {
  const pre = positivePreActivations(LABELS);
  // Unit 3 is −2 on the first class-3 image and exactly 0 on the second.
  pre[3 * 10 + 3] = -2;
  pre[13 * 10 + 3] = 0;
  assert.deepEqual(deadUnits(pre, LABELS), [3]);
});

Deno.test("deadUnits() keeps a unit positive once", () => {
  const pre = positivePreActivations(LABELS);
  pre[3 * 10 + 3] = -2;
  pre[13 * 10 + 3] = 0.01;
  assert.deepEqual(deadUnits(pre, LABELS), []);
});

Deno.test("deadUnits() ignores other classes' images", () => {
  const pre = positivePreActivations(LABELS);
  // Unit 5 is negative on every image except those of class 5: alive.
  for (let i = 0; i < LABELS.length; i++) {
    if (LABELS[i] !== 5) pre[i * 10 + 5] = -1;
  }
  assert.deepEqual(deadUnits(pre, LABELS), []);
});

Deno.test("deadUnits() skips a class with no images", () => {
  const labels = new Uint8Array([0, 1, 2]);
  const pre = new Float32Array(3 * 10).fill(-1);
  // Every unit is negative everywhere, but only classes 0 to 2 have images.
  assert.deepEqual(deadUnits(pre, labels), [0, 1, 2]);
});

Deno.test("deadUnits() keeps a NaN unit alive", () => {
  const pre = new Float32Array([NaN, -1, -1, -1]);
  assert.deepEqual(deadUnits(pre, new Uint8Array([0, 1]), 2), [1]);
});

Deno.test("deadUnits() rejects mismatched sizes", () => {
  assert.throws(
    () => deadUnits(new Float32Array(19), new Uint8Array(2)),
    {
      name: "RangeError",
      message: "lib/metrics deadUnits(): preActivations has 19 values but " +
        "labels has 2 images, so 2 × 10 classes = 20 values were expected. " +
        "Pass preActivations with shape [labels.length, 10], row-major.",
    },
  );
});

Deno.test("negativeRates() counts strict negatives", () => {
  // Three images, two units. Column 0: −1, 0, 2. Column 1: −1, −3, −0.5.
  const pre = new Float32Array([-1, -1, 0, -3, 2, -0.5]);
  const labels = new Uint8Array([0, 1, 0]);
  const rates = negativeRates(pre, labels, 2);
  assert.deepEqual(rates.all, [1 / 3, 1]);
  // Unit 0 over class-0 images (rows 0 and 2): −1 and 2. Unit 1 over row 1: −3.
  assert.deepEqual(rates.ownClass, [0.5, 1]);
});

Deno.test("negativeRates() gives NaN to an empty class", () => {
  const rates = negativeRates(
    new Float32Array([-1, 1]),
    new Uint8Array([0]),
    2,
  );
  assert.deepEqual(rates.all, [1, 0]);
  assert.equal(rates.ownClass[0], 1);
  assert.ok(Number.isNaN(rates.ownClass[1]));
});

Deno.test("deadUnitCost() of a dead class at ln K", () => {
  // Four images, K = 4, unit 3 dead. Images of class 3 have uniform log-probabilities.
  const uniform = -Math.log(4);
  const logProbs = new Float32Array([
    ...[-0.1, -3, -3, -3], // label 0, right
    ...[uniform, uniform, uniform, uniform], // label 3, tie → predicted 0
    ...[-3, -0.1, -3, -3], // label 1, right
    ...[-0.5, -2, -2, -1.5], // label 3, predicted 0
  ]);
  const labels = new Uint8Array([0, 3, 1, 3]);
  const cost = deadUnitCost([3], logProbs, labels, 4);

  assert.deepEqual(cost.deadUnits, [3]);
  assert.equal(cost.balancedAccuracyCeiling, 0.75);
  assert.equal(cost.deadClassShare, 0.5);
  assert.equal(cost.accuracyCeiling, 0.5);
  assert.equal(cost.deadClassAccuracy, 0);
  assert.equal(cost.lnClasses, Math.log(4));
  assert.ok(Math.abs(cost.lossFloor - 0.5 * Math.log(4)) < 1e-12);
  // (ln 4 + 1.5) / 2, with float32 inputs.
  assert.ok(Math.abs(cost.deadClassNll - (Math.log(4) + 1.5) / 2) < 1e-6);
});

Deno.test("deadUnitCost() with no dead units", () => {
  const logProbs = new Float32Array([-0.1, -3, -3, -0.1]);
  const cost = deadUnitCost([], logProbs, new Uint8Array([0, 1]), 2);
  assert.equal(cost.balancedAccuracyCeiling, 1);
  assert.equal(cost.accuracyCeiling, 1);
  assert.equal(cost.lossFloor, 0);
  assert.ok(Number.isNaN(cost.deadClassAccuracy));
  assert.ok(Number.isNaN(cost.deadClassNll));
});

Deno.test("deadUnitCost() rejects an invalid unit", () => {
  assert.throws(
    () => deadUnitCost([10], new Float32Array(10), new Uint8Array([0])),
    {
      name: "RangeError",
      message: "lib/metrics deadUnitCost(): dead unit 10 is invalid; " +
        "expected an integer unit index in [0, 9].",
    },
  );
});
