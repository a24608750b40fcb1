/**
 * The bridge to Deno's Jupyter kernel: showing figures and tables, and a live
 * training display. Safe to import anywhere; outside a kernel displaying does nothing.
 *
 * @module
 */

export {
  type Cell,
  display,
  escapeHtml,
  html,
  HtmlDisplay,
  JUPYTER_DISPLAY,
  jupyterKernel,
  markdownTable,
  type MimeBundle,
  show,
  type Showable,
  type TableOptions,
} from "./display.ts";
export { type Broadcast, type LiveProgress, liveProgress, type LiveProgressOptions } from "./live_progress.ts";
export { formatDuration, runFraction, runLabel, type RunProgressEvent } from "./progress_text.ts";
