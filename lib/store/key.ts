/**
 * The key of a run in the store: a hash of its full configuration.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { RunConfig } from "../train/types.ts";
import { canonicalJson } from "./canonical_json.ts";

/** Length of a run key in hex characters: 64 bits, so that 1e6 runs collide with probability below 3e-8. */
export const RUN_KEY_LENGTH = 16;

/** Matches a well-formed run key. */
export const RUN_KEY_PATTERN = /^[0-9a-f]{16}$/;

/**
 * Computes the key of a run: the first 16 hex characters of the SHA-256 of the
 * canonical JSON of its config (keys sorted, no whitespace).
 *
 * Every field takes part, including fields added to RunConfig later, so any
 * change to a config gives a different key, and key order does not matter.
 *
 * @param config the run's configuration; its values must be JSON values with finite numbers.
 * @returns 16 lowercase hex characters, for example `"3f9a0c5e12d4b7a8"`.
 * @throws {TypeError} if config is not a plain object or contains a value JSON cannot store.
 *
 * @example
 * ```ts
 * runKey({ head: "relu", seed: 0, init: "pytorch", optimizer: "sgd", learningRate: 0.001,
 *   batchSize: 20, epochs: 5, trainSubset: null, testSubset: null });
 * ```
 */
export function runKey(config: RunConfig): string {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new TypeError(
      `runKey(): config is ${config === null ? "null" : typeof config}: expected a RunConfig object.`,
    );
  }
  const text = canonicalJson(config, "config");
  return createHash("sha256").update(text).digest("hex").slice(
    0,
    RUN_KEY_LENGTH,
  );
}
