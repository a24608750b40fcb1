/**
 * Terminal progress of `deno task report`. On a terminal one line is
 * redrawn in place, `[2/5] 02-training… cell 7/24 12.3s`, and ticks every
 * second while a cell runs. Elsewhere (CI logs, files) it prints a line per
 * notebook start, per cell that took 10 s or more and per minute a cell
 * keeps running. A log then shows where the time went without a line for
 * every quick cell.
 *
 * @module
 */

import type { NotebookProgress } from "./execute.ts";
import { formatSeconds } from "./format_seconds.ts";

/** Output stream of the display; `Deno.stderr` fits. */
export interface ProgressStream {
  writeSync(bytes: Uint8Array): number;
  isTerminal(): boolean;
}

/** Cells that take at least this many seconds get their own line in a log. */
export const SLOW_CELL_SECONDS = 10;

/** Seconds between the lines a log gets while one cell keeps running. */
export const HEARTBEAT_SECONDS = 30;

/**
 * Formats the live line: position in the run, notebook name, current cell
 * and seconds since the notebook started, for example
 * `"[2/5] 02-training… cell 7/24 12.3s"`. `cell` is `null` before the first
 * cell starts.
 */
export function formatProgressLine(
  position: string,
  name: string,
  cell: { cell: number; cells: number } | null,
  elapsedSeconds: number,
): string {
  const where = cell === null ? "starting the kernel" : `cell ${cell.cell}/${cell.cells}`;
  return `${position} ${name}… ${where} ${formatSeconds(elapsedSeconds)}`;
}

/** Shows the progress of one notebook after another. */
export class ProgressDisplay {
  #stream: ProgressStream;
  #live: boolean;
  #encoder = new TextEncoder();
  #timer: ReturnType<typeof setInterval> | undefined;
  #position = "";
  #name = "";
  #started = 0;
  #cell: { cell: number; cells: number } | null = null;
  #lineShown = false;
  /** Latest live training progress of the running cell, empty when it has none. */
  #liveText = "";

  /** @param stream where to write; a terminal gets the redrawn line. */
  constructor(stream: ProgressStream = Deno.stderr) {
    this.#stream = stream;
    this.#live = stream.isTerminal();
  }

  /** Starts showing notebook `name`, the `index`-th (from 1) of `count`. */
  startNotebook(name: string, index: number, count: number): void {
    this.#position = `[${index}/${count}]`;
    this.#name = name;
    this.#started = performance.now();
    this.#cell = null;
    if (this.#live) {
      this.#redraw();
      this.#timer = setInterval(() => this.#redraw(), 1000);
    } else {
      this.#write(`${this.#position} ${name}: starting\n`);
      this.#timer = setInterval(() => this.#heartbeat(), HEARTBEAT_SECONDS * 1000);
    }
  }

  /** Takes one progress event of the running notebook. */
  update(event: NotebookProgress): void {
    if (event.event === "live") {
      this.#liveText = event.text;
      if (this.#live) this.#redraw();
      return;
    }
    if (event.event !== "cell") return;
    if (event.phase === "start") this.#liveText = "";
    this.#cell = { cell: event.cell, cells: event.cells };
    if (this.#live) {
      this.#redraw();
    } else if (event.phase === "done" && (event.seconds ?? 0) >= SLOW_CELL_SECONDS) {
      this.#write(
        `  cell ${event.cell}/${event.cells} took ${formatSeconds(event.seconds ?? 0)} ` +
          `(${formatSeconds(event.elapsed)} into the notebook)\n`,
      );
    }
  }

  /** Prints a line that stays, above the live line on a terminal. */
  print(line: string): void {
    this.#clear();
    this.#write(line + "\n");
    if (this.#live && this.#timer !== undefined) this.#redraw();
  }

  /** Stops the live line of the current notebook. */
  finishNotebook(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#clear();
  }

  #heartbeat(): void {
    const elapsed = (performance.now() - this.#started) / 1000;
    const where = this.#cell === null ? "kernel starting" : `cell ${this.#cell.cell}/${this.#cell.cells} running`;
    const live = this.#liveText ? `: ${this.#liveText}` : "";
    this.#write(`  ${where}, ${formatSeconds(elapsed)} into the notebook${live}\n`);
  }

  #redraw(): void {
    const elapsed = (performance.now() - this.#started) / 1000;
    // \r and "erase line" redraw in place; the line is cut to the usual 80
    // columns so that it never wraps, which would break the redraw.
    const live = this.#liveText ? ` | ${this.#liveText}` : "";
    const line = (formatProgressLine(this.#position, this.#name, this.#cell, elapsed) + live).slice(0, 79);
    this.#write(`\r\x1b[2K${line}`);
    this.#lineShown = true;
  }

  #clear(): void {
    if (!this.#lineShown) return;
    this.#write("\r\x1b[2K");
    this.#lineShown = false;
  }

  #write(text: string): void {
    const bytes = this.#encoder.encode(text);
    let written = 0;
    while (written < bytes.length) written += this.#stream.writeSync(bytes.subarray(written));
  }
}
