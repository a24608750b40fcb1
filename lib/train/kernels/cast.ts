/**
 * `Cast` for tfjs's wasm backend that shares the input's buffer when the
 * dtype does not change. tfjs's ReLU gradient casts a float32 step mask to
 * float32, and the stock kernel (tfjs 4.22.0) copied it.
 *
 * @module
 */

import { Cast, type CastAttrs, type CastInputs, type KernelConfig, type TensorInfo } from "@tensorflow/tfjs-core";
import { replacementConfig, type WasmKernelArgs } from "./_wasm.ts";

/**
 * Creates the kernel config. `fallback` is the stock kernel, which converts
 * between dtypes.
 */
export function castConfig(fallback: KernelConfig | undefined): KernelConfig {
  return replacementConfig(Cast, fallback, castToSameDtype, "casts to the input's own dtype");
}

/** Returns x's buffer under a new reference if the dtype stays, else `undefined`. */
function castToSameDtype(args: WasmKernelArgs<CastInputs, CastAttrs>): TensorInfo | undefined {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype !== args.attrs.dtype || x.dtype === "string" || x.dtype === "complex64") return undefined;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
