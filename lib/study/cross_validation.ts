/**
 * k-fold cross-validation on the training split, so that head variants can be
 * compared without looking at the test set: the test set is then used once, at
 * the end, for the variant chosen.
 *
 * The training split is shuffled with the run's seed (stream `"folds"`) and cut
 * into k near-equal parts. Fold f (1-based) validates on part f and trains on
 * the other k − 1. {@linkcode foldDataset} turns a fold into a {@link Dataset}
 * whose `test` split is the fold's validation part, so `trainRun` is used
 * unchanged and a record's "test" metrics are the fold's validation metrics.
 *
 * @module
 */

import { type Dataset, IMAGE_SIZE, type Split } from "../data/types.ts";
import { seededRandom, shuffledIndices } from "../random.ts";
import { RunStore, type StoreWarning } from "../store/run_store.ts";
import type { Summary } from "../stats/mod.ts";
import { validateConfig } from "../train/config.ts";
import type { ProgressEvent, RunConfig, RunRecord } from "../train/types.ts";
import { completeRuns, finalEpoch, summarizeOrNaN } from "./aggregate.ts";
import { ensureRun } from "./ensure_run.ts";

const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

/** One fold of a k-fold split: indices into the training split, each list in ascending order. */
export interface FoldSplit {
  /** 1-based number of the fold, from 1 to `folds`. */
  fold: number;
  /** Number of folds k of the split this fold belongs to. */
  folds: number;
  /** Indices of the images the fold trains on: every index not in `validation`. */
  train: Int32Array;
  /** Indices of the images the fold validates on: part `fold` of the seeded shuffle. */
  validation: Int32Array;
}

/**
 * Splits `0..trainCount-1` into `folds` folds for cross-validation.
 *
 * The indices are shuffled with `seededRandom(seed, "folds")` and cut into
 * `folds` consecutive parts whose sizes differ by at most 1 (part i contains
 * shuffled positions ⌊i·n/k⌋ to ⌊(i+1)·n/k⌋ − 1). Fold i + 1 validates on
 * part i and trains on the rest, so every index is validated exactly once.
 * The same arguments always return the same folds.
 *
 * @param trainCount images in the training split, an integer ≥ 2.
 * @param folds number of folds k, an integer from 2 to `trainCount`.
 * @param seed integer seed; a different seed gives a different partition.
 * @returns `folds` splits, fold 1 first; `train` and `validation` in ascending order.
 * @throws {RangeError} if `folds` or `trainCount` is out of range.
 * @throws {TypeError} if the seed is not a safe integer.
 * @example
 * ```ts
 * const [first] = foldSplits(60_000, 5, 0);
 * first.validation.length; // 12000
 * first.train.length; // 48000
 * ```
 */
export function foldSplits(trainCount: number, folds: number, seed: number): FoldSplit[] {
  if (!Number.isInteger(trainCount) || trainCount < 2) {
    throw new RangeError(
      `Invalid trainCount ${trainCount} in foldSplits(): expected an integer ≥ 2, the images of the training split.`,
    );
  }
  if (!Number.isInteger(folds) || folds < 2 || folds > trainCount) {
    throw new RangeError(
      `Invalid folds ${folds}: expected an integer from 2 to ${trainCount} (the training images); 5 or 10 is usual.`,
    );
  }
  const order = shuffledIndices(trainCount, seededRandom(seed, "folds"));
  const splits: FoldSplit[] = [];
  for (let i = 0; i < folds; i++) {
    const start = Math.floor(i * trainCount / folds);
    const end = Math.floor((i + 1) * trainCount / folds);
    const validation = order.slice(start, end).sort();
    const inValidation = new Uint8Array(trainCount);
    for (const index of validation) inValidation[index] = 1;
    const train = new Int32Array(trainCount - validation.length);
    for (let index = 0, next = 0; index < trainCount; index++) {
      if (!inValidation[index]) train[next++] = index;
    }
    splits.push({ fold: i + 1, folds, train, validation });
  }
  return splits;
}

/** Copies the images and labels at `indices` of `split` into a new split, in the order of `indices`. */
function gatherSplit(split: Split, indices: Int32Array): Split {
  const images = new Float32Array(indices.length * PIXELS);
  const labels = new Uint8Array(indices.length);
  indices.forEach((index, position) => {
    images.set(split.images.subarray(index * PIXELS, (index + 1) * PIXELS), position * PIXELS);
    labels[position] = split.labels[index];
  });
  return { images, labels, count: indices.length };
}

/**
 * Builds the dataset of one fold: `train` contains the fold's training images
 * and `test` its validation images, both copied from `dataset.train` in the
 * order of the split's indices. `dataset.test` is not used.
 *
 * @param dataset the full dataset; the split's indices point into `dataset.train`.
 * @param split one element of {@linkcode foldSplits}`(dataset.train.count, k, seed)`.
 * @returns a dataset whose `source` is `"<dataset.source> (fold f of k)"`.
 * @throws {RangeError} if an index of the split is outside `dataset.train`.
 */
export function foldDataset(dataset: Dataset, split: FoldSplit): Dataset {
  for (const indices of [split.train, split.validation]) {
    for (const index of indices) {
      if (!(index >= 0 && index < dataset.train.count)) {
        throw new RangeError(
          `foldDataset(): index ${index} of fold ${split.fold} is outside the ${dataset.train.count} training images; ` +
            `build the split with foldSplits(dataset.train.count, folds, seed).`,
        );
      }
    }
  }
  return {
    train: gatherSplit(dataset.train, split.train),
    test: gatherSplit(dataset.train, split.validation),
    classNames: dataset.classNames,
    source: `${dataset.source} (fold ${split.fold} of ${split.folds})`,
  };
}

/**
 * Returns the run store folder of fold `fold` of `folds`: `<storeDir>/k<folds>-fold<fold>`.
 *
 * @param storeDir parent folder of the fold stores; a trailing slash is dropped.
 * @param folds number of folds k.
 * @param fold 1-based fold number.
 */
export function foldStoreDir(storeDir: string, folds: number, fold: number): string {
  return `${storeDir.replace(/[/\\]+$/, "")}/k${folds}-fold${fold}`;
}

/** Reported by {@linkcode crossValidate} after each fold, trained or read from the store. */
export interface FoldResult {
  /** 1-based fold number. */
  fold: number;
  /** Number of folds k. */
  folds: number;
  /** The fold's record; its "test" metrics are measured on the fold's validation images. */
  record: RunRecord;
  /** True when the record was read from the fold's store, false when it was trained now. */
  fromStore: boolean;
  /** Folder of the fold's run store. */
  storeDir: string;
}

/** Options of {@linkcode crossValidate}. */
export interface CrossValidationOptions {
  /** Number of folds k, an integer from 2 to the training images. */
  folds: number;
  /** Parent folder of the fold stores; fold f is stored in `<storeDir>/k<folds>-fold<f>/`. */
  storeDir: string;
  /** Receives the training progress of the fold being trained, with its fold number. */
  onProgress?: (event: ProgressEvent, fold: number) => void;
  /** Called after each fold, in fold order. */
  onFold?: (result: FoldResult) => void;
  /** Aborts training between steps; `crossValidate` then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Outcome of {@linkcode crossValidate} for one (head, seed). */
export interface CrossValidationResult {
  /** Head of the config. */
  head: string;
  /** Seed of the config; it also chose the folds. */
  seed: number;
  /** One record per fold, fold 1 first. */
  folds: RunRecord[];
  /** Final validation accuracy over the complete folds, fractions in [0, 1]; NaN statistics when none completed. */
  validationAccuracy: Summary;
  /** Final validation loss over the complete folds, in nats per image; NaN statistics when none completed. */
  validationLoss: Summary;
  /** Folds whose training diverged, left out of the summaries. */
  diverged: number;
  /** Problems the fold stores met and worked around, such as a corrupt record moved aside. */
  warnings: StoreWarning[];
}

/**
 * Cross-validates one config on the training split of `dataset`: trains one
 * run per fold on the fold's training images and measures it on the fold's
 * validation images. `dataset.test` is never used.
 *
 * Each fold's record goes through {@linkcode ensureRun} into its own run store,
 * `<storeDir>/k<folds>-fold<f>/`, under the usual key of `config`, so an
 * interrupted cross-validation resumes: stored folds are read back, not
 * trained again. The folds depend on `config.seed`, `folds` and
 * `dataset.train.count`, so a store folder must only be used with one dataset.
 *
 * `config.trainSubset` selects images within the fold's training part (the
 * first n of a seeded shuffle, as in `trainRun`). `config.testSubset` must be
 * null: each fold validates on its whole validation part.
 *
 * Folds are trained one after another on the active tfjs backend; call
 * `selectBackend()` first.
 *
 * @param config the run to cross-validate; checked against the smallest fold before any training.
 * @param dataset the full dataset; only `dataset.train` is used.
 * @returns the fold records and summaries of final validation accuracy and loss over the folds.
 * @throws {RangeError} if `folds` is out of range, `testSubset` is not null or the config does not fit a fold.
 * @throws the signal's reason when `options.signal` aborts.
 * @example
 * ```ts
 * await selectBackend("wasm");
 * const result = await crossValidate(config, dataset, { folds: 5, storeDir: "data/runs/quick-cv" });
 * console.log(result.validationAccuracy.mean, result.validationAccuracy.ci95);
 * ```
 */
export async function crossValidate(
  config: RunConfig,
  dataset: Dataset,
  options: CrossValidationOptions,
): Promise<CrossValidationResult> {
  if (config.testSubset !== null) {
    throw new RangeError(
      `crossValidate(): invalid testSubset ${config.testSubset}: expected null, because each fold validates on ` +
        `its whole held-out part of the training split. Set testSubset to null.`,
    );
  }
  const splits = foldSplits(dataset.train.count, options.folds, config.seed);
  checkConfigFitsFolds(config, dataset.train.count, options.folds);
  if (typeof options.storeDir !== "string" || options.storeDir === "") {
    throw new TypeError(
      `crossValidate(): invalid storeDir ${
        JSON.stringify(options.storeDir)
      }: expected a folder such as "data/runs/quick-cv".`,
    );
  }
  options.signal?.throwIfAborted();

  const records: RunRecord[] = [];
  const warnings: StoreWarning[] = [];
  for (const split of splits) {
    const storeDir = foldStoreDir(options.storeDir, split.folds, split.fold);
    const store = new RunStore(storeDir);
    const stored = await store.get(config);
    const record = stored ?? await ensureRun(config, {
      dataset: foldDataset(dataset, split),
      store,
      onProgress: options.onProgress && ((event) => options.onProgress!(event, split.fold)),
      signal: options.signal,
    });
    warnings.push(...store.takeWarnings());
    records.push(record);
    options.onFold?.({ fold: split.fold, folds: split.folds, record, fromStore: stored !== undefined, storeDir });
  }

  const complete = completeRuns(records);
  return {
    head: config.head,
    seed: config.seed,
    folds: records,
    validationAccuracy: summarizeOrNaN(complete.map((record) => finalEpoch(record).testAccuracy)),
    validationLoss: summarizeOrNaN(complete.map((record) => finalEpoch(record).testLoss)),
    diverged: records.length - complete.length,
    warnings,
  };
}

/**
 * Checks `config` against the smallest fold of a k-fold split of `trainCount`
 * images: n − ⌈n/k⌉ training images and ⌊n/k⌋ validation images. Call it
 * before training, so that a `trainSubset` or `batchSize` too large for a fold
 * fails before the first fold trains.
 *
 * @throws {TypeError | RangeError} as `validateConfig` does, the message prefixed with the number of folds.
 */
export function checkConfigFitsFolds(config: RunConfig, trainCount: number, folds: number): void {
  const validationCount = Math.floor(trainCount / folds);
  const foldTrainCount = trainCount - Math.ceil(trainCount / folds);
  try {
    validateConfig(config, { trainCount: foldTrainCount, testCount: validationCount });
  } catch (error) {
    if (!(error instanceof RangeError || error instanceof TypeError)) throw error;
    const ErrorClass = error instanceof RangeError ? RangeError : TypeError;
    throw new ErrorClass(
      `With ${folds} folds of ${trainCount} training images, each fold trains on at least ${foldTrainCount}: ` +
        error.message,
    );
  }
}
