/**
 * Text pieces shared by the terminal progress bar and the live notebook display:
 * the run label, the fraction of a run done and durations as `1h02m03s`.
 *
 * @module
 */

import type { ProgressEvent } from "../train/types.ts";

/**
 * A training {@linkcode ProgressEvent} with the study's position added by the caller.
 * The caller adds it because only the caller schedules the runs, not the training loop.
 */
export type RunProgressEvent = ProgressEvent & {
  /** 1-based number of this run in the study. */
  run?: number;
  /** Number of runs in the study. */
  runs?: number;
  /** Name of this run, for example `"relu seed 2"`; replaces the display's own label. */
  label?: string;
};

/**
 * Formats a duration as hours, minutes and seconds: `1h02m03s`, `1m20s`, `45s`.
 * Rounds to whole seconds. Negative durations show as `0s`, and NaN or infinity as `?`,
 * because an ETA before the first step has no rate to go on.
 *
 * @param seconds duration in seconds
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  const pad = (value: number) => String(value).padStart(2, "0");
  if (hours > 0) return `${hours}h${pad(minutes)}m${pad(rest)}s`;
  if (minutes > 0) return `${minutes}m${pad(rest)}s`;
  return `${rest}s`;
}

/**
 * Fraction of the run done, in [0, 1]: finished epochs plus the finished steps of the
 * current epoch, over all steps of the run.
 */
export function runFraction(event: ProgressEvent): number {
  const done = (event.epoch - 1) * event.stepsPerEpoch + event.step;
  const total = event.epochs * event.stepsPerEpoch;
  return total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
}

/**
 * Formats the run part of a progress line: `run 3/20 relu seed 2`, or just the label
 * when the event carries no run number. Returns `""` when there is neither.
 *
 * @param fallbackLabel label used when the event carries none
 */
export function runLabel(event: RunProgressEvent, fallbackLabel = ""): string {
  const label = event.label ?? fallbackLabel;
  const position = event.run === undefined ? "" : `run ${event.run}${event.runs === undefined ? "" : `/${event.runs}`}`;
  return [position, label].filter((part) => part !== "").join(" ");
}
