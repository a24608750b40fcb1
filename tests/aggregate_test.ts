/**
 * Tests of lib/study/aggregate.ts and lib/study/verdict.ts on hand-made run
 * records whose summaries can be worked out by hand.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  compareWithBaseline,
  curveBands,
  groupByHead,
  neverPredicted,
  perClassBands,
  summarizeHeads,
} from "../lib/study/aggregate.ts";
import { describeFirstRun, formatP, percent, points, signedPoints, studyVerdict } from "../lib/study/verdict.ts";
import { DEFAULT_CONFIG } from "../lib/train/config.ts";
import type { RunRecord } from "../lib/train/types.ts";

/** Builds a confusion matrix of 100 test images per class where class `lost` is never predicted (its images go to class 0). */
function confusion(lost: number | null): number[][] {
  return Array.from({ length: 10 }, (_, truth) =>
    Array.from({ length: 10 }, (_, predicted) => {
      if (truth === lost) return predicted === 0 ? 100 : 0;
      return predicted === truth ? 100 : 0;
    }));
}

/** Builds a complete run record with the given final test accuracies per epoch. */
function record(
  head: string,
  seed: number,
  accuracies: number[],
  options: { lost?: number; status?: "diverged" } = {},
): RunRecord {
  return {
    schema: 1,
    config: { ...DEFAULT_CONFIG, head, seed, epochs: accuracies.length },
    key: `${head}-${seed}`,
    status: options.status ?? "complete",
    epochs: accuracies.map((accuracy, i) => ({
      epoch: i + 1,
      trainLoss: 1 - accuracy,
      testLoss: 2 - accuracy,
      testAccuracy: accuracy,
      perClassAccuracy: Array.from({ length: 10 }, (_, c) => (c === options.lost ? 0 : accuracy)),
      elapsedSeconds: i + 1,
    })),
    confusion: confusion(options.lost ?? null),
    deadUnits: options.lost === undefined ? [] : [options.lost],
    diagnostics: {},
    backend: "wasm",
    versions: { tfjs: "4.22.0" },
    wallSeconds: 10,
    finishedAt: "2026-12-04T00:00:00.000Z",
  };
}

// linear: 0.70, 0.72, 0.74 over seeds 0..2; relu 10 points lower in every seed and loses class 6 in two seeds.
const study: RunRecord[] = [
  record("relu", 0, [0.5, 0.6], { lost: 6 }),
  record("linear", 0, [0.6, 0.7]),
  record("relu", 1, [0.5, 0.62], { lost: 6 }),
  record("linear", 1, [0.6, 0.72]),
  record("relu", 2, [0.5, 0.64]),
  record("linear", 2, [0.6, 0.74]),
];

Deno.test("groupByHead() puts the baseline first", () => {
  assert.deepEqual([...groupByHead(study).keys()], ["linear", "relu"]);
});

Deno.test("neverPredicted() finds a class no image is predicted as", () => {
  assert.deepEqual(neverPredicted(study[0]), [6]);
  assert.deepEqual(neverPredicted(study[1]), []);
});

Deno.test("summarizeHeads() averages final accuracy over seeds", () => {
  const [linear, relu] = summarizeHeads(study);
  assert.equal(linear.head, "linear");
  assert.equal(linear.runs, 3);
  assert.ok(Math.abs(linear.accuracy.mean - 0.72) < 1e-12);
  // sd of 0.70, 0.72, 0.74 is 0.02; t(0.975, 2) = 4.302653; half-width 4.302653 · 0.02 / √3.
  const halfWidth = 4.302652729911275 * 0.02 / Math.sqrt(3);
  assert.ok(Math.abs(linear.accuracy.ci95[0] - (0.72 - halfWidth)) < 1e-6);
  assert.ok(Math.abs(linear.accuracy.ci95[1] - (0.72 + halfWidth)) < 1e-6);
  assert.equal(relu.seedsWithLostClass, 2);
  assert.equal(relu.seedsWithDeadUnit, 2);
  assert.equal(linear.seedsWithLostClass, 0);
});

Deno.test("summarizeHeads() counts diverged runs apart", () => {
  const withDiverged = [...study, record("relu", 3, [0.1], { status: "diverged" })];
  const relu = summarizeHeads(withDiverged).find((s) => s.head === "relu")!;
  assert.equal(relu.runs, 3);
  assert.equal(relu.diverged, 1);
  assert.ok(Math.abs(relu.accuracy.mean - 0.62) < 1e-12);
});

Deno.test("compareWithBaseline() pairs runs by seed", () => {
  const [comparison] = compareWithBaseline(study, "linear", "testAccuracy");
  assert.equal(comparison.head, "relu");
  assert.equal(comparison.comparison.n, 3);
  assert.ok(Math.abs(comparison.comparison.meanDifference - -0.1) < 1e-12);
  // Every paired difference is exactly −0.1, so the t statistic is infinite and p is 0.
  assert.equal(comparison.holmP, 0);
});

Deno.test("compareWithBaseline() rejects a missing baseline", () => {
  assert.throws(
    () => compareWithBaseline(study.filter((r) => r.config.head === "relu"), "linear", "testAccuracy"),
    { name: "RangeError", message: 'No complete run of the baseline head "linear": heads present are relu.' },
  );
});

Deno.test("curveBands() gives one point per head and epoch", () => {
  const bands = curveBands(study, "testAccuracy");
  assert.equal(bands.length, 4);
  const linearEpoch1 = bands.find((b) => b.variant === "linear" && b.epoch === 1)!;
  assert.equal(linearEpoch1.value, 0.6);
  assert.equal(linearEpoch1.lo, 0.6);
  assert.equal(linearEpoch1.hi, 0.6);
});

Deno.test("perClassBands() clips intervals to [0, 1]", () => {
  const rows = perClassBands(study).filter((row) => row.variant === "relu" && row.className === "Shirt");
  assert.equal(rows.length, 1);
  assert.ok(Math.abs(rows[0].accuracy - 0.64 / 3) < 1e-12);
  assert.equal(rows[0].lo, 0);
  assert.ok(rows[0].hi <= 1);
});

Deno.test("formatP() writes small p-values as a bound", () => {
  assert.equal(formatP(0.0342), "= 0.034");
  assert.equal(formatP(0.0004), "< 0.001");
});

Deno.test("percent() and points() format fractions", () => {
  assert.equal(percent(0.8734), "87.3%");
  assert.equal(points(-0.012), "−1.2 points");
  assert.equal(points(0.005), "+0.5 points");
  assert.equal(points(-0.0004), "0.0 points");
  assert.equal(points(0.0004), "0.0 points");
});

Deno.test("signedPoints() signs figure labels", () => {
  assert.equal(signedPoints(-29.24), "−29.2");
  assert.equal(signedPoints(0.06), "+0.1");
  assert.equal(signedPoints(-0.04), "0.0");
  assert.equal(signedPoints(0), "0.0");
});

Deno.test("studyVerdict() states a consistent loss as worse", () => {
  const verdict = studyVerdict(study, "linear");
  assert.equal(
    verdict,
    "Over 3 seeds the linear head reaches 72.0% test accuracy (95% CI 67.0% to 77.0%). " +
      "The relu head is worse than linear: −10.0 points (95% CI −10.0 points to −10.0 points, " +
      "Holm-corrected p < 0.001, n = 3 paired seeds), and in 2 of 3 seeds it never predicted at least one class.",
  );
});

Deno.test("studyVerdict() calls noise not distinguishable", () => {
  const noisy = [
    record("linear", 0, [0.70]),
    record("relu", 0, [0.71]),
    record("linear", 1, [0.72]),
    record("relu", 1, [0.70]),
    record("linear", 2, [0.71]),
    record("relu", 2, [0.72]),
  ];
  assert.match(studyVerdict(noisy, "linear"), /The relu head is not distinguishable from linear: 0\.0 points/);
});

Deno.test("describeFirstRun() reads both runs' numbers", () => {
  const text = describeFirstRun([study[1], study[0]]);
  assert.match(text, /With the linear head, test accuracy after 2 epochs is 70\.0%/);
  assert.match(text, /With the relu head, test accuracy after 2 epochs is 60\.0% .*; it never predicts Shirt\./);
  assert.match(text, /the relu head is −10\.0 points against the linear head/);
});
