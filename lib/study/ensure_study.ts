/**
 * Read a profile's study from the run store, training in this process only
 * the runs that are missing. `deno task study` does the same on all cores;
 * notebooks call this so that they always show a complete study.
 *
 * @module
 */

import type { Dataset } from "../data/types.ts";
import type { RunStore } from "../store/mod.ts";
import type { ProgressEvent, RunConfig, RunRecord } from "../train/types.ts";
import { ensureRun } from "./ensure_run.ts";
import { planRuns, type Profile, type StudyBlock } from "./profiles.ts";

/**
 * Returns the records of every run of the profile's study, in plan order,
 * training the missing ones one after another.
 */
export async function ensureStudy(
  profile: Profile,
  options: {
    dataset: Dataset;
    store: RunStore;
    onProgress?: (event: ProgressEvent & { run: number; runs: number }) => void;
  },
): Promise<RunRecord[]> {
  const planned = planRuns(profile.study);
  const records: RunRecord[] = [];
  for (const [index, { config }] of planned.entries()) {
    records.push(
      await ensureRun(config, {
        dataset: options.dataset,
        store: options.store,
        onProgress: (event) => options.onProgress?.({ ...event, run: index + 1, runs: planned.length }),
      }),
    );
  }
  return records;
}

/** Tests whether a record's config belongs to a study block (any head and seed of it). */
export function inBlock(record: RunRecord, block: StudyBlock): boolean {
  const c: RunConfig = record.config;
  return block.heads.includes(c.head) && block.seeds.includes(c.seed) && c.init === block.init &&
    c.optimizer === block.optimizer && c.learningRate === block.learningRate && c.epochs === block.epochs &&
    c.trainSubset === block.trainSubset;
}
