/**
 * Claim 1: "With the ReLU the minimum logit is 0, so at first every class
 * gets a higher minimum probability." Tested with each test image's smallest
 * softmax probability, its median per run, paired by seed between the
 * `relu` and `linear` heads, at initialisation and after the last epoch.
 *
 * @module
 */

import type { RunRecord } from "../train/types.ts";
import { type ClaimHeads, type ClaimResult, CLAIMS, notTested, verdictSentence } from "./claim_result.ts";
import { ofSeeds, probabilityFromLog10 } from "./_format.ts";
import { direction, type PairedValues, pairedValues } from "./_paired.ts";
import { finalDiagnostics, initialDiagnostics } from "./stored_diagnostics.ts";

function describe(paired: PairedValues, head: string, baseline: string): string {
  return `${probabilityFromLog10(paired.headMean)} with ${head} against ${probabilityFromLog10(paired.baselineMean)} ` +
    `with ${baseline} (higher in ${ofSeeds(paired.larger, paired.n)})`;
}

/**
 * Tests claim 1 and states the result. The claim is about the start of
 * training, so the deciding measurement is the median over test images of
 * the smallest softmax probability of the initial network, compared per
 * seed: the claim holds when the head's is higher (95% interval of the
 * paired difference of log10 above 0, or the single seed's difference with
 * one seed) and does not hold otherwise. The same comparison after the last
 * epoch is reported alongside.
 *
 * @param records runs of one study block, with diagnostics.
 * @returns the verdict and its sentence; "not tested" with the reason when the records lack the measurement.
 */
export function probabilityFloorClaim(records: readonly RunRecord[], heads: ClaimHeads = {}): ClaimResult {
  const head = heads.head ?? "relu";
  const baseline = heads.baseline ?? "linear";
  const claim = CLAIMS.probabilityFloor;
  const initial = pairedValues(records, head, baseline, (r) => initialDiagnostics(r)?.test.medians.minProbabilityLog10);
  const final = pairedValues(records, head, baseline, (r) => finalDiagnostics(r)?.test.medians.minProbabilityLog10);
  const epochs = Math.max(0, ...records.map((r) => finalDiagnostics(r)?.epoch ?? 0));

  if (initial === undefined || final === undefined) {
    const missing = initial === undefined ? "initial" : "final";
    return notTested(
      claim,
      `the runs of ${head} and ${baseline} store no ${missing} diagnostics for the same seeds, ` +
        "so the smallest probabilities cannot be compared.",
    );
  }

  const evidence = `the median test image's smallest probability is ${describe(initial, head, baseline)} ` +
    `at initialisation, and ${describe(final, head, baseline)} after ${epochs} epochs.`;
  const verdict = direction(initial) > 0 ? "holds" : "does not hold";
  return { claim, verdict, sentence: verdictSentence(verdict, evidence) };
}
