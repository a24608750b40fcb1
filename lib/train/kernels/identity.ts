/**
 * `Identity` for tfjs's wasm backend that shares the input's buffer instead
 * of copying it. The engine runs Identity (through `clone`) on every tensor
 * a kernel saves for its gradient, so the stock kernel (tfjs 4.22.0), which
 * copies, copied each large activation of a training step once more.
 *
 * Sharing is safe because wasm kernels write only into buffers they
 * allocate, and the backend counts references to a buffer (its stock
 * `Reshape` shares buffers the same way, as does the cpu backend's Identity).
 *
 * @module
 */

import { Identity, type IdentityInputs, type KernelConfig, type TensorInfo } from "@tensorflow/tfjs-core";
import { replacementConfig, type WasmKernelArgs } from "./_wasm.ts";

/**
 * Creates the kernel config. `fallback` is the stock kernel, which handles
 * string tensors, whose values live outside the wasm heap.
 */
export function identityConfig(fallback: KernelConfig | undefined): KernelConfig {
  return replacementConfig(Identity, fallback, shareBuffer, "numeric tensors");
}

/** Returns x's buffer under a new reference, or `undefined` for a string tensor. */
function shareBuffer(args: WasmKernelArgs<IdentityInputs, Record<string, never>>): TensorInfo | undefined {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === "string") return undefined;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
