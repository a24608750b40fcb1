/**
 * Reads the per-epoch diagnostics that `diagnoseRun()` stored in a run
 * record (`record.diagnostics["epoch<n>"]`), typed and in epoch order.
 *
 * @module
 */

import type { EpochDiagnostics } from "../study/diagnose.ts";
import type { RunRecord } from "../train/types.ts";

const EPOCH_KEY = /^epoch(\d+)$/;

function describe(record: RunRecord): string {
  return `run ${record.key} (${record.config.head}, seed ${record.config.seed})`;
}

/**
 * Returns a record's stored epoch diagnostics sorted by epoch, epoch 0 (the
 * initial network) first when it was measured. Records trained without the
 * diagnostics hook return an empty array.
 *
 * @throws {TypeError} if an entry is not an object of layout version 1, naming the run and key;
 *   retrain the run (delete its file from the run store) to replace it.
 */
export function epochDiagnostics(record: RunRecord): EpochDiagnostics[] {
  const entries: EpochDiagnostics[] = [];
  for (const [key, value] of Object.entries(record.diagnostics ?? {})) {
    if (!EPOCH_KEY.test(key)) continue;
    const entry = value as Partial<EpochDiagnostics> | null;
    if (typeof entry !== "object" || entry === null || entry.version !== 1 || !entry.train || !entry.test) {
      throw new TypeError(
        `${describe(record)} has diagnostics.${key} in an unknown layout (version ${entry?.version}); ` +
          "expected version 1 from lib/study/diagnose.ts. Delete the run's file from the run store to retrain it.",
      );
    }
    entries.push(entry as EpochDiagnostics);
  }
  return entries.sort((a, b) => a.epoch - b.epoch);
}

/** Returns the diagnostics of the initial network (epoch 0), or `undefined` when they were not measured. */
export function initialDiagnostics(record: RunRecord): EpochDiagnostics | undefined {
  const first = epochDiagnostics(record)[0];
  return first?.epoch === 0 ? first : undefined;
}

/** Returns the diagnostics of the last epoch measured, or `undefined` when the record has none. */
export function finalDiagnostics(record: RunRecord): EpochDiagnostics | undefined {
  return epochDiagnostics(record).at(-1);
}

/** Stored epoch to read: the initial network, the last epoch, or a given epoch number. */
export type EpochChoice = "initial" | "final" | number;

/** Returns a record's diagnostics at `epoch`, or `undefined` when that epoch was not stored. */
export function diagnosticsAt(record: RunRecord, epoch: EpochChoice): EpochDiagnostics | undefined {
  if (epoch === "initial") return initialDiagnostics(record);
  if (epoch === "final") return finalDiagnostics(record);
  return epochDiagnostics(record).find((entry) => entry.epoch === epoch);
}
