/**
 * A layer-by-layer description of the question's network: output shape of one
 * image after each layer and the parameters each layer adds.
 *
 * @module
 */

/** One row of the layer table. */
export interface LayerRow {
  /** Layer name as shown in the table, for example `"conv1 3×3, valid"`. */
  layer: string;
  /** Output shape for one image, height × width × channels or features. */
  outputShape: string;
  /** Trainable parameters the layer adds (weights + biases). */
  parameters: number;
  /** Short remark on the layer; empty when there is none. */
  note: string;
}

/**
 * Describes the network with the given head. The trunk is fixed; the head rows
 * come from `headParameters` (what the head's own layers add beyond fc1).
 *
 * @param head head name, shown in the last rows.
 * @param headParameters parameters of the head's own layers (0 for `linear` and `relu`).
 */
export function describeNetwork(head: string, headParameters = 0): LayerRow[] {
  const conv = (inChannels: number, outChannels: number) => outChannels * inChannels * 9 + outChannels;
  return [
    { layer: "input", outputShape: "28 × 28 × 1", parameters: 0, note: "grey levels in [0, 1]" },
    {
      layer: "conv1 3×3, valid",
      outputShape: "26 × 26 × 10",
      parameters: conv(1, 10),
      note: "10 filters of 3×3×1 + 10 biases",
    },
    { layer: "ReLU", outputShape: "26 × 26 × 10", parameters: 0, note: "" },
    { layer: "max-pool 2×2", outputShape: "13 × 13 × 10", parameters: 0, note: "" },
    {
      layer: "conv2 3×3, valid",
      outputShape: "11 × 11 × 20",
      parameters: conv(10, 20),
      note: "20 filters of 3×3×10 + 20 biases",
    },
    { layer: "ReLU", outputShape: "11 × 11 × 20", parameters: 0, note: "" },
    { layer: "max-pool 2×2", outputShape: "5 × 5 × 20", parameters: 0, note: "floor(11 / 2) = 5" },
    { layer: "flatten", outputShape: "500", parameters: 0, note: "5 · 5 · 20 features" },
    headParameters === 0
      ? { layer: "fc1", outputShape: "10", parameters: 500 * 10 + 10, note: "pre-activations, one per class" }
      : { layer: `head "${head}" layers`, outputShape: "10", parameters: headParameters, note: "replaces fc1" },
    {
      layer: `head "${head}"`,
      outputShape: "10",
      parameters: 0,
      note: "activation on the pre-activations: the logits",
    },
    {
      layer: "log_softmax",
      outputShape: "10",
      parameters: 0,
      note: "log-probabilities; NLL loss reads the label's entry",
    },
  ];
}
