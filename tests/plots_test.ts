/**
 * Tests of the chart builders: each returns a `<figure>` whose `<svg>` has `xmlns` and
 * the expected marks, labels classes by name, and rejects bad data with a clear message.
 *
 * @module
 */

import assert from "node:assert/strict";
import { decode } from "fast-png";
import { parseHTML } from "linkedom";
import { CLASS_NAMES } from "../lib/data/types.ts";
import {
  confusionMatrix,
  encodeGrayscalePng,
  type Figure,
  forestPlot,
  HEAD_COLORS,
  histogram,
  imageGrid,
  learningCurves,
  perClassAccuracy,
  reliabilityDiagram,
  renderFigure,
  sparkline,
  SVG_NAMESPACE,
  variantColorScale,
} from "../lib/plots/mod.ts";

/** Parses a figure's HTML into its own document so tests query it like a browser would. */
function parse(figure: Figure): Document {
  return parseHTML(`<!DOCTYPE html><html><body>${figure.html}</body></html>`).document as unknown as Document;
}

/**
 * Shapes drawn by the mark Plot labels `aria-label="<mark>"`, for example `"line"`. Faceted
 * marks nest one `<g>` per facet, so this collects every descendant that is not a group.
 */
function markChildren(document: Document, mark: string): Element[] {
  const groups = [...document.querySelectorAll(`g[aria-label="${mark}"]`)];
  return groups.flatMap((group) => [...group.querySelectorAll("*")]).filter((node) => node.localName !== "g");
}

function texts(document: Document): string[] {
  return [...document.querySelectorAll("text")].map((text) => text.textContent ?? "");
}

function assertSelfContained(figure: Figure): Document {
  assert.match(figure.html, /^<figure[\s>]/);
  const document = parse(figure);
  const svgs = [...document.querySelectorAll("svg")];
  assert.ok(svgs.length > 0, "figure has no <svg>");
  for (const svg of svgs) assert.equal(svg.getAttribute("xmlns"), SVG_NAMESPACE);
  return document;
}

const curvePoints = [
  { variant: "linear", epoch: 2, value: 0.5, lo: 0.45, hi: 0.55 },
  { variant: "linear", epoch: 1, value: 0.8, lo: 0.75, hi: 0.85 },
  { variant: "linear", epoch: 3, value: 0.4, lo: 0.35, hi: 0.45 },
  { variant: "relu", epoch: 1, value: 0.9 },
  { variant: "relu", epoch: 2, value: 0.7 },
  { variant: "relu", epoch: 3, value: 0.6 },
];

Deno.test("learningCurves() draws a line per variant and a band where given", () => {
  const document = assertSelfContained(learningCurves(curvePoints, { metric: "test loss (nats)", title: "Loss" }));
  assert.equal(markChildren(document, "line").length, 2);
  assert.equal(markChildren(document, "area").length, 1);
  assert.equal(markChildren(document, "dot").length, 6);
  assert.equal(document.querySelector("h2")?.textContent, "Loss");
  assert.ok(texts(document).includes("↑ test loss (nats)"));
  assert.deepEqual(texts(document).filter((text) => /^\d$/.test(text)), ["1", "2", "3"]);
  const legend = [...document.querySelectorAll("span")].map((span) => span.textContent);
  assert.deepEqual(legend, ["linear", "relu"]);
});

Deno.test("learningCurves() joins points in epoch order", () => {
  const document = parse(learningCurves(curvePoints.slice(0, 3), { metric: "loss" }));
  const path = markChildren(document, "line")[0].getAttribute("d") ?? "";
  const xs = [...path.matchAll(/[ML]([\d.]+),/g)].map((match) => Number(match[1]));
  assert.equal(xs.length, 3);
  assert.deepEqual(xs, [...xs].sort((a, b) => a - b));
});

Deno.test("learningCurves() formats fractions as percentages", () => {
  const document = parse(learningCurves(curvePoints, { metric: "test accuracy", percent: true }));
  assert.ok(texts(document).includes("50%"), texts(document).join(","));
});

Deno.test("learningCurves() rejects empty data and half intervals", () => {
  assert.throws(() => learningCurves([], { metric: "loss" }), {
    name: "RangeError",
    message: "learningCurves(): series is empty, but a chart needs at least one row.",
  });
  assert.throws(() => learningCurves([{ variant: "relu", epoch: 1, value: 1, lo: 0.5 }], { metric: "loss" }), {
    name: "TypeError",
    message: "learningCurves(): series[0] has only one of lo and hi; give both or neither.",
  });
  assert.throws(() => learningCurves([{ variant: "relu", epoch: 1, value: NaN }], { metric: "loss" }), {
    name: "TypeError",
    message: "learningCurves(): series[0].value must be a finite number, got NaN.",
  });
});

function classRows() {
  // Rows in reverse class order, to check that the chart restores label order.
  return ["linear", "relu"].flatMap((variant) =>
    [...CLASS_NAMES].reverse().map((className, i) => ({
      variant,
      className,
      accuracy: variant === "relu" && className === "Shirt" ? 0 : 0.5 + i / 40,
    }))
  );
}

Deno.test("perClassAccuracy() draws a bar, tick and label per row", () => {
  const document = assertSelfContained(perClassAccuracy(classRows(), { title: "Per class" }));
  assert.equal(markChildren(document, "bar").length, 20);
  assert.equal(markChildren(document, "tick").length, 20);
  assert.equal(markChildren(document, "text").length, 20);
  assert.equal(markChildren(document, "rule").length, 0);
  // A class at 0% keeps a visible tick and label.
  assert.ok(markChildren(document, "text").some((text) => text.textContent === "0.0%"));
  assert.ok(markChildren(document, "text").some((text) => text.textContent === "72.5%"));
});

Deno.test("perClassAccuracy() lists classes by name in label order", () => {
  const document = parse(perClassAccuracy(classRows()));
  const facetLabels = [...document.querySelectorAll('g[aria-label="fy-axis tick label"] text')]
    .map((text) => text.textContent);
  assert.deepEqual(facetLabels, [...CLASS_NAMES]);
});

Deno.test("perClassAccuracy() draws intervals where given", () => {
  const rows = [{ variant: "relu", className: "Bag", accuracy: 0.9, lo: 0.85, hi: 0.95 }];
  assert.equal(markChildren(parse(perClassAccuracy(rows)), "rule").length, 1);
});

Deno.test("perClassAccuracy() rejects accuracy outside [0, 1]", () => {
  assert.throws(() => perClassAccuracy([{ variant: "relu", className: "Bag", accuracy: 91 }]), {
    name: "RangeError",
    message: "perClassAccuracy(): rows[0].accuracy is 91; expected a fraction in [0, 1].",
  });
  assert.throws(() => perClassAccuracy([]), { name: "RangeError", message: /rows is empty/ });
});

function syntheticImages(count: number): { images: Float32Array; labels: Uint8Array } {
  const images = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = (i * 3) % 10;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = ((p + i) % 256) / 255;
  }
  return { images, labels };
}

function pngFromDataUrl(href: string): Uint8Array {
  const prefix = "data:image/png;base64,";
  assert.ok(href.startsWith(prefix), href.slice(0, 40));
  return Uint8Array.from(atob(href.slice(prefix.length)), (char) => char.charCodeAt(0));
}

Deno.test("imageGrid() embeds one valid PNG per image", () => {
  const { images, labels } = syntheticImages(12);
  const document = assertSelfContained(imageGrid(images, labels, { columns: 5, scale: 2 }));
  const tiles = markChildren(document, "image");
  assert.equal(tiles.length, 12);

  const png = pngFromDataUrl(tiles[7].getAttribute("href") ?? "");
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const header = new DataView(png.buffer, png.byteOffset);
  assert.equal(new TextDecoder().decode(png.subarray(12, 16)), "IHDR");
  assert.equal(header.getUint32(16), 28);
  assert.equal(header.getUint32(20), 28);
  assert.equal(png[24], 8, "bit depth");
  assert.equal(png[25], 0, "colour type 0 is grayscale");

  const decoded = decode(png);
  const expected = Array.from(images.subarray(7 * 784, 8 * 784), (value) => Math.round(value * 255));
  assert.deepEqual([...decoded.data], expected);
  assert.equal(tiles[7].getAttribute("width"), "56");
  assert.equal(tiles[7].getAttribute("image-rendering"), "pixelated");
});

Deno.test("imageGrid() captions each image with its class name", () => {
  const { images, labels } = syntheticImages(4);
  const captions = markChildren(parse(imageGrid(images, labels)), "text").map((text) => text.textContent);
  assert.deepEqual(captions, ["T-shirt/top", "Dress", "Shirt", "Ankle boot"]);
  const custom = imageGrid(images, labels, { captions: ["a", "b", "c", "d"] });
  assert.deepEqual(markChildren(parse(custom), "text").map((text) => text.textContent), ["a", "b", "c", "d"]);
});

Deno.test("imageGrid() rejects mismatched sizes and pixels outside [0, 1]", () => {
  const { images, labels } = syntheticImages(3);
  assert.throws(() => imageGrid(images.subarray(0, 784 * 2), labels), {
    name: "RangeError",
    message: "imageGrid(): images has 1568 values; expected 3 labels × 784 pixels = 2352.",
  });
  assert.throws(() => imageGrid(new Float32Array(0), new Uint8Array(0)), {
    name: "RangeError",
    message: "imageGrid(): labels is empty, but a chart needs at least one row.",
  });
  assert.throws(() => imageGrid(images, Uint8Array.of(0, 1, 10)), {
    name: "RangeError",
    message: "imageGrid(): labels[2] is 10; expected a class index in [0, 9].",
  });
  images[5] = 255;
  assert.throws(() => imageGrid(images, labels), {
    name: "RangeError",
    message: "encodeGrayscalePng(): pixel 5 is 255, outside [0, 1]; scale images to [0, 1] before plotting them.",
  });
});

Deno.test("encodeGrayscalePng() round-trips pixels through a PNG decoder", () => {
  const pixels = [0, 0.5, 1, 0.25, 0.75, 1 / 255];
  const decoded = decode(encodeGrayscalePng(pixels, 3, 2));
  assert.equal(decoded.width, 3);
  assert.equal(decoded.height, 2);
  assert.equal(decoded.channels, 1);
  assert.deepEqual([...decoded.data], [0, 128, 255, 64, 191, 1]);
});

function confusion(): number[][] {
  return CLASS_NAMES.map((_, i) => CLASS_NAMES.map((_, j) => (i === j ? 900 : i + j)));
}

Deno.test("confusionMatrix() draws 100 cells with their counts", () => {
  const matrix = confusion();
  matrix[3][5] = 0;
  const document = assertSelfContained(confusionMatrix(matrix, CLASS_NAMES, { title: "Confusion" }));
  assert.equal(markChildren(document, "cell").length, 100);
  const counts = markChildren(document, "text").map((text) => text.textContent);
  assert.equal(counts.length, 100);
  assert.equal(counts[0], "900");
  assert.equal(counts[3 * 10 + 5], "0");
  assert.equal(counts[3 * 10 + 4], "7");
  const labels = texts(document);
  for (const name of CLASS_NAMES) assert.equal(labels.filter((text) => text === name).length, 2, name);
  assert.ok(labels.includes("predicted class"));
  assert.ok(labels.includes("true class"));
});

Deno.test("confusionMatrix() colours cells by share of the true class, with a legend", () => {
  const document = parse(confusionMatrix(confusion()));
  const fills = markChildren(document, "cell").map((cell) => cell.getAttribute("fill"));
  assert.equal(new Set(fills.filter((_, k) => k % 11 === 0)).size, 1, "diagonal cells share the darkest step");
  assert.notEqual(fills[0], fills[1]);
  // The threshold legend is drawn with rects, one per colour step.
  assert.equal(document.querySelectorAll("svg")[0].querySelectorAll("rect").length, 7);
});

Deno.test("confusionMatrix() rejects bad shapes and counts", () => {
  assert.throws(() => confusionMatrix([]), { name: "RangeError", message: /matrix is empty/ });
  assert.throws(() => confusionMatrix([[1, 2], [3, 4]]), {
    name: "RangeError",
    message: "confusionMatrix(): matrix has 2 rows but classNames has 10 names; pass one name per class.",
  });
  assert.throws(() => confusionMatrix([[1, 2], [3]], ["a", "b"]), {
    name: "RangeError",
    message: "confusionMatrix(): row 1 has 1 columns; expected a square 2×2 matrix.",
  });
  assert.throws(() => confusionMatrix([[1, -2], [3, 4]], ["a", "b"]), {
    name: "RangeError",
    message: "confusionMatrix(): matrix[0][1] is -2; expected a count (integer ≥ 0).",
  });
});

const forestRows = [
  { label: "relu − linear, accuracy", estimate: -0.021, lo: -0.035, hi: -0.007 },
  { label: "relu − linear, test loss", estimate: 0.05, lo: 0.01, hi: 0.09 },
];

Deno.test("forestPlot() draws estimates, intervals, numbers and a zero line", () => {
  const document = assertSelfContained(forestPlot(forestRows, { xLabel: "difference" }));
  assert.equal(markChildren(document, "dot").length, 2);
  assert.equal(markChildren(document, "rule").length, 2 + 1);
  const numbers = markChildren(document, "text").map((text) => text.textContent);
  assert.deepEqual(numbers, ["-0.021 [-0.035, -0.007]", "0.050 [0.010, 0.090]"]);
  assert.ok(texts(document).includes("difference →"));
  const rowLabels = [...document.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => t.textContent);
  assert.deepEqual(rowLabels, forestRows.map((row) => row.label));
});

Deno.test("forestPlot() leaves out the zero line on request", () => {
  const document = parse(forestPlot(forestRows, { xLabel: "difference", zeroLine: false }));
  assert.equal(markChildren(document, "rule").length, 2);
});

Deno.test("forestPlot() rejects reversed intervals and repeated labels", () => {
  assert.throws(() => forestPlot([{ label: "a", estimate: 0, lo: 1, hi: -1 }], { xLabel: "x" }), {
    name: "RangeError",
    message: "forestPlot(): rows[0] has lo 1 > hi -1.",
  });
  assert.throws(() => forestPlot([forestRows[0], forestRows[0]], { xLabel: "x" }), {
    name: "RangeError",
    message: 'forestPlot(): label "relu − linear, accuracy" appears twice; rows share one line per label.',
  });
  assert.throws(() => forestPlot([], { xLabel: "x" }), { name: "RangeError", message: /rows is empty/ });
});

Deno.test("histogram() draws one panel per variant with shares of values", () => {
  // Integers from -5 to 4, so no bin edge falls between equal values.
  const linear = Float64Array.from({ length: 1000 }, (_, i) => (i % 10) - 5);
  const relu = Float64Array.from(linear, (value) => Math.max(0, value));
  const document = assertSelfContained(
    histogram([{ variant: "linear", values: linear }, { variant: "relu", values: relu }], { xLabel: "logit" }),
  );
  const panels = [...document.querySelectorAll('g[aria-label="fy-axis tick label"] text')].map((t) => t.textContent);
  assert.deepEqual(panels, ["linear", "relu"]);
  assert.ok(markChildren(document, "rect").length > 10);
  assert.ok(texts(document).includes("logit →"));
  // Heights are shares within each panel: 6 of every 10 relu values are exactly 0, so relu's
  // tallest bar is 0.6 times the summed heights of linear's bars (which add up to 100%).
  const heights = [...document.querySelectorAll('g[aria-label="rect"] > g')]
    .map((panel) => [...panel.querySelectorAll("rect")].map((rect) => Number(rect.getAttribute("height"))));
  const linearTotal = heights[0].reduce((sum, height) => sum + height, 0);
  assert.ok(
    Math.abs(Math.max(...heights[1]) / linearTotal - 0.6) < 0.005,
    `${Math.max(...heights[1])} / ${linearTotal}`,
  );
});

Deno.test("histogram() rejects empty and non-finite values", () => {
  assert.throws(() => histogram([], { xLabel: "x" }), { name: "RangeError", message: /series is empty/ });
  assert.throws(() => histogram([{ variant: "relu", values: [] }], { xLabel: "x" }), {
    name: "RangeError",
    message: 'histogram(): series[0].values (variant "relu") is empty, but a chart needs at least one row.',
  });
  assert.throws(() => histogram([{ variant: "relu", values: [1, -Infinity] }], { xLabel: "x" }), {
    name: "RangeError",
    message: 'histogram(): series[0].values[1] (variant "relu") is -Infinity; expected finite values: ' +
      "drop or clip infinities and NaN before plotting.",
  });
});

Deno.test("reliabilityDiagram() draws filled bins and the diagonal", () => {
  const bins = ["linear", "relu"].flatMap((variant) =>
    [0.15, 0.55, 0.95].map((confidence, i) => ({ variant, confidence, accuracy: confidence - 0.05, count: i * 10 }))
  );
  const document = assertSelfContained(reliabilityDiagram(bins, { title: "Calibration" }));
  assert.equal(markChildren(document, "dot").length, 4, "empty bins are left out");
  assert.equal(markChildren(document, "line").length, 1 + 2);
  assert.ok(texts(document).includes("↑ accuracy"));
  assert.match(document.querySelector("figcaption")?.textContent ?? "", /perfect calibration/);
});

Deno.test("reliabilityDiagram() rejects bad bins", () => {
  assert.throws(() => reliabilityDiagram([{ variant: "relu", confidence: 1.5, accuracy: 1, count: 3 }]), {
    name: "RangeError",
    message: "reliabilityDiagram(): bins[0].confidence is 1.5; expected a value in [0, 1].",
  });
  assert.throws(() => reliabilityDiagram([{ variant: "relu", confidence: 0.5, accuracy: 1, count: 0 }]), {
    name: "RangeError",
    message: "reliabilityDiagram(): bins with count > 0 is empty, but a chart needs at least one row.",
  });
});

Deno.test("renderFigure() wraps a bare svg and rounds coordinates", () => {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  const svg = document.createElementNS(SVG_NAMESPACE, "svg");
  const path = document.createElementNS(SVG_NAMESPACE, "path");
  path.setAttribute("d", "M40,346.66666666666663L-6.123456,0");
  path.setAttribute("fill", "0.123456");
  svg.appendChild(path);
  const figure = parse(renderFigure(svg as unknown as Element));
  assert.equal(figure.body.firstElementChild?.localName, "figure");
  assert.equal(figure.querySelector("svg")?.getAttribute("xmlns"), SVG_NAMESPACE);
  assert.equal(figure.querySelector("path")?.getAttribute("d"), "M40,346.67L-6.12,0");
  assert.equal(figure.querySelector("path")?.getAttribute("fill"), "0.123456", "only geometry is rounded");
});

Deno.test("sparkline() scales points into the box", () => {
  const figure = sparkline([[0, 2], [1, 1], [2, 0]], { width: 104, height: 24, label: "loss" });
  const document = parse(figure);
  assert.equal(document.querySelector("polyline")?.getAttribute("points"), "2.0,2.0 52.0,12.0 102.0,22.0");
  assert.equal(document.querySelector("figcaption")?.textContent, "loss 0.000 (min 0.000, max 2.000)");
  assert.equal(parse(sparkline([[0, 1]])).querySelectorAll("polyline").length, 0);
});

Deno.test("variantColorScale() fixes the colours of the study's heads", () => {
  const scale = variantColorScale(["relu", "mine", "linear"]);
  assert.deepEqual(scale.domain, ["linear", "relu", "mine"]);
  assert.deepEqual(scale.range, [HEAD_COLORS.linear, HEAD_COLORS.relu, "#6cc5b0"]);
});

Deno.test("relu has one colour in learning curves and per-class bars", () => {
  const curves = learningCurves([
    { variant: "relu", epoch: 1, value: 0.5 },
    { variant: "softplus", epoch: 1, value: 0.6 },
  ], { metric: "test accuracy" }).html;
  const bars = perClassAccuracy([
    { variant: "linear", className: "Shirt", accuracy: 0.4 },
    { variant: "relu", className: "Shirt", accuracy: 0 },
  ]).html;
  assert.ok(curves.includes(HEAD_COLORS.relu), "learning curves draw relu in its colour");
  assert.ok(bars.includes(HEAD_COLORS.relu), "per-class bars draw relu in its colour");
  assert.ok(!curves.includes(HEAD_COLORS.linear), "linear is absent from the curves, so is its colour");
});
