/**
 * Small HTML tables for notebooks and reports: settings, runs, layers and
 * per-head summaries. Cells are escaped; the result is a plain HTML string.
 *
 * @module
 */

import type { LayerRow } from "../model/summary.ts";
import { finalEpoch, type HeadSummary, neverPredicted } from "../study/aggregate.ts";
import { percent } from "../study/verdict.ts";
import type { RunRecord } from "../train/types.ts";
import { CLASS_NAMES } from "../data/types.ts";
import { escapeHtml } from "../notebook/display.ts";

/** Renders rows as an HTML table; `columns` maps header text to a cell getter. */
export function htmlTable<T>(rows: T[], columns: Record<string, (row: T) => string | number>): string {
  const header = Object.keys(columns).map((name) => `<th>${escapeHtml(name)}</th>`).join("");
  const body = rows.map((row) =>
    "<tr>" + Object.values(columns).map((cell) => `<td>${escapeHtml(String(cell(row)))}</td>`).join("") + "</tr>"
  ).join("\n");
  return `<table class="relu-lab-table"><thead><tr>${header}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Renders a two-column table of settings, one row per key. */
export function settingsTable(settings: Record<string, string | number | null | undefined>): string {
  return htmlTable(Object.entries(settings), { setting: ([key]) => key, value: ([, value]) => String(value ?? "—") });
}

/** Renders the layer table of {@linkcode describeNetwork}, with a total row. */
export function layerTable(rows: LayerRow[]): string {
  const total = rows.reduce((sum, row) => sum + row.parameters, 0);
  return htmlTable([...rows, { layer: "total", outputShape: "", parameters: total, note: "" }], {
    layer: (row) => row.layer,
    "output shape (one image)": (row) => row.outputShape,
    parameters: (row) => row.parameters.toLocaleString("en-US"),
    note: (row) => row.note,
  });
}

/** Renders one row per run: head, seed, status, final accuracy and loss, lost classes, backend, wall time. */
export function runTable(records: RunRecord[]): string {
  return htmlTable(records, {
    head: (r) => r.config.head,
    seed: (r) => r.config.seed,
    status: (r) => r.status,
    epochs: (r) => r.epochs.length,
    "test accuracy": (r) => r.epochs.length ? percent(finalEpoch(r).testAccuracy) : "—",
    "test loss": (r) => r.epochs.length ? finalEpoch(r).testLoss.toFixed(3) : "—",
    "never predicted": (r) => neverPredicted(r).map((c) => CLASS_NAMES[c]).join(", ") || "none",
    "dead units": (r) => r.deadUnits.map((c) => CLASS_NAMES[c]).join(", ") || "none",
    backend: (r) => r.backend,
    "wall time": (r) => `${r.wallSeconds.toFixed(0)} s`,
  });
}

/** Renders one row per head: runs, mean accuracy with 95% CI, mean test loss, seeds with a lost class. */
export function headSummaryTable(summaries: HeadSummary[]): string {
  return htmlTable(summaries, {
    head: (s) => s.head,
    "complete runs": (s) => s.runs,
    diverged: (s) => s.diverged,
    "test accuracy, mean": (s) => percent(s.accuracy.mean),
    "95% CI": (s) => `${percent(s.accuracy.ci95[0])} – ${percent(s.accuracy.ci95[1])}`,
    "sd": (s) => `${(s.accuracy.sd * 100).toFixed(2)} points`,
    "test loss, mean": (s) => s.testLoss.mean.toFixed(3),
    "seeds with a never-predicted class": (s) => `${s.seedsWithLostClass} of ${s.runs}`,
    "seeds with a dead unit": (s) => `${s.seedsWithDeadUnit} of ${s.runs}`,
  });
}
