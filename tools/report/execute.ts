/**
 * Executing one notebook: runs `tools/jupyter/execute_notebook.py` with a
 * Jupyter-capable Python, turns its progress lines into events and returns
 * how the run ended.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The Python script that executes a notebook and exports its HTML. */
export const EXECUTE_SCRIPT: string = fileURLToPath(new URL("../jupyter/execute_notebook.py", import.meta.url));

/** Prefix of the script's progress lines on stderr; the rest of such a line is one JSON event. */
export const PROGRESS_PREFIX = "relu-lab-progress ";

/** Seconds of IOPub quiet the script waits for after each cell's `idle` status. */
export const DEFAULT_IDLE_GRACE_SECONDS = 0.2;

/** A progress event of the script. Cell numbers count every cell from 1, Markdown included. */
export type NotebookProgress =
  | { event: "start"; cells: number }
  | {
    event: "cell";
    phase: "start" | "done";
    cell: number;
    cells: number;
    /** Seconds since the notebook started. */
    elapsed: number;
    /** Seconds the cell took; only when `phase` is `"done"`. */
    seconds?: number;
  }
  /** An output that arrived after its cell's `idle` status and was kept. */
  | { event: "late_output"; cell: number; msgType: string; elapsed: number }
  /** A cell's error output was lost and rebuilt from the kernel's execute reply. */
  | { event: "restored_error_output"; cell: number }
  /** The latest line of a cell's live training progress (lib/notebook), sent at most every 2 s. */
  | { event: "live"; cell: number; text: string };

/** Outcome of executing one notebook. */
export interface NotebookResult {
  /** `error`: a cell raised; `timeout`: a cell ran past the limit; `failed`: the notebook could not run or export. */
  status: "ok" | "error" | "timeout" | "failed";
  /** Number (from 1) of the cell that raised or timed out. */
  cell?: number;
  /** Execution count of the failing cell, the `In [n]` shown beside it in the report; `null` when it has none. */
  executionCount?: number | null;
  /** Number of cells in the notebook, Markdown included. */
  cells?: number;
  /** Error name and message of a cell that raised, without terminal colour codes. */
  ename?: string;
  evalue?: string;
  /** First non-blank line of the failing cell's source, at most 100 characters. */
  firstLine?: string;
  /** Cell timeout in seconds, on `timeout`. */
  limit?: number;
  /** Description of the failure, on `failed`. */
  message?: string;
  /** Seconds from kernel start to the end of the last cell. */
  elapsed: number;
  /** Outputs that arrived after their cell's `idle` status and were kept. */
  lateOutputs: number;
  /** Whether the script wrote the HTML file. */
  html: boolean;
}

/** Options of {@linkcode executeNotebook}. */
export interface ExecuteOptions {
  /** Python interpreter that imports nbclient and nbconvert. */
  python: string;
  /** Path the script writes nbconvert's HTML to (not yet self-contained). */
  htmlPath: string;
  /** Seconds one cell may run, > 0. */
  cellTimeoutSeconds: number;
  /** Seconds of IOPub quiet to wait for after each cell; default {@linkcode DEFAULT_IDLE_GRACE_SECONDS}. */
  idleGraceSeconds?: number;
  /** Also write the executed notebook, outputs included, to this path. */
  executedNotebookPath?: string;
  /** Variables added to the environment of the script and so of the kernel. */
  env?: Record<string, string>;
  /** Receives every progress event. */
  onProgress?: (event: NotebookProgress) => void;
  /** Receives every other line the script or the kernel prints, except Deno's "unstable" warning. */
  onOutput?: (line: string) => void;
}

// Deno prints this warning on every kernel start, so it carries no news about the notebook.
const UNSTABLE_WARNING = /"deno jupyter" is unstable/;

/**
 * Executes the notebook at `notebookPath` on Deno's kernel and writes its
 * HTML to `options.htmlPath`. A notebook whose cell fails still gets its HTML
 * (with the cells up to the failing one) unless `html` is `false`.
 *
 * @returns how the run ended; a script that exits without reporting a result
 *   gives `status: "failed"` with its last output lines as the message.
 */
export async function executeNotebook(notebookPath: string, options: ExecuteOptions): Promise<NotebookResult> {
  const args = [
    EXECUTE_SCRIPT,
    notebookPath,
    "--html",
    options.htmlPath,
    "--cell-timeout",
    String(options.cellTimeoutSeconds),
    "--idle-grace",
    String(options.idleGraceSeconds ?? DEFAULT_IDLE_GRACE_SECONDS),
  ];
  if (options.executedNotebookPath !== undefined) args.push("--executed-notebook", options.executedNotebookPath);

  const child = new Deno.Command(options.python, {
    args,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  let result: NotebookResult | null = null;
  const otherLines: string[] = [];
  const handleLine = (line: string) => {
    if (line.startsWith(PROGRESS_PREFIX)) {
      const event = JSON.parse(line.slice(PROGRESS_PREFIX.length));
      if (event.event === "result") {
        const { event: _event, ...fields } = event;
        result = fields as NotebookResult;
      } else {
        options.onProgress?.(event as NotebookProgress);
      }
      return;
    }
    if (line.trim() === "" || UNSTABLE_WARNING.test(line)) return;
    otherLines.push(line);
    options.onOutput?.(line);
  };

  const [status] = await Promise.all([
    child.status,
    forEachLine(child.stdout, handleLine),
    forEachLine(child.stderr, handleLine),
  ]);
  if (result !== null) return result;
  return {
    status: "failed",
    message: `${options.python} ${EXECUTE_SCRIPT} exited with code ${status.code} before reporting a result` +
      (otherLines.length > 0 ? `; its last output:\n${otherLines.slice(-10).join("\n")}` : ""),
    elapsed: 0,
    lateOutputs: 0,
    html: false,
  };
}

async function forEachLine(stream: ReadableStream<Uint8Array>, handle: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) handle(line);
  }
  pending += decoder.decode();
  if (pending !== "") handle(pending);
}
