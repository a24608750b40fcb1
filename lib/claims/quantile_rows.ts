/**
 * Spread of a stored per-image distribution (median and 5th to 95th
 * percentile) per head, at initialisation and after the last epoch: the
 * rows `forestPlot()` in lib/plots draws. Unlike the stored histograms,
 * whose bins are fixed, the quantiles keep their precision when a
 * distribution is narrow, as it is for an untrained network.
 *
 * @module
 */

import type { StoredSummary } from "../metrics/mod.ts";
import type { SplitDetail } from "../study/diagnose.ts";
import type { RunRecord } from "../train/types.ts";
import { meanOf } from "./_paired.ts";
import { diagnosticsAt, type EpochChoice } from "./stored_diagnostics.ts";

/** A distribution summarised for the test split on detail epochs; see `SplitDetail.summaries`. */
export type StoredSummaryName = keyof NonNullable<SplitDetail["summaries"]>;

/** One head at one epoch: the median and the 5th–95th percentile range, the shape `forestPlot()` takes. */
export interface QuantileRow {
  /** `"<head>, initialisation"` or `"<head>, epoch <n>"`. */
  label: string;
  /** Median, mean over runs. */
  estimate: number;
  /** 5th percentile, mean over runs. */
  lo: number;
  /** 95th percentile, mean over runs. */
  hi: number;
}

/** Options of {@link quantileRows}. */
export interface QuantileRowOptions {
  /** Epochs to show, in this order within each head; default initialisation and the last epoch. */
  epochs?: readonly EpochChoice[];
  /** Heads to include, in this order; default every head, in the order they first appear. */
  heads?: readonly string[];
}

/**
 * Summarises a stored test-split distribution per head and epoch. Each
 * quantile is averaged over the head's runs (the mean of the runs' medians,
 * and so on), which keeps one row per head whatever the number of seeds.
 * A head without the summary at an epoch gets no row for it.
 *
 * @param records runs of one study block, with diagnostics.
 * @param summary which distribution, for example `"minProbabilityLog10"`.
 */
export function quantileRows(
  records: readonly RunRecord[],
  summary: StoredSummaryName,
  options: QuantileRowOptions = {},
): QuantileRow[] {
  const heads = options.heads ?? [...new Set(records.map((r) => r.config.head))];
  const rows: QuantileRow[] = [];
  for (const head of heads) {
    for (const epoch of options.epochs ?? ["initial", "final"]) {
      const entries = records
        .filter((r) => r.config.head === head)
        .map((r) => diagnosticsAt(r, epoch))
        .filter((entry) => entry?.test.detail?.summaries);
      if (entries.length === 0) continue;
      const summaries: StoredSummary[] = entries.map((entry) => entry!.test.detail!.summaries![summary]);
      const row: QuantileRow = {
        label: `${head}, ${entries[0]!.epoch === 0 ? "initialisation" : `epoch ${entries[0]!.epoch}`}`,
        estimate: meanOf(summaries.map((s) => s.p50)),
        lo: meanOf(summaries.map((s) => s.p5)),
        hi: meanOf(summaries.map((s) => s.p95)),
      };
      if ([row.estimate, row.lo, row.hi].every(Number.isFinite)) rows.push(row);
    }
  }
  return rows;
}
