/**
 * Paired comparison of two heads over the same seeds: differences, paired
 * t-test, Cohen's d_z and a bootstrap interval.
 *
 * @module
 */

import { checkFiniteValues, meanOf, sampleSdOf } from "./_check_values.ts";
import { bootstrapMeanCi, type BootstrapMethod } from "./bootstrap.ts";
import { tCdf, tQuantile } from "./t_distribution.ts";

/** Result of {@link pairedComparison}; differences are a − b. */
export interface PairedComparison {
  /** Number of pairs, ≥ 2. */
  n: number;
  /** Mean of a[i] − b[i], in the units of the values. */
  meanDifference: number;
  /** Sample standard deviation of the differences, n − 1 in the denominator. */
  sdDifference: number;
  /** t-based 95% confidence interval of the mean difference. */
  ci95: [number, number];
  /** Seeded bootstrap 95% interval of the mean difference (see bootstrapMeanCi). */
  bootstrapCi95: [number, number];
  /** Paired t statistic, meanDifference / (sdDifference / √n). */
  t: number;
  /** Degrees of freedom, n − 1. */
  df: number;
  /** Two-sided p-value of the paired t-test of mean difference 0. */
  pValue: number;
  /** Cohen's d_z: meanDifference / sdDifference, the standardized mean of the differences. */
  effectSizeDz: number;
}

/** Options of {@link pairedComparison}. */
export interface PairedComparisonOptions {
  /** Bootstrap resamples, an integer ≥ 100. Default 10,000. */
  bootstrapSamples?: number;
  /** Seed of the bootstrap resampling, a safe integer. Default 0. */
  seed?: number;
  /** Bootstrap interval method. Default `"bca"`. */
  bootstrapMethod?: BootstrapMethod;
}

/**
 * Computes the paired differences a[i] − b[i].
 *
 * @param a values of the first variant, one per seed.
 * @param b values of the second variant, b[i] from the same seed as a[i].
 * @returns the differences, same length as a and b.
 * @throws {TypeError} if a or b is not an array of numbers.
 * @throws {RangeError} if the lengths differ or a value is NaN or infinite.
 */
export function pairedDifferences(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): number[] {
  checkFiniteValues(a, "pairedDifferences(): a", 0);
  checkFiniteValues(b, "pairedDifferences(): b", 0);
  if (a.length !== b.length) {
    throw new RangeError(
      `Paired samples differ in length: a has ${a.length} values, b has ${b.length}. ` +
        "Pair each run of one variant with the run of the other variant that has the same seed.",
    );
  }
  return Array.from({ length: a.length }, (_, i) => a[i] - b[i]);
}

/**
 * Compares two variants measured on the same seeds with a paired t-test.
 *
 * The t-test and the t interval assume roughly normal differences; the
 * bootstrap interval is a check on that assumption. When every difference is
 * the same, sdDifference is 0 and t and effectSizeDz follow IEEE division:
 * ±Infinity with pValue 0, or NaN with pValue NaN if the differences are all 0.
 *
 * @param a values of the first variant, one per seed, at least two.
 * @param b values of the second variant, b[i] from the same seed as a[i].
 * @param options bootstrapSamples (default 10,000), seed (default 0), bootstrapMethod (default "bca").
 * @returns the statistics of a − b.
 * @throws {TypeError} if a or b is not an array of numbers.
 * @throws {RangeError} if the lengths differ, there are fewer than two pairs
 *   or a value is NaN or infinite.
 *
 * @example
 * ```ts
 * const relu = [0.861, 0.858, 0.866];
 * const linear = [0.865, 0.860, 0.867];
 * pairedComparison(relu, linear).meanDifference; // ≈ −0.0023
 * ```
 */
export function pairedComparison(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: PairedComparisonOptions = {},
): PairedComparison {
  const { bootstrapSamples = 10_000, seed = 0, bootstrapMethod = "bca" } = options;
  const differences = pairedDifferences(a, b);
  const n = differences.length;
  if (n < 2) {
    throw new RangeError(
      `pairedComparison() needs at least 2 pairs to estimate a spread, got ${n}.`,
    );
  }

  const meanDifference = meanOf(differences);
  const sdDifference = sampleSdOf(differences, meanDifference);
  const df = n - 1;
  const standardError = sdDifference / Math.sqrt(n);
  const t = meanDifference / standardError;
  const pValue = Number.isNaN(t) ? NaN : 2 * tCdf(-Math.abs(t), df);
  const halfWidth = tQuantile(0.975, df) * standardError;

  return {
    n,
    meanDifference,
    sdDifference,
    ci95: [meanDifference - halfWidth, meanDifference + halfWidth],
    bootstrapCi95: bootstrapMeanCi(differences, {
      samples: bootstrapSamples,
      seed,
      method: bootstrapMethod,
    }),
    t,
    df,
    pValue,
    effectSizeDz: meanDifference / sdDifference,
  };
}
