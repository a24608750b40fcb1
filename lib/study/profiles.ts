/**
 * Run profiles: how much training a report or a study does. `quick` fits in
 * a few minutes on two CPU cores and is what CI runs; `full` is the
 * experiment whose results are committed under `data/runs/full/`.
 *
 * @module
 */

import { DEFAULT_CONFIG, PROFILES as RUN_SETTINGS } from "../train/config.ts";
import type { InitScheme, OptimizerName, RunConfig } from "../train/types.ts";

/** One block of runs of a study: every head in `heads` from every seed in `seeds`. */
export interface StudyBlock {
  /** Short name shown in reports, for example `"main"` or `"adam"`. */
  name: string;
  /** What the block varies, in a few words. */
  description: string;
  /** Registered names of the heads trained. */
  heads: string[];
  /** Seeds; each is trained with every head. */
  seeds: number[];
  /** Initialisation scheme of every run. */
  init: InitScheme;
  /** Optimiser of every run. */
  optimizer: OptimizerName;
  /** Learning rate of every run, > 0. */
  learningRate: number;
  /** Epochs of every run, ≥ 1. */
  epochs: number;
  /** Training images per run (the first n of a seeded shuffle), or `null` for all 60,000. */
  trainSubset: number | null;
}

/** A named amount of work for the notebooks and the study command. */
export interface Profile {
  /** The profile's name, its key in {@link PROFILES}. */
  name: string;
  /** Settings of the single runs of the first notebook (both heads, seed 0). */
  firstRun: Omit<RunConfig, "head" | "seed">;
  /** Blocks of the study; the first is the main comparison. */
  study: StudyBlock[];
  /** Reason the profile deviates from the original 30 epochs, shown in reports. */
  note: string;
}

/** Head variants compared by the study, the baseline first. */
export const STUDY_HEADS = ["linear", "relu", "softplus", "leaky_relu", "hidden"];

/** The original exercise's settings without head and seed: PyTorch init, plain SGD, lr 0.001, batch 20. */
const { head: _head, seed: _seed, ...ORIGINAL } = DEFAULT_CONFIG;

function seedList(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** Epochs of the full study's main block: the original exercise's 30. */
const FULL_MAIN_EPOCHS = 30;

/** Epochs of the full study's secondary blocks, fewer than the main block's to bound the study's time. */
const FULL_SECONDARY_EPOCHS = 10;

/** The profiles by name. */
export const PROFILES: Record<string, Profile> = {
  quick: {
    name: "quick",
    firstRun: { ...ORIGINAL, ...RUN_SETTINGS.quick },
    study: [
      {
        name: "main",
        description: "original setup: PyTorch init, plain SGD, lr 0.001",
        heads: STUDY_HEADS,
        seeds: seedList(3),
        init: "pytorch",
        optimizer: "sgd",
        learningRate: 0.001,
        epochs: 2,
        trainSubset: 12_000,
      },
    ],
    note:
      "The quick profile trains on a 12,000-image subset for a few epochs so that every notebook runs in minutes; " +
      "its numbers show the method working, not the answer. Use the full profile's committed results for that.",
  },
  full: {
    name: "full",
    // The first notebook reuses the main block's seed-0 runs, so a full report trains nothing new.
    firstRun: { ...ORIGINAL, epochs: FULL_MAIN_EPOCHS, trainSubset: null },
    study: [
      {
        name: "main",
        description: "original setup: PyTorch init, plain SGD, lr 0.001",
        heads: STUDY_HEADS,
        seeds: seedList(10),
        init: "pytorch",
        optimizer: "sgd",
        learningRate: 0.001,
        epochs: FULL_MAIN_EPOCHS,
        trainSubset: null,
      },
      {
        name: "tfjs-init",
        description: "tfjs default init (Glorot weights, zero biases), plain SGD",
        heads: ["linear", "relu"],
        seeds: seedList(5),
        init: "tfjs",
        optimizer: "sgd",
        learningRate: 0.001,
        epochs: FULL_SECONDARY_EPOCHS,
        trainSubset: null,
      },
      {
        name: "momentum",
        description: "PyTorch init, SGD with momentum 0.9",
        heads: ["linear", "relu"],
        seeds: seedList(5),
        init: "pytorch",
        optimizer: "momentum",
        learningRate: 0.001,
        epochs: FULL_SECONDARY_EPOCHS,
        trainSubset: null,
      },
      {
        name: "adam",
        description: "PyTorch init, Adam lr 0.001",
        heads: ["linear", "relu"],
        seeds: seedList(5),
        init: "pytorch",
        optimizer: "adam",
        learningRate: 0.001,
        epochs: FULL_SECONDARY_EPOCHS,
        trainSubset: null,
      },
    ],
    note: "The main comparison trains for the original exercise's 30 epochs of all 60,000 images. The secondary " +
      "blocks (initialisation and optimiser) train for 10 epochs, which bounds the study's time. On a 2-core " +
      "x86-64 machine (tfjs wasm backend, one worker per core) the main block took 1 h 15 min and the secondary " +
      "blocks 14 min. Within a block, heads are compared after the same number of steps.",
  },
};

/**
 * Looks up a profile by name.
 *
 * @throws {RangeError} for an unknown name, listing the valid ones.
 */
export function getProfile(name: string): Profile {
  const profile = PROFILES[name];
  if (!profile) {
    throw new RangeError(
      `Unknown profile "${name}": expected one of ${Object.keys(PROFILES).join(", ")}.`,
    );
  }
  return profile;
}

/**
 * Reads the profile named by the `RELU_LAB_PROFILE` environment variable
 * (`deno task report --profile NAME` sets it), `quick` when unset.
 *
 * @throws {RangeError} when the variable names an unknown profile.
 */
export function profileFromEnv(): Profile {
  const name = Deno.env.get("RELU_LAB_PROFILE") ?? "quick";
  try {
    return getProfile(name);
  } catch (error) {
    throw new RangeError(`RELU_LAB_PROFILE: ${(error as Error).message}`);
  }
}

/**
 * Expands study blocks into run configs, one per (block, head, seed), in the
 * order a study trains them: seed-major, so that an interrupted study has
 * complete pairs for the seeds it finished.
 */
export function planRuns(blocks: StudyBlock[]): { block: string; config: RunConfig }[] {
  const runs: { block: string; config: RunConfig }[] = [];
  for (const block of blocks) {
    for (const seed of block.seeds) {
      for (const head of block.heads) {
        runs.push({
          block: block.name,
          config: {
            head,
            seed,
            init: block.init,
            optimizer: block.optimizer,
            learningRate: block.learningRate,
            batchSize: 20,
            epochs: block.epochs,
            trainSubset: block.trainSubset,
            testSubset: null,
          },
        });
      }
    }
  }
  return runs;
}
