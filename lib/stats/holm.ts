/**
 * Holm–Bonferroni adjustment of p-values for multiple comparisons.
 *
 * @module
 */

import { isArrayLike } from "./_check_values.ts";

/**
 * Adjusts p-values by Holm's step-down method (Holm, 1979), which controls
 * the family-wise error rate under any dependence between the tests.
 *
 * With the m p-values sorted ascending, p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted value of
 * p₍ᵢ₎ is max over j ≤ i of min(1, (m − j + 1) · p₍ⱼ₎). Reject hypothesis i at
 * level α when its adjusted p-value is ≤ α. Ties keep their input order, which
 * does not change the result.
 *
 * A NaN p-value (a test that could not be computed, such as a paired t-test
 * of differences that are all 0) stays NaN and does not count in m, as in R's
 * `p.adjust`.
 *
 * @param pValues p-values in [0, 1] or NaN, any order; an empty array gives [].
 * @returns adjusted p-values in the same order as the input, each in [0, 1]
 *   and ≥ its unadjusted value, NaN where the input is NaN.
 * @throws {TypeError} if pValues is not an array of numbers.
 * @throws {RangeError} if a p-value is outside [0, 1].
 *
 * @example
 * ```ts
 * holm([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 * ```
 */
export function holm(pValues: ArrayLike<number>): number[] {
  if (!isArrayLike(pValues)) {
    throw new TypeError(
      `holm(): pValues is ${typeof pValues}: expected an array of numbers.`,
    );
  }
  const m = pValues.length;
  for (let i = 0; i < m; i++) {
    const p = pValues[i];
    if (typeof p !== "number") {
      throw new TypeError(
        `holm(): pValues[${i}] is ${JSON.stringify(p) ?? String(p)}: expected a number.`,
      );
    }
    if (!(p >= 0 && p <= 1) && !Number.isNaN(p)) {
      throw new RangeError(
        `holm(): pValues[${i}] is ${p}: expected a p-value in [0, 1].`,
      );
    }
  }

  const adjusted = new Array<number>(m).fill(NaN);
  const order = Array.from({ length: m }, (_, i) => i)
    .filter((i) => !Number.isNaN(pValues[i]))
    .sort((i, j) => pValues[i] - pValues[j]);
  const tests = order.length;
  let runningMax = 0;
  for (let rank = 0; rank < tests; rank++) {
    const index = order[rank];
    // The running maximum makes the adjusted values monotone in the sorted order.
    runningMax = Math.max(runningMax, Math.min(1, (tests - rank) * pValues[index]));
    adjusted[index] = runningMax;
  }
  return adjusted;
}
