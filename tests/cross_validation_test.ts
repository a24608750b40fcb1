/**
 * Tests of lib/study/cross_validation.ts: the fold partition, the fold
 * datasets, and crossValidate storing one record per fold and reading them
 * back instead of training again. Training uses a small synthetic dataset on
 * the wasm backend, so the file runs in seconds.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Dataset, Split } from "../lib/data/types.ts";
import { CLASS_NAMES } from "../lib/data/types.ts";
import { runKey } from "../lib/store/key.ts";
import { crossValidate, foldDataset, foldSplits } from "../lib/study/cross_validation.ts";
import { selectBackend } from "../lib/train/backend.ts";
import { DEFAULT_CONFIG } from "../lib/train/config.ts";
import type { RunConfig } from "../lib/train/types.ts";

await selectBackend("wasm");

/** Builds a split whose image i has every pixel equal to i / count and label i mod 10, so a copy shows its index. */
function indexedSplit(count: number): Split {
  const images = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images.fill(i / count, i * 784, (i + 1) * 784);
    labels[i] = i % 10;
  }
  return { images, labels, count };
}

/** Reads back the index that {@linkcode indexedSplit} encoded in image `position` of `split`. */
function indexOfImage(split: Split, position: number, originalCount: number): number {
  return Math.round(split.images[position * 784] * originalCount);
}

function sortedUnion(...lists: Int32Array[]): number[] {
  return lists.flatMap((list) => [...list]).sort((a, b) => a - b);
}

Deno.test("foldSplits() puts every index in exactly one validation part of near-equal size", () => {
  for (const [count, folds] of [[10, 2], [103, 5], [7, 7], [60_000, 10]]) {
    const splits = foldSplits(count, folds, 0);
    assert.equal(splits.length, folds);
    const all = Array.from({ length: count }, (_, i) => i);
    assert.deepEqual(sortedUnion(...splits.map((s) => s.validation)), all, `${count} images, ${folds} folds`);

    const sizes = splits.map((s) => s.validation.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `validation sizes ${sizes}`);

    splits.forEach((split, i) => {
      assert.equal(split.fold, i + 1);
      assert.equal(split.folds, folds);
      assert.deepEqual(sortedUnion(split.train, split.validation), all, `fold ${split.fold}: train ∪ validation`);
      assert.equal(split.train.length + split.validation.length, count, `fold ${split.fold}: train ∩ validation = ∅`);
    });
  }
});

Deno.test("foldSplits() is deterministic for a seed and differs between seeds", () => {
  const first = foldSplits(1000, 5, 3);
  assert.deepEqual(foldSplits(1000, 5, 3), first);
  assert.notDeepEqual(foldSplits(1000, 5, 4).map((s) => [...s.validation]), first.map((s) => [...s.validation]));
});

Deno.test("foldSplits() rejects a number of folds outside 2 to the training images", () => {
  for (const folds of [1, 0, -2, 2.5, NaN, 11]) {
    assert.throws(
      () => foldSplits(10, folds, 0),
      (error: Error) =>
        error instanceof RangeError && /Invalid folds .*expected an integer from 2 to 10/.test(error.message),
      `folds ${folds}`,
    );
  }
});

Deno.test("foldDataset() copies the fold's training images to train and its validation images to test", () => {
  const dataset: Dataset = { train: indexedSplit(50), test: indexedSplit(5), classNames: CLASS_NAMES, source: "dir" };
  const split = foldSplits(50, 3, 1)[1];
  const fold = foldDataset(dataset, split);

  assert.equal(fold.source, "dir (fold 2 of 3)");
  for (const [part, indices] of [[fold.train, split.train], [fold.test, split.validation]] as const) {
    assert.equal(part.count, indices.length);
    assert.equal(part.images.length, indices.length * 784);
    indices.forEach((index, position) => {
      assert.equal(indexOfImage(part, position, 50), index);
      assert.equal(part.labels[position], index % 10);
    });
  }
  // Copies, not views: changing the fold leaves the dataset alone.
  fold.train.images.fill(-1);
  assert.equal(dataset.train.images[split.train[0] * 784], Math.fround(split.train[0] / 50));
});

/** Images of class c: a bright 6×6 block at a class-specific place over noise, as in train_test.ts. */
function syntheticSplit(count: number): Split {
  const images = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    labels[i] = label;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = 0.3 * (((i * 7919 + p * 104729) % 1000) / 1000);
    const top = 2 + 12 * Math.floor(label / 5);
    const left = 1 + 5 * (label % 5);
    for (let r = top; r < top + 6; r++) {
      for (let c = left; c < left + 6; c++) images[i * 784 + r * 28 + c] = 1;
    }
  }
  return { images, labels, count };
}

const tiny: RunConfig = {
  ...DEFAULT_CONFIG,
  head: "relu",
  epochs: 1,
  batchSize: 20,
  trainSubset: 40,
  testSubset: null,
};

Deno.test("crossValidate() stores one record per fold and reads them back without training", async () => {
  // The test split is all one class, so a record measured on it instead of the validation part would show.
  const dataset: Dataset = {
    train: syntheticSplit(100),
    test: { images: new Float32Array(10 * 784), labels: new Uint8Array(10).fill(9), count: 10 },
    classNames: CLASS_NAMES,
    source: "synthetic",
  };
  const dir = await Deno.makeTempDir({ prefix: "cross_validation_test_" });
  try {
    const trainedFolds: number[] = [];
    const first = await crossValidate(tiny, dataset, {
      folds: 2,
      storeDir: dir,
      onFold: (result) => assert.equal(result.fromStore, false),
      onProgress: (event, fold) => {
        if (event.kind === "epoch") trainedFolds.push(fold);
      },
    });
    assert.deepEqual(trainedFolds, [1, 2]);
    assert.equal(first.head, "relu");
    assert.equal(first.seed, 0);
    assert.equal(first.folds.length, 2);
    assert.equal(first.diverged, 0);
    assert.equal(first.validationAccuracy.n, 2);
    for (const record of first.folds) {
      assert.deepEqual(record.config, tiny);
      // Each fold validates on its 50 held-out images: 5 of each class, not the 10 test images.
      const validated = record.confusion.flat().reduce((sum, count) => sum + count, 0);
      assert.equal(validated, 50);
    }
    const accuracies = first.folds.map((record) => record.epochs.at(-1)!.testAccuracy);
    assert.equal(first.validationAccuracy.mean, (accuracies[0] + accuracies[1]) / 2);

    for (const fold of [1, 2]) {
      const names = [...Deno.readDirSync(`${dir}/k2-fold${fold}`)].map((entry) => entry.name);
      assert.deepEqual(names, [`${runKey(tiny)}.json`]);
    }

    const second = await crossValidate(tiny, dataset, {
      folds: 2,
      storeDir: `${dir}/`,
      onFold: (result) => assert.equal(result.fromStore, true),
      onProgress: () => assert.fail("a stored fold was trained again"),
    });
    assert.deepEqual(
      second.folds.map((record) => [record.wallSeconds, record.finishedAt]),
      first.folds.map((record) => [record.wallSeconds, record.finishedAt]),
    );
    assert.deepEqual(second.validationAccuracy, first.validationAccuracy);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("crossValidate() rejects invalid folds, a testSubset and a trainSubset larger than a fold before training", async () => {
  const dataset: Dataset = {
    train: syntheticSplit(20),
    test: syntheticSplit(10),
    classNames: CLASS_NAMES,
    source: "s",
  };
  const options = { folds: 2, storeDir: "/nonexistent/never-written" };
  const config = { ...tiny, trainSubset: null, batchSize: 5 };
  await assert.rejects(crossValidate(config, dataset, { ...options, folds: 1 }), /Invalid folds 1: .*from 2 to 20/);
  await assert.rejects(crossValidate({ ...config, testSubset: 5 }, dataset, options), /testSubset 5: expected null/);
  await assert.rejects(
    crossValidate({ ...config, trainSubset: 15 }, dataset, options),
    /With 2 folds of 20 training images, each fold trains on at least 10: Invalid trainSubset 15/,
  );
});
