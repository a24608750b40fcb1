/**
 * A live training display for Deno's Jupyter kernel: one output that updates in place
 * (Jupyter's `display_id` with `update_display_data`) with the run, epoch, step, loss,
 * test accuracy, ETA and a loss sparkline. Outside a kernel every call does nothing.
 *
 * @module
 */

import { sparkline } from "../plots/sparkline.ts";
import { escapeHtml, jupyterKernel, type MimeBundle } from "./display.ts";
import { formatDuration, runFraction, runLabel, type RunProgressEvent } from "./progress_text.ts";

/** Sends one message on the kernel's IOPub channel; the shape of `Deno.jupyter.broadcast`. */
export type Broadcast = (messageType: string, content: Record<string, unknown>) => Promise<void>;

/** Options of {@linkcode liveProgress}. */
export interface LiveProgressOptions {
  /** Heading of the display, for example `"Training linear and relu, seed 0"`. */
  title: string;
  /** Shortest time between two updates, in milliseconds; default 500. Epoch ends always update. */
  minIntervalMs?: number;
  /** Message sender for tests; default `Deno.jupyter.broadcast`, or none outside a kernel. */
  broadcast?: Broadcast;
  /** Clock in milliseconds; default `performance.now`. For tests. */
  now?: () => number;
}

/** The handle {@linkcode liveProgress} returns. */
export interface LiveProgress {
  /** Records an event. Redraws on the first event, on every epoch event, and otherwise at most once per `minIntervalMs`. */
  onProgress(event: RunProgressEvent): void;
  /**
   * Draws the final state and waits for every message to be sent. Call it when training
   * ends: the output keeps the last drawn state, which is also what an HTML export shows.
   * Rejects with the first error a message failed with.
   */
  done(): Promise<void>;
}

/** Loss points kept for the sparkline; past this, every other point is dropped. */
const MAX_POINTS = 240;

/**
 * Creates a live progress display. The first event shows the display; later events update
 * it in place.
 *
 * @example
 * ```ts
 * const progress = liveProgress({ title: "relu, seed 0" });
 * const record = await trainRun(config, { onProgress: progress.onProgress });
 * await progress.done();
 * ```
 */
export function liveProgress(options: LiveProgressOptions): LiveProgress {
  const broadcast = options.broadcast ?? kernelBroadcast();
  const now = options.now ?? (() => performance.now());
  const minIntervalMs = options.minIntervalMs ?? 500;
  const displayId = `relu-lab-progress-${crypto.randomUUID()}`;

  let latest: RunProgressEvent | undefined;
  let lastAccuracy: { epoch: number; accuracy: number } | undefined;
  let points: [number, number][] = [];
  let displaySent = false;
  let lastDrawMs = -Infinity;
  let dirty = false;
  let finished = false;
  // Chaining keeps messages in order, and onProgress returns before they are sent.
  let queue: Promise<void> = Promise.resolve();
  let failure: unknown;

  const send = (bundle: MimeBundle) => {
    if (broadcast === undefined) return;
    const messageType = displaySent ? "update_display_data" : "display_data";
    displaySent = true;
    const content = { data: bundle, metadata: {}, transient: { display_id: displayId } };
    queue = queue.then(() => broadcast(messageType, content)).catch((error) => {
      failure ??= error;
    });
  };

  const draw = () => {
    if (latest === undefined) return;
    send({
      "text/html": progressHtml(options.title, latest, lastAccuracy, points, finished),
      "text/plain": progressText(options.title, latest, finished),
    });
    lastDrawMs = now();
    dirty = false;
  };

  return {
    onProgress(event) {
      if (finished) return;
      // A new run (or a restart at epoch 1) starts a new loss line.
      if (latest !== undefined && (event.run !== latest.run || runFraction(event) < runFraction(latest))) {
        points = [];
        lastAccuracy = undefined;
      }
      latest = event;
      if (Number.isFinite(event.trainLoss)) {
        points.push([event.epoch - 1 + event.step / Math.max(1, event.stepsPerEpoch), event.trainLoss]);
        if (points.length > MAX_POINTS) points = points.filter((_, i) => i % 2 === 0 || i === points.length - 1);
      }
      if (event.metrics !== undefined) {
        lastAccuracy = { epoch: event.metrics.epoch, accuracy: event.metrics.testAccuracy };
      }
      dirty = true;
      if (!displaySent || event.kind === "epoch" || now() - lastDrawMs >= minIntervalMs) draw();
    },
    async done() {
      if (!finished) {
        finished = true;
        if (dirty || displaySent) draw();
      }
      await queue;
      if (failure !== undefined) throw failure;
    },
  };
}

function kernelBroadcast(): Broadcast | undefined {
  const kernel = jupyterKernel();
  return kernel === undefined ? undefined : (type, content) => kernel.broadcast(type, content);
}

function progressText(title: string, event: RunProgressEvent, finished: boolean): string {
  const where = [runLabel(event), `epoch ${event.epoch}/${event.epochs}`, `step ${event.step}/${event.stepsPerEpoch}`];
  const eta = finished ? `done in ${formatDuration(event.elapsedSeconds)}` : `ETA ${formatDuration(event.etaSeconds)}`;
  return `${title}: ${where.filter(Boolean).join(", ")}, loss ${event.trainLoss.toFixed(3)}, ${eta}`;
}

function progressHtml(
  title: string,
  event: RunProgressEvent,
  accuracy: { epoch: number; accuracy: number } | undefined,
  points: [number, number][],
  finished: boolean,
): string {
  const percent = (runFraction(event) * 100).toFixed(0);
  const where = [runLabel(event), `epoch ${event.epoch}/${event.epochs}`, `step ${event.step}/${event.stepsPerEpoch}`]
    .filter(Boolean).map(escapeHtml).join(" · ");
  const facts = [
    `loss ${event.trainLoss.toFixed(3)}`,
    accuracy ? `test accuracy ${(accuracy.accuracy * 100).toFixed(1)}% (epoch ${accuracy.epoch})` : "",
    `elapsed ${formatDuration(event.elapsedSeconds)}`,
    finished ? "done" : `ETA ${formatDuration(event.etaSeconds)}`,
  ].filter(Boolean).join(" · ");
  const chart = sparkline(points, { label: "train loss", width: 240, height: 40 }).html;
  return `<div class="relu-lab-progress" style="font-family: system-ui, sans-serif; font-size: 13px; line-height: 1.5">` +
    `<div><b>${escapeHtml(title)}</b> — ${where}</div>` +
    `<div style="width: 320px; height: 8px; background: #e5e7eb; border-radius: 4px">` +
    `<div style="width: ${percent}%; height: 8px; background: #4269d0; border-radius: 4px"></div></div>` +
    `<div>${percent}% · ${facts}</div>${chart}</div>`;
}
