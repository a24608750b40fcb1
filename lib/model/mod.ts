/**
 * The network, its convolutional trunk, its head registry and its
 * initialisation schemes.
 *
 * @module
 */

export {
  activationHead,
  createDense,
  getHead,
  type HeadContext,
  headDescriptions,
  type HeadInstance,
  headNames,
  type HeadOutput,
  type HeadSpec,
  HIDDEN_UNITS,
  LEAKY_RELU_ALPHA,
  registerHead,
  toVariable,
} from "./heads.ts";
export { assertInitScheme, INIT_SCHEMES, initConv2d, initDense, type LayerInit } from "./init.ts";
export { CLASSES, createNetwork, FEATURES, type Network, type NetworkOptions, type NetworkOutput } from "./network.ts";
export { fusedTrunkActive, setFusedTrunkAllowed } from "./trunk.ts";
