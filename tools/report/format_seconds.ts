/**
 * Durations for progress lines and the index: tenths of a second below a
 * minute, where notebook cells mostly fall, whole seconds above.
 *
 * @module
 */

import { formatDuration } from "../../lib/notebook/progress_text.ts";

/**
 * Formats a duration in seconds: `"12.3s"` below a minute, otherwise as
 * `formatDuration` does (`"4m05s"`, `"1h02m03s"`).
 */
export function formatSeconds(seconds: number): string {
  if (Number.isFinite(seconds) && seconds < 59.95) return `${Math.max(0, seconds).toFixed(1)}s`;
  return formatDuration(seconds);
}
