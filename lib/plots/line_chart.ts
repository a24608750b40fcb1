/**
 * Line chart of y against a continuous x, one line per series: for curves of a
 * formula (confidence against logit) rather than metrics against the epoch.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { plotDocument } from "./document.ts";
import { type Figure, renderFigure } from "./render.ts";
import { requireFinite, requireRows } from "./_validate.ts";

/** One point of a named series. */
export interface LinePoint {
  /** Series the point belongs to; one line and one legend entry per series. */
  series: string;
  /** Position on the x axis, in the unit of `xLabel`. */
  x: number;
  /** Value on the y axis, in the unit of `yLabel`. */
  y: number;
}

/** Options of {@linkcode lineChart}. */
export interface LineChartOptions {
  /** Label of the x axis with its unit. */
  xLabel: string;
  /** Label of the y axis with its unit. */
  yLabel: string;
  /** Heading above the chart. */
  title?: string;
  /** Percentage labels on the y axis, for fractions in [0, 1]; default false. */
  percent?: boolean;
  /** Width in pixels; default 640. */
  width?: number;
}

/**
 * Draws one line per series through its points, in order of x.
 *
 * @throws {RangeError} when `points` is empty or a coordinate is not finite.
 */
export function lineChart(points: LinePoint[], options: LineChartOptions): Figure {
  requireRows(points, "lineChart(): points");
  points.forEach((point, i) => {
    requireFinite(point.x, `lineChart(): points[${i}].x`);
    requireFinite(point.y, `lineChart(): points[${i}].y`);
  });
  const sorted = [...points].sort((a, b) => a.x - b.x);

  const element = Plot.plot({
    document: plotDocument(),
    title: options.title,
    width: options.width ?? 640,
    height: 320,
    marginLeft: 50,
    grid: true,
    x: { label: options.xLabel },
    y: { label: options.yLabel, tickFormat: options.percent ? ".0%" : undefined },
    color: { legend: true, label: "series" },
    marks: [Plot.lineY(sorted, { x: "x", y: "y", stroke: "series", strokeWidth: 2 })],
  });
  return renderFigure(element);
}
