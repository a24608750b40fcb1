/**
 * Sentences that state results, generated from run records so that no number
 * in a report's conclusions is typed in by hand.
 *
 * @module
 */

import { CLASS_NAMES } from "../data/types.ts";
import { compareWithBaseline, finalEpoch, neverPredicted, summarizeHeads } from "./aggregate.ts";
import type { RunRecord } from "../train/types.ts";

/** Formats a fraction in [0, 1] as a percentage with one decimal, `0.8734` → `"87.3%"`. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/**
 * Formats a difference of fractions in percentage points with a sign, `-0.012` → `"−1.2 points"`.
 * A difference that rounds to 0.0 has no sign, so that `-0.0004` does not read as a loss.
 */
export function points(difference: number): string {
  return `${signedPoints(difference * 100)} points`;
}

/**
 * Formats a number of percentage points with one decimal and a sign, `-1.24` → `"−1.2"`, `0.5` → `"+0.5"`.
 * A value that rounds to 0.0 is `"0.0"`. Figure labels use it, because they carry no unit.
 */
export function signedPoints(value: number): string {
  const digits = Math.abs(value).toFixed(1);
  if (digits === "0.0") return digits;
  return `${value < 0 ? "−" : "+"}${digits}`;
}

/** Formats a p-value for a sentence: `"= 0.034"`, or `"< 0.001"` below that. */
export function formatP(p: number): string {
  return p < 0.001 ? "< 0.001" : `= ${p.toPrecision(2)}`;
}

function classList(classes: number[]): string {
  return classes.map((c) => CLASS_NAMES[c]).join(", ");
}

/**
 * Summarises a pair of single runs (the first notebook's `linear` and `relu`
 * heads from one seed) in two or three sentences.
 */
export function describeFirstRun(records: RunRecord[]): string {
  const sentences: string[] = [];
  for (const record of records) {
    const last = finalEpoch(record);
    const lost = neverPredicted(record);
    sentences.push(
      `With the ${record.config.head} head, test accuracy after ${last.epoch} epochs is ${
        percent(last.testAccuracy)
      } ` +
        `and test loss ${last.testLoss.toFixed(3)} nats` +
        (lost.length ? `; it never predicts ${classList(lost)}.` : "; it predicts every class at least once.") +
        (record.deadUnits.length ? ` Dead output units at the end: ${classList(record.deadUnits)}.` : ""),
    );
  }
  if (records.length === 2) {
    const [a, b] = records.map((record) => finalEpoch(record).testAccuracy);
    sentences.push(
      `From this seed, the ${records[1].config.head} head is ${points(b - a)} against the ${
        records[0].config.head
      } head: ` +
        "a single seed cannot tell a real difference from run-to-run noise, which the study measures.",
    );
  }
  return sentences.join(" ");
}

/**
 * States the study's result: for every head, how its final test accuracy
 * differs from `baseline` (paired by seed, 95% t interval, Holm-corrected
 * p-value) and in how many seeds it lost a class. A difference is called
 * significant when its Holm-corrected p-value is below `alpha`.
 */
export function studyVerdict(records: RunRecord[], baseline = "linear", alpha = 0.05): string {
  const summaries = summarizeHeads(records);
  const comparisons = compareWithBaseline(records, baseline, "testAccuracy");
  const base = summaries.find((s) => s.head === baseline)!;
  const sentences = [
    `Over ${base.runs} seeds the ${baseline} head reaches ${percent(base.accuracy.mean)} test accuracy ` +
    `(95% CI ${percent(base.accuracy.ci95[0])} to ${percent(base.accuracy.ci95[1])}).`,
  ];

  for (const { head, comparison, holmP } of comparisons) {
    const summary = summaries.find((s) => s.head === head)!;
    const [lo, hi] = comparison.ci95;
    const verdict = holmP < alpha
      ? (comparison.meanDifference < 0 ? "worse than" : "better than")
      : "not distinguishable from";
    let sentence = `The ${head} head is ${verdict} ${baseline}: ${points(comparison.meanDifference)} ` +
      `(95% CI ${points(lo)} to ${points(hi)}, Holm-corrected p ${formatP(holmP)}, n = ${comparison.n} paired seeds)`;
    sentence += summary.seedsWithLostClass > 0
      ? `, and in ${summary.seedsWithLostClass} of ${summary.runs} seeds it never predicted at least one class.`
      : ".";
    if (summary.diverged > 0) sentence += ` ${summary.diverged} of its runs diverged and are left out.`;
    sentences.push(sentence);
  }
  if (base.seedsWithLostClass > 0) {
    sentences.push(
      `The ${baseline} head itself lost a class in ${base.seedsWithLostClass} seed${
        base.seedsWithLostClass === 1 ? "" : "s"
      }.`,
    );
  }
  return sentences.join(" ");
}
