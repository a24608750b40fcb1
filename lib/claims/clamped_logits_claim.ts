/**
 * Claim 2: "It can only raise the right class's logit; it cannot push wrong
 * classes below 0." Tested with the stored logit fractions: logits below 0
 * and logits at exactly 0, for the right class and the wrong classes.
 *
 * @module
 */

import type { RunRecord } from "../train/types.ts";
import { type ClaimHeads, type ClaimResult, CLAIMS, notTested, verdictSentence } from "./claim_result.ts";
import { percent, signed } from "./_format.ts";
import { meanOf } from "./_paired.ts";
import { epochDiagnostics, finalDiagnostics, initialDiagnostics } from "./stored_diagnostics.ts";

/** Share of right-class logits at exactly 0 from which the claim needs a condition: 0.5%. */
export const CLAMPED_RIGHT_CLASS_THRESHOLD = 0.005;

/**
 * Tests claim 2 and states the result. Deciding measurements, on the test
 * images: the largest share of the head's logits below 0 over every stored
 * epoch (any at all and the claim does not hold), and after the last epoch
 * the mean share of right-class logits at exactly 0. A right-class logit at
 * 0 gets no gradient, so from {@link CLAMPED_RIGHT_CLASS_THRESHOLD} on the
 * claim holds only when the right class's pre-activation is above 0.
 *
 * @param records runs of one study block, with diagnostics.
 */
export function clampedLogitsClaim(records: readonly RunRecord[], heads: ClaimHeads = {}): ClaimResult {
  const head = heads.head ?? "relu";
  const baseline = heads.baseline ?? "linear";
  const claim = CLAIMS.clampedLogits;
  const headRuns = records.filter((r) => r.config.head === head && finalDiagnostics(r) !== undefined);
  const baselineRuns = records.filter((r) => r.config.head === baseline && finalDiagnostics(r) !== undefined);
  if (headRuns.length === 0 || baselineRuns.length === 0) {
    return notTested(claim, `no run of the ${headRuns.length === 0 ? head : baseline} head stores diagnostics.`);
  }

  const negativeMax = Math.max(
    ...headRuns.flatMap((r) =>
      epochDiagnostics(r).map((e) =>
        Math.max(e.test.negativeFraction.otherClasses ?? 0, e.test.negativeFraction.trueClass ?? 0)
      )
    ),
  );
  const final = (r: RunRecord) => finalDiagnostics(r)!.test;
  const epochs = Math.max(...headRuns.map((r) => finalDiagnostics(r)!.epoch));
  const wrongAtZero = meanOf(headRuns.map((r) => final(r).zeroFraction.otherClasses));
  const wrongAtZeroInitial = meanOf(headRuns.map((r) => initialDiagnostics(r)?.test.zeroFraction.otherClasses));
  const rightAtZero = meanOf(headRuns.map((r) => final(r).zeroFraction.trueClass));
  const baselineWrongBelow = meanOf(baselineRuns.map((r) => final(r).negativeFraction.otherClasses));
  const baselineWrongMedian = meanOf(baselineRuns.map((r) => final(r).medians.otherLogit));
  const baselineRightMedian = meanOf(baselineRuns.map((r) => final(r).medians.trueLogit));
  const headRightMedian = meanOf(headRuns.map((r) => final(r).medians.trueLogit));

  const initialText = Number.isNaN(wrongAtZeroInitial) ? "" : ` (${percent(wrongAtZeroInitial)} at initialisation)`;
  const baselineText = `The ${baseline} head gets its margin the other way: ${percent(baselineWrongBelow)} of its ` +
    `wrong-class logits are below 0 (median ${signed(baselineWrongMedian)} against ${
      signed(baselineRightMedian)
    } for the right class, ` +
    `where ${head}'s right class has median ${signed(headRightMedian)}), and softmax only sees the differences.`;

  if (negativeMax > 0) {
    const evidence = `up to ${
      percent(negativeMax)
    } of the ${head} head's test logits are below 0 in some stored epoch.`;
    return { claim, verdict: "does not hold", sentence: verdictSentence("does not hold", evidence) };
  }
  const wrongText = `no ${head} logit is below 0 in any stored epoch, and after ${epochs} epochs ` +
    `${percent(wrongAtZero)} of wrong-class logits sit at exactly 0${initialText}`;
  if (rightAtZero < CLAMPED_RIGHT_CLASS_THRESHOLD) {
    const evidence = `${wrongText}, while only ${percent(rightAtZero)} of right-class logits do. ${baselineText}`;
    return { claim, verdict: "holds", sentence: verdictSentence("holds", evidence) };
  }
  const condition = "the right class's pre-activation is above 0";
  const evidence = `${wrongText}, but so do ${percent(rightAtZero)} of right-class logits, ` +
    `and those get no gradient to rise. ${baselineText}`;
  return {
    claim,
    verdict: "holds only when",
    condition,
    sentence: verdictSentence("holds only when", evidence, condition),
  };
}
