/**
 * A word-sized line chart drawn by hand, for live displays that redraw often:
 * no axes and no Plot, just the line and its first, last, minimum and maximum values.
 *
 * @module
 */

import { type Figure, SVG_NAMESPACE } from "./render.ts";

/** Options of {@linkcode sparkline}. */
export interface SparklineOptions {
  /** Width in pixels; default 240. */
  width?: number;
  /** Height in pixels; default 48. */
  height?: number;
  /** Text before the numbers, for example `"train loss"`. */
  label?: string;
  /** Formats the numbers; default three decimals. */
  format?: (value: number) => string;
}

/**
 * Draws `points` as a polyline scaled to fill the box, with the last value and the
 * range written beside it. Returns a figure with an empty `<svg>` for fewer than two points.
 *
 * @param points `[x, y]` pairs in increasing x; pairs with NaN or infinity are skipped
 */
export function sparkline(points: ReadonlyArray<readonly [number, number]>, options: SparklineOptions = {}): Figure {
  const width = options.width ?? 240;
  const height = options.height ?? 48;
  const format = options.format ?? ((value: number) => value.toFixed(3));
  const finite = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const open = `<svg xmlns="${SVG_NAMESPACE}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
  if (finite.length < 2) return { html: `<figure style="margin: 0">${open}</svg></figure>` };

  const xs = finite.map(([x]) => x);
  const ys = finite.map(([, y]) => y);
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  // A flat line (yMin = yMax) sits in the middle instead of dividing by zero.
  const scaleX = (x: number) => xMax === xMin ? 0 : ((x - xMin) / (xMax - xMin)) * (width - 4) + 2;
  const scaleY = (y: number) => yMax === yMin ? height / 2 : height - 2 - ((y - yMin) / (yMax - yMin)) * (height - 4);
  const coordinates = finite.map(([x, y]) => `${scaleX(x).toFixed(1)},${scaleY(y).toFixed(1)}`).join(" ");
  const last = ys[ys.length - 1];
  const caption = `${options.label ? `${escapeText(options.label)} ` : ""}${format(last)} ` +
    `(min ${format(yMin)}, max ${format(yMax)})`;

  return {
    html: `<figure style="margin: 0; display: flex; align-items: center; gap: 8px">${open}` +
      `<polyline points="${coordinates}" fill="none" stroke="#4269d0" stroke-width="1.5"/></svg>` +
      `<figcaption style="font-size: 12px">${caption}</figcaption></figure>`,
  };
}

function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
