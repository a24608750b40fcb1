/**
 * Distributions of logits and softmax probabilities, and compact summaries
 * of them (quantiles, histograms with fixed edges) small enough to store
 * with every epoch of a run.
 *
 * A ReLU head clamps negative logits to exactly 0, so the share of exact
 * zeros and the spread of the true-class and other-class logits show what
 * the head does to the scores that log_softmax receives.
 *
 * @module
 */

import { assertRowMatrix } from "./classification.ts";

/** Quantiles, mean and range of the finite values of a sample. */
export interface Summary {
  /** Number of finite values summarised. */
  count: number;
  /** Number of NaN and ±Infinity values, left out of every other field. */
  nonFinite: number;
  /** Arithmetic mean; NaN when `count` is 0, as are the fields below. */
  mean: number;
  /** Smallest value. */
  min: number;
  /** 5th percentile. */
  p5: number;
  /** 25th percentile, the first quartile. */
  p25: number;
  /** Median. */
  p50: number;
  /** 75th percentile, the third quartile. */
  p75: number;
  /** 95th percentile. */
  p95: number;
  /** Largest value. */
  max: number;
}

/**
 * Computes the quantile `q` of sorted values by linear interpolation
 * between order statistics: with h = (n − 1)·q, the result is
 * x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]). This is Hyndman and Fan's
 * type 7, NumPy's default `method="linear"`.
 *
 * @param sorted finite values in increasing order.
 * @param q quantile in [0, 1].
 * @returns NaN when `sorted` is empty.
 * @throws {RangeError} if `q` is outside [0, 1].
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) {
    throw new RangeError(
      `lib/metrics quantileSorted(): q must be in [0, 1], got ${q}.`,
    );
  }
  if (sorted.length === 0) return NaN;

  const h = (sorted.length - 1) * q;
  const below = Math.floor(h);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
}

/**
 * Summarises the finite values of a sample: count, mean, min, max and the
 * 5th, 25th, 50th, 75th and 95th percentiles (see {@link quantileSorted}).
 * Non-finite values are counted in `nonFinite` and otherwise ignored.
 *
 * @param values any numbers, in the units of the caller (nats, probabilities).
 */
export function summarize(values: ArrayLike<number>): Summary {
  const finite = new Float64Array(values.length);
  let count = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isFinite(value)) continue;
    finite[count++] = value;
    sum += value;
  }
  // A typed array sorts numerically; a plain array would sort as strings.
  const sorted = finite.subarray(0, count).sort();

  return {
    count,
    nonFinite: values.length - count,
    mean: count === 0 ? NaN : sum / count,
    min: count === 0 ? NaN : sorted[0],
    p5: quantileSorted(sorted, 0.05),
    p25: quantileSorted(sorted, 0.25),
    p50: quantileSorted(sorted, 0.5),
    p75: quantileSorted(sorted, 0.75),
    p95: quantileSorted(sorted, 0.95),
    max: count === 0 ? NaN : sorted[count - 1],
  };
}

/** Counts of a sample in fixed bins. */
export interface Histogram {
  /** Bin edges, strictly increasing, length `counts.length + 1`. */
  edges: number[];
  /**
   * Count of bin i, the values in [edges[i], edges[i + 1]). The last bin
   * also contains its upper edge, as in NumPy's `histogram`.
   */
  counts: number[];
  /** Count of finite values below `edges[0]`. */
  below: number;
  /** Count of finite values above the last edge. */
  above: number;
  /** Count of NaN and ±Infinity values. */
  nonFinite: number;
}

/**
 * Makes `count + 1` equally spaced edges from `start` to `stop`.
 * Each edge is computed as `start + i·step` rather than by repeated
 * addition, so the edges carry no accumulated rounding error.
 *
 * @throws {RangeError} unless `start < stop` and `count` is an integer ≥ 1.
 */
export function evenEdges(
  start: number,
  stop: number,
  count: number,
): number[] {
  if (!(start < stop) || !Number.isInteger(count) || count < 1) {
    throw new RangeError(
      `lib/metrics evenEdges(): expected start < stop and an integer count ≥ 1, ` +
        `got start ${start}, stop ${stop}, count ${count}.`,
    );
  }
  const step = (stop - start) / count;
  return Array.from(
    { length: count + 1 },
    (_, i) => (i === count ? stop : start + i * step),
  );
}

/**
 * Counts values in the bins between consecutive edges (see {@link Histogram}
 * for which bin an edge belongs to).
 *
 * @param values any numbers.
 * @param edges at least two strictly increasing finite numbers, for example from {@link evenEdges}.
 * @throws {RangeError} if the edges are fewer than two, not finite or not strictly increasing.
 */
export function histogram(
  values: ArrayLike<number>,
  edges: readonly number[],
): Histogram {
  const increasing = edges.every((edge, i) => Number.isFinite(edge) && (i === 0 || edge > edges[i - 1]));
  if (edges.length < 2 || !increasing) {
    throw new RangeError(
      `lib/metrics histogram(): edges must be at least two strictly increasing finite numbers, ` +
        `got [${edges.join(", ")}].`,
    );
  }

  const last = edges.length - 1;
  const counts = new Array<number>(last).fill(0);
  let below = 0;
  let above = 0;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isFinite(value)) nonFinite++;
    else if (value < edges[0]) below++;
    else if (value > edges[last]) above++;
    else counts[binOf(value, edges)]++;
  }
  return { edges: [...edges], counts, below, above, nonFinite };
}

/** Finds the bin i with edges[i] ≤ value < edges[i + 1] by bisection; the top edge goes to the last bin. */
function binOf(value: number, edges: readonly number[]): number {
  let low = 0;
  let high = edges.length - 2;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (edges[middle] <= value) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Smallest and largest softmax probability of each image. */
export interface ProbabilityExtremes {
  /** min_c p(c | image i), in [0, 1], length n. */
  min: Float64Array;
  /** max_c p(c | image i), the confidence, in [1/K, 1] up to rounding, length n. */
  max: Float64Array;
  /** min_c log p(c | image i), natural log, length n; kept because `min` underflows to 0 below about e^−745. */
  minLog: Float64Array;
}

/**
 * Finds, for each image, the smallest and largest softmax probability,
 * p = exp(log-probability).
 *
 * @param logProbs log_softmax output, `[n, classes]` row-major, natural log.
 * @param classes number of classes K, an integer ≥ 2.
 * @throws {RangeError} if `logProbs.length` is not a multiple of `classes`.
 */
export function probabilityExtremes(
  logProbs: Float32Array,
  classes = 10,
): ProbabilityExtremes {
  if (
    !Number.isInteger(classes) || classes < 2 || logProbs.length % classes !== 0
  ) {
    throw new RangeError(
      `lib/metrics probabilityExtremes(): logProbs has ${logProbs.length} values, ` +
        `which is not a whole number of rows of classes = ${classes} (an integer ≥ 2). ` +
        `Pass logProbs with shape [n, ${classes}], row-major.`,
    );
  }

  const n = logProbs.length / classes;
  const min = new Float64Array(n);
  const max = new Float64Array(n);
  const minLog = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let low = Infinity;
    let high = -Infinity;
    for (let c = 0; c < classes; c++) {
      const value = logProbs[i * classes + c];
      // Math.min/max propagate NaN, so a diverged row reads as NaN, not as a real extreme.
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
    minLog[i] = low;
    min[i] = Math.exp(low);
    max[i] = Math.exp(high);
  }
  return { min, max, minLog };
}

/** Logits split by whether they belong to the image's true class. */
export interface SplitLogits {
  /** z[i, labels[i]] for each image, length n. */
  trueClass: Float32Array;
  /** z[i, c] for every c ≠ labels[i], image by image, length n·(K − 1). */
  otherClasses: Float32Array;
}

/**
 * Separates each image's true-class logit from its other-class logits.
 *
 * @param logits the head's output, `[n, classes]` row-major.
 * @param labels true classes, `[n]`.
 * @param classes number of classes K, an integer ≥ 2.
 * @throws {RangeError} if `logits.length !== labels.length × classes` or a label is out of range.
 */
export function splitLogits(
  logits: Float32Array,
  labels: Uint8Array,
  classes = 10,
): SplitLogits {
  assertRowMatrix("splitLogits()", "logits", logits, labels, classes);

  const trueClass = new Float32Array(labels.length);
  const otherClasses = new Float32Array(labels.length * (classes - 1));
  let next = 0;
  for (let i = 0; i < labels.length; i++) {
    for (let c = 0; c < classes; c++) {
      const value = logits[i * classes + c];
      if (c === labels[i]) trueClass[i] = value;
      else otherClasses[next++] = value;
    }
  }
  return { trueClass, otherClasses };
}

/**
 * Computes the fraction of values that are exactly 0 (−0 included): the
 * logits a ReLU head clamped, plus any pre-activation that was exactly 0.
 *
 * @returns a fraction in [0, 1]; NaN for an empty array.
 */
export function zeroFraction(values: ArrayLike<number>): number {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === 0) zeros++;
  }
  return values.length === 0 ? NaN : zeros / values.length;
}
