/**
 * Tests of lib/theory: each formula on inputs with values known by hand,
 * and the tfjs reference computations against the formulas.
 *
 * @module
 */

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  accuracyCeiling,
  confidenceForLogit,
  deadClassNll,
  deadClassNllFloor,
  logitForConfidence,
  logSoftmax,
  maxAbsDifference,
  nll,
  nllGradient,
  probabilityFloor,
  reluMask,
  reluNllGradient,
  softmax,
  tex,
  tfjsNll,
  tfjsNllGradient,
  tfjsSoftmax,
  trainingLossFloor,
} from "../lib/theory/mod.ts";

await tf.setBackend("cpu");

/** Tolerance of float64 formulas against hand values. */
const EXACT = 1e-12;
/** Tolerance of tfjs's float32 results against the float64 formulas. */
const FLOAT32 = 1e-6;

function assertClose(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  assert.equal(actual.length, expected.length, `length ${actual.length}, expected ${expected.length}`);
  actual.forEach((value, k) => {
    assert.ok(
      Math.abs(value - expected[k]) <= tolerance,
      `entry ${k}: ${value} differs from ${expected[k]} by more than ${tolerance}`,
    );
  });
}

Deno.test("softmax() of equal logits is uniform", () => {
  assertClose(softmax([0, 0, 0, 0]), [0.25, 0.25, 0.25, 0.25], EXACT);
  assertClose(logSoftmax([3, 3]), [-Math.LN2, -Math.LN2], EXACT);
});

Deno.test("logSoftmax() does not overflow on large logits", () => {
  assertClose(logSoftmax([1000, 0]), [0, -1000], EXACT);
});

Deno.test("logSoftmax() rejects a single logit", () => {
  assert.throws(() => logSoftmax([1]), {
    name: "RangeError",
    message: "lib/theory logSoftmax(): expected at least two finite logits, got [1].",
  });
});

Deno.test("nll() of K equal logits is ln K", () => {
  assert.ok(Math.abs(nll([0, 0, 0, 0], 1) - Math.log(4)) <= EXACT);
});

Deno.test("nll() rejects a label out of range", () => {
  assert.throws(() => nll([0, 0], 2), {
    name: "RangeError",
    message: "lib/theory nll(): label 2 is not a class index; expected an integer in [0, 1].",
  });
});

Deno.test("nllGradient() is softmax minus one-hot", () => {
  // z = [0, ln 3] gives p = [1/4, 3/4].
  assertClose(nllGradient([0, Math.log(3)], 0), [-0.75, 0.75], EXACT);
  const gradient = nllGradient([2, 1, -1, 0.5], 1);
  assert.ok(Math.abs(gradient.reduce((sum, g) => sum + g, 0)) <= EXACT, "the entries sum to 0");
});

Deno.test("reluMask() is 0 at exactly 0", () => {
  assert.deepEqual(reluMask([-1, 0, 1e-30, 2]), [0, 0, 1, 1]);
});

Deno.test("reluNllGradient() cuts units at or below 0", () => {
  // Logits [0, 0, ln 2] give p = [1/4, 1/4, 1/2]; the gradient [1/4, 1/4, −1/2] is cut where a ≤ 0.
  assert.deepEqual(reluNllGradient([-1, 0, Math.log(2)], 2).map((g) => Number(g.toFixed(12))), [0, 0, -0.5]);
  // The true class below 0 gets nothing, however wrong the prediction.
  assert.equal(reluNllGradient([-5, 3, 3], 0)[0], 0);
});

Deno.test("deadClassNll() is ln K when the other logits are 0", () => {
  assert.ok(Math.abs(deadClassNll(new Array(9).fill(0)) - Math.log(10)) <= EXACT);
  assert.ok(Math.abs(deadClassNll([Math.log(2)]) - Math.log(3)) <= EXACT);
  assert.ok(Math.abs(deadClassNll([1000, 0]) - 1000) <= EXACT);
});

Deno.test("deadClassNll() rises above ln K with any positive logit", () => {
  const others = [0, 0, 0, 0, 0, 0, 0, 0, 0.5];
  assert.ok(deadClassNll(others) > deadClassNllFloor(10));
  assert.ok(Math.abs(deadClassNll(others) - Math.log(9 + Math.exp(0.5))) <= EXACT);
});

Deno.test("deadClassNllFloor() is ln 10 for ten classes", () => {
  assert.equal(deadClassNllFloor(10), Math.log(10));
  assert.throws(() => deadClassNllFloor(1), {
    name: "RangeError",
    message: "lib/theory deadClassNllFloor(): classes must be an integer ≥ 2, got 1.",
  });
});

Deno.test("trainingLossFloor() is share times ln K", () => {
  assert.equal(trainingLossFloor(0.1, 10), 0.1 * Math.log(10));
  assert.equal(trainingLossFloor(0, 10), 0);
  assert.throws(() => trainingLossFloor(1.5, 10), {
    name: "RangeError",
    message: "lib/theory trainingLossFloor(): deadShare must be in [0, 1], got 1.5.",
  });
});

Deno.test("accuracyCeiling() is (K − d)/K", () => {
  assert.equal(accuracyCeiling(10, 1), 0.9);
  assert.equal(accuracyCeiling(10, 2), 0.8);
  assert.equal(accuracyCeiling(10, 0), 1);
  assert.throws(() => accuracyCeiling(10, 11), {
    name: "RangeError",
    message: "lib/theory accuracyCeiling(): dead must be an integer in [0, 10], got 11.",
  });
});

Deno.test("logitForConfidence() needs ln 891 for 99% of ten", () => {
  assert.ok(Math.abs(logitForConfidence(0.99, 10) - Math.log(891)) <= EXACT);
  assert.equal(logitForConfidence(0.99, 10).toFixed(3), "6.792");
  assert.ok(Math.abs(logitForConfidence(0.1, 10)) <= EXACT, "1/K needs logit 0");
  assert.throws(() => logitForConfidence(1, 10), {
    name: "RangeError",
    message: "lib/theory logitForConfidence(): confidence must be in (0, 1), got 1.",
  });
});

Deno.test("confidenceForLogit() inverts logitForConfidence()", () => {
  assert.ok(Math.abs(confidenceForLogit(Math.log(891), 10) - 0.99) <= EXACT);
  assert.equal(confidenceForLogit(0, 10), 0.1);
  assert.equal(confidenceForLogit(1000, 10), 1);
});

Deno.test("probabilityFloor() depends only on the spread", () => {
  assert.equal(probabilityFloor(0, 10), 0.1);
  assert.ok(Math.abs(probabilityFloor(Math.log(9), 10) - 1 / 82) <= EXACT);
  // The floor is reached: one logit at the bottom, nine at the top.
  assert.ok(Math.abs(softmax([0, ...new Array(9).fill(2)])[0] - probabilityFloor(2, 10)) <= EXACT);
  assert.throws(() => probabilityFloor(-1, 10), {
    name: "RangeError",
    message: "lib/theory probabilityFloor(): spread must be finite and ≥ 0, got -1.",
  });
});

Deno.test("tfjsNllGradient() matches nllGradient() for a linear head", async () => {
  const logits = [2, 1, -1, 0.5];
  assertClose(await tfjsNllGradient(logits, 1, "linear"), nllGradient(logits, 1), FLOAT32);
});

Deno.test("tfjsNllGradient() matches reluNllGradient() and is exactly 0 where a ≤ 0", async () => {
  const preActivations = [-1, 0, Math.log(2), 1.5];
  const gradient = await tfjsNllGradient(preActivations, 0, "relu");
  assertClose(gradient, reluNllGradient(preActivations, 0), FLOAT32);
  assert.equal(Math.abs(gradient[0]), 0);
  assert.equal(Math.abs(gradient[1]), 0);
});

Deno.test("tfjsNll() of ten zero logits is ln 10", async () => {
  assert.ok(Math.abs((await tfjsNll(new Array(10).fill(0), 3)) - Math.log(10)) <= FLOAT32);
});

Deno.test("tfjsSoftmax() gives 99% to a logit of ln 891 among nine zeros", async () => {
  const [p] = await tfjsSoftmax([Math.log(891), ...new Array(9).fill(0)]);
  assert.ok(Math.abs(p - 0.99) <= FLOAT32);
});

Deno.test("tfjs reference functions leave no tensors", async () => {
  const before = tf.memory().numTensors;
  await tfjsSoftmax([1, 2]);
  await tfjsNll([1, 2], 0);
  await tfjsNllGradient([1, -2], 1, "relu");
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("tfjsNllGradient() rejects an unknown head", async () => {
  await assert.rejects(() => tfjsNllGradient([1, 2], 0, "tanh" as "relu"), {
    name: "RangeError",
    message: 'lib/theory tfjsNllGradient(): head must be "linear" or "relu", got "tanh".',
  });
});

Deno.test("maxAbsDifference() returns the largest gap", () => {
  assert.equal(maxAbsDifference([1, 2, 3], [1.5, 2, 2]), 1);
  assert.throws(() => maxAbsDifference([1], [1, 2]), {
    name: "RangeError",
    message: "lib/theory maxAbsDifference(): expected two non-empty arrays of equal length, got 1 and 2.",
  });
});

Deno.test("tex() renders MathML", () => {
  const rendered = tex("x^2", { display: false });
  assert.equal(rendered.html, '<math><msup><mi>x</mi><mn class="tml-sml-pad">2</mn></msup></math>');
  assert.equal(rendered.bundle()["text/plain"], "x^2");
  assert.match(tex("p_k - y_k").html, /^<math display="block"/);
});

Deno.test("tex() rejects TeX it cannot parse", () => {
  assert.throws(() => tex(String.raw`\frac{1}{`), (error: Error) => {
    assert.equal(error.name, "SyntaxError");
    assert.match(error.message, /^lib\/theory tex\(\): cannot render "\\frac\{1\}\{": /);
    return true;
  });
});
