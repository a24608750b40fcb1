/**
 * The collector of validation problems and the value tests that
 * validateRunRecord uses. Private to lib/store.
 *
 * @module
 */

/** Describes a found value for a message: strings quoted, long JSON cut short. */
export function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) {
    return `an array of ${value.length} item${value.length === 1 ? "" : "s"}`;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Collects problems, each `field <path> is <value>, expected <what>`. */
export class Problems {
  readonly list: string[] = [];

  /** Records a problem unless `ok`; returns `ok`, so that dependent checks can be skipped. */
  check(ok: boolean, path: string, value: unknown, expected: string): boolean {
    if (!ok) {
      this.list.push(`field ${path} is ${describe(value)}, expected ${expected}`);
    }
    return ok;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Returns true if value is a safe integer in [min, max]. */
export function isInteger(value: unknown, min: number, max = Infinity): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

/** Returns true if value is a number in [0, 1]. */
export function isFraction(value: unknown): value is number {
  return typeof value === "number" && value >= 0 && value <= 1;
}

export function isFiniteAtLeastZero(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** Returns true if value is an ISO 8601 date and time with seconds and a zone, such as "2025-01-31T12:00:00.000Z". */
export function isIsoTime(value: unknown): value is string {
  return typeof value === "string" &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    Number.isFinite(Date.parse(value));
}
