/**
 * Summary of one sample (one metric over seeds): mean, standard deviation,
 * t-based 95% confidence interval of the mean, min and max.
 *
 * @module
 */

import { checkFiniteValues, meanOf, sampleSdOf } from "./_check_values.ts";
import { tQuantile } from "./t_distribution.ts";

/** Summary statistics of a sample. */
export interface Summary {
  /** Number of values. */
  n: number;
  /** Arithmetic mean. */
  mean: number;
  /** Sample standard deviation, n − 1 in the denominator; NaN when n = 1. */
  sd: number;
  /**
   * 95% confidence interval of the mean, mean ± t₀.₉₇₅,ₙ₋₁ · sd / √n, which
   * assumes roughly normal values. [NaN, NaN] when n = 1.
   */
  ci95: [number, number];
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
}

/**
 * Summarizes a sample, for example the final test accuracy of one head over
 * ten seeds.
 *
 * @param values finite numbers, at least one.
 * @returns n, mean, sd, ci95, min and max in the units of the values.
 * @throws {TypeError} if values is not an array of numbers.
 * @throws {RangeError} if values is empty or contains NaN or ±Infinity.
 *
 * @example
 * ```ts
 * summarize([0.84, 0.85, 0.83]).ci95; // ≈ [0.8152, 0.8648]
 * ```
 */
export function summarize(values: ArrayLike<number>): Summary {
  checkFiniteValues(values, "summarize(): values", 1);
  const n = values.length;
  const mean = meanOf(values);
  const sd = sampleSdOf(values, mean);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }

  // One value gives no estimate of spread, so its interval is undefined rather than zero-width.
  let ci95: [number, number] = [NaN, NaN];
  if (n >= 2) {
    const halfWidth = tQuantile(0.975, n - 1) * sd / Math.sqrt(n);
    ci95 = [mean - halfWidth, mean + halfWidth];
  }
  return { n, mean, sd, ci95, min, max };
}
