/**
 * Distributions stored as binned counts, pooled over the seeds of each head
 * and turned back into the shapes lib/plots draws: values for
 * `histogram()` and bins for `reliabilityDiagram()`.
 *
 * @module
 */

import { LOGIT_EDGES, MAX_PROBABILITY_EDGES, MIN_PROBABILITY_LOG10_EDGES } from "../metrics/mod.ts";
import type { BinCounts, SplitDetail } from "../study/diagnose.ts";
import type { RunRecord } from "../train/types.ts";
import { diagnosticsAt, type EpochChoice } from "./stored_diagnostics.ts";

/** A distribution stored for the test split on detail epochs. */
export type StoredDistributionName = "minProbabilityLog10" | "maxProbability" | "trueLogit" | "otherLogit";

/** Edges of each stored distribution, from lib/metrics/diagnostics.ts. */
export const DISTRIBUTION_EDGES: Readonly<Record<StoredDistributionName, readonly number[]>> = {
  minProbabilityLog10: MIN_PROBABILITY_LOG10_EDGES,
  maxProbability: MAX_PROBABILITY_EDGES,
  trueLogit: LOGIT_EDGES,
  otherLogit: LOGIT_EDGES,
};

/** Options of {@link storedHistogram} and {@link pooledReliability}. */
export interface StoredDistributionOptions {
  /** Stored epoch to read; default `"final"`. Only detail epochs have distributions. */
  epoch?: EpochChoice;
  /** Heads to include, in this order; default every head, in the order they first appear. */
  heads?: readonly string[];
}

/** One head's values, the shape `histogram()` in lib/plots takes. */
export interface StoredHistogramSeries {
  /** Head name. */
  variant: string;
  /** Stored counts of all the head's runs expanded into values at the bin midpoints. */
  values: Float64Array;
}

function testDetail(record: RunRecord, epoch: EpochChoice): SplitDetail["distributions"] | undefined {
  return diagnosticsAt(record, epoch)?.test.detail?.distributions ?? undefined;
}

function headOrder(records: readonly RunRecord[], heads?: readonly string[]): string[] {
  return heads ? [...heads] : [...new Set(records.map((record) => record.config.head))];
}

/** Adds trimmed counts into full-length counts, moving values below and above the edges into the end bins. */
function addCounts(total: number[], stored: BinCounts): void {
  stored.counts.forEach((count, i) => (total[stored.first + i] += count));
  total[0] += stored.below;
  total[total.length - 1] += stored.above;
}

/**
 * Pools a stored test-split distribution over the runs of each head and
 * expands the counts into values at the bin midpoints, so that
 * `histogram()` redraws the stored bins. Values outside the edges are drawn
 * in the end bins (for example every smallest probability below 10^−40 in
 * the bin from −40 to −38), and NaN values are left out.
 *
 * NOTE: expanding counts into values costs memory in proportion to the
 * images (90,000 values per run for `otherLogit`). A histogram builder in
 * lib/plots that takes counts would remove this step.
 *
 * @param records runs of one study block.
 * @returns one series per head that has the distribution at that epoch; empty when none has.
 */
export function storedHistogram(
  records: readonly RunRecord[],
  distribution: StoredDistributionName,
  options: StoredDistributionOptions = {},
): StoredHistogramSeries[] {
  const edges = DISTRIBUTION_EDGES[distribution];
  if (edges === undefined) {
    throw new RangeError(
      `lib/claims storedHistogram(): unknown distribution "${distribution}"; ` +
        `expected one of ${Object.keys(DISTRIBUTION_EDGES).join(", ")}.`,
    );
  }
  const series: StoredHistogramSeries[] = [];
  for (const head of headOrder(records, options.heads)) {
    const counts = new Array<number>(edges.length - 1).fill(0);
    let found = false;
    for (const record of records) {
      const stored = record.config.head === head ? testDetail(record, options.epoch ?? "final") : undefined;
      if (!stored) continue;
      addCounts(counts, stored[distribution]);
      found = true;
    }
    if (!found) continue;

    const values = new Float64Array(counts.reduce((sum, count) => sum + count, 0));
    let next = 0;
    counts.forEach((count, i) => values.fill((edges[i] + edges[i + 1]) / 2, next, next += count));
    series.push({ variant: head, values });
  }
  return series;
}

/** One reliability bin of one head, the shape `reliabilityDiagram()` in lib/plots takes. */
export interface PooledReliabilityBin {
  /** Head name. */
  variant: string;
  /** Mean confidence over the bin's images of all runs, in [0, 1]. */
  confidence: number;
  /** Fraction correct over those images, in [0, 1]. */
  accuracy: number;
  /** Images in the bin over all runs. */
  count: number;
}

/**
 * Pools the stored test-split reliability bins over the runs of each head:
 * each bin's confidence and accuracy are averaged with its image counts as
 * weights. Empty bins are left out.
 */
export function pooledReliability(
  records: readonly RunRecord[],
  options: StoredDistributionOptions = {},
): PooledReliabilityBin[] {
  const bins: PooledReliabilityBin[] = [];
  for (const head of headOrder(records, options.heads)) {
    const sums: { confidence: number; correct: number; count: number }[] = [];
    for (const record of records) {
      const stored = record.config.head === head ? testDetail(record, options.epoch ?? "final") : undefined;
      if (!stored) continue;
      stored.reliability.count.forEach((count, i) => {
        const confidence = stored.reliability.confidence[i];
        const accuracy = stored.reliability.accuracy[i];
        if (count === 0 || confidence === null || accuracy === null) return;
        sums[i] ??= { confidence: 0, correct: 0, count: 0 };
        sums[i].confidence += confidence * count;
        sums[i].correct += accuracy * count;
        sums[i].count += count;
      });
    }
    for (const sum of sums) {
      if (sum === undefined) continue;
      bins.push({
        variant: head,
        // Stored values are rounded, so clamp the weighted means back into [0, 1].
        confidence: Math.min(1, sum.confidence / sum.count),
        accuracy: Math.min(1, sum.correct / sum.count),
        count: sum.count,
      });
    }
  }
  return bins;
}
