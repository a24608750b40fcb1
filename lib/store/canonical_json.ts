/**
 * Canonical JSON: one fixed text for a JSON value, whatever the order in which
 * its object keys were written. The run key hashes it.
 *
 * @module
 */

/**
 * Serializes a JSON value with object keys sorted (by UTF-16 code units, the
 * order of `Array.prototype.sort`) and no whitespace. Properties whose value is
 * `undefined` are left out, as `JSON.stringify` leaves them out of a stored
 * record. Numbers are written as `JSON.stringify` writes them, so 0.001 and
 * 1e-3 give the same text.
 *
 * @param value null, a boolean, a finite number, a string, an array or a plain object of these.
 * @param path how to name the value in errors, for example `"config"`.
 * @returns the canonical text.
 * @throws {TypeError} for NaN, ±Infinity, undefined array items, functions,
 *   bigints, symbols and objects that are not plain (Date, Map, class
 *   instances), naming the path of the offending value. JSON would store NaN
 *   as null, so two different configs would share a key.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown, path = "value"): string {
  if (
    value === null || typeof value === "boolean" || typeof value === "string"
  ) {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new TypeError(
        `${path} is ${value}: expected a finite number; JSON cannot store NaN or Infinity.`,
      );
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => {
      if (item === undefined) {
        throw new TypeError(
          `${path}[${i}] is undefined: expected a JSON value; JSON would store it as null.`,
        );
      }
      return canonicalJson(item, `${path}[${i}]`);
    });
    return `[${items.join(",")}]`;
  }
  if (typeof value === "object") {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new TypeError(
        `${path} is a ${prototype?.constructor?.name ?? "non-plain"} object: expected a plain object with JSON values.`,
      );
    }
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key], `${path}.${key}`)}`);
    return `{${members.join(",")}}`;
  }
  throw new TypeError(`${path} is a ${typeof value}: expected a JSON value.`);
}
