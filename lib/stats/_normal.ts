/**
 * The standard normal distribution: CDF, density and quantile. Private to
 * lib/stats; the BCa bootstrap needs them.
 *
 * @module
 */

import { invertLowerTail } from "./_invert_symmetric_cdf.ts";

/**
 * Computes erfc(x) for x ≥ 0: from a series of erf below 2.5 and from Laplace's
 * continued fraction of erfc above, each accurate to about 1e-13 relative in
 * its range (checked against mpmath).
 */
function erfcNonNegative(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)); all terms are positive.
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated from the tail.
  let fraction = x;
  for (let k = 60; k >= 1; k--) fraction = x + k / 2 / fraction;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const tail = 0.5 * erfcNonNegative(Math.abs(z) / Math.SQRT2);
  return z < 0 ? tail : 1 - tail;
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Standard normal quantile Φ⁻¹(p), for p in [0, 1]. */
export function normalQuantile(p: number): number {
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  const tail = invertLowerTail(
    normalCdf,
    normalPdf,
    Math.min(p, 1 - p),
    "normal",
  );
  return p < 0.5 ? tail : -tail;
}
