/**
 * Pairs one value per run of two heads by seed, the way every claim
 * compares `relu` with `linear`.
 *
 * @module
 */

import { summarize } from "../stats/mod.ts";
import type { RunRecord } from "../train/types.ts";

/** Values of two heads paired by seed, and the statistics of head − baseline. */
export interface PairedValues {
  /** Number of seeds where both runs have a value. */
  n: number;
  /** Mean over those seeds of the head's value and of the baseline's. */
  headMean: number;
  baselineMean: number;
  /** Mean of head − baseline. */
  difference: number;
  /** t-based 95% interval of the mean difference; [NaN, NaN] when n < 2. */
  ci95: [number, number];
  /** Seeds where the head's value is larger, and where it is smaller. */
  larger: number;
  smaller: number;
}

/**
 * Pairs `value(run)` of `head` and `baseline` runs that share a seed; runs
 * whose value is `null` or `undefined` are left out.
 *
 * @returns `undefined` when no seed has both values.
 */
export function pairedValues(
  records: readonly RunRecord[],
  head: string,
  baseline: string,
  value: (record: RunRecord) => number | null | undefined,
): PairedValues | undefined {
  const baselineBySeed = new Map<number, number>();
  for (const record of records) {
    const v = record.config.head === baseline ? value(record) : undefined;
    if (v !== null && v !== undefined && Number.isFinite(v)) baselineBySeed.set(record.config.seed, v);
  }
  const pairs: [number, number][] = [];
  for (const record of records) {
    if (record.config.head !== head) continue;
    const v = value(record);
    const b = baselineBySeed.get(record.config.seed);
    if (v !== null && v !== undefined && Number.isFinite(v) && b !== undefined) pairs.push([v, b]);
  }
  if (pairs.length === 0) return undefined;

  const differences = pairs.map(([v, b]) => v - b);
  const summary = summarize(differences);
  return {
    n: pairs.length,
    headMean: summarize(pairs.map(([v]) => v)).mean,
    baselineMean: summarize(pairs.map(([, b]) => b)).mean,
    difference: summary.mean,
    ci95: summary.ci95,
    larger: differences.filter((d) => d > 0).length,
    smaller: differences.filter((d) => d < 0).length,
  };
}

/**
 * Tells the sign of a paired difference: +1 or −1 when its 95% interval
 * excludes 0, or, with a single seed, when that seed's difference is not 0;
 * otherwise 0.
 */
export function direction(paired: PairedValues): -1 | 0 | 1 {
  if (paired.n < 2) {
    if (paired.larger > 0) return 1;
    if (paired.smaller > 0) return -1;
    return 0;
  }
  if (paired.ci95[0] > 0) return 1;
  if (paired.ci95[1] < 0) return -1;
  return 0;
}

/** Mean of the non-null values, NaN when there are none. */
export function meanOf(values: readonly (number | null | undefined)[]): number {
  const finite = values.filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
  return finite.length === 0 ? NaN : finite.reduce((sum, v) => sum + v, 0) / finite.length;
}
