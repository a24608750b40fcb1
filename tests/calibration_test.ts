/**
 * Tests for lib/metrics/calibration.ts: bin edges, the ECE of perfectly
 * calibrated bins and of a hand-worked example, confidence on errors and
 * the train–test gap.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  calibrationBinIndex,
  calibrationErrorFromBins,
  confidenceSummary,
  expectedCalibrationError,
  reliabilityBins,
  trainTestGap,
} from "../lib/metrics/calibration.ts";

/** Makes float32 log-probabilities from rows of probabilities. */
function logOf(rows: number[][]): Float32Array {
  return new Float32Array(rows.flat().map(Math.log));
}

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

Deno.test("calibrationBinIndex() puts edges in the lower bin", () => {
  assert.equal(calibrationBinIndex(0), 0);
  assert.equal(calibrationBinIndex(1 / 15), 0);
  assert.equal(calibrationBinIndex(1 / 15 + 1e-12), 1);
  // The next float64 above 11/15 times 15 rounds to exactly 11, yet it lies above the edge.
  assert.ok(0.7333333333333334 > 11 / 15);
  assert.equal(0.7333333333333334 * 15, 11);
  assert.equal(calibrationBinIndex(0.7333333333333334), 11);
  assert.equal(calibrationBinIndex(11 / 15), 10);
  assert.equal(calibrationBinIndex(3 / 15), 2);
  assert.equal(calibrationBinIndex(0.5), 7);
  assert.equal(calibrationBinIndex(1), 14);
  assert.equal(calibrationBinIndex(1 + 1e-7), 14);
});

Deno.test("calibrationBinIndex() agrees with every edge", () => {
  for (const bins of [10, 15, 20]) {
    for (let i = 1; i <= bins; i++) {
      assert.equal(
        calibrationBinIndex(i / bins, bins),
        i - 1,
        `edge ${i}/${bins}`,
      );
    }
  }
});

Deno.test("calibrationErrorFromBins() of calibrated bins is 0", () => {
  const ece = calibrationErrorFromBins([
    { lower: 0.4, upper: 0.5, confidence: 0.45, accuracy: 0.45, count: 20 },
    { lower: 0.5, upper: 0.6, confidence: NaN, accuracy: NaN, count: 0 },
    { lower: 0.8, upper: 0.9, confidence: 0.85, accuracy: 0.85, count: 40 },
  ]);
  assert.equal(ece, 0);
});

Deno.test("expectedCalibrationError() of calibrated images is 0", () => {
  // Two images at confidence 0.5 in one bin, one right and one wrong.
  const row = [0.5, ...new Array(9).fill(0.5 / 9)];
  const ece = expectedCalibrationError(
    logOf([row, row]),
    new Uint8Array([0, 1]),
  );
  assertClose(ece, 0, 1e-7, "ece");
});

Deno.test("expectedCalibrationError() of a hand example", () => {
  // Confidences 0.9 (right), 0.9 (wrong), 0.62 (right), 0.7 (right), two classes.
  // Bins: 13 contains both 0.9s: |0.5 − 0.9| · 2/4 = 0.2; bin 9 contains 0.62: 0.38/4 = 0.095;
  // bin 10 contains 0.7: 0.3/4 = 0.075. ECE = 0.37.
  const logProbs = logOf([[0.9, 0.1], [0.9, 0.1], [0.38, 0.62], [0.3, 0.7]]);
  const labels = new Uint8Array([0, 1, 1, 1]);
  const bins = reliabilityBins(logProbs, labels, 2);

  assert.equal(bins.length, 15);
  assert.deepEqual(
    bins.map((bin) => bin.count),
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 2, 0],
  );
  assert.equal(bins[13].accuracy, 0.5);
  assertClose(bins[13].confidence, 0.9, 1e-7, "bins[13].confidence");
  assert.equal(bins[13].lower, 13 / 15);
  assert.equal(bins[13].upper, 14 / 15);
  assert.ok(Number.isNaN(bins[0].confidence));
  assert.ok(Number.isNaN(bins[0].accuracy));
  assertClose(expectedCalibrationError(logProbs, labels, 2), 0.37, 1e-6, "ece");
});

Deno.test("reliabilityBins() leaves out NaN rows", () => {
  const logProbs = new Float32Array([NaN, NaN, Math.log(0.9), Math.log(0.1)]);
  const bins = reliabilityBins(logProbs, new Uint8Array([0, 0]), 2);
  assert.equal(bins.reduce((sum, bin) => sum + bin.count, 0), 1);
});

Deno.test("reliabilityBins() rejects an invalid bin count", () => {
  assert.throws(
    () => reliabilityBins(new Float32Array(2), new Uint8Array(1), 2, 0),
    {
      name: "RangeError",
      message: "lib/metrics reliabilityBins(): binCount must be an integer ≥ 1, got 0.",
    },
  );
});

Deno.test("expectedCalibrationError() rejects mismatched sizes", () => {
  assert.throws(
    () => expectedCalibrationError(new Float32Array(9), new Uint8Array(1)),
    {
      name: "RangeError",
      message: "lib/metrics reliabilityBins(): logProbs has 9 values but labels " +
        "has 1 images, so 1 × 10 classes = 10 values were expected. " +
        "Pass logProbs with shape [labels.length, 10], row-major.",
    },
  );
});

Deno.test("confidenceSummary() of a hand example", () => {
  const logProbs = logOf([[0.9, 0.1], [0.8, 0.2], [0.4, 0.6]]);
  const summary = confidenceSummary(logProbs, new Uint8Array([0, 1, 0]), 2);
  assert.equal(summary.errors, 2);
  assertClose(
    summary.meanConfidence,
    (0.9 + 0.8 + 0.6) / 3,
    1e-7,
    "meanConfidence",
  );
  assertClose(
    summary.meanConfidenceOnErrors,
    0.7,
    1e-7,
    "meanConfidenceOnErrors",
  );
});

Deno.test("confidenceSummary() with no errors is NaN", () => {
  const summary = confidenceSummary(
    logOf([[0.9, 0.1]]),
    new Uint8Array([0]),
    2,
  );
  assert.equal(summary.errors, 0);
  assert.ok(Number.isNaN(summary.meanConfidenceOnErrors));
});

Deno.test("trainTestGap() is positive when overfitting", () => {
  const gap = trainTestGap({ loss: 0.25, accuracy: 0.875 }, {
    loss: 0.375,
    accuracy: 0.75,
  });
  assert.deepEqual(gap, { loss: 0.125, accuracy: 0.125 });
});
