/**
 * Number formats shared by the claim sentences.
 *
 * @module
 */

export { percent, points } from "../study/verdict.ts";

/** Formats a probability given as log10: `-0.5` → `"0.32"`, `-7.3` → `"5.0e−8"`. */
export function probabilityFromLog10(log10: number): string {
  if (log10 >= -3) return (10 ** log10).toPrecision(2);
  const exponent = Math.floor(log10);
  const mantissa = 10 ** (log10 - exponent);
  return `${mantissa.toFixed(1)}e−${-exponent}`;
}

/** Formats a number with a real minus sign and `digits` decimals: `-1.234` → `"−1.23"`. */
export function signed(value: number, digits = 2): string {
  const text = Math.abs(value).toFixed(digits);
  return value < 0 && Number(text) !== 0 ? `−${text}` : text;
}

/** Formats a difference with an explicit sign and `digits` decimals: `0.2` → `"+0.200"`, `-0.1` → `"−0.100"`. */
export function difference(value: number, digits = 3): string {
  const text = signed(value, digits);
  return text.startsWith("−") ? text : `+${text}`;
}

/** Formats "k of n" counts, `"3 of 3 seeds"`. */
export function ofSeeds(count: number, total: number): string {
  return `${count} of ${total} seed${total === 1 ? "" : "s"}`;
}
