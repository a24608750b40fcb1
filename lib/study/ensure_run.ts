/**
 * Train a run only when the run store does not have it yet. This is how
 * notebooks and the study command share results: whatever is stored is read
 * back, whatever is missing is trained and stored.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { Dataset } from "../data/types.ts";
import { RunStore } from "../store/mod.ts";
import { type DiagnoseHook, trainRun } from "../train/mod.ts";
import { diagnoseRun } from "./diagnose.ts";
import type { ProgressEvent, RunConfig, RunRecord } from "../train/types.ts";

/** Folder of the run stores, `<repo>/data/runs/`, found from this file rather than the working directory. */
export const RUNS_DIR: string = fileURLToPath(new URL("../../data/runs/", import.meta.url));

/**
 * Opens the run store of a profile: `data/runs/<profile>/` in the repository,
 * or `dir` when given.
 */
export function openRunStore(profile: string, dir?: string): RunStore {
  return new RunStore(dir ?? `${RUNS_DIR}${profile}`);
}

/** Options of {@linkcode ensureRun}. */
export interface EnsureRunOptions {
  /** Dataset to train on when the store lacks the run. */
  dataset: Dataset;
  /** Run store that is read first and that a newly trained record is put into. */
  store: RunStore;
  /** Receives the progress events of training; not called when the record is read from the store. */
  onProgress?: (event: ProgressEvent) => void;
  /** Aborts training between steps; `ensureRun` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Measurements stored per epoch in `record.diagnostics`; default {@linkcode diagnoseRun}. */
  diagnose?: DiagnoseHook;
}

/**
 * Returns the stored record of `config`, training and storing it first when
 * the store has none (or only a corrupt one, which the store moves aside and
 * reports in `store.warnings`).
 */
export async function ensureRun(config: RunConfig, options: EnsureRunOptions): Promise<RunRecord> {
  const stored = await options.store.get(config);
  if (stored) return stored;

  const record = await trainRun(config, options.dataset, {
    onProgress: options.onProgress,
    signal: options.signal,
    diagnose: options.diagnose ?? diagnoseRun,
  });
  await options.store.put(record);
  return record;
}
