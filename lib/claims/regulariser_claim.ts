/**
 * Claim 3: "It acts like a regulariser." Tested with the train–test gap in
 * loss and accuracy after the last epoch, the test NLL, and calibration (the
 * expected calibration error and the confidence on misclassified test
 * images). Each is paired by seed between the `relu` and `linear` heads.
 *
 * The training side is the diagnostics' training sample (at most 10,000
 * images of the run's training subset, evaluated after the epoch), not the
 * running mean loss of `EpochMetrics.trainLoss`.
 *
 * @module
 */

import type { Cell } from "../notebook/display.ts";
import { logitForConfidence } from "../theory/confidence_logit.ts";
import type { RunRecord } from "../train/types.ts";
import { type ClaimHeads, type ClaimResult, CLAIMS, notTested, verdictSentence } from "./claim_result.ts";
import { difference, percent, points, signed } from "./_format.ts";
import { direction, meanOf, type PairedValues, pairedValues } from "./_paired.ts";
import { finalDiagnostics } from "./stored_diagnostics.ts";

function interval(paired: PairedValues, format: (value: number) => string): string {
  const seeds = `${paired.n} seed${paired.n === 1 ? "" : "s"}`;
  if (paired.n < 2) return `difference ${format(paired.difference)}, ${seeds}`;
  return `difference ${format(paired.difference)}, 95% CI ${format(paired.ci95[0])} to ${
    format(paired.ci95[1])
  }, ${seeds}`;
}

const nats = (value: number) => `${difference(value)} nats`;

/**
 * Tabulates, per head, the means over runs of the final training-sample and
 * test metrics behind claim 3: NLL, accuracy, their train–test gaps, ECE and
 * confidence. One row per head, in the order heads first appear.
 *
 * @param records runs of one study block, with diagnostics.
 */
export function generalisationRows(records: readonly RunRecord[]): Record<string, Cell>[] {
  const rows: Record<string, Cell>[] = [];
  for (const head of new Set(records.map((r) => r.config.head))) {
    const finals = records.filter((r) => r.config.head === head).map(finalDiagnostics).filter((d) => d !== undefined);
    if (finals.length === 0) continue;
    const mean = (read: (d: (typeof finals)[number]) => number | null) => meanOf(finals.map(read));
    const gap = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
    rows.push({
      head,
      runs: finals.length,
      "training NLL": mean((d) => d!.train.nll).toFixed(3),
      "test NLL": mean((d) => d!.test.nll).toFixed(3),
      "loss gap (test − training)": difference(mean((d) => gap(d!.test.nll, d!.train.nll))),
      "training accuracy": percent(mean((d) => d!.train.accuracy)),
      "test accuracy": percent(mean((d) => d!.test.accuracy)),
      "accuracy gap (training − test)": points(mean((d) => gap(d!.train.accuracy, d!.test.accuracy))),
      ECE: percent(mean((d) => d!.test.ece)),
      "mean confidence": percent(mean((d) => d!.test.meanConfidence)),
      "confidence when wrong": percent(mean((d) => d!.test.meanConfidenceOnErrors)),
    });
  }
  return rows;
}

/**
 * Tests claim 3 and states the result in two sentences: one on the
 * train–test gap, one on over-confidence. The deciding measurement is the
 * paired difference of the loss gap (test NLL − training NLL). The claim
 * holds when its 95% interval lies below 0 and the test NLL is not higher.
 * It holds only "judged by the train–test gap alone" when the gap shrinks
 * but the test NLL rises, because then the training fit got worse rather
 * than the test fit better. Otherwise it does not hold.
 *
 * @param records runs of one study block, with diagnostics.
 */
export function regulariserClaim(records: readonly RunRecord[], heads: ClaimHeads = {}): ClaimResult {
  const head = heads.head ?? "relu";
  const baseline = heads.baseline ?? "linear";
  const claim = CLAIMS.regulariser;
  const final = (r: RunRecord) => finalDiagnostics(r);
  const pair = (value: (r: RunRecord) => number | null | undefined) => pairedValues(records, head, baseline, value);

  const lossGap = pair((r) => {
    const d = final(r);
    return d && d.test.nll !== null && d.train.nll !== null ? d.test.nll - d.train.nll : null;
  });
  const accuracyGap = pair((r) => {
    const d = final(r);
    return d && d.test.accuracy !== null && d.train.accuracy !== null ? d.train.accuracy - d.test.accuracy : null;
  });
  const testNll = pair((r) => final(r)?.test.nll);
  const ece = pair((r) => final(r)?.test.ece);
  const errorConfidence = pair((r) => final(r)?.test.meanConfidenceOnErrors);
  if (!lossGap || !accuracyGap || !testNll || !ece || !errorConfidence) {
    return notTested(claim, `no seed has final diagnostics for both the ${head} and the ${baseline} head.`);
  }

  const epochs = Math.max(...records.map((r) => final(r)?.epoch ?? 0));
  const gapText =
    `after ${epochs} epochs the train–test loss gap is ${signed(lossGap.headMean, 3)} nats with ${head} ` +
    `against ${signed(lossGap.baselineMean, 3)} with ${baseline} (${interval(lossGap, nats)}), ` +
    `the accuracy gap ${points(accuracyGap.headMean)} against ${points(accuracyGap.baselineMean)}, ` +
    `and the test NLL ${signed(testNll.headMean, 3)} against ${signed(testNll.baselineMean, 3)} nats ` +
    `(${interval(testNll, nats)}).`;

  const change = ["lowers", "does not measurably change", "raises"][direction(errorConfidence) + 1];
  const logitP95 = meanOf(
    records.filter((r) => r.config.head === head).map((r) => final(r)?.test.detail?.summaries?.trueLogit.p95),
  );
  const logitText = Number.isNaN(logitP95)
    ? ""
    : `; 5% of ${head}'s right-class logits exceed ${signed(logitP95)}, while ${
      logitForConfidence(0.99, 10).toFixed(1)
    } against nine logits at 0 already gives 99%, so a floor at 0 does not cap the confidence`;
  const confidenceText = `Clipping at 0 ${change} the confidence on misclassified test images: ` +
    `${percent(errorConfidence.headMean)} with ${head} against ${
      percent(errorConfidence.baselineMean)
    } with ${baseline}, ` +
    `ECE ${percent(ece.headMean)} against ${percent(ece.baselineMean)}${logitText}.`;

  const evidence = `${gapText} ${confidenceText}`;
  if (direction(lossGap) >= 0) {
    return { claim, verdict: "does not hold", sentence: verdictSentence("does not hold", evidence) };
  }
  if (direction(testNll) > 0) {
    const condition = "judged by the train–test gap alone";
    return {
      claim,
      verdict: "holds only when",
      condition,
      sentence: verdictSentence("holds only when", evidence, condition),
    };
  }
  return { claim, verdict: "holds", sentence: verdictSentence("holds", evidence) };
}
