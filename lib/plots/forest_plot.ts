/**
 * Forest plot: one row per comparison, a dot at the estimate and a line across its
 * interval, with a reference line at zero and the numbers written at the right.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { plotDocument } from "./document.ts";
import { type Figure, renderFigure } from "./render.ts";
import { requireFinite, requireRows } from "./_validate.ts";

/** One estimate with its interval. */
export interface ForestRow {
  /** Row label, unique, for example `"relu − linear, test accuracy"`. */
  label: string;
  /** Point estimate, in the unit of the x axis. */
  estimate: number;
  /** Lower end of the interval, ≤ `hi`. */
  lo: number;
  /** Upper end of the interval. */
  hi: number;
}

/** Options of {@linkcode forestPlot}. */
export interface ForestPlotOptions {
  /** Label of the x axis: the quantity and its unit, for example `"difference in accuracy (points)"`. */
  xLabel: string;
  /** Draw a dashed vertical line at 0 (no effect); default true. */
  zeroLine?: boolean;
  /** Heading above the chart. */
  title?: string;
  /** Formats a number for the text column; default three decimals. */
  format?: (value: number) => string;
  /** Width in pixels; default 640. */
  width?: number;
}

/** Draws point estimates with interval lines, one row per entry, in the order given. */
export function forestPlot(rows: ForestRow[], options: ForestPlotOptions): Figure {
  requireRows(rows, "forestPlot(): rows");
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    for (const field of ["estimate", "lo", "hi"] as const) {
      requireFinite(row[field], `forestPlot(): rows[${i}].${field}`);
    }
    if (row.lo > row.hi) throw new RangeError(`forestPlot(): rows[${i}] has lo ${row.lo} > hi ${row.hi}.`);
    if (seen.has(row.label)) {
      throw new RangeError(`forestPlot(): label "${row.label}" appears twice; rows share one line per label.`);
    }
    seen.add(row.label);
  });
  const format = options.format ?? ((value: number) => value.toFixed(3));
  const zeroLine = options.zeroLine ?? true;

  const element = Plot.plot({
    document: plotDocument(),
    title: options.title,
    width: options.width ?? 640,
    height: 50 + rows.length * 28,
    marginLeft: 200,
    marginRight: 150,
    x: { label: options.xLabel, grid: true, nice: true },
    y: { domain: rows.map((row) => row.label), label: null },
    marks: [
      zeroLine ? Plot.ruleX([0], { strokeDasharray: "4,3", stroke: "#888" }) : null,
      Plot.ruleY(rows, { y: "label", x1: "lo", x2: "hi", strokeWidth: 2 }),
      Plot.dot(rows, { y: "label", x: "estimate", fill: "currentColor", r: 4 }),
      Plot.text(rows, {
        y: "label",
        text: (row: ForestRow) => `${format(row.estimate)} [${format(row.lo)}, ${format(row.hi)}]`,
        frameAnchor: "right",
        textAnchor: "start",
        dx: 10,
      }),
    ],
  });
  return renderFigure(element);
}
