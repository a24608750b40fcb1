/**
 * Tests of lib/train/train.ts and lib/train/evaluate.ts on a small synthetic
 * dataset, on the wasm backend because it trains this network two orders
 * of magnitude faster than cpu.
 *
 * @module
 */

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { Dataset, Split } from "../lib/data/types.ts";
import { CLASS_NAMES } from "../lib/data/types.ts";
import { createNetwork } from "../lib/model/network.ts";
import { seededRandom } from "../lib/random.ts";
import { selectBackend } from "../lib/train/backend.ts";
import { DEFAULT_CONFIG } from "../lib/train/config.ts";
import { evaluateSplit } from "../lib/train/evaluate.ts";
import { trainRun } from "../lib/train/train.ts";
import { runKey } from "../lib/store/key.ts";
import type { ProgressEvent, RunConfig } from "../lib/train/types.ts";

await selectBackend("wasm");

/** Images of class c: a bright 6×6 block at a class-specific place over uniform noise in [0, 0.3). */
function syntheticSplit(count: number, seed: number): Split {
  const rng = seededRandom(seed, "synthetic");
  const images = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    labels[i] = label;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = 0.3 * rng();
    const top = 2 + 12 * Math.floor(label / 5);
    const left = 1 + 5 * (label % 5);
    for (let r = top; r < top + 6; r++) {
      for (let c = left; c < left + 6 && c < 28; c++) images[i * 784 + r * 28 + c] = 1;
    }
  }
  return { images, labels, count };
}

const dataset: Dataset = {
  train: syntheticSplit(100, 1),
  test: syntheticSplit(40, 2),
  classNames: CLASS_NAMES,
  source: "synthetic",
};

const small: RunConfig = { ...DEFAULT_CONFIG, epochs: 2, trainSubset: 60, testSubset: 40, learningRate: 0.01 };

Deno.test("SGD steps on one batch lower the loss", () => {
  const network = createNetwork({ head: "linear", seed: 0, init: "pytorch" });
  const optimizer = tf.train.sgd(0.05);
  const x = tf.tensor4d(dataset.train.images.subarray(0, 20 * 784), [20, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(dataset.train.labels.subarray(0, 20), "int32"), 10);
  const loss = () => tf.neg(tf.mean(tf.sum(tf.mul(network.forward(x).logProbs, y), 1))) as tf.Scalar;
  try {
    const before = tf.tidy(() => loss().dataSync()[0]);
    for (let i = 0; i < 10; i++) optimizer.minimize(loss, true, Object.values(network.params))?.dispose();
    const after = tf.tidy(() => loss().dataSync()[0]);
    assert.ok(Math.abs(before - Math.log(10)) < 0.3, `initial loss ${before} is far from ln 10`);
    assert.ok(after < before - 0.05, `loss went from ${before} to ${after}`);
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    network.dispose();
  }
});

for (const optimizer of ["sgd", "adam"] as const) {
  Deno.test(`trainRun() with ${optimizer} leaks no tensors across epochs`, async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await trainRun({ ...small, optimizer, epochs: 3 }, dataset, {
      onProgress: (event) => {
        if (event.kind === "epoch") counts.push(tf.memory().numTensors);
      },
    });
    assert.equal(counts.length, 3);
    assert.equal(counts[1], counts[0]);
    assert.equal(counts[2], counts[0]);
    assert.equal(tf.memory().numTensors, before);
  });
}

Deno.test("trainRun() stops a run whose loss becomes NaN", async () => {
  // At lr 10 plain SGD does not reach NaN on this network: the loss spikes, then the ReLUs die and it stays
  // finite. A learning rate of 1e30 overflows float32 within a few steps.
  const before = tf.memory().numTensors;
  const record = await trainRun({ ...small, learningRate: 1e30, epochs: 3 }, dataset);
  assert.equal(record.status, "diverged");
  assert.ok(record.divergence !== undefined);
  assert.ok(!Number.isFinite(record.divergence.loss), `loss ${record.divergence.loss}`);
  assert.equal(record.divergence.epoch, 1);
  assert.ok(record.divergence.step >= 2, `step ${record.divergence.step}`);
  assert.ok(record.divergence.step <= 3, `step ${record.divergence.step}`);
  assert.deepEqual(record.epochs, []);
  assert.deepEqual(record.confusion, []);
  assert.deepEqual(record.deadUnits, []);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("trainRun() keeps a finite loss at lr 10", async () => {
  const record = await trainRun({ ...small, learningRate: 10 }, dataset);
  assert.equal(record.status, "complete");
  assert.ok(record.epochs.every((metrics) => Number.isFinite(metrics.trainLoss)));
});

Deno.test("trainRun() returns a complete RunRecord", async () => {
  const record = await trainRun(small, dataset);
  assert.equal(record.schema, 1);
  assert.deepEqual(record.config, small);
  assert.equal(record.key, runKey(small));
  assert.equal(record.status, "complete");
  assert.equal(record.divergence, undefined);
  assert.equal(record.backend, "wasm");
  assert.equal(record.versions.tfjs, "4.22.0");
  assert.equal(record.epochs.length, 2);
  assert.deepEqual(record.epochs.map((e) => e.epoch), [1, 2]);
  for (const metrics of record.epochs) {
    assert.ok(Number.isFinite(metrics.trainLoss), `train loss ${metrics.trainLoss}`);
    assert.ok(Number.isFinite(metrics.testLoss), `test loss ${metrics.testLoss}`);
    assert.ok(metrics.testAccuracy >= 0, `accuracy ${metrics.testAccuracy}`);
    assert.ok(metrics.testAccuracy <= 1, `accuracy ${metrics.testAccuracy}`);
    assert.equal(metrics.perClassAccuracy.length, 10);
  }
  assert.equal(record.confusion.length, 10);
  assert.equal(record.confusion.flat().reduce((a, b) => a + b, 0), 40);
  assert.ok(record.deadUnits.every((unit) => Number.isInteger(unit) && unit >= 0 && unit < 10));
  assert.ok(record.wallSeconds > 0);
  assert.ok(!Number.isNaN(Date.parse(record.finishedAt)));
});

Deno.test("trainRun() repeats a run exactly for a seed", async () => {
  const strip = (r: Awaited<ReturnType<typeof trainRun>>) =>
    r.epochs.map(({ elapsedSeconds: _, ...metrics }) => metrics);
  const first = await trainRun(small, dataset);
  const second = await trainRun(small, dataset);
  const otherSeed = await trainRun({ ...small, seed: 1 }, dataset);
  assert.deepEqual(strip(second), strip(first));
  assert.notDeepEqual(strip(otherSeed), strip(first));
});

Deno.test("trainRun() losses do not depend on readLossEverySteps", async () => {
  // Reading every 7 steps is the webgpu path; it must see the same losses in the same order.
  const everyStep = await trainRun(small, dataset, { readLossEverySteps: 1 });
  const batched = await trainRun(small, dataset, { readLossEverySteps: 7 });
  assert.deepEqual(batched.epochs.map((e) => e.trainLoss), everyStep.epochs.map((e) => e.trainLoss));
});

Deno.test("trainRun() reports steps and epochs", async () => {
  const events: ProgressEvent[] = [];
  await trainRun(small, dataset, { progressEverySteps: 2, onProgress: (event) => events.push(event) });
  const summary = events.map((e) => `${e.kind} ${e.epoch}/${e.epochs} ${e.step}/${e.stepsPerEpoch}`);
  assert.deepEqual(summary, [
    "step 1/2 2/3",
    "epoch 1/2 3/3",
    "step 2/2 2/3",
    "epoch 2/2 3/3",
  ]);
  assert.equal(events[1].metrics?.epoch, 1);
  assert.ok(events.every((e) => e.elapsedSeconds >= 0 && e.etaSeconds >= 0));
  assert.equal(events[3].etaSeconds, 0);
});

Deno.test("trainRun() stores diagnose results at initialisation and by epoch", async () => {
  const seen: number[] = [];
  const record = await trainRun(small, dataset, {
    diagnose: (network, _dataset, epoch, context) => {
      seen.push(epoch);
      return Promise.resolve({ parameters: network.parameterCount(), subset: context.trainIndices.length });
    },
  });
  assert.deepEqual(seen, [0, 1, 2]);
  assert.deepEqual(record.diagnostics, {
    epoch0: { parameters: 6930, subset: 60 },
    epoch1: { parameters: 6930, subset: 60 },
    epoch2: { parameters: 6930, subset: 60 },
  });
});

Deno.test("trainRun() trains every head of a seed on one subset", async () => {
  const subsets: Record<string, number[]> = {};
  const capture = (name: string) => ({
    diagnose: (_network: unknown, _dataset: Dataset, _epoch: number, context: { trainIndices: Int32Array }) => {
      subsets[name] = [...context.trainIndices];
      return Promise.resolve({});
    },
  });
  await trainRun({ ...small, epochs: 1, head: "linear" }, dataset, capture("linear"));
  await trainRun({ ...small, epochs: 1, head: "relu" }, dataset, capture("relu"));
  await trainRun({ ...small, epochs: 1, seed: 1 }, dataset, capture("seed 1"));
  assert.equal(subsets.linear.length, 60);
  assert.equal(new Set(subsets.linear).size, 60);
  assert.deepEqual(subsets.relu, subsets.linear);
  assert.notDeepEqual(subsets["seed 1"], subsets.linear);
});

Deno.test("trainRun() rejects with the abort reason", async () => {
  const before = tf.memory().numTensors;
  const controller = new AbortController();
  const reason = new Error("stopped by test");
  await assert.rejects(
    trainRun(small, dataset, {
      signal: controller.signal,
      progressEverySteps: 1,
      onProgress: () => controller.abort(reason),
    }),
    reason,
  );
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("trainRun() validates the config before training", async () => {
  const before = tf.memory().numTensors;
  await assert.rejects(trainRun({ ...small, batchSize: 61 }, dataset), {
    name: "RangeError",
    message: "Invalid batchSize 61: expected an integer ≥ 1 and ≤ the 60 training images.",
  });
  await assert.rejects(trainRun({ ...small, trainSubset: null, batchSize: 101 }, dataset), {
    name: "RangeError",
    message: "Invalid batchSize 101: expected an integer ≥ 1 and ≤ the 100 training images.",
  });
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("trainRun() rejects a dataset with missing labels", async () => {
  const broken: Dataset = { ...dataset, test: { ...dataset.test, labels: dataset.test.labels.subarray(0, 39) } };
  await assert.rejects(trainRun(small, broken), {
    name: "TypeError",
    message:
      "Invalid dataset.test: count 40 needs 31360 pixels and 40 labels, got 31360 and 39. Load it with lib/data.",
  });
});

Deno.test("evaluateSplit() matches a single forward pass", async () => {
  const network = createNetwork({ head: "relu", seed: 3, init: "pytorch" });
  try {
    const indices = Int32Array.from([5, 0, 17, 3, 9]);
    const batched = await evaluateSplit(network, dataset.test, { indices, batchSize: 2 });
    const direct = tf.tidy(() => {
      const rows = indices.length;
      const pixels = new Float32Array(rows * 784);
      indices.forEach((index, row) =>
        pixels.set(dataset.test.images.subarray(index * 784, index * 784 + 784), row * 784)
      );
      return network.forward(tf.tensor4d(pixels, [rows, 28, 28, 1])).logProbs.dataSync();
    });
    for (let i = 0; i < direct.length; i++) assert.ok(Math.abs(batched.logProbs[i] - direct[i]) < 1e-5);
    assert.deepEqual([...batched.labels], [...indices].map((index) => dataset.test.labels[index]));
    assert.equal(batched.count, 5);
  } finally {
    network.dispose();
  }
});

Deno.test("evaluateSplit() rejects an index outside the split", async () => {
  const network = createNetwork({ head: "linear", seed: 0, init: "pytorch" });
  try {
    await assert.rejects(evaluateSplit(network, dataset.test, { indices: Int32Array.from([40]) }), {
      name: "RangeError",
      message: "Invalid index 40 in evaluateSplit(): the split has 40 images.",
    });
  } finally {
    network.dispose();
  }
});
