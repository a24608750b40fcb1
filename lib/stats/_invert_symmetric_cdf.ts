/**
 * Quantiles of continuous distributions symmetric about 0, found by Newton's
 * method on the CDF inside a bracket that bisection falls back to. Private to
 * lib/stats; tQuantile and the normal quantile use it.
 *
 * @module
 */

/** Stop when a Newton step moves the root by less than this fraction of itself. */
const RELATIVE_TOLERANCE = 1e-14;
const MAX_ITERATIONS = 2000;

/**
 * Finds the t < 0 with cdf(t) = q, for 0 < q < 0.5.
 *
 * @param cdf lower-tail probability, accurate in relative terms for t < 0.
 * @param pdf density, the derivative of cdf.
 * @param q target probability in (0, 0.5).
 * @param name distribution name for the error message.
 */
export function invertLowerTail(
  cdf: (t: number) => number,
  pdf: (t: number) => number,
  q: number,
  name: string,
): number {
  // Bracket the root: cdf(upper) > q ≥ cdf(lower). Heavy tails (t with df < 1)
  // can put the root far out, so the lower end grows geometrically.
  let upper = 0;
  let lower = -1;
  while (cdf(lower) > q) {
    upper = lower;
    lower *= 2;
    if (!Number.isFinite(lower)) return -Infinity;
  }

  let t = upper === 0 ? lower : upper;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const excess = cdf(t) - q;
    if (excess === 0) return t;
    if (excess < 0) lower = t;
    else upper = t;

    let next = t - excess / pdf(t);
    if (!(next > lower && next < upper)) {
      // Newton left the bracket: bisect, geometrically when the ends differ by
      // orders of magnitude, so that a far tail is reached in few steps.
      next = upper < 0 && lower / upper > 4 ? -Math.sqrt(lower * upper) : (lower + upper) / 2;
    }
    if (Math.abs(next - t) <= RELATIVE_TOLERANCE * Math.abs(next)) return next;
    t = next;
  }
  throw new Error(`The ${name} quantile search did not converge for p = ${q}.`);
}
