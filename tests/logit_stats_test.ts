/**
 * Tests for lib/metrics/logit_stats.ts: quantiles checked against NumPy,
 * histograms and zero fractions of hand-made arrays.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  evenEdges,
  histogram,
  probabilityExtremes,
  quantileSorted,
  splitLogits,
  summarize,
  zeroFraction,
} from "../lib/metrics/logit_stats.ts";

/** Asserts |actual − expected| ≤ tolerance, naming the field. */
function assertClose(
  actual: number,
  expected: number,
  tolerance: number,
  field: string,
) {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${field}: expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

Deno.test("summarize() matches NumPy's linear quantiles", () => {
  // numpy 1.24: np.quantile([3,1,4,1,5,9,2,6], [.05,.25,.5,.75,.95]) = [1, 1.75, 3.5, 5.25, 7.95].
  const summary = summarize([3, 1, 4, 1, 5, 9, 2, 6]);
  assert.equal(summary.count, 8);
  assert.equal(summary.nonFinite, 0);
  assert.equal(summary.mean, 3.875);
  assert.equal(summary.min, 1);
  assertClose(summary.p5, 1, 1e-12, "p5");
  assertClose(summary.p25, 1.75, 1e-12, "p25");
  assertClose(summary.p50, 3.5, 1e-12, "p50");
  assertClose(summary.p75, 5.25, 1e-12, "p75");
  assertClose(summary.p95, 7.95, 1e-12, "p95");
  assert.equal(summary.max, 9);
});

Deno.test("summarize() of 0 to 100 gives the percentiles", () => {
  const values = Array.from({ length: 101 }, (_, i) => 100 - i);
  const summary = summarize(values);
  assertClose(summary.p5, 5, 1e-12, "p5");
  assertClose(summary.p25, 25, 1e-12, "p25");
  assertClose(summary.p50, 50, 1e-12, "p50");
  assertClose(summary.p75, 75, 1e-12, "p75");
  assertClose(summary.p95, 95, 1e-12, "p95");
});

Deno.test("summarize() leaves out non-finite values", () => {
  const summary = summarize([NaN, 2, Infinity, -Infinity, 4]);
  assert.equal(summary.count, 2);
  assert.equal(summary.nonFinite, 3);
  assert.equal(summary.mean, 3);
  assert.equal(summary.p50, 3);
});

Deno.test("summarize() of no finite value is NaN", () => {
  const summary = summarize([NaN]);
  assert.equal(summary.count, 0);
  assert.equal(summary.nonFinite, 1);
  for (const field of ["mean", "min", "p5", "p50", "p95", "max"] as const) {
    assert.ok(Number.isNaN(summary[field]), `${field} is ${summary[field]}`);
  }
});

Deno.test("quantileSorted() rejects q outside [0, 1]", () => {
  assert.throws(() => quantileSorted([1, 2], 1.5), {
    name: "RangeError",
    message: "lib/metrics quantileSorted(): q must be in [0, 1], got 1.5.",
  });
});

Deno.test("histogram() bins with a closed last edge", () => {
  const result = histogram([-1, 0, 0.5, 1, 1.5, 2, 2.5, NaN], [0, 1, 2]);
  assert.deepEqual(result, {
    edges: [0, 1, 2],
    // [0, 1) gets 0 and 0.5; [1, 2] gets 1, 1.5 and 2.
    counts: [2, 3],
    below: 1,
    above: 1,
    nonFinite: 1,
  });
});

Deno.test("histogram() rejects unsorted edges", () => {
  assert.throws(() => histogram([1], [0, 2, 1]), {
    name: "RangeError",
    message: "lib/metrics histogram(): edges must be at least two strictly " +
      "increasing finite numbers, got [0, 2, 1].",
  });
});

Deno.test("evenEdges() ends exactly on stop", () => {
  const edges = evenEdges(0, 1, 20);
  assert.equal(edges.length, 21);
  assert.equal(edges[0], 0);
  assert.equal(edges[10], 0.5);
  assert.equal(edges[20], 1);
  assert.deepEqual(evenEdges(-25, 25, 50).slice(0, 3), [-25, -24, -23]);
});

Deno.test("probabilityExtremes() of two rows", () => {
  const logProbs = new Float32Array([
    Math.log(0.7),
    Math.log(0.2),
    Math.log(0.1),
    Math.log(0.5),
    Math.log(0.25),
    Math.log(0.25),
  ]);
  const extremes = probabilityExtremes(logProbs, 3);
  assertClose(extremes.max[0], 0.7, 1e-7, "max[0]");
  assertClose(extremes.min[0], 0.1, 1e-7, "min[0]");
  assertClose(extremes.max[1], 0.5, 1e-7, "max[1]");
  assertClose(extremes.min[1], 0.25, 1e-7, "min[1]");
  assertClose(extremes.minLog[0], Math.log(0.1), 1e-6, "minLog[0]");
});

Deno.test("probabilityExtremes() keeps a log below underflow", () => {
  const extremes = probabilityExtremes(new Float32Array([0, -1000]), 2);
  assert.equal(extremes.min[0], 0);
  assert.equal(extremes.minLog[0], -1000);
  assert.equal(extremes.max[0], 1);
});

Deno.test("probabilityExtremes() rejects a partial row", () => {
  assert.throws(() => probabilityExtremes(new Float32Array(25)), {
    name: "RangeError",
    message: "lib/metrics probabilityExtremes(): logProbs has 25 values, " +
      "which is not a whole number of rows of classes = 10 (an integer ≥ 2). " +
      "Pass logProbs with shape [n, 10], row-major.",
  });
});

Deno.test("splitLogits() separates the true class", () => {
  const logits = new Float32Array([1, 2, 3, 4, 5, 6]);
  const split = splitLogits(logits, new Uint8Array([2, 0]), 3);
  assert.deepEqual([...split.trueClass], [3, 4]);
  assert.deepEqual([...split.otherClasses], [1, 2, 5, 6]);
});

Deno.test("splitLogits() rejects mismatched sizes", () => {
  assert.throws(() => splitLogits(new Float32Array(5), new Uint8Array(2), 3), {
    name: "RangeError",
    message: "lib/metrics splitLogits(): logits has 5 values but labels has " +
      "2 images, so 2 × 3 classes = 6 values were expected. " +
      "Pass logits with shape [labels.length, 3], row-major.",
  });
});

Deno.test("zeroFraction() counts exact zeros", () => {
  assert.equal(
    zeroFraction(new Float32Array([0, -0, 1e-30, -2, 0, 3, 0, 4])),
    0.5,
  );
  assert.ok(Number.isNaN(zeroFraction([])));
});

Deno.test("zeroFraction() of ReLU logits by class", () => {
  // ReLU of these pre-activations: true class zero in 1 of 3 rows, others in 3 of 6.
  const pre = [-1, 2, 3, 0.5, -2, -3, -4, 1, 2];
  const logits = new Float32Array(pre.map((value) => Math.max(value, 0)));
  const split = splitLogits(logits, new Uint8Array([0, 0, 2]), 3);
  assertClose(zeroFraction(split.trueClass), 1 / 3, 1e-12, "trueClass");
  assertClose(zeroFraction(split.otherClasses), 3 / 6, 1e-12, "otherClasses");
});
