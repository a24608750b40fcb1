/**
 * The best and the worst seed of each head by final test accuracy, whose
 * confusion matrices show what a good and a bad draw look like.
 *
 * @module
 */

import type { RunRecord } from "../train/types.ts";

/** A head's best and worst complete run. */
export interface ExtremeRuns {
  /** Head name. */
  head: string;
  /** Complete run with the highest final test accuracy; the lower seed on a tie. */
  best: RunRecord;
  /** Complete run with the lowest final test accuracy; the lower seed on a tie. */
  worst: RunRecord;
}

/**
 * Picks, for each head in order of first appearance, the complete run with
 * the highest and the lowest final test accuracy (ties go to the lower seed).
 * Heads without a complete run are left out.
 */
export function bestAndWorstRuns(records: readonly RunRecord[]): ExtremeRuns[] {
  const result: ExtremeRuns[] = [];
  for (const head of new Set(records.map((r) => r.config.head))) {
    const runs = records
      .filter((r) => r.config.head === head && r.status === "complete" && r.epochs.length > 0)
      .sort((a, b) => a.config.seed - b.config.seed);
    if (runs.length === 0) continue;
    const accuracy = (r: RunRecord) => r.epochs.at(-1)!.testAccuracy;
    const best = runs.reduce((top, r) => (accuracy(r) > accuracy(top) ? r : top));
    const worst = runs.reduce((bottom, r) => (accuracy(r) < accuracy(bottom) ? r : bottom));
    result.push({ head, best, worst });
  }
  return result;
}
