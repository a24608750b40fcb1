/**
 * Claim 4: "ReLU does nothing here because its inputs are already
 * positive." The ReLU's input is fc1's output (the pre-activations). fc1's
 * own inputs are ≥ 0, because they come out of a ReLU and a max-pool, but
 * fc1's weights and biases can be negative. Tested with the stored fraction
 * of pre-activations below 0, overall and per output unit.
 *
 * @module
 */

import { CLASS_NAMES } from "../data/types.ts";
import { summarize } from "../stats/mod.ts";
import { clipToFraction } from "../study/aggregate.ts";
import type { RunRecord } from "../train/types.ts";
import { type ClaimHeads, type ClaimResult, CLAIMS, notTested, verdictSentence } from "./claim_result.ts";
import { percent } from "./_format.ts";
import { meanOf } from "./_paired.ts";
import { diagnosticsAt, type EpochChoice, finalDiagnostics, initialDiagnostics } from "./stored_diagnostics.ts";

/** Fraction of pre-activations below 0 under which the claim holds, because the ReLU then changes almost nothing: 0.1%. */
export const NEGLIGIBLE_NEGATIVE_RATE = 0.001;

/** Share of one output unit's pre-activations below 0, mean over a head's runs: the shape `perClassAccuracy()` in lib/plots takes. */
export interface NegativeRateRow {
  /** Head name. */
  variant: string;
  /** Class of the output unit. */
  className: string;
  /** Mean over runs of the fraction of test images with pre-activation < 0, in [0, 1]. */
  accuracy: number;
  /** Lower end of the 95% t interval over runs, clipped to 0; present with at least two runs. */
  lo?: number;
  /** Upper end of the same interval, clipped to 1; present with `lo`. */
  hi?: number;
}

/**
 * Averages each output unit's share of negative pre-activations on the test
 * images over the runs of each head. Named `accuracy` so the rows plot with
 * `perClassAccuracy(rows, { label })`; pass a `label` naming the quantity.
 *
 * @param records runs of one study block, with diagnostics.
 * @param options epoch (default `"final"`; only detail epochs store per-unit rates) and heads (default all).
 */
export function negativeRateRows(
  records: readonly RunRecord[],
  options: { epoch?: EpochChoice; heads?: readonly string[] } = {},
): NegativeRateRow[] {
  const heads = options.heads ?? [...new Set(records.map((r) => r.config.head))];
  const rows: NegativeRateRow[] = [];
  for (const head of heads) {
    const perRun = records
      .filter((r) => r.config.head === head)
      .map((r) => diagnosticsAt(r, options.epoch ?? "final")?.test.detail?.preActivations.negativeRate)
      .filter((rates) => rates !== undefined);
    if (perRun.length === 0) continue;
    CLASS_NAMES.forEach((className, unit) => {
      const values = perRun.map((rates) => rates![unit]).filter((v): v is number => v !== null);
      if (values.length === 0) return;
      const summary = summarize(values);
      const row: NegativeRateRow = { variant: head, className, accuracy: summary.mean };
      // Clamp to [0, 1]: a t interval of a fraction near 0 or 1 can cross it.
      if (summary.n >= 2) [row.lo, row.hi] = clipToFraction(summary.ci95);
      rows.push(row);
    });
  }
  return rows;
}

/**
 * Tests claim 4 and states the result. The deciding measurement is the mean
 * share of the head's pre-activations below 0 on the test images after the
 * last epoch: below {@link NEGLIGIBLE_NEGATIVE_RATE} the claim holds, else
 * the ReLU changes that share of the logits and the claim does not hold.
 *
 * @param records runs of one study block, with diagnostics.
 */
export function positiveInputsClaim(records: readonly RunRecord[], heads: ClaimHeads = {}): ClaimResult {
  const head = heads.head ?? "relu";
  const baseline = heads.baseline ?? "linear";
  const claim = CLAIMS.positiveInputs;
  const runsOf = (name: string) => records.filter((r) => r.config.head === name && finalDiagnostics(r) !== undefined);
  const headRuns = runsOf(head);
  if (headRuns.length === 0) return notTested(claim, `no run of the ${head} head stores diagnostics.`);

  const rate = meanOf(headRuns.map((r) => finalDiagnostics(r)!.test.preActivationNegativeRate));
  const initialRate = meanOf(headRuns.map((r) => initialDiagnostics(r)?.test.preActivationNegativeRate));
  const baselineRate = meanOf(runsOf(baseline).map((r) => finalDiagnostics(r)!.test.preActivationNegativeRate));
  const epochs = Math.max(...headRuns.map((r) => finalDiagnostics(r)!.epoch));
  const units = negativeRateRows(headRuns, { heads: [head] }).sort((a, b) => a.accuracy - b.accuracy);

  const parts = [
    Number.isNaN(initialRate) ? "" : `${percent(initialRate)} at initialisation`,
    units.length === 0
      ? ""
      : `per unit from ${percent(units[0].accuracy)} for ${units[0].className} to ${
        percent(units.at(-1)!.accuracy)
      } for ${units.at(-1)!.className}`,
  ].filter((part) => part !== "");
  const detail = parts.length ? ` (${parts.join("; ")})` : "";
  const baselineText = Number.isNaN(baselineRate) ? "" : `, and ${percent(baselineRate)} with the ${baseline} head`;
  const evidence = `fc1's inputs are ≥ 0 because they come out of a ReLU and a max-pool, but its weights and biases ` +
    `can be negative: ${percent(rate)} of its test outputs are below 0 after ${epochs} epochs with the ${head} head` +
    `${detail}${baselineText}.`;

  if (rate < NEGLIGIBLE_NEGATIVE_RATE) {
    return {
      claim,
      verdict: "holds",
      sentence: verdictSentence("holds", `${evidence} The ReLU changes almost nothing.`),
    };
  }
  return {
    claim,
    verdict: "does not hold",
    sentence: verdictSentence("does not hold", `${evidence} The ReLU sets every one of those to 0.`),
  };
}
