/**
 * Confusion matrix: true class down, predicted class across, each cell coloured
 * by its share of the true class and labelled with its count.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { CLASS_NAMES } from "../data/types.ts";
import { plotDocument } from "./document.ts";
import { type Figure, renderFigure } from "./render.ts";
import { requireRows } from "./_validate.ts";

/** Options of {@linkcode confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Heading above the chart. */
  title?: string;
  /** Side of one cell in pixels; default 48. */
  cellSize?: number;
}

/** Shares of the true class at which the cell colour steps; a threshold scale needs no canvas. */
const SHARE_THRESHOLDS = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75];

/**
 * Draws a confusion matrix as a grid of cells with counts as text.
 *
 * @param matrix counts, `[true class][predicted class]`, square, non-negative integers
 * @param classNames one name per row, in label order; default the Fashion-MNIST names
 */
export function confusionMatrix(
  matrix: number[][],
  classNames: readonly string[] = CLASS_NAMES,
  options: ConfusionMatrixOptions = {},
): Figure {
  requireRows(matrix, "confusionMatrix(): matrix");
  if (matrix.length !== classNames.length) {
    throw new RangeError(
      `confusionMatrix(): matrix has ${matrix.length} rows but classNames has ${classNames.length} names; ` +
        "pass one name per class.",
    );
  }
  matrix.forEach((row, i) => {
    if (row.length !== matrix.length) {
      throw new RangeError(
        `confusionMatrix(): row ${i} has ${row.length} columns; expected a square ${matrix.length}×${matrix.length} matrix.`,
      );
    }
    row.forEach((count, j) => {
      if (!Number.isInteger(count) || count < 0) {
        throw new RangeError(`confusionMatrix(): matrix[${i}][${j}] is ${count}; expected a count (integer ≥ 0).`);
      }
    });
  });

  const cells = matrix.flatMap((row, i) => {
    const total = row.reduce((sum, count) => sum + count, 0);
    return row.map((count, j) => ({
      trueClass: classNames[i],
      predictedClass: classNames[j],
      count,
      share: total === 0 ? 0 : count / total,
    }));
  });
  const cellSize = options.cellSize ?? 48;

  const element = Plot.plot({
    document: plotDocument(),
    title: options.title,
    width: 100 + cellSize * classNames.length + 50,
    height: 80 + cellSize * classNames.length + 10,
    marginLeft: 100,
    marginTop: 80,
    // Rotated column labels lean right, past the last column.
    marginRight: 50,
    marginBottom: 10,
    x: { domain: classNames, axis: "top", label: "predicted class", tickRotate: -40 },
    y: { domain: classNames, label: "true class" },
    color: {
      type: "threshold",
      domain: SHARE_THRESHOLDS,
      scheme: "blues",
      legend: true,
      label: "share of the true class",
      tickFormat: ".0%",
    },
    marks: [
      Plot.cell(cells, { x: "predictedClass", y: "trueClass", fill: "share", inset: 0.5 }),
      Plot.text(cells, {
        x: "predictedClass",
        y: "trueClass",
        text: "count",
        // Dark cells (the top two colour steps) need light text.
        fill: (cell: { share: number }) => cell.share >= SHARE_THRESHOLDS[4] ? "white" : "black",
      }),
    ],
  });
  return renderFigure(element);
}
