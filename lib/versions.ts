/**
 * Versions that a report prints next to its results, and a run-config
 * builder with the original exercise's defaults.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { DEFAULT_CONFIG, validateConfig } from "./train/config.ts";
import type { RunConfig } from "./train/types.ts";

/** Versions of Deno, V8, TypeScript, tfjs and Observable Plot in this process. */
export function libraryVersions(): Record<string, string> {
  return {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    tfjs: tf.version.tfjs,
    // Plot exports no version constant; this is the version pinned in deno.json's import map.
    "observable plot": "0.6.17",
  };
}

/**
 * Builds a full run config from the original exercise's defaults (PyTorch
 * init, plain SGD, lr 0.001, batch 20, 30 epochs, all data) and `overrides`,
 * and validates it.
 *
 * @throws {RangeError | TypeError} naming the invalid option and the valid values.
 */
export function runConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  const config = { ...DEFAULT_CONFIG, ...overrides };
  validateConfig(config);
  return config;
}
