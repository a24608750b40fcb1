/**
 * Chart builders for notebooks and reports. Each takes plain data and returns a
 * {@linkcode Figure}: self-contained HTML with an inline `<svg>`, rendered with
 * Observable Plot against a headless DOM.
 *
 * @module
 */

export { type Figure, renderFigure, SVG_NAMESPACE } from "./render.ts";
export { plotDocument } from "./document.ts";
export { encodeGrayscalePng, grayscalePngDataUrl } from "./png.ts";
export { type CurvePoint, learningCurves, type LearningCurvesOptions } from "./learning_curves.ts";
export { type ClassAccuracyRow, perClassAccuracy, type PerClassAccuracyOptions } from "./per_class_accuracy.ts";
export { imageGrid, type ImageGridOptions } from "./image_grid.ts";
export { confusionMatrix, type ConfusionMatrixOptions } from "./confusion_matrix.ts";
export { forestPlot, type ForestPlotOptions, type ForestRow } from "./forest_plot.ts";
export { histogram, type HistogramOptions, type HistogramSeries } from "./histogram.ts";
export { type ReliabilityBin, reliabilityDiagram, type ReliabilityDiagramOptions } from "./reliability_diagram.ts";
export { sparkline, type SparklineOptions } from "./sparkline.ts";
export { lineChart, type LineChartOptions, type LinePoint } from "./line_chart.ts";
export { HEAD_COLORS, variantColorScale } from "./variant_colors.ts";
