/**
 * Seeded random numbers for everything random in a run: initial weights and
 * data order. Nothing in this project calls `Math.random`.
 *
 * A run has one integer seed. Each consumer requests its own named stream
 * (`"conv-init"`, `"head-init"`, `"data-order"`), so that seed k gives every
 * head variant the same convolution weights and the same data order, which
 * makes comparisons between variants paired.
 *
 * @module
 */

/** A generator of uniform floats in [0, 1), deterministic for its seed and stream. */
export type Rng = () => number;

/** FNV-1a hash of a string to a 32-bit unsigned integer, used to name streams. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Creates the generator for one named stream of a seed.
 *
 * The generator is SplitMix32 (a 32-bit variant of Steele, Lea and Flood's
 * SplitMix, 2014): fast, full period 2^32 and good enough for shuffles and
 * weight initialisation, not for cryptography.
 *
 * @param seed integer seed of the run; must be a safe integer.
 * @param stream name of the consumer, for example `"data-order"`.
 * @returns a function returning floats uniform in [0, 1).
 * @throws {TypeError} if the seed is not a safe integer.
 *
 * @example
 * ```ts
 * const rng = seededRandom(3, "data-order");
 * rng(); // the same value on every machine for seed 3
 * ```
 */
export function seededRandom(seed: number, stream = "default"): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new TypeError(`Invalid seed ${seed}: expected a safe integer such as 0, 1 or 42.`);
  }
  let state = (hashString(stream) ^ Math.imul(seed | 0, 0x9e3779b9) ^ Math.floor(seed / 2 ** 32)) >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 2 ** 32;
  };
}

/**
 * Returns a permutation of 0..n-1 drawn with the Fisher–Yates shuffle.
 *
 * @param n number of items, a non-negative integer.
 * @param rng the generator to draw from.
 * @returns indices as an Int32Array of length n.
 */
export function shuffledIndices(n: number, rng: Rng): Int32Array {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`Invalid length ${n}: expected a non-negative integer.`);
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  return order;
}
