/**
 * Tests of lib/train/backend.ts: starting cpu and wasm, training on each,
 * and the messages for an unknown backend.
 *
 * @module
 */

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { Dataset, Split } from "../lib/data/types.ts";
import { CLASS_NAMES } from "../lib/data/types.ts";
import { selectBackend, tfVersions } from "../lib/train/backend.ts";
import { DEFAULT_CONFIG } from "../lib/train/config.ts";
import { trainRun } from "../lib/train/train.ts";
import type { RunConfig } from "../lib/train/types.ts";

/** Deterministic images whose pixels depend on the label, so both backends see the same data. */
function patternSplit(count: number): Split {
  const images = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = ((p * (labels[i] + 1) + i) % 17) / 17;
  }
  return { images, labels, count };
}

const dataset: Dataset = {
  train: patternSplit(40),
  test: patternSplit(20),
  classNames: CLASS_NAMES,
  source: "pattern",
};

// Two steps of 20 images keep the cpu run under a few seconds.
const tiny: RunConfig = { ...DEFAULT_CONFIG, epochs: 1, trainSubset: 40, testSubset: 20 };

Deno.test("selectBackend() starts cpu and trains on it", async () => {
  const choice = await selectBackend("cpu");
  assert.deepEqual(choice, { name: "cpu", reason: "cpu was requested." });
  assert.equal(tf.getBackend(), "cpu");
  const record = await trainRun(tiny, dataset);
  assert.equal(record.backend, "cpu");
  assert.equal(record.status, "complete");
});

Deno.test("selectBackend() starts wasm and trains on it like cpu", async () => {
  await selectBackend("cpu");
  const onCpu = await trainRun(tiny, dataset);
  const choice = await selectBackend("wasm");
  assert.deepEqual(choice, { name: "wasm", reason: "wasm was requested." });
  assert.equal(tf.getBackend(), "wasm");
  const onWasm = await trainRun(tiny, dataset);
  assert.equal(onWasm.backend, "wasm");
  assert.equal(onWasm.status, "complete");
  // Same seed, same order: the two backends differ only by float rounding.
  const difference = Math.abs(onWasm.epochs[0].trainLoss - onCpu.epochs[0].trainLoss);
  assert.ok(difference < 1e-4, `train loss cpu ${onCpu.epochs[0].trainLoss} vs wasm ${onWasm.epochs[0].trainLoss}`);
});

Deno.test("selectBackend() lists valid values for an unknown backend", async () => {
  await assert.rejects(selectBackend("webgl"), {
    name: "RangeError",
    message: 'Invalid backend "webgl" from selectBackend(): expected one of auto, wasm, cpu, webgpu.',
  });
});

Deno.test("selectBackend() names RELU_LAB_BACKEND in its message", async () => {
  const saved = Deno.env.get("RELU_LAB_BACKEND");
  try {
    Deno.env.set("RELU_LAB_BACKEND", "gpu");
    await assert.rejects(selectBackend(), {
      name: "RangeError",
      message: 'Invalid backend "gpu" from RELU_LAB_BACKEND: expected one of auto, wasm, cpu, webgpu.',
    });
    Deno.env.set("RELU_LAB_BACKEND", "cpu");
    assert.equal((await selectBackend()).name, "cpu");
    // Empty means unset, so auto: wasm on a machine without a hardware GPU.
    Deno.env.set("RELU_LAB_BACKEND", "");
    assert.match((await selectBackend()).reason, /^auto: /);
  } finally {
    if (saved === undefined) Deno.env.delete("RELU_LAB_BACKEND");
    else Deno.env.set("RELU_LAB_BACKEND", saved);
  }
});

Deno.test("tfVersions() names tfjs, Deno and the backend", async () => {
  await selectBackend("wasm");
  assert.deepEqual(tfVersions(), { tfjs: "4.22.0", deno: Deno.version.deno, backend: "wasm" });
});

Deno.test({
  name: "selectBackend() starts webgpu and trains on it like wasm",
  // Opt-in: on a software adapter this takes seconds, and Deno's WebGPU prints
  // an XDG_RUNTIME_DIR error unless that variable names a private folder.
  ignore: Deno.env.get("RELU_LAB_TEST_WEBGPU") !== "1",
  async fn() {
    await selectBackend("wasm");
    const onWasm = await trainRun(tiny, dataset);
    const choice = await selectBackend("webgpu");
    assert.equal(choice.name, "webgpu");
    const before = tf.memory().numTensors;
    const onWebGpu = await trainRun(tiny, dataset);
    assert.equal(onWebGpu.backend, "webgpu");
    assert.equal(tf.memory().numTensors, before);
    const difference = Math.abs(onWebGpu.epochs[0].trainLoss - onWasm.epochs[0].trainLoss);
    assert.ok(
      difference < 1e-4,
      `train loss wasm ${onWasm.epochs[0].trainLoss} vs webgpu ${onWebGpu.epochs[0].trainLoss}`,
    );
  },
});

Deno.test({
  name: "selectBackend() auto does not fall back to cpu",
  // auto probes navigator.gpu, which prints the XDG_RUNTIME_DIR error above; opt-in for the same reason.
  ignore: Deno.env.get("RELU_LAB_TEST_WEBGPU") !== "1",
  async fn() {
    const choice = await selectBackend("auto");
    assert.notEqual(choice.name, "cpu");
    assert.match(choice.reason, /^auto: /);
  },
});
