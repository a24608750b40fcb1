/**
 * Showing figures and small tables in Deno's Jupyter kernel. With `lib/notebook/live_progress.ts`,
 * the only code that touches `Deno.jupyter`; everything here also runs outside a kernel
 * (under `deno test`, in a CLI), where displaying does nothing.
 *
 * @module
 */

import type { Figure } from "../plots/render.ts";

/** A Jupyter MIME bundle: output data keyed by media type, for example `text/html`. */
export type MimeBundle = Record<string, string | object>;

/**
 * The symbol Deno's kernel looks for on a cell's last value: a method under it returns
 * the MIME bundle to show. Deno exposes it as `Deno.jupyter.$display`; `Symbol.for` reaches
 * the same symbol without touching `Deno.jupyter`, which throws outside a kernel.
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

const PLAIN_FALLBACK = "(HTML output: open the notebook in Jupyter or in its HTML export)";

/** HTML that Deno's Jupyter kernel shows as `text/html` when it is a cell's last value. */
export class HtmlDisplay {
  /** The HTML text. */
  readonly html: string;
  /** Other renderings of the same content, for example `text/markdown`, for front ends without HTML. */
  readonly alternatives: MimeBundle;

  /**
   * Wraps HTML for display.
   *
   * @param html the HTML text.
   * @param alternatives other renderings by media type; default none.
   */
  constructor(html: string, alternatives: MimeBundle = {}) {
    this.html = html;
    this.alternatives = alternatives;
  }

  /** Builds the MIME bundle: `text/html`, the alternatives and a `text/plain` fallback. */
  bundle(): MimeBundle {
    return { "text/plain": PLAIN_FALLBACK, ...this.alternatives, "text/html": this.html };
  }

  /** Returns the MIME bundle of {@linkcode HtmlDisplay.bundle}; Deno's Jupyter kernel calls this to show the value. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return this.bundle();
  }
}

/** Content that {@linkcode show} and {@linkcode display} accept. */
export type Showable = Figure | HtmlDisplay | string | { outerHTML: string };

/**
 * Wraps a figure, an element or an HTML string so the kernel shows it as `text/html`
 * when it is the cell's last value. An element whose root is `<svg>` is wrapped in a
 * `<div>`, because the kernel would send it as `image/svg+xml`, which nbconvert's HTML
 * export drops.
 *
 * @example
 * ```ts
 * show(learningCurves(points, { metric: "test loss" }))
 * ```
 */
export function show(content: Showable): HtmlDisplay {
  if (content instanceof HtmlDisplay) return content;
  if (typeof content === "string") return new HtmlDisplay(content);
  const isObject = typeof content === "object" && content !== null;
  if (isObject && "html" in content && typeof content.html === "string") return new HtmlDisplay(content.html);
  if (isObject && "outerHTML" in content && typeof content.outerHTML === "string") {
    const markup = content.outerHTML;
    return new HtmlDisplay(/^\s*<svg[\s>]/i.test(markup) ? `<div>${markup}</div>` : markup);
  }
  throw new TypeError(
    "show(): expected a Figure ({ html }), an HtmlDisplay, an HTML string or an element with outerHTML, " +
      `got ${Object.prototype.toString.call(content)}.`,
  );
}

/**
 * Displays content now, in the middle of a cell, like IPython's `display()`: use it in a
 * loop or before a long computation. Resolves without doing anything outside a kernel.
 */
export async function display(content: Showable): Promise<void> {
  const kernel = jupyterKernel();
  if (kernel === undefined) return;
  await kernel.display(show(content).bundle(), { raw: true });
}

/**
 * Returns the `Deno.jupyter` namespace when this code runs in Deno's Jupyter kernel, or
 * `undefined` elsewhere, because reading `Deno.jupyter` outside the kernel throws.
 */
export function jupyterKernel(): typeof Deno.jupyter | undefined {
  try {
    return Deno.jupyter;
  } catch {
    return undefined;
  }
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Builds HTML from a tagged template. Interpolated strings and numbers are escaped, while
 * figures and other `HtmlDisplay`s go in as markup. Arrays are joined, and `null` and
 * `undefined` are left out.
 *
 * @example
 * ```ts
 * html`<h3>${head}</h3>${confusionMatrix(record.confusion)}`
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): HtmlDisplay {
  let markup = strings[0];
  values.forEach((value, i) => {
    markup += interpolate(value) + strings[i + 1];
  });
  return new HtmlDisplay(markup);
}

function interpolate(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(interpolate).join("");
  if (value instanceof HtmlDisplay) return value.html;
  if (typeof value === "object" && "html" in value && typeof value.html === "string") return value.html;
  return escapeHtml(String(value));
}

/** A table cell: text, a number or nothing. */
export type Cell = string | number | boolean | null | undefined;

/** Options of {@linkcode markdownTable}. */
export interface TableOptions {
  /** Column keys in order; default the keys of all rows in first-seen order. */
  columns?: string[];
  /** Decimals for numbers that are not integers; default 3. */
  digits?: number;
}

/**
 * Builds a small results table, shown as an HTML table and also given as a Markdown pipe
 * table (`text/markdown`, `text/plain`) for front ends without HTML.
 *
 * @param rows one object per row; keys are column names
 */
export function markdownTable(rows: Record<string, Cell>[], options: TableOptions = {}): HtmlDisplay {
  if (rows.length === 0) {
    throw new RangeError("markdownTable(): rows is empty; pass at least one row to tabulate.");
  }
  const columns = options.columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const digits = options.digits ?? 3;
  const text = (cell: Cell): string => {
    if (cell === null || cell === undefined) return "";
    if (typeof cell === "number" && !Number.isInteger(cell)) return cell.toFixed(digits);
    return String(cell);
  };
  const numeric = columns.map((column) => rows.every((row) => typeof (row[column] ?? 0) === "number"));

  const head = columns.map((column) => `<th>${escapeHtml(column)}</th>`).join("");
  const body = rows.map((row) =>
    "<tr>" + columns.map((column, j) =>
      `<td${numeric[j] ? ' style="text-align: right"' : ""}>${escapeHtml(text(row[column]))}</td>`
    ).join("") + "</tr>"
  ).join("");
  const markup = `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;

  const markdownCell = (value: string) => value.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const markdown = [
    `| ${columns.map(markdownCell).join(" | ")} |`,
    `| ${numeric.map((isNumber) => isNumber ? "---:" : "---").join(" | ")} |`,
    ...rows.map((row) => `| ${columns.map((column) => markdownCell(text(row[column]))).join(" | ")} |`),
  ].join("\n");

  return new HtmlDisplay(markup, { "text/markdown": markdown, "text/plain": markdown });
}
