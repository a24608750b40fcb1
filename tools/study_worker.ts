/**
 * Worker of `deno task study`: takes the dataset the main thread shares (or
 * loads it), then trains the runs the main thread sends it, one at a time,
 * storing each record atomically before it requests the next.
 *
 * Messages in: `{ type: "init", dataset?, dataDir?, storeDir, backend? }`, then
 * `{ type: "run", index, config }`. Messages out: `{ type: "ready", backend }`,
 * `{ type: "progress", index, event }`, `{ type: "done", index, status, accuracy, divergence? }`,
 * `{ type: "failed", index, message }`, where `index` is -1 for a failed init.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { DatasetError, loadFashionMnist } from "../lib/data/mod.ts";
import { RunStore } from "../lib/store/mod.ts";
import { ensureRun } from "../lib/study/ensure_run.ts";
import { selectBackend } from "../lib/train/mod.ts";
import type { Dataset } from "../lib/data/types.ts";
import type { RunConfig } from "../lib/train/types.ts";

let dataset: Dataset | undefined;
let store: RunStore | undefined;

self.onmessage = async (message: MessageEvent) => {
  const request = message.data;
  try {
    if (request.type === "init") {
      const backend = await selectBackend(request.backend);
      // A dataset in SharedArrayBuffers arrives without a copy; one worker per core then needs one copy in all.
      dataset = request.dataset ?? await loadFashionMnist({ dataDir: request.dataDir });
      store = new RunStore(request.storeDir);
      self.postMessage({ type: "ready", backend: backend.name, warning: backend.fallbackWarning });
      return;
    }
    if (request.type === "run") {
      const config: RunConfig = request.config;
      // ensureRun trains with the diagnostics hook and stores the record atomically.
      const record = await ensureRun(config, {
        dataset: dataset!,
        store: store!,
        onProgress: (event) => self.postMessage({ type: "progress", index: request.index, event }),
      });
      const accuracy = record.epochs.at(-1)?.testAccuracy ?? NaN;
      self.postMessage({
        type: "done",
        index: request.index,
        status: record.status,
        accuracy,
        divergence: record.divergence,
      });
    }
  } catch (error) {
    // A dataset problem is explained by its message (which file, what to do); anything else needs the stack to be found.
    const message = error instanceof DatasetError
      ? error.message
      : error instanceof Error
      ? error.stack ?? error.message
      : String(error);
    self.postMessage({ type: "failed", index: request.index ?? -1, message });
  }
};
