/**
 * Tests of lib/train/config.ts: defaults, profiles and the messages of validateConfig().
 *
 * @module
 */

import assert from "node:assert/strict";
import { configFor, DEFAULT_CONFIG, profileFromEnv, PROFILES, validateConfig } from "../lib/train/config.ts";
import type { RunConfig } from "../lib/train/types.ts";
import { headNames } from "../lib/model/heads.ts";

function withOption(change: Record<string, unknown>): RunConfig {
  return { ...DEFAULT_CONFIG, ...change } as RunConfig;
}

Deno.test("DEFAULT_CONFIG is the PyTorch exercise", () => {
  assert.deepEqual(DEFAULT_CONFIG, {
    head: "linear",
    seed: 0,
    init: "pytorch",
    optimizer: "sgd",
    learningRate: 0.001,
    batchSize: 20,
    epochs: 30,
    trainSubset: null,
    testSubset: null,
  });
  assert.doesNotThrow(() => validateConfig(DEFAULT_CONFIG));
});

Deno.test("PROFILES sets quick and full sizes", () => {
  assert.deepEqual(PROFILES.full, { epochs: 30, trainSubset: null, testSubset: null });
  assert.deepEqual(PROFILES.quick, { epochs: 5, trainSubset: 12000, testSubset: null });
});

Deno.test("configFor() applies profile then overrides", () => {
  const config = configFor("quick", { head: "relu", seed: 3 });
  assert.deepEqual(config, { ...DEFAULT_CONFIG, ...PROFILES.quick, head: "relu", seed: 3 });
  assert.doesNotThrow(() => validateConfig(config));
});

Deno.test("profileFromEnv() reads RELU_LAB_PROFILE", () => {
  const saved = Deno.env.get("RELU_LAB_PROFILE");
  try {
    Deno.env.delete("RELU_LAB_PROFILE");
    assert.equal(profileFromEnv(), "quick");
    Deno.env.set("RELU_LAB_PROFILE", "full");
    assert.equal(profileFromEnv(), "full");
    Deno.env.set("RELU_LAB_PROFILE", "fast");
    assert.throws(() => profileFromEnv(), {
      name: "RangeError",
      message: 'Invalid RELU_LAB_PROFILE "fast": expected one of quick, full.',
    });
  } finally {
    if (saved === undefined) Deno.env.delete("RELU_LAB_PROFILE");
    else Deno.env.set("RELU_LAB_PROFILE", saved);
  }
});

const invalid: [string, Record<string, unknown>, string, string][] = [
  [
    "learningRate 0",
    { learningRate: 0 },
    "RangeError",
    "Invalid learningRate 0: expected a finite number > 0, such as 0.001.",
  ],
  [
    "learningRate -1",
    { learningRate: -1 },
    "RangeError",
    "Invalid learningRate -1: expected a finite number > 0, such as 0.001.",
  ],
  [
    "learningRate NaN",
    { learningRate: NaN },
    "RangeError",
    "Invalid learningRate NaN: expected a finite number > 0, such as 0.001.",
  ],
  [
    "learningRate Infinity",
    { learningRate: Infinity },
    "RangeError",
    "Invalid learningRate Infinity: expected a finite number > 0, such as 0.001.",
  ],
  [
    "learningRate string",
    { learningRate: "0.01" },
    "TypeError",
    'Invalid learningRate "0.01": expected a finite number > 0, such as 0.001.',
  ],
  [
    "batchSize 0",
    { batchSize: 0 },
    "RangeError",
    "Invalid batchSize 0: expected an integer ≥ 1 and ≤ the 60000 training images.",
  ],
  [
    "batchSize above subset",
    { batchSize: 101, trainSubset: 100 },
    "RangeError",
    "Invalid batchSize 101: expected an integer ≥ 1 and ≤ the 100 training images.",
  ],
  [
    "batchSize 2.5",
    { batchSize: 2.5 },
    "TypeError",
    "Invalid batchSize 2.5: expected an integer ≥ 1 and ≤ the 60000 training images.",
  ],
  ["epochs 0", { epochs: 0 }, "RangeError", "Invalid epochs 0: expected an integer ≥ 1."],
  ["seed 1.5", { seed: 1.5 }, "TypeError", "Invalid seed 1.5: expected a safe integer such as 0, 1 or 42."],
  ["seed string", { seed: "0" }, "TypeError", 'Invalid seed "0": expected a safe integer such as 0, 1 or 42.'],
  ["head", { head: "ReLU" }, "RangeError", `Invalid head "ReLU": expected one of ${headNames().join(", ")}.`],
  ["init", { init: "he" }, "RangeError", 'Invalid init "he": expected one of pytorch, tfjs.'],
  [
    "optimizer",
    { optimizer: "rmsprop" },
    "RangeError",
    'Invalid optimizer "rmsprop": expected one of sgd, momentum, adam.',
  ],
  [
    "trainSubset 0",
    { trainSubset: 0 },
    "RangeError",
    "Invalid trainSubset 0: expected null (all 60000 images) or an integer in [1, 60000].",
  ],
  [
    "testSubset too large",
    { testSubset: 10001 },
    "RangeError",
    "Invalid testSubset 10001: expected null (all 10000 images) or an integer in [1, 10000].",
  ],
];

for (const [label, change, name, message] of invalid) {
  Deno.test(`validateConfig() rejects ${label}`, () => {
    assert.throws(() => validateConfig(withOption(change)), { name, message });
  });
}

Deno.test("validateConfig() checks batchSize against the dataset", () => {
  assert.throws(() => validateConfig(withOption({ batchSize: 50 }), { trainCount: 40, testCount: 10 }), {
    name: "RangeError",
    message: "Invalid batchSize 50: expected an integer ≥ 1 and ≤ the 40 training images.",
  });
  assert.doesNotThrow(() => validateConfig(withOption({ batchSize: 40 }), { trainCount: 40, testCount: 10 }));
});
