/**
 * Per-class accuracy: one row of bars per class and one bar per variant, so that a class
 * which a variant never predicts correctly is easy to spot next to its neighbours.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { CLASS_NAMES } from "../data/types.ts";
import { plotDocument } from "./document.ts";
import { type Figure, renderFigure } from "./render.ts";
import { variantColorScale } from "./variant_colors.ts";
import { requireFinite, requireRows } from "./_validate.ts";

/** Accuracy of one variant on one class. */
export interface ClassAccuracyRow {
  /** Variant, for example the head name `"relu"`; one bar colour per variant. */
  variant: string;
  /** Class name, for example `"Shirt"`; Fashion-MNIST names keep their label order. */
  className: string;
  /** Fraction of the class's test images classified correctly, in [0, 1]. */
  accuracy: number;
  /** Lower end of the 95% interval, in [0, 1]; give both `lo` and `hi` or neither. */
  lo?: number;
  /** Upper end of the 95% interval, in [0, 1]. */
  hi?: number;
}

/** Options of {@linkcode perClassAccuracy}. */
export interface PerClassAccuracyOptions {
  /** Heading above the chart. */
  title?: string;
  /** Label of the accuracy axis; default `"test accuracy"`. */
  label?: string;
  /** Width in pixels; default 640. */
  width?: number;
}

/**
 * Draws horizontal bars of accuracy grouped by class, one bar per variant, each bar ending
 * in a tick and labelled with its percentage. The tick and the label keep a bar at 0%
 * visible. Rows with `lo`/`hi` get an interval line.
 */
export function perClassAccuracy(rows: ClassAccuracyRow[], options: PerClassAccuracyOptions = {}): Figure {
  requireRows(rows, "perClassAccuracy(): rows");
  rows.forEach((row, i) => {
    for (const field of ["accuracy", "lo", "hi"] as const) {
      const value = row[field];
      if (value === undefined && field !== "accuracy") continue;
      requireFinite(value, `perClassAccuracy(): rows[${i}].${field}`);
      if (value! < 0 || value! > 1) {
        throw new RangeError(`perClassAccuracy(): rows[${i}].${field} is ${value}; expected a fraction in [0, 1].`);
      }
    }
    if ((row.lo === undefined) !== (row.hi === undefined)) {
      throw new TypeError(`perClassAccuracy(): rows[${i}] has only one of lo and hi; give both or neither.`);
    }
  });

  const present = new Set(rows.map((row) => row.className));
  const known: string[] = CLASS_NAMES.filter((name) => present.has(name));
  const classes = [...known, ...[...present].filter((name) => !known.includes(name))];
  const variants = [...new Set(rows.map((row) => row.variant))];
  const banded = rows.filter((row) => row.lo !== undefined);
  const labelPosition = (row: ClassAccuracyRow) => Math.max(row.accuracy, row.hi ?? 0);

  const element = Plot.plot({
    document: plotDocument(),
    title: options.title,
    width: options.width ?? 640,
    height: 40 + classes.length * (variants.length * 14 + 8),
    marginLeft: 80,
    marginRight: 50,
    x: { domain: [0, 1], label: options.label ?? "test accuracy", tickFormat: ".0%", grid: true },
    y: { domain: variants, axis: null },
    fy: { domain: classes, label: null, axis: "left" },
    color: { ...variantColorScale(variants), legend: true, label: "variant" },
    marks: [
      Plot.barX(rows, { fy: "className", y: "variant", x: "accuracy", fill: "variant", fillOpacity: 0.8 }),
      Plot.tickX(rows, { fy: "className", y: "variant", x: "accuracy", stroke: "variant", strokeWidth: 2 }),
      Plot.ruleY(banded, { fy: "className", y: "variant", x1: "lo", x2: "hi", stroke: "currentColor" }),
      Plot.text(rows, {
        fy: "className",
        y: "variant",
        x: labelPosition,
        text: (row: ClassAccuracyRow) => `${(row.accuracy * 100).toFixed(1)}%`,
        textAnchor: "start",
        dx: 4,
      }),
    ],
  });
  return renderFigure(element);
}
