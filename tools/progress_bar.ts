/**
 * Terminal progress for CLI commands that train. On a terminal it redraws one line in
 * place (`run 3/20 relu seed 2 | epoch 2/3 | ████░░░ 45% | loss 0.512 | ETA 1m20s`) and
 * keeps one line per finished epoch. Elsewhere (CI logs, files) it writes only plain lines.
 *
 * @module
 */

import { formatDuration, runFraction, runLabel, type RunProgressEvent } from "../lib/notebook/progress_text.ts";

/** Output stream of the bar, for example `Deno.stderr`. */
export interface ProgressStream {
  writeSync(bytes: Uint8Array): number;
  isTerminal(): boolean;
}

/** Options of {@linkcode formatProgress}. */
export interface FormatProgressOptions {
  /** Label used when the event carries none, for example `"relu seed 2"`. */
  label?: string;
  /** Characters in the bar, ≥ 1; default 20. */
  barWidth?: number;
}

/**
 * Formats a step of training as one line: run and label, epoch, a bar and percentage of
 * the run done, the epoch's mean training loss so far, and the ETA of the run.
 *
 * @example
 * ```ts
 * formatProgress({ kind: "step", epoch: 2, epochs: 3, step: 35, stepsPerEpoch: 100,
 *   trainLoss: 0.512, elapsedSeconds: 65, etaSeconds: 80, run: 3, runs: 20 },
 *   { label: "relu seed 2", barWidth: 10 });
 * // "run 3/20 relu seed 2 | epoch 2/3 | ████░░░░░░ 45% | loss 0.512 | ETA 1m20s"
 * ```
 */
export function formatProgress(event: RunProgressEvent, options: FormatProgressOptions = {}): string {
  const barWidth = options.barWidth ?? 20;
  if (!Number.isInteger(barWidth) || barWidth < 1) {
    throw new RangeError(`formatProgress(): option barWidth is ${barWidth}; expected an integer ≥ 1.`);
  }
  const fraction = runFraction(event);
  const filled = Math.floor(fraction * barWidth);
  const bar = "█".repeat(filled) + "░".repeat(barWidth - filled);
  return [
    runLabel(event, options.label),
    `epoch ${event.epoch}/${event.epochs}`,
    `${bar} ${Math.floor(fraction * 100)}%`,
    `loss ${event.trainLoss.toFixed(3)}`,
    `ETA ${formatDuration(event.etaSeconds)}`,
  ].filter((part) => part !== "").join(" | ");
}

/**
 * Formats the end of an epoch as one line, with the test metrics when the event has them:
 * `run 3/20 relu seed 2 | epoch 2/3 done | train loss 0.512 | test loss 0.498 |
 * test accuracy 82.1% | elapsed 1m05s | ETA 40s`.
 */
export function formatEpochLine(event: RunProgressEvent, options: { label?: string } = {}): string {
  const metrics = event.metrics;
  return [
    runLabel(event, options.label),
    `epoch ${event.epoch}/${event.epochs} done`,
    `train loss ${(metrics?.trainLoss ?? event.trainLoss).toFixed(3)}`,
    metrics ? `test loss ${metrics.testLoss.toFixed(3)}` : "",
    metrics ? `test accuracy ${(metrics.testAccuracy * 100).toFixed(1)}%` : "",
    `elapsed ${formatDuration(event.elapsedSeconds)}`,
    `ETA ${formatDuration(event.etaSeconds)}`,
  ].filter((part) => part !== "").join(" | ");
}

/** Options of {@linkcode createProgressBar}. */
export interface ProgressBarOptions {
  /** Label used when events carry none, for example `"relu seed 2"`. */
  label?: string;
  /** Default `Deno.stderr`, so progress stays out of piped output. */
  stream?: ProgressStream;
  /** Shortest time between two redraws on a terminal, in milliseconds; default 100. */
  minIntervalMs?: number;
  /** Off a terminal, the longest time without a line during an epoch, in seconds; default 60. */
  heartbeatSeconds?: number;
  /** Clock in milliseconds; default `performance.now`. For tests. */
  now?: () => number;
}

/** The handle {@linkcode createProgressBar} returns. */
export interface ProgressBar {
  /** Shows an event: redraws the bar on a terminal, writes a line at each epoch end. */
  update(event: RunProgressEvent): void;
  /** Ends the bar's line on a terminal so later output starts on a fresh line. */
  done(): void;
}

const CLEAR_LINE = "\r\x1b[K";

/**
 * Creates a progress bar. On a terminal the bar redraws with `\r` at most every
 * `minIntervalMs`. Off a terminal it writes one line per epoch, and a progress line when
 * `heartbeatSeconds` pass without one, so that a CI log shows a long epoch is still running.
 */
export function createProgressBar(options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? Deno.stderr;
  const terminal = stream.isTerminal();
  const now = options.now ?? (() => performance.now());
  const minIntervalMs = options.minIntervalMs ?? 100;
  const heartbeatMs = (options.heartbeatSeconds ?? 60) * 1000;
  const encoder = new TextEncoder();
  let lastWriteMs = -Infinity;
  let partialLine = false;

  const write = (text: string) => {
    const bytes = encoder.encode(text);
    // writeSync may write fewer bytes than given; loop until all are out.
    for (let offset = 0; offset < bytes.length;) offset += stream.writeSync(bytes.subarray(offset));
    lastWriteMs = now();
  };

  return {
    update(event) {
      if (event.kind === "epoch") {
        write(`${terminal ? CLEAR_LINE : ""}${formatEpochLine(event, options)}\n`);
        partialLine = false;
        return;
      }
      if (terminal && now() - lastWriteMs >= minIntervalMs) {
        write(CLEAR_LINE + formatProgress(event, options));
        partialLine = true;
      } else if (!terminal && now() - lastWriteMs >= heartbeatMs) {
        write(formatProgress(event, options) + "\n");
      }
    },
    done() {
      if (partialLine) write("\n");
      partialLine = false;
    },
  };
}
