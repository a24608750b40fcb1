/**
 * Tests of lib/study/diagnose.ts: the dead-unit report and its gradient on a
 * network with a known dead unit, the stored layout, and the detail schedule.
 *
 * @module
 */

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CLASS_NAMES, type Dataset, type Split } from "../lib/data/types.ts";
import { createNetwork, type Network } from "../lib/model/network.ts";
import { seededRandom } from "../lib/random.ts";
import { stringifyRunRecord } from "../lib/store/record_json.ts";
import { diagnoseEpoch, diagnoseRun, isDetailEpoch, outputLayer, strideSample } from "../lib/study/diagnose.ts";
import type { DiagnoseContext } from "../lib/train/train.ts";
import type { RunConfig, RunRecord } from "../lib/train/types.ts";

await tf.setBackend("cpu");

const DEAD_UNIT = 3;

/** Builds a split of seeded uniform-noise images with labels 0, 1, …, 9, 0, 1, … */
function noiseSplit(count: number, stream: string): Split {
  const rng = seededRandom(7, stream);
  const images = Float32Array.from({ length: count * 784 }, () => rng());
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { images, labels, count };
}

const dataset: Dataset = {
  train: noiseSplit(200, "train"),
  test: noiseSplit(100, "test"),
  classNames: CLASS_NAMES,
  source: "synthetic",
};

const config: RunConfig = {
  head: "relu",
  seed: 0,
  init: "pytorch",
  optimizer: "sgd",
  learningRate: 0.001,
  batchSize: 20,
  epochs: 3,
  trainSubset: 200,
  testSubset: 100,
};

function context(epochs = 3): DiagnoseContext {
  return {
    config: { ...config, epochs },
    trainIndices: Int32Array.from({ length: 200 }, (_, i) => i),
    testCount: 100,
  };
}

/**
 * Builds a network whose output unit 3 has bias −100 and the others +100.
 * The kernel adds at most 500 features × 1/√500 ≈ 22 in size here, so unit 3
 * is ≤ 0 and every other unit > 0 on every image.
 */
function networkWithDeadUnit(head: string): Network {
  const network = createNetwork({ head, seed: 0, init: "pytorch" });
  const bias = Array.from({ length: 10 }, (_, c) => (c === DEAD_UNIT ? -100 : 100));
  tf.tidy(() => network.params["fc1/bias"].assign(tf.tensor1d(bias)));
  return network;
}

Deno.test("diagnoseEpoch() reports the known dead unit", async () => {
  const network = networkWithDeadUnit("relu");
  try {
    const result = await diagnoseEpoch(network, dataset, 0, context());
    assert.deepEqual(result.train.deadUnits, [DEAD_UNIT]);
    assert.deepEqual(result.test.deadUnits, [DEAD_UNIT]);
    assert.equal(result.train.images, 200);
    assert.equal(result.test.images, 100);
    assert.equal(CLASS_NAMES[result.train.deadUnits[0]], "Dress");
  } finally {
    network.dispose();
  }
});

Deno.test("diagnoseEpoch() measures zero gradient for a dead relu unit", async () => {
  const network = networkWithDeadUnit("relu");
  try {
    const [gradient] = (await diagnoseEpoch(network, dataset, 0, context())).deadUnitGradients;
    assert.equal(gradient.unit, DEAD_UNIT);
    assert.equal(gradient.ownClassImages, 20);
    assert.equal(gradient.ownClassKernelMaxAbs, 0);
    assert.equal(gradient.ownClassBiasGradient, 0);
    assert.equal(gradient.batchImages, 200);
    // Unit 3 is below 0 on every image, so no image of any class passes a gradient to it.
    assert.equal(gradient.batchBiasGradient, 0);
  } finally {
    network.dispose();
  }
});

Deno.test("diagnoseEpoch() measures the gradient a linear head still passes", async () => {
  const network = networkWithDeadUnit("linear");
  try {
    const [gradient] = (await diagnoseEpoch(network, dataset, 0, context())).deadUnitGradients;
    assert.equal(gradient.unit, DEAD_UNIT);
    // ∂L/∂b₃ = mean(p₃ − 1) over class-3 images, and p₃ ≈ e^−200 here.
    assert.equal(gradient.ownClassBiasGradient, -1);
    assert.ok(gradient.ownClassKernelMaxAbs! > 0);
  } finally {
    network.dispose();
  }
});

Deno.test("diagnoseEpoch() sees relu logits clamped at 0", async () => {
  const network = networkWithDeadUnit("relu");
  try {
    const { test } = await diagnoseEpoch(network, dataset, 0, context());
    // Unit 3's logit is 0 on every image: the true logit of the 10 class-3 images
    // and one of the nine other logits of each of the 90 others.
    assert.equal(test.zeroFraction.trueClass, 0.1);
    assert.equal(test.zeroFraction.otherClasses, Number((90 / 900).toPrecision(4)));
    assert.deepEqual(test.negativeFraction, { trueClass: 0, otherClasses: 0 });
    assert.equal(test.preActivationNegativeRate, 0.1);
  } finally {
    network.dispose();
  }
});

Deno.test("diagnoseEpoch() leaves the network and tensor count unchanged", async () => {
  const network = networkWithDeadUnit("relu");
  try {
    const before = tf.memory().numTensors;
    const weights = await network.params["fc1/kernel"].data();
    await diagnoseEpoch(network, dataset, 0, context());
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(await network.params["fc1/kernel"].data(), weights);
  } finally {
    network.dispose();
  }
});

Deno.test("diagnoseEpoch() stores detail only on detail epochs", async () => {
  const network = networkWithDeadUnit("relu");
  try {
    const initial = await diagnoseEpoch(network, dataset, 0, context(5));
    const third = await diagnoseEpoch(network, dataset, 3, context(5));
    const fourth = await diagnoseEpoch(network, dataset, 4, context(5));
    const last = await diagnoseEpoch(network, dataset, 5, context(5));

    assert.equal(initial.train.detail?.distributions, null);
    assert.equal(initial.train.detail?.summaries, null);
    assert.equal(initial.test.detail?.distributions?.reliability.count.length, 15);
    assert.equal(initial.test.detail?.perClassAccuracy[DEAD_UNIT], 0);
    assert.deepEqual(initial.outputBias?.[DEAD_UNIT], -100);
    assert.equal(initial.test.detail?.deadUnitCost.lossFloor, Number((0.1 * Math.log(10)).toPrecision(4)));

    assert.equal(third.test.detail, undefined);
    assert.equal(third.outputBias, undefined);

    assert.notEqual(fourth.test.detail?.summaries, null);
    assert.equal(fourth.test.detail?.distributions, null, "histograms only at the first and last epoch");
    assert.notEqual(last.test.detail?.distributions, null);
  } finally {
    network.dispose();
  }
});

Deno.test("diagnoseRun() keeps a 30-epoch record under 100 kB", async () => {
  const network = networkWithDeadUnit("relu");
  try {
    const byKind = {
      distributions: await diagnoseRun(network, dataset, 0, context(30)),
      detail: await diagnoseRun(network, dataset, 4, context(30)),
      core: await diagnoseRun(network, dataset, 3, context(30)),
    };
    const diagnostics: Record<string, unknown> = {};
    for (let epoch = 0; epoch <= 30; epoch++) {
      let kind: keyof typeof byKind = isDetailEpoch(epoch, 30) ? "detail" : "core";
      if (epoch === 0 || epoch === 30) kind = "distributions";
      diagnostics[`epoch${epoch}`] = byKind[kind];
    }
    const text = stringifyRunRecord({ diagnostics } as unknown as RunRecord);
    assert.ok(text.length < 100_000, `a 30-epoch record's diagnostics take ${text.length} bytes`);
  } finally {
    network.dispose();
  }
});

Deno.test("isDetailEpoch() picks 0, powers of two and the last", () => {
  const detail = (epochs: number) =>
    Array.from({ length: epochs + 1 }, (_, e) => e).filter((e) => isDetailEpoch(e, epochs));
  assert.deepEqual(detail(5), [0, 1, 2, 4, 5]);
  assert.deepEqual(detail(30), [0, 1, 2, 4, 8, 16, 30]);
  assert.deepEqual(detail(2), [0, 1, 2]);
});

Deno.test("strideSample() spreads the sample over the indices", () => {
  const indices = Int32Array.from({ length: 10 }, (_, i) => 100 + i);
  assert.deepEqual([...strideSample(indices, 4)], [100, 102, 105, 107]);
  assert.equal(strideSample(indices, 20), indices);
});

Deno.test("outputLayer() finds fc2 for the hidden head", () => {
  const network = createNetwork({ head: "hidden", seed: 0, init: "pytorch" });
  try {
    assert.equal(outputLayer(network, 10).name, "fc2");
    assert.throws(
      () => outputLayer(network, 7),
      {
        name: "TypeError",
        message:
          'diagnoseRun(): head "hidden" has no output layer: expected variables "<layer>/kernel" [features, 7] ' +
          'and "<layer>/bias" [7], got conv1/kernel, conv1/bias, conv2/kernel, conv2/bias, fc1/kernel, fc1/bias, ' +
          "fc2/kernel, fc2/bias. Name the head's last dense layer that way.",
      },
    );
  } finally {
    network.dispose();
  }
});
