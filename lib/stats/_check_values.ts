/**
 * Argument checks shared by the statistics functions. Private to lib/stats.
 *
 * @module
 */

/** Returns true for arrays, typed arrays and other objects with an integer length. */
export function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return typeof value === "object" && value !== null &&
    Number.isSafeInteger((value as ArrayLike<unknown>).length);
}

/**
 * Throws unless `values` is an array (or typed array) of finite numbers with
 * at least `minLength` entries.
 *
 * @param values the sample to check.
 * @param name how the caller refers to it in messages, for example `"summarize(): values"`.
 * @param minLength the fewest values the caller can work with.
 * @throws {TypeError} if values is not an array or an entry is not a number.
 * @throws {RangeError} if there are too few values or one is NaN or infinite.
 */
export function checkFiniteValues(
  values: ArrayLike<number>,
  name: string,
  minLength: number,
): void {
  if (!isArrayLike(values)) {
    throw new TypeError(
      `${name} is ${typeof values}: expected an array of numbers.`,
    );
  }
  if (values.length < minLength) {
    throw new RangeError(
      `${name} has ${values.length} value${values.length === 1 ? "" : "s"}: expected at least ${minLength}.`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== "number") {
      throw new TypeError(
        `${name}[${i}] is ${JSON.stringify(value) ?? String(value)}: expected a number.`,
      );
    }
    if (!Number.isFinite(value)) {
      throw new RangeError(
        `${name}[${i}] is ${value}: expected a finite number. Leave diverged runs out before computing statistics.`,
      );
    }
  }
}

/** Arithmetic mean of finite values, n ≥ 1. */
export function meanOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Sample standard deviation (n − 1 in the denominator) about `mean`, computed in two passes; NaN for n = 1. */
export function sampleSdOf(values: ArrayLike<number>, mean: number): number {
  if (values.length < 2) return NaN;
  let sumOfSquares = 0;
  for (let i = 0; i < values.length; i++) {
    sumOfSquares += (values[i] - mean) ** 2;
  }
  return Math.sqrt(sumOfSquares / (values.length - 1));
}
