/**
 * Turn stored run records into the numbers the notebooks plot and state:
 * learning-curve series, per-class accuracy rows, per-head summaries with
 * intervals, and paired comparisons against a baseline head.
 *
 * Everything here reads records; nothing trains.
 *
 * @module
 */

import { CLASS_NAMES } from "../data/types.ts";
import type { CurvePoint } from "../plots/learning_curves.ts";
import { holm, pairedComparison, summarize } from "../stats/mod.ts";
import type { EpochMetrics, RunRecord } from "../train/types.ts";
import { STUDY_HEADS } from "./profiles.ts";

/** A per-epoch metric of a run record. */
export type CurveMetric = "trainLoss" | "testLoss" | "testAccuracy";

/** Learning-curve points of single runs, one series per record, labelled by head. */
export function curveSeries(records: RunRecord[], metric: CurveMetric): CurvePoint[] {
  return records.flatMap((record) =>
    record.epochs.map((epoch) => ({ variant: record.config.head, epoch: epoch.epoch, value: epoch[metric] }))
  );
}

/**
 * Learning curves averaged over seeds: for each head and epoch, the mean of
 * `metric` and its t-based 95% confidence interval. Only complete runs count.
 */
export function curveBands(records: RunRecord[], metric: CurveMetric): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const [head, runs] of groupByHead(completeRuns(records))) {
    const epochs = Math.min(...runs.map((run) => run.epochs.length));
    for (let e = 0; e < epochs; e++) {
      const summary = summarizeOrNaN(runs.map((run) => run.epochs[e][metric]));
      const [lo, hi] = metric === "testAccuracy" ? clipToFraction(summary.ci95) : summary.ci95;
      points.push({ variant: head, epoch: e + 1, value: summary.mean, lo, hi });
    }
  }
  return points;
}

/** Final per-class test accuracy of single runs, one row per (run, class). */
export function perClassRows(records: RunRecord[]): { variant: string; className: string; accuracy: number }[] {
  return records.flatMap((record) =>
    finalEpoch(record).perClassAccuracy.map((accuracy, c) => ({
      variant: record.config.head,
      className: CLASS_NAMES[c],
      accuracy,
    }))
  );
}

/** Final per-class test accuracy averaged over seeds, with 95% intervals. */
export function perClassBands(
  records: RunRecord[],
): { variant: string; className: string; accuracy: number; lo: number; hi: number }[] {
  const rows = [];
  for (const [head, runs] of groupByHead(completeRuns(records))) {
    for (let c = 0; c < CLASS_NAMES.length; c++) {
      // A class absent from a small test subset has accuracy NaN (null in JSON) and is left out.
      const values = runs.map((run) => finalEpoch(run).perClassAccuracy[c]).filter((v) =>
        typeof v === "number" && Number.isFinite(v)
      );
      if (values.length === 0) continue;
      const summary = summarizeOrNaN(values);
      rows.push({
        variant: head,
        className: CLASS_NAMES[c],
        accuracy: summary.mean,
        lo: clipToFraction(summary.ci95)[0],
        hi: clipToFraction(summary.ci95)[1],
      });
    }
  }
  return rows;
}

/** Per-head summary of a study block's final results. */
export interface HeadSummary {
  /** Head name. */
  head: string;
  /** Complete runs, the ones the summaries average. */
  runs: number;
  /** Diverged runs, left out of the summaries. */
  diverged: number;
  /** Final test accuracy over the complete runs, fractions in [0, 1]; n = 0 and NaN statistics when none completed. */
  accuracy: ReturnType<typeof summarize>;
  /** Final test loss over the complete runs, in nats per image; n = 0 and NaN statistics when none completed. */
  testLoss: ReturnType<typeof summarize>;
  /** Seeds in which at least one class was never predicted on the test set. */
  seedsWithLostClass: number;
  /** Seeds in which at least one output unit was dead at the end. */
  seedsWithDeadUnit: number;
}

/** Summarises final test accuracy and loss per head, in the study's head order (see {@linkcode groupByHead}). */
export function summarizeHeads(records: RunRecord[]): HeadSummary[] {
  const summaries: HeadSummary[] = [];
  for (const [head, runs] of groupByHead(records)) {
    const complete = completeRuns(runs);
    summaries.push({
      head,
      runs: complete.length,
      diverged: runs.length - complete.length,
      accuracy: clipSummary(summarizeOrNaN(complete.map((run) => finalEpoch(run).testAccuracy))),
      testLoss: summarizeOrNaN(complete.map((run) => finalEpoch(run).testLoss)),
      seedsWithLostClass: complete.filter((run) => neverPredicted(run).length > 0).length,
      seedsWithDeadUnit: complete.filter((run) => run.deadUnits.length > 0).length,
    });
  }
  return summaries;
}

/** A paired comparison of one head against the baseline head over common seeds. */
export interface HeadComparison {
  /** Head compared with the baseline. */
  head: string;
  /** Baseline head name. */
  baseline: string;
  /** Final-epoch metric compared. */
  metric: "testAccuracy" | "testLoss";
  /** Paired comparison of head minus baseline over the seeds where both completed, in the metric's units. */
  comparison: ReturnType<typeof pairedComparison>;
  /** p-value after Holm's correction across all comparisons returned together. */
  holmP: number;
}

/**
 * Compares every head with `baseline` on the final value of `metric`, paired by
 * seed (only seeds where both runs completed), with Holm's correction across
 * the heads compared.
 */
export function compareWithBaseline(
  records: RunRecord[],
  baseline: string,
  metric: "testAccuracy" | "testLoss",
): HeadComparison[] {
  const byHead = groupByHead(completeRuns(records));
  const base = byHead.get(baseline);
  if (!base) {
    throw new RangeError(
      `No complete run of the baseline head "${baseline}": heads present are ${[...byHead.keys()].join(", ")}.`,
    );
  }
  const baseBySeed = new Map(base.map((run) => [run.config.seed, finalEpoch(run)[metric]]));

  const comparisons: Omit<HeadComparison, "holmP">[] = [];
  for (const [head, runs] of byHead) {
    if (head === baseline) continue;
    const paired = runs.filter((run) => baseBySeed.has(run.config.seed));
    if (paired.length < 2) continue;
    const values = paired.map((run) => finalEpoch(run)[metric]);
    const baseValues = paired.map((run) => baseBySeed.get(run.config.seed)!);
    comparisons.push({ head, baseline, metric, comparison: pairedComparison(values, baseValues, { seed: 0 }) });
  }

  const adjusted = holm(comparisons.map((c) => c.comparison.pValue));
  return comparisons.map((c, i) => ({ ...c, holmP: adjusted[i] }));
}

/** Clips an interval of a fraction to [0, 1]: a t interval over few seeds can cross the ends, a fraction cannot. */
export function clipToFraction([lo, hi]: [number, number]): [number, number] {
  return [Math.max(0, lo), Math.min(1, hi)];
}

function clipSummary(summary: ReturnType<typeof summarize>): ReturnType<typeof summarize> {
  return { ...summary, ci95: clipToFraction(summary.ci95) };
}

/**
 * Like `summarize`, but a head whose runs all diverged (no values) gets NaN
 * everywhere instead of an error, so a table can still show its row. With one
 * value the interval is [lo, hi] = [value, value] rather than NaN, which a
 * band plot can draw; tables show n so a reader sees there was one run.
 */
export function summarizeOrNaN(values: number[]): ReturnType<typeof summarize> {
  if (values.length === 0) return { n: 0, mean: NaN, sd: NaN, ci95: [NaN, NaN], min: NaN, max: NaN };
  const summary = summarize(values);
  if (values.length === 1) return { ...summary, ci95: [values[0], values[0]] };
  return summary;
}

/** Classes (indices) that a run's final confusion matrix never predicts. */
export function neverPredicted(record: RunRecord): number[] {
  const classes = record.confusion.length;
  const never: number[] = [];
  for (let predicted = 0; predicted < classes; predicted++) {
    let count = 0;
    for (let truth = 0; truth < classes; truth++) count += record.confusion[truth][predicted];
    if (count === 0) never.push(predicted);
  }
  return never;
}

/** Returns the last epoch's metrics of a record. */
export function finalEpoch(record: RunRecord): EpochMetrics {
  const last = record.epochs.at(-1);
  if (!last) {
    throw new RangeError(`Run ${record.key} (${record.config.head}, seed ${record.config.seed}) has no epochs.`);
  }
  return last;
}

/** Runs that finished training; diverged runs are reported separately, never averaged in. */
export function completeRuns(records: RunRecord[]): RunRecord[] {
  return records.filter((record) => record.status === "complete" && record.epochs.length > 0);
}

/** Groups records by head, heads in the study's order (`STUDY_HEADS`, baseline first), other heads after by name. */
export function groupByHead(records: RunRecord[]): Map<string, RunRecord[]> {
  const groups = new Map<string, RunRecord[]>();
  for (const record of records) {
    const group = groups.get(record.config.head) ?? [];
    group.push(record);
    groups.set(record.config.head, group);
  }

  // Tables and verdicts list heads in the study's order (baseline first), whatever order the store returned.
  const rank = (head: string) => {
    const index = STUDY_HEADS.indexOf(head);
    return index < 0 ? STUDY_HEADS.length : index;
  };
  const heads = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return new Map(heads.map((head) => [head, groups.get(head)!]));
}
