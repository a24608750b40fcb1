/**
 * Learning curves: one line per variant over epochs, with an optional 95%
 * interval band (for example the mean over seeds with its confidence interval).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { plotDocument } from "./document.ts";
import { type Figure, renderFigure } from "./render.ts";
import { variantColorScale } from "./variant_colors.ts";
import { requireFinite, requireRows } from "./_validate.ts";

/** One point of a learning curve. */
export interface CurvePoint {
  /** Variant the point belongs to, for example the head name `"relu"`; one line per variant. */
  variant: string;
  /** 1-based epoch number. */
  epoch: number;
  /** Value of the metric at the end of the epoch. */
  value: number;
  /** Lower end of the 95% interval; give both `lo` and `hi` or neither. */
  lo?: number;
  /** Upper end of the 95% interval. */
  hi?: number;
}

/** Options of {@linkcode learningCurves}. */
export interface LearningCurvesOptions {
  /** Label of the y axis: the metric and its unit, for example `"test loss (nats per image)"`. */
  metric: string;
  /** Heading above the chart. */
  title?: string;
  /** Percentage labels on the y axis, for values that are fractions in [0, 1]; default false. */
  percent?: boolean;
  /** Width in pixels; default 640. */
  width?: number;
  /** Height in pixels; default 320. */
  height?: number;
}

/**
 * Draws one line per variant of a metric against the epoch, a dot at each epoch, and a
 * shaded band between `lo` and `hi` where points have them.
 *
 * @example
 * ```ts
 * learningCurves([
 *   { variant: "linear", epoch: 1, value: 0.61 },
 *   { variant: "relu", epoch: 1, value: 0.74 },
 * ], { metric: "test loss (nats per image)" });
 * ```
 */
export function learningCurves(series: CurvePoint[], options: LearningCurvesOptions): Figure {
  requireRows(series, "learningCurves(): series");
  series.forEach((point, i) => {
    requireFinite(point.epoch, `learningCurves(): series[${i}].epoch`);
    requireFinite(point.value, `learningCurves(): series[${i}].value`);
    if ((point.lo === undefined) !== (point.hi === undefined)) {
      throw new TypeError(`learningCurves(): series[${i}] has only one of lo and hi; give both or neither.`);
    }
    if (point.lo !== undefined && point.hi !== undefined) {
      requireFinite(point.lo, `learningCurves(): series[${i}].lo`);
      requireFinite(point.hi, `learningCurves(): series[${i}].hi`);
      if (point.lo > point.hi) {
        throw new RangeError(`learningCurves(): series[${i}] has lo ${point.lo} > hi ${point.hi}.`);
      }
    }
  });

  // Lines join points in data order, so sort by epoch within each variant.
  const sorted = [...series].sort((a, b) => a.epoch - b.epoch);
  const banded = sorted.filter((point) => point.lo !== undefined);
  const epochs = [...new Set(sorted.map((point) => point.epoch))];

  const element = Plot.plot({
    document: plotDocument(),
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 320,
    marginLeft: 50,
    grid: true,
    x: { label: "epoch", ticks: epochs.length <= 20 ? epochs : undefined, tickFormat: "d" },
    y: { label: options.metric, tickFormat: options.percent ? ".0%" : undefined },
    color: { ...variantColorScale(sorted.map((point) => point.variant)), legend: true, label: "variant" },
    marks: [
      Plot.areaY(banded, { x: "epoch", y1: "lo", y2: "hi", fill: "variant", fillOpacity: 0.15 }),
      Plot.lineY(sorted, { x: "epoch", y: "value", stroke: "variant", strokeWidth: 2 }),
      Plot.dot(sorted, { x: "epoch", y: "value", fill: "variant", r: 3 }),
    ],
  });
  return renderFigure(element);
}
