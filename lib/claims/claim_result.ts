/**
 * The shape of a claim's outcome and the five claims about a ReLU before
 * log_softmax, worded as they are usually made.
 *
 * @module
 */

/** Outcome of a claim against the measurements; `"not tested"` when the records lack what it needs. */
export type Verdict = "holds" | "does not hold" | "holds only when" | "not tested";

/** Heads a claim compares: the variant in question and the baseline. */
export interface ClaimHeads {
  /** Default `"relu"`. */
  head?: string;
  /** Default `"linear"`. */
  baseline?: string;
}

/** A claim, its verdict, and the sentence that states the verdict with its numbers. */
export interface ClaimResult {
  /** The claim, quoted. */
  claim: string;
  /** Outcome of the claim against the measurements. */
  verdict: Verdict;
  /** For `"holds only when"`: the condition, for example `"the network is untrained"`. */
  condition?: string;
  /** One or two sentences generated from the numbers, starting with the verdict and naming the deciding measurement. */
  sentence: string;
}

/** The five claims, in the order the diagnostics notebook tests them. */
export const CLAIMS = {
  probabilityFloor: "With the ReLU the minimum logit is 0, so at first every class gets a higher minimum probability.",
  clampedLogits: "It can only raise the right class's logit; it cannot push wrong classes below 0.",
  regulariser: "It acts like a regulariser.",
  positiveInputs: "ReLU does nothing here because its inputs are already positive.",
  deadUnits:
    "An output unit whose pre-activation is ≤ 0 on every training image of its class gets no gradient, and its class never wins.",
} as const;

/** Starts a claim sentence with its verdict: "The claim holds: …", "The claim holds only when …: …", "Not tested: …". */
export function verdictSentence(verdict: Verdict, evidence: string, condition?: string): string {
  if (verdict === "not tested") return `Not tested: ${evidence}`;
  const opening = verdict === "holds only when" ? `The claim holds only when ${condition}` : `The claim ${verdict}`;
  return `${opening}: ${evidence}`;
}

/** Builds a "not tested" result whose sentence names what the records lack. */
export function notTested(claim: string, missing: string): ClaimResult {
  return { claim, verdict: "not tested", sentence: verdictSentence("not tested", missing) };
}

/** Lists one row per claim for `markdownTable()`: the claim and its verdict with the condition spelled out. */
export function claimSummaryRows(results: readonly ClaimResult[]): { claim: string; verdict: string }[] {
  return results.map((result) => ({
    claim: result.claim,
    verdict: result.verdict === "holds only when" ? `holds only when ${result.condition}` : result.verdict,
  }));
}
