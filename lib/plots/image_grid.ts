/**
 * A grid of sample images, each captioned with its class name. Pixels travel as
 * embedded PNG `data:` URLs inside the SVG, so the grid shows without scripts.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { CLASS_NAMES, IMAGE_SIZE } from "../data/types.ts";
import { plotDocument } from "./document.ts";
import { grayscalePngDataUrl } from "./png.ts";
import { type Figure, renderFigure } from "./render.ts";
import { requireRows } from "./_validate.ts";

/** Options of {@linkcode imageGrid}. */
export interface ImageGridOptions {
  /** Images per row, ≥ 1; default 10. */
  columns?: number;
  /** Name of each label; default the Fashion-MNIST names. */
  classNames?: readonly string[];
  /** Screen pixels per image pixel, > 0; default 2. */
  scale?: number;
  /** One caption per image in place of its class name, for example `"Shirt → T-shirt/top"`. */
  captions?: readonly string[];
  /** Heading above the grid. */
  title?: string;
}

/** Vertical space under each image for its caption, in pixels. */
const CAPTION_HEIGHT = 16;
/** Gap around each image, in pixels. */
const GAP = 6;

/**
 * Draws images in rows of `columns`, each with its class name (or caption) beneath.
 *
 * @param images pixels in [0, 1], shape [n, 28, 28, 1] flattened (length n · 784)
 * @param labels class index of each image, length n
 */
export function imageGrid(images: Float32Array, labels: ArrayLike<number>, options: ImageGridOptions = {}): Figure {
  const pixelsPerImage = IMAGE_SIZE * IMAGE_SIZE;
  const count = labels.length;
  const columns = options.columns ?? 10;
  const classNames = options.classNames ?? CLASS_NAMES;
  const scale = options.scale ?? 2;
  requireRows(labels, "imageGrid(): labels");
  if (images.length !== count * pixelsPerImage) {
    throw new RangeError(
      `imageGrid(): images has ${images.length} values; expected ${count} labels × ${pixelsPerImage} pixels = ` +
        `${count * pixelsPerImage}.`,
    );
  }
  if (!Number.isInteger(columns) || columns < 1) {
    throw new RangeError(`imageGrid(): option columns is ${columns}; expected an integer ≥ 1.`);
  }
  if (!(scale > 0)) throw new RangeError(`imageGrid(): option scale is ${scale}; expected a number > 0.`);
  if (options.captions !== undefined && options.captions.length !== count) {
    throw new RangeError(`imageGrid(): option captions has ${options.captions.length} entries; expected ${count}.`);
  }
  for (let i = 0; i < count; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= classNames.length) {
      throw new RangeError(
        `imageGrid(): labels[${i}] is ${labels[i]}; expected a class index in [0, ${classNames.length - 1}].`,
      );
    }
  }

  const side = IMAGE_SIZE * scale;
  const cellWidth = side + 2 * GAP;
  const cellHeight = side + GAP + CAPTION_HEIGHT;
  const rows = Math.ceil(count / columns);
  const tiles = Array.from({ length: count }, (_, i) => ({
    column: i % columns,
    row: Math.floor(i / columns),
    src: grayscalePngDataUrl(images.subarray(i * pixelsPerImage, (i + 1) * pixelsPerImage), IMAGE_SIZE, IMAGE_SIZE),
    caption: options.captions?.[i] ?? classNames[labels[i]],
  }));

  // The x and y scales map one grid cell to one unit, with no margins, so a unit is
  // exactly cellWidth × cellHeight pixels and the images land on whole-pixel multiples.
  const element = Plot.plot({
    document: plotDocument(),
    title: options.title,
    width: columns * cellWidth,
    height: rows * cellHeight,
    margin: 0,
    x: { domain: [0, columns], range: [0, columns * cellWidth], axis: null },
    y: { domain: [0, rows], range: [0, rows * cellHeight], axis: null },
    marks: [
      Plot.image(tiles, {
        x: (tile) => tile.column + 0.5,
        y: (tile) => tile.row + (GAP + side / 2) / cellHeight,
        src: "src",
        width: side,
        height: side,
        imageRendering: "pixelated",
      }),
      Plot.text(tiles, {
        x: (tile) => tile.column + 0.5,
        y: (tile) => tile.row + (GAP + side + CAPTION_HEIGHT / 2) / cellHeight,
        text: "caption",
        fontSize: 10,
      }),
    ],
  });
  return renderFigure(element);
}
