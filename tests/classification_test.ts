/**
 * Tests for lib/metrics/classification.ts on inputs whose results are
 * worked out by hand.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  accuracyFromConfusion,
  argmaxRow,
  confusionMatrix,
  meanNll,
  neverPredictedClasses,
  perClassAccuracy,
} from "../lib/metrics/classification.ts";

// Four images, three classes. Image 1 ties classes 0 and 1, so it is predicted 0.
const HAND_LOG_PROBS = new Float32Array([
  -0.1,
  -2,
  -3, // label 0, predicted 0
  -1,
  -1,
  -2, // label 1, tie → predicted 0
  -3,
  -0.5,
  -1, // label 2, predicted 1
  -2,
  -0.2,
  -3, // label 1, predicted 1
]);
const HAND_LABELS = new Uint8Array([0, 1, 2, 1]);

Deno.test("confusionMatrix() counts a hand-made example", () => {
  const confusion = confusionMatrix(HAND_LOG_PROBS, HAND_LABELS, 3);
  assert.deepEqual(confusion, [
    [1, 0, 0],
    [1, 1, 0],
    [0, 1, 0],
  ]);
});

Deno.test("confusionMatrix() breaks ties toward the lowest index", () => {
  const logProbs = new Float32Array([-1, -2, -1, -1, -5, -5, -5, -5]);
  const confusion = confusionMatrix(logProbs, new Uint8Array([3, 3]), 4);
  assert.deepEqual(confusion[3], [2, 0, 0, 0]);
});

Deno.test("argmaxRow() skips NaN entries", () => {
  assert.equal(argmaxRow([NaN, -2, -1], 0, 3), 2);
  assert.equal(argmaxRow([-1, NaN, -2], 0, 3), 0);
  assert.equal(argmaxRow([NaN, NaN, NaN], 0, 3), 0);
});

Deno.test("accuracyFromConfusion() of the hand example", () => {
  const confusion = confusionMatrix(HAND_LOG_PROBS, HAND_LABELS, 3);
  assert.equal(accuracyFromConfusion(confusion), 0.5);
});

Deno.test("accuracyFromConfusion() of no images is NaN", () => {
  assert.ok(Number.isNaN(accuracyFromConfusion([[0, 0], [0, 0]])));
});

Deno.test("perClassAccuracy() of the hand example", () => {
  const confusion = confusionMatrix(HAND_LOG_PROBS, HAND_LABELS, 3);
  assert.deepEqual(perClassAccuracy(confusion), [1, 0.5, 0]);
});

Deno.test("perClassAccuracy() gives NaN to an empty class", () => {
  const accuracy = perClassAccuracy([
    [2, 1, 0],
    [0, 0, 0],
    [0, 1, 3],
  ]);
  assert.equal(accuracy[0], 2 / 3);
  assert.ok(Number.isNaN(accuracy[1]));
  assert.equal(accuracy[2], 0.75);
});

Deno.test("meanNll() of uniform log-probabilities is ln 10", () => {
  const n = 7;
  const logProbs = new Float32Array(n * 10).fill(-Math.log(10));
  const labels = new Uint8Array([0, 1, 2, 3, 4, 5, 9]);
  // Float32 rounding of ln 10 is below 1e-7 relative.
  assert.ok(Math.abs(meanNll(logProbs, labels) - Math.log(10)) < 1e-6);
});

Deno.test("meanNll() of the hand example", () => {
  // (0.1 + 1 + 1 + 0.2) / 4, with float32 inputs.
  const nll = meanNll(HAND_LOG_PROBS, HAND_LABELS, 3);
  assert.ok(Math.abs(nll - 0.575) < 1e-7, `got ${nll}`);
});

Deno.test("meanNll() of no images is NaN", () => {
  assert.ok(Number.isNaN(meanNll(new Float32Array(0), new Uint8Array(0))));
});

Deno.test("neverPredictedClasses() finds zero columns", () => {
  const confusion = confusionMatrix(HAND_LOG_PROBS, HAND_LABELS, 3);
  assert.deepEqual(neverPredictedClasses(confusion), [2]);
  assert.deepEqual(neverPredictedClasses([[1, 0], [0, 1]]), []);
});

Deno.test("confusionMatrix() rejects mismatched sizes", () => {
  assert.throws(
    () => confusionMatrix(new Float32Array(35), new Uint8Array(4)),
    {
      name: "RangeError",
      message: "lib/metrics confusionMatrix(): logProbs has 35 values but " +
        "labels has 4 images, so 4 × 10 classes = 40 values were expected. " +
        "Pass logProbs with shape [labels.length, 10], row-major.",
    },
  );
});

Deno.test("meanNll() rejects mismatched sizes", () => {
  assert.throws(
    () => meanNll(new Float32Array(6), new Uint8Array(3), 3),
    {
      name: "RangeError",
      message: "lib/metrics meanNll(): logProbs has 6 values but labels has " +
        "3 images, so 3 × 3 classes = 9 values were expected. " +
        "Pass logProbs with shape [labels.length, 3], row-major.",
    },
  );
});

Deno.test("confusionMatrix() rejects an out-of-range label", () => {
  assert.throws(
    () => confusionMatrix(new Float32Array(6), new Uint8Array([0, 3]), 3),
    {
      name: "RangeError",
      message: "lib/metrics confusionMatrix(): labels[1] is 3, but classes " +
        "is 3; labels must be in [0, 2].",
    },
  );
});

Deno.test("confusionMatrix() rejects a bad class count", () => {
  assert.throws(
    () => confusionMatrix(new Float32Array(0), new Uint8Array(0), 1),
    {
      name: "RangeError",
      message: "lib/metrics confusionMatrix(): classes must be an integer ≥ 2, got 1.",
    },
  );
});

Deno.test("perClassAccuracy() rejects a non-square matrix", () => {
  assert.throws(
    () => perClassAccuracy([[1, 2], [3]]),
    {
      name: "RangeError",
      message: "lib/metrics perClassAccuracy(): confusion must be a non-empty " +
        "square matrix [true][predicted], got 2 rows of lengths [2, 1].",
    },
  );
});
