/**
 * Tests of lib/train/speed_trial.ts: the timed trial that `auto` uses to
 * choose between WebGPU on a hardware adapter and wasm. No GPU is needed:
 * the ranking test races wasm against cpu, whose order is certain (cpu is
 * two orders of magnitude slower for this network).
 *
 * @module
 */

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../lib/train/backend.ts";
import { chooseFasterBackend, measureTrainingSpeed } from "../lib/train/speed_trial.ts";

// Starts wasm once with this project's kernels; afterwards tf.setBackend switches between started backends.
await selectBackend("wasm");
await tf.setBackend("cpu");
await selectBackend("wasm");

const trial = { warmupSteps: 1, maxSteps: 5, maxSeconds: 0.2 };

Deno.test("measureTrainingSpeed() returns a positive rate and leaves no tensors", async () => {
  await tf.setBackend("wasm");
  const before = tf.memory().numTensors;
  const rate = await measureTrainingSpeed(trial);
  assert.ok(Number.isFinite(rate), `rate ${rate}`);
  assert.ok(rate > 0, `rate ${rate}`);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("chooseFasterBackend() keeps the faster backend active and reports both rates", async () => {
  const result = await chooseFasterBackend([
    { name: "wasm", start: () => tf.setBackend("wasm") },
    { name: "cpu", start: () => tf.setBackend("cpu") },
  ], trial);
  assert.equal(result.chosen, "wasm");
  assert.equal(tf.getBackend(), "wasm");
  assert.ok(result.imagesPerSecond.wasm > result.imagesPerSecond.cpu, JSON.stringify(result.imagesPerSecond));
  assert.deepEqual(result.failed, {});
});

Deno.test("chooseFasterBackend() records a candidate that cannot start and picks among the rest", async () => {
  const result = await chooseFasterBackend([
    { name: "nothing", start: () => Promise.resolve(false) },
    {
      name: "broken",
      start: () => Promise.reject(new Error("no adapter")),
    },
    { name: "wasm", start: () => tf.setBackend("wasm") },
  ], trial);
  assert.equal(result.chosen, "wasm");
  assert.match(result.failed.nothing, /returned false/);
  assert.equal(result.failed.broken, "no adapter");
});

Deno.test("chooseFasterBackend() throws, naming each failure, when no candidate trains", async () => {
  await assert.rejects(
    chooseFasterBackend([{ name: "broken", start: () => Promise.reject(new Error("no adapter")) }], trial),
    /No backend could train the network in the speed trial \(broken: no adapter\)/,
  );
  await tf.setBackend("wasm");
});
