/**
 * Extra kernels for tfjs's wasm backend (tfjs 4.22.0): the filter gradient
 * it lacks, and faster replacements for the kernels that dominated a
 * training step of the exercise network.
 *
 * | kernel | how |
 * |---|---|
 * | `Conv2DBackpropFilter` | missing in wasm; a convolution of x with dy (XNNPACK) |
 * | `Conv2DBackpropInput` | for stride 1, a convolution of dy with the rotated filter |
 * | `MaxPoolGrad` | a JavaScript pass over the wasm heap, ties as on cpu |
 * | `Sum` | over leading axes: average pooling, or one JavaScript pass |
 * | `Add` | a bias [c] added to [..., c]: a 1×1 depthwise convolution |
 * | `BatchMatMul` | transposed operands transposed first, then XNNPACK |
 * | `Identity`, `Cast` to the same dtype | share the buffer instead of copying it |
 * | `ReluLabTrunk`, `ReluLabTrunkGrad` | new: the network's whole conv trunk and its weight gradients (trunk.c, WebAssembly SIMD) |
 *
 * Each replacement hands the cases it does not handle to the stock kernel.
 * Call {@linkcode registerWasmKernels} once before training on 'wasm'.
 *
 * @module
 */

import {
  getGradient,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  registerGradient,
  registerKernel,
  unregisterKernel,
} from "@tensorflow/tfjs-core";
// Registers the stock wasm kernels first, so that the replacements below find them as fallbacks.
import "@tensorflow/tfjs-backend-wasm";
import { addConfig } from "./add.ts";
import { batchMatMulConfig } from "./batch_mat_mul.ts";
import { castConfig } from "./cast.ts";
import { conv2DBackpropFilterConfig } from "./conv2d_backprop_filter.ts";
import { conv2DBackpropInputConfig } from "./conv2d_backprop_input.ts";
import { identityConfig } from "./identity.ts";
import { maxPoolGradConfig } from "./max_pool_grad.ts";
import { sumConfig } from "./sum.ts";
import { trunkConfig, trunkGradConfig, trunkGradientConfig } from "./trunk.ts";

/** Kernel functions this module registered, to recognise them on a second call. */
const ours = new WeakSet<KernelFunc>();

/** The wasm kernels that {@linkcode registerWasmKernels} displaced, by kernel name. */
const displaced = new Map<string, KernelConfig>();

/**
 * Registers every kernel of this folder on the 'wasm' backend, replacing the
 * stock ones listed in the module documentation. Idempotent: a second call
 * changes nothing. It may run before or after the backend starts: a
 * replacement carries the stock kernel's setup function, which the engine
 * runs for the kernels registered when it starts the backend.
 *
 * @example
 * ```ts
 * registerWasmKernels();
 * setWasmPaths(distFolder);
 * await tf.setBackend("wasm");
 * ```
 */
export function registerWasmKernels(): void {
  install(conv2DBackpropFilterConfig);
  install(conv2DBackpropInputConfig(stockKernel("Conv2DBackpropInput")));
  install(maxPoolGradConfig(stockKernel("MaxPoolGrad")));
  install(identityConfig(stockKernel("Identity")));
  install(castConfig(stockKernel("Cast")));
  install(batchMatMulConfig(stockKernel("BatchMatMul")));
  install(sumConfig(stockKernel("Sum")));
  install(addConfig(stockKernel("Add")));
  install(trunkConfig);
  install(trunkGradConfig);
  if (getGradient(trunkGradientConfig.kernelName) === undefined) registerGradient(trunkGradientConfig);
}

/**
 * Returns the stock wasm kernel that {@linkcode registerWasmKernels}
 * replaced under `kernelName`, or `undefined` if it replaced none. For
 * benchmarks that compare the two.
 */
export function displacedWasmKernel(
  kernelName: string,
): KernelConfig | undefined {
  return displaced.get(kernelName);
}

/** Returns the wasm kernel registered as `kernelName` before this module replaced it. */
function stockKernel(kernelName: string): KernelConfig | undefined {
  const current = getKernel(kernelName, "wasm");
  if (current !== undefined && ours.has(current.kernelFunc)) return displaced.get(kernelName);
  return current;
}

/** Registers `config`, first unregistering the kernel it replaces, unless it is registered already. */
function install(config: KernelConfig): void {
  const current = getKernel(config.kernelName, config.backendName);
  if (current !== undefined && ours.has(current.kernelFunc)) return;
  if (current !== undefined) {
    displaced.set(config.kernelName, current);
    unregisterKernel(config.kernelName, config.backendName);
  }
  ours.add(config.kernelFunc);
  registerKernel(config);
}
