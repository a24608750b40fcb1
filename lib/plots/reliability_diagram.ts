/**
 * Reliability diagram: accuracy against mean confidence per confidence bin, one
 * line per variant, against the diagonal of perfect calibration.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { plotDocument } from "./document.ts";
import { type Figure, renderFigure } from "./render.ts";
import { variantColorScale } from "./variant_colors.ts";
import { requireFinite, requireRows } from "./_validate.ts";

/** One confidence bin of one variant. */
export interface ReliabilityBin {
  /** Variant, for example the head name `"relu"`; one line per variant. */
  variant: string;
  /** Mean top-class probability of the predictions in the bin, in [0, 1]. */
  confidence: number;
  /** Fraction of those predictions that are correct, in [0, 1]. */
  accuracy: number;
  /** Number of predictions in the bin, integer ≥ 0; empty bins are not drawn. */
  count: number;
}

/** Options of {@linkcode reliabilityDiagram}. */
export interface ReliabilityDiagramOptions {
  /** Heading above the chart. */
  title?: string;
  /** Side of the square plot area plus margins, in pixels; default 480. */
  size?: number;
}

/**
 * Draws accuracy against confidence per bin with dots whose area grows with the bin's
 * count, and the dashed diagonal where accuracy equals confidence.
 */
export function reliabilityDiagram(bins: ReliabilityBin[], options: ReliabilityDiagramOptions = {}): Figure {
  requireRows(bins, "reliabilityDiagram(): bins");
  bins.forEach((bin, i) => {
    for (const field of ["confidence", "accuracy"] as const) {
      requireFinite(bin[field], `reliabilityDiagram(): bins[${i}].${field}`);
      if (bin[field] < 0 || bin[field] > 1) {
        throw new RangeError(`reliabilityDiagram(): bins[${i}].${field} is ${bin[field]}; expected a value in [0, 1].`);
      }
    }
    if (!Number.isInteger(bin.count) || bin.count < 0) {
      throw new RangeError(`reliabilityDiagram(): bins[${i}].count is ${bin.count}; expected an integer ≥ 0.`);
    }
  });
  const filled = bins.filter((bin) => bin.count > 0).sort((a, b) => a.confidence - b.confidence);
  requireRows(filled, "reliabilityDiagram(): bins with count > 0");
  const size = options.size ?? 480;

  const element = Plot.plot({
    document: plotDocument(),
    title: options.title,
    caption: "Dot area grows with the number of predictions in the bin; the dashed diagonal is perfect calibration.",
    width: size,
    height: size,
    marginLeft: 50,
    marginBottom: 40,
    x: { domain: [0, 1], label: "confidence (mean top-class probability)", grid: true },
    y: { domain: [0, 1], label: "accuracy", grid: true },
    r: { range: [2, 9] },
    color: { ...variantColorScale(bins.map((bin) => bin.variant)), legend: true, label: "variant" },
    marks: [
      Plot.line([[0, 0], [1, 1]], { strokeDasharray: "4,3", stroke: "#888" }),
      Plot.lineY(filled, { x: "confidence", y: "accuracy", stroke: "variant", strokeWidth: 1.5 }),
      Plot.dot(filled, { x: "confidence", y: "accuracy", fill: "variant", r: "count", fillOpacity: 0.8 }),
    ],
  });
  return renderFigure(element);
}
