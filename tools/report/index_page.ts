/**
 * The page `reports/index.html`: one table row per report with its title,
 * status, run time, profile and date. Other modules add columns (headline
 * numbers from the run store, say) by putting values in `entry.extra` and
 * a column that reads them into `IndexPage.columns`, or add rows and notes.
 *
 * @module
 */

import { formatSeconds } from "./format_seconds.ts";
import { escapeHtml } from "../../lib/notebook/display.ts";

/** Outcome of a notebook's execution, as shown on the index. */
export type ReportStatus = "ok" | "error" | "timeout" | "failed";

/** One row of the index: usually one executed notebook. */
export interface ReportEntry {
  /** Notebook file name without `.ipynb`; identifies the row. */
  name: string;
  /** The notebook's first heading. */
  title: string;
  /** Link to the report, relative to the index; `null` when no report was written. */
  href: string | null;
  status: ReportStatus;
  /** One line saying what failed, for a status other than `ok`. */
  problem?: string;
  /** Seconds the notebook's cells took. */
  elapsedSeconds: number;
  /** Profile the notebook ran with, for example `"quick"`. */
  profile: string;
  /** When the execution ended, ISO 8601. */
  finishedAt: string;
  /** Values of extra columns, by a key the column's `value` reads. */
  extra?: Record<string, string | number>;
}

/** A cell's content: plain text, or text linking to `href`; `null` shows as a dash. */
export type IndexCell = string | number | null | { text: string; href: string };

/** A column of the index table. */
export interface IndexColumn {
  header: string;
  value: (entry: ReportEntry) => IndexCell;
  /** Right-aligns the column, for numbers. */
  numeric?: boolean;
  /** CSS class of the row's cell, for example to colour a status. */
  className?: (entry: ReportEntry) => string;
}

/** Everything the index page shows. */
export interface IndexPage {
  /** Heading and `<title>`. */
  title: string;
  generatedAt: Date;
  entries: ReportEntry[];
  columns: IndexColumn[];
  /** Paragraphs of plain text under the table. */
  notes: string[];
}

const STATUS_TEXT: Record<ReportStatus, string> = {
  ok: "passed",
  error: "cell raised an error",
  timeout: "cell timed out",
  failed: "could not run",
};

/** The columns every index has: report, status, run time, profile, finished. */
export const STANDARD_COLUMNS: IndexColumn[] = [
  { header: "Report", value: (entry) => entry.href === null ? entry.title : { text: entry.title, href: entry.href } },
  {
    header: "Status",
    value: (entry) => entry.problem ?? STATUS_TEXT[entry.status],
    className: (entry) => `status-${entry.status}`,
  },
  { header: "Run time", value: (entry) => formatSeconds(entry.elapsedSeconds), numeric: true },
  { header: "Profile", value: (entry) => entry.profile },
  { header: "Finished", value: (entry) => entry.finishedAt.slice(0, 16).replace("T", " ") + " UTC" },
];

/** Builds the default page for `entries`: the standard columns and no notes. */
export function defaultIndexPage(entries: ReportEntry[], generatedAt: Date): IndexPage {
  return {
    title: "relu-softmax-lab reports",
    generatedAt,
    entries,
    columns: [...STANDARD_COLUMNS],
    notes: [],
  };
}

/** Renders `page` as a complete HTML document with inline CSS and no scripts. */
export function renderIndexHtml(page: IndexPage): string {
  const header = page.columns
    .map((column) => `<th${column.numeric ? ' class="numeric"' : ""}>${escapeHtml(column.header)}</th>`)
    .join("");
  const rows = page.entries.map((entry) => {
    const cells = page.columns.map((column) => {
      const classes = [column.numeric ? "numeric" : "", column.className?.(entry) ?? ""].filter(Boolean).join(" ");
      return `<td${classes ? ` class="${classes}"` : ""}>${renderCell(column.value(entry))}</td>`;
    });
    return `<tr>${cells.join("")}</tr>`;
  });
  const notes = page.notes.map((note) => `<p>${escapeHtml(note)}</p>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.4em 0.8em; border-bottom: 1px solid #ddd; vertical-align: top; }
th.numeric, td.numeric { text-align: right; font-variant-numeric: tabular-nums; }
td.status-ok { color: #2e7d32; }
td.status-error, td.status-timeout, td.status-failed { color: #c62828; }
.generated { color: #666; }
</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
<p class="generated">Generated ${
    escapeHtml(page.generatedAt.toISOString().slice(0, 16).replace("T", " "))
  } UTC by <code>deno task report</code>.</p>
<table>
<thead><tr>${header}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
${notes}
</body>
</html>
`;
}

function renderCell(cell: IndexCell): string {
  if (cell === null) return "—";
  if (typeof cell === "object") return `<a href="${escapeHtml(encodeURI(cell.href))}">${escapeHtml(cell.text)}</a>`;
  return escapeHtml(String(cell));
}

export { escapeHtml };
