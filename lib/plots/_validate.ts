/**
 * Argument checks shared by the chart builders, worded for the caller.
 *
 * @module
 */

/** Throws when `rows` is empty, naming the builder and the argument. */
export function requireRows(rows: ArrayLike<unknown>, where: string): void {
  if (rows.length === 0) {
    throw new RangeError(`${where} is empty, but a chart needs at least one row.`);
  }
}

/** Throws unless `value` is a finite number, naming the row and the field. */
export function requireFinite(value: unknown, where: string): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`${where} must be a finite number, got ${String(value)}.`);
  }
}
