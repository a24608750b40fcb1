/**
 * Turns an element built by Observable Plot into a self-contained HTML string,
 * the `Figure` that every chart builder returns.
 *
 * @module
 */

/** The SVG namespace, written on every `<svg>` so that the markup is also valid as a standalone SVG file. */
export const SVG_NAMESPACE = "http://www.w3.org/2000/svg";

/**
 * A rendered chart: HTML text whose root is a `<figure>` and whose `<svg>` elements
 * carry `xmlns`. The root is never `<svg>`, because Deno's Jupyter kernel sends an
 * `<svg>` root as `image/svg+xml`, which nbconvert's HTML export drops.
 */
export interface Figure {
  /** The chart's HTML: a `<figure>` element whose `<svg>` elements carry `xmlns`. */
  html: string;
}

/**
 * Renders a Plot element (`<svg>` or `<figure>`) to a {@linkcode Figure}.
 * Adds `xmlns` to every `<svg>` inside it and wraps a bare `<svg>` in a `<figure>`.
 */
export function renderFigure(element: Element): Figure {
  roundGeometry(element);
  const svgs = element.tagName.toLowerCase() === "svg"
    ? [element, ...element.querySelectorAll("svg")]
    : [...element.querySelectorAll("svg")];
  for (const svg of svgs) svg.setAttribute("xmlns", SVG_NAMESPACE);

  // A browser indents a <figure> by 40 px on each side; charts sit flush with the text.
  if (element.tagName.toLowerCase() === "figure") {
    const style = element.getAttribute("style");
    element.setAttribute("style", style ? `${style}; margin: 0` : "margin: 0");
    return { html: element.outerHTML };
  }
  const figure = element.ownerDocument.createElement("figure");
  figure.setAttribute("style", "margin: 0");
  figure.appendChild(element);
  return { html: figure.outerHTML };
}

/** Attributes whose numbers are pixel positions, sizes or path data. */
const GEOMETRY_ATTRIBUTES = ["d", "transform", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height"];

/**
 * Rounds pixel coordinates to 0.01 px in `root` and all its descendants. Plot writes
 * scale output at full float precision (`346.66666666666663`). Rounding shrinks the HTML
 * and keeps test comparisons short, with no visible change.
 */
function roundGeometry(root: Element): void {
  for (const element of [root, ...root.querySelectorAll("*")]) {
    for (const name of GEOMETRY_ATTRIBUTES) {
      const value = element.getAttribute(name);
      if (value === null || !/\d\.\d{3}/.test(value)) continue;
      element.setAttribute(
        name,
        value.replace(/-?\d+\.\d{3,}/g, (number) => String(Math.round(Number(number) * 100) / 100)),
      );
    }
  }
}
