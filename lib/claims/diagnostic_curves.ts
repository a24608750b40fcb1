/**
 * Stored diagnostics over epochs, averaged over seeds per head: the series
 * the diagnostics notebook draws with `learningCurves()`, epoch 0 being the
 * initial network.
 *
 * @module
 */

import { summarize } from "../stats/mod.ts";
import { clipToFraction } from "../study/aggregate.ts";
import type { SplitDiagnostics } from "../study/diagnose.ts";
import type { RunRecord } from "../train/types.ts";
import { epochDiagnostics } from "./stored_diagnostics.ts";

/** A per-epoch quantity stored in every epoch's diagnostics; see `SplitCore` in lib/study/diagnose.ts. */
export type DiagnosticMetric =
  | "accuracy"
  | "nll"
  | "ece"
  | "meanConfidence"
  | "meanConfidenceOnErrors"
  | "medianMinProbabilityLog10"
  | "medianMaxProbability"
  | "medianTrueLogit"
  | "medianOtherLogit"
  | "zeroFractionTrueClass"
  | "zeroFractionOtherClasses"
  | "negativeFractionTrueClass"
  | "negativeFractionOtherClasses"
  | "preActivationNegativeRate"
  | "deadUnitCount";

/** Metrics that are fractions in [0, 1]. */
const FRACTION_METRICS: ReadonlySet<DiagnosticMetric> = new Set<DiagnosticMetric>([
  "accuracy",
  "ece",
  "meanConfidence",
  "meanConfidenceOnErrors",
  "medianMaxProbability",
  "zeroFractionTrueClass",
  "zeroFractionOtherClasses",
  "negativeFractionTrueClass",
  "negativeFractionOtherClasses",
  "preActivationNegativeRate",
]);

const METRICS: Record<DiagnosticMetric, (split: SplitDiagnostics) => number | null> = {
  accuracy: (s) => s.accuracy,
  nll: (s) => s.nll,
  ece: (s) => s.ece,
  meanConfidence: (s) => s.meanConfidence,
  meanConfidenceOnErrors: (s) => s.meanConfidenceOnErrors,
  medianMinProbabilityLog10: (s) => s.medians.minProbabilityLog10,
  medianMaxProbability: (s) => s.medians.maxProbability,
  medianTrueLogit: (s) => s.medians.trueLogit,
  medianOtherLogit: (s) => s.medians.otherLogit,
  zeroFractionTrueClass: (s) => s.zeroFraction.trueClass,
  zeroFractionOtherClasses: (s) => s.zeroFraction.otherClasses,
  negativeFractionTrueClass: (s) => s.negativeFraction.trueClass,
  negativeFractionOtherClasses: (s) => s.negativeFraction.otherClasses,
  preActivationNegativeRate: (s) => s.preActivationNegativeRate,
  deadUnitCount: (s) => s.deadUnits.length,
};

/** Reads one metric of one split from an epoch's stored diagnostics; `null` where it is undefined. */
export function readMetric(split: SplitDiagnostics, metric: DiagnosticMetric): number | null {
  const read = METRICS[metric];
  if (read === undefined) {
    throw new RangeError(
      `lib/claims readMetric(): unknown metric "${metric}"; expected one of ${Object.keys(METRICS).join(", ")}.`,
    );
  }
  return read(split);
}

/** One point of a diagnostic curve, the shape `learningCurves()` in lib/plots takes. */
export interface DiagnosticPoint {
  /** Head name. */
  variant: string;
  /** 0 for the initial network, else the epoch. */
  epoch: number;
  /** Mean over the head's runs that stored this epoch. */
  value: number;
  /** Lower end of the 95% t interval over those runs, present when at least two runs have the value. */
  lo?: number;
  /** Upper end of the same interval, present with `lo`. */
  hi?: number;
}

/** Options of {@link diagnosticCurves}. */
export interface DiagnosticCurveOptions {
  /** Split to read: the run's test images (default) or its training sample. */
  split?: "test" | "train";
  /** Heads to include, in this order; default every head, in the order they first appear. */
  heads?: readonly string[];
  /** Add the 95% band over seeds (default true). */
  band?: boolean;
}

/**
 * Averages one stored metric over the runs of each head, at every epoch
 * stored. Runs whose value is `null` at an epoch (for example no
 * misclassified image) are left out of that epoch's mean.
 *
 * @param records runs of one study block; records without diagnostics add nothing.
 * @throws {RangeError} for an unknown metric.
 * @example
 * ```ts
 * learningCurves(diagnosticCurves(main, "zeroFractionOtherClasses"), { metric: "wrong-class logits at 0", percent: true })
 * ```
 */
export function diagnosticCurves(
  records: readonly RunRecord[],
  metric: DiagnosticMetric,
  options: DiagnosticCurveOptions = {},
): DiagnosticPoint[] {
  const split = options.split ?? "test";
  const values = new Map<string, Map<number, number[]>>();
  for (const head of options.heads ?? []) values.set(head, new Map());
  for (const record of records) {
    const head = record.config.head;
    if (options.heads !== undefined && !options.heads.includes(head)) continue;
    if (!values.has(head)) values.set(head, new Map());
    const byEpoch = values.get(head)!;
    for (const entry of epochDiagnostics(record)) {
      const value = readMetric(entry[split], metric);
      if (value === null || !Number.isFinite(value)) continue;
      if (!byEpoch.has(entry.epoch)) byEpoch.set(entry.epoch, []);
      byEpoch.get(entry.epoch)!.push(value);
    }
  }

  const points: DiagnosticPoint[] = [];
  for (const [variant, byEpoch] of values) {
    for (const epoch of [...byEpoch.keys()].sort((a, b) => a - b)) {
      const summary = summarize(byEpoch.get(epoch)!);
      const point: DiagnosticPoint = { variant, epoch, value: summary.mean };
      if ((options.band ?? true) && summary.n >= 2) {
        // A t interval of a fraction can cross 0 or 1 with few seeds; the quantity cannot, so its band is clipped.
        [point.lo, point.hi] = FRACTION_METRICS.has(metric) ? clipToFraction(summary.ci95) : summary.ci95;
      }
      points.push(point);
    }
  }
  return points;
}
