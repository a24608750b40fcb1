/**
 * Histograms of values per variant (logits, probabilities, pre-activations),
 * one panel per variant on a shared x axis.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { plotDocument } from "./document.ts";
import { type Figure, renderFigure } from "./render.ts";
import { variantColorScale } from "./variant_colors.ts";
import { requireRows } from "./_validate.ts";

/** The values of one variant. */
export interface HistogramSeries {
  /** Variant, for example the head name `"relu"`; one panel per variant. */
  variant: string;
  /** The values to bin, all finite. */
  values: ArrayLike<number>;
}

/** Options of {@linkcode histogram}. */
export interface HistogramOptions {
  /** Label of the x axis: the quantity and its unit, for example `"logit (nats)"`. */
  xLabel: string;
  /** Heading above the chart. */
  title?: string;
  /** Approximate number of bins; Plot picks round bin edges near it. Default 40. Ignored when `edges` is given. */
  bins?: number;
  /** Exact bin edges, ascending; use the edges values were stored with, so bars span their real bins. */
  edges?: readonly number[];
  /** Width in pixels; default 640. */
  width?: number;
}

/**
 * Draws one histogram per variant. Bar heights are the share of that variant's values in the
 * bin, so variants with different numbers of values compare directly.
 */
export function histogram(series: HistogramSeries[], options: HistogramOptions): Figure {
  requireRows(series, "histogram(): series");
  let total = 0;
  series.forEach((entry, i) => {
    requireRows(entry.values, `histogram(): series[${i}].values (variant "${entry.variant}")`);
    for (let j = 0; j < entry.values.length; j++) {
      if (!Number.isFinite(entry.values[j])) {
        throw new RangeError(
          `histogram(): series[${i}].values[${j}] (variant "${entry.variant}") is ${entry.values[j]}; ` +
            "expected finite values: drop or clip infinities and NaN before plotting.",
        );
      }
    }
    total += entry.values.length;
  });

  // Columnar channels: one value array and one variant array instead of an object per value,
  // because a test set's logits are 100,000 values per variant.
  const values = new Float64Array(total);
  const variants = new Array<string>(total);
  let offset = 0;
  for (const entry of series) {
    for (let j = 0; j < entry.values.length; j++, offset++) {
      values[offset] = entry.values[j];
      variants[offset] = entry.variant;
    }
  }
  const order = [...new Set(series.map((entry) => entry.variant))];

  const element = Plot.plot({
    document: plotDocument(),
    title: options.title,
    width: options.width ?? 640,
    height: 30 + order.length * 110,
    marginLeft: 50,
    marginRight: 70,
    x: { label: options.xLabel },
    y: { label: "share of values", tickFormat: ".0%", grid: true },
    fy: { domain: order, label: null },
    color: { ...variantColorScale(order), legend: false },
    marks: [
      Plot.rectY({ length: total }, {
        fy: variants,
        ...Plot.binX<Plot.RectYOptions>(
          { y: "proportion-facet" },
          {
            x: values,
            fill: variants,
            thresholds: options.edges ? [...options.edges] : options.bins ?? 40,
            insetLeft: 0.5,
            insetRight: 0.5,
          },
        ),
      }),
      Plot.ruleY([0]),
    ],
  });
  return renderFigure(element);
}
