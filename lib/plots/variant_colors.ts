/**
 * One colour per head variant across every figure, so that `relu` is the same
 * colour in the learning curves, the per-class chart and the histograms.
 *
 * @module
 */

/** Fixed colours of the study's heads (Observable 10 palette), baseline first. */
export const HEAD_COLORS: Readonly<Record<string, string>> = {
  linear: "#4269d0",
  relu: "#ff725c",
  softplus: "#3ca951",
  leaky_relu: "#efb118",
  hidden: "#a463f2",
};

/** Colours handed out, in order, to variants that are not one of the study's heads. */
const OTHER_COLORS = ["#6cc5b0", "#ff8ab7", "#97bbf5", "#9c6b4e", "#9498a0"];

/**
 * Builds a categorical colour scale for the given variants: the study's heads
 * first in their usual order with their fixed colours, then other variants in
 * the order given with the remaining colours (repeating after five).
 *
 * @returns `domain` and `range` for Plot's `color` scale option.
 */
export function variantColorScale(variants: Iterable<string>): { domain: string[]; range: string[] } {
  const unique = [...new Set(variants)];
  const known = Object.keys(HEAD_COLORS).filter((head) => unique.includes(head));
  const others = unique.filter((variant) => !(variant in HEAD_COLORS));
  return {
    domain: [...known, ...others],
    range: [...known.map((head) => HEAD_COLORS[head]), ...others.map((_, i) => OTHER_COLORS[i % OTHER_COLORS.length])],
  };
}
