/**
 * The JSON text of a stored run record. JSON has no NaN or Infinity, and a
 * diverged run has NaN or infinite losses, so those numbers are written as the
 * strings "NaN", "Infinity" and "-Infinity" and read back as numbers.
 *
 * @module
 */

import type { RunRecord } from "../train/types.ts";

const NON_FINITE_NAMES = new Set(["NaN", "Infinity", "-Infinity"]);

/**
 * Serializes a record as indented JSON with a final newline, non-finite
 * numbers written as strings.
 *
 * @param record the record to store.
 * @returns the file content.
 */
export function stringifyRunRecord(record: RunRecord): string {
  const replacer = (_key: string, value: unknown) =>
    typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
  return `${JSON.stringify(record, replacer, 2)}\n`;
}

/**
 * Parses the text of a stored record, turning the strings "NaN", "Infinity"
 * and "-Infinity" back into numbers. The result is not yet validated.
 *
 * NOTE: the strings are revived wherever they appear. A string that is exactly
 * "NaN" in a record (a head name, a diagnostics label) would come back as a
 * number, so the round trip is not exact for such strings. The mark can go if
 * records move to a format that has non-finite numbers.
 *
 * @param text the file content.
 * @returns the parsed value.
 * @throws {SyntaxError} if the text is not JSON.
 */
export function parseRunRecordJson(text: string): unknown {
  return JSON.parse(
    text,
    (_key, value) => NON_FINITE_NAMES.has(value) ? Number(value) : value,
  );
}
