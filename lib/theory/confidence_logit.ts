/**
 * The logit a given confidence needs, and the smallest probability a spread of logits allows. Softmax is
 * shift-invariant (adding a constant to every logit changes nothing), so
 * only differences between logits matter: flooring the logits at 0 does not
 * bound the confidence.
 *
 * With one logit z and K − 1 logits at 0, p = e^z / (e^z + K − 1), so
 * z = ln(p·(K − 1)/(1 − p)): about 6.79 for p = 0.99 and K = 10.
 *
 * @module
 */

function assertClasses(where: string, classes: number): void {
  if (!Number.isInteger(classes) || classes < 2) {
    throw new RangeError(`lib/theory ${where}: classes must be an integer ≥ 2, got ${classes}.`);
  }
}

/**
 * Computes the logit z that gives probability p against K − 1 logits at 0: z = ln(p·(K − 1)/(1 − p)).
 *
 * @param confidence p, in (0, 1).
 * @param classes K, an integer ≥ 2.
 * @returns the logit, in nats; 0 for p = 1/K, negative below it.
 * @throws {RangeError} for p outside (0, 1) or an invalid K.
 * @example
 * ```ts
 * logitForConfidence(0.99, 10); // 6.792…
 * ```
 */
export function logitForConfidence(confidence: number, classes: number): number {
  assertClasses("logitForConfidence()", classes);
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`lib/theory logitForConfidence(): confidence must be in (0, 1), got ${confidence}.`);
  }
  return Math.log((confidence * (classes - 1)) / (1 - confidence));
}

/**
 * Computes the probability of a logit z against K − 1 logits at 0: e^z / (e^z + K − 1),
 * the inverse of {@link logitForConfidence}.
 *
 * @param logit z, finite.
 * @param classes K, an integer ≥ 2.
 * @returns a probability in (0, 1).
 * @throws {RangeError} for a non-finite z or an invalid K.
 */
export function confidenceForLogit(logit: number, classes: number): number {
  assertClasses("confidenceForLogit()", classes);
  if (!Number.isFinite(logit)) {
    throw new RangeError(`lib/theory confidenceForLogit(): logit must be finite, got ${logit}.`);
  }
  // 1 / (1 + (K − 1)·e^{−z}) is the same value and cannot overflow for large z.
  return 1 / (1 + (classes - 1) * Math.exp(-logit));
}

/**
 * Computes the smallest probability any class can get when every logit lies
 * in an interval of width `spread`: 1 / (1 + (K − 1)·e^spread). One logit at
 * the bottom and the K − 1 others at the top reach it. Only the spread
 * counts, not where the interval starts, so a ReLU floor at 0 raises this
 * bound only by narrowing the spread.
 *
 * @param spread max logit − min logit, ≥ 0.
 * @param classes K, an integer ≥ 2.
 * @returns a probability in (0, 1/K]; 1/K when the spread is 0.
 * @throws {RangeError} for a negative or non-finite spread or an invalid K.
 * @example
 * ```ts
 * probabilityFloor(0, 10); // 0.1
 * ```
 */
export function probabilityFloor(spread: number, classes: number): number {
  assertClasses("probabilityFloor()", classes);
  if (!(spread >= 0) || !Number.isFinite(spread)) {
    throw new RangeError(`lib/theory probabilityFloor(): spread must be finite and ≥ 0, got ${spread}.`);
  }
  return 1 / (1 + (classes - 1) * Math.exp(spread));
}
