/**
 * Seeded bootstrap confidence interval of a mean, for paired differences
 * between two heads over the same seeds.
 *
 * @module
 */

import { seededRandom } from "../random.ts";
import { checkFiniteValues, meanOf } from "./_check_values.ts";
import { normalCdf, normalQuantile } from "./_normal.ts";

/** Method of reading the interval off the bootstrap distribution. */
export type BootstrapMethod =
  /** Percentiles 2.5 and 97.5 of the bootstrap means. */
  | "percentile"
  /**
   * Bias-corrected and accelerated percentiles (Efron, 1987): shifts the
   * percentiles for the median bias and the skewness of the bootstrap
   * distribution, the acceleration coming from the jackknife.
   */
  | "bca";

/** Options of {@link bootstrapMeanCi}. */
export interface BootstrapOptions {
  /** Number of bootstrap resamples, an integer ≥ 100. Default 10,000. */
  samples?: number;
  /** Seed of the resampling stream, a safe integer. Default 0. */
  seed?: number;
  /** Default `"bca"`, as in SciPy's `scipy.stats.bootstrap`. */
  method?: BootstrapMethod;
}

/**
 * Reads the q-quantile of sorted values with linear interpolation between
 * order statistics (type 7 of Hyndman and Fan, NumPy's default).
 */
function sortedQuantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/**
 * Computes a 95% bootstrap confidence interval of the mean of `values`.
 *
 * Resampling draws indices from `seededRandom(seed, "bootstrap")`, so the same
 * values, samples, seed and method give the same interval on every run.
 * With the 5–10 seeds of a study the interval is only a rough check on the t
 * interval: bootstrap intervals of a mean undercover at such n.
 *
 * @param values finite numbers, at least two (paired differences a − b).
 * @param options samples (default 10,000), seed (default 0), method (default "bca").
 * @returns [lower, upper] in the units of the values; [v, v] when every value is v.
 * @throws {TypeError} if values is not an array of numbers or method is unknown.
 * @throws {RangeError} if values has fewer than two entries or a non-finite one,
 *   or samples is not an integer ≥ 100.
 *
 * @example
 * ```ts
 * bootstrapMeanCi([0.004, -0.001, 0.006, 0.002], { seed: 1 });
 * ```
 */
export function bootstrapMeanCi(
  values: ArrayLike<number>,
  options: BootstrapOptions = {},
): [number, number] {
  const { samples = 10_000, seed = 0, method = "bca" } = options;
  checkFiniteValues(values, "bootstrapMeanCi(): values", 2);
  if (!Number.isInteger(samples) || samples < 100) {
    throw new RangeError(
      `bootstrapMeanCi(): invalid samples ${samples}: expected an integer ≥ 100; 10,000 is usual for a 95% interval.`,
    );
  }
  if (method !== "percentile" && method !== "bca") {
    throw new TypeError(
      `bootstrapMeanCi(): unknown method ${JSON.stringify(method)}: expected "percentile" or "bca".`,
    );
  }

  const n = values.length;
  const mean = meanOf(values);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  // Constant values: every resample has the same mean, and BCa's z0 would be infinite.
  if (min === max) return [mean, mean];

  const rng = seededRandom(seed, "bootstrap");
  const means = new Float64Array(samples);
  for (let b = 0; b < samples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(rng() * n)];
    means[b] = sum / n;
  }
  means.sort();

  let lowerLevel = 0.025;
  let upperLevel = 0.975;
  if (method === "bca") {
    [lowerLevel, upperLevel] = bcaLevels(values, mean, means);
  }
  return [sortedQuantile(means, lowerLevel), sortedQuantile(means, upperLevel)];
}

/**
 * Computes the BCa percentile levels for a 95% interval: α = Φ(z0 + (z0 + z) /
 * (1 − a(z0 + z))) for z = Φ⁻¹(0.025) and Φ⁻¹(0.975).
 */
function bcaLevels(
  values: ArrayLike<number>,
  mean: number,
  sortedMeans: Float64Array,
): [number, number] {
  const n = values.length;

  // Bias correction z0: where the sample mean sits in the bootstrap distribution,
  // ties counted half, as SciPy does.
  let below = 0;
  let equal = 0;
  for (const bootstrapMean of sortedMeans) {
    if (bootstrapMean < mean) below++;
    else if (bootstrapMean === mean) equal++;
  }
  const z0 = normalQuantile((below + equal / 2) / sortedMeans.length);
  // The sample mean outside every bootstrap mean leaves no bias correction to make.
  if (!Number.isFinite(z0)) return [0.025, 0.975];

  // Acceleration a from the jackknife means (the mean without value i).
  const sum = mean * n;
  const jackknife = Array.from(
    { length: n },
    (_, i) => (sum - values[i]) / (n - 1),
  );
  const jackknifeMean = meanOf(jackknife);
  let cubes = 0;
  let squares = 0;
  for (const leaveOneOut of jackknife) {
    const deviation = jackknifeMean - leaveOneOut;
    cubes += deviation ** 3;
    squares += deviation ** 2;
  }
  const acceleration = cubes / (6 * squares ** 1.5);

  const level = (z: number) => {
    const denominator = 1 - acceleration * (z0 + z);
    // A large |a| (one outlier among few values) can push the denominator to 0
    // or below, where the formula jumps. Its limit from the valid side is an
    // end of the bootstrap distribution.
    if (denominator <= 0) return z0 + z > 0 ? 1 : 0;
    return normalCdf(z0 + (z0 + z) / denominator);
  };
  return [level(normalQuantile(0.025)), level(normalQuantile(0.975))];
}
