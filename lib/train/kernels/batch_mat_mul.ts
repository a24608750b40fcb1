/**
 * `BatchMatMul` for tfjs's wasm backend that transposes operands explicitly.
 * The stock kernel (tfjs 4.22.0) multiplies untransposed operands with
 * XNNPACK but falls back to a loop about 10× slower when either is
 * transposed, which is how tfjs computes a dense layer's gradients
 * (dy·Wᵀ and xᵀ·dy).
 *
 * @module
 */

import {
  BatchMatMul,
  type BatchMatMulAttrs,
  type BatchMatMulInputs,
  type KernelConfig,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { disposeInfo, replacementConfig, runWasmKernel, type WasmKernelArgs } from "./_wasm.ts";

/**
 * Creates the kernel config. `fallback` is the stock kernel, which this one
 * calls with untransposed operands.
 */
export function batchMatMulConfig(fallback: KernelConfig | undefined): KernelConfig {
  const multiply = (args: WasmKernelArgs<BatchMatMulInputs, BatchMatMulAttrs>): TensorInfo | undefined => {
    const { inputs, backend, attrs } = args;
    if (fallback === undefined) return undefined;
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    if (!attrs.transposeA && !attrs.transposeB) return undefined;
    if (a.dtype !== "float32" || b.dtype !== "float32") return undefined;

    const aUsed = attrs.transposeA ? swapLastAxes(backend, a) : a;
    const bUsed = attrs.transposeB ? swapLastAxes(backend, b) : b;
    const product = fallback.kernelFunc({
      inputs: { a: aUsed, b: bUsed },
      backend,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
    if (aUsed !== a) disposeInfo(backend, aUsed);
    if (bUsed !== b) disposeInfo(backend, bUsed);
    return product;
  };
  return replacementConfig(BatchMatMul, fallback, multiply, "float32 operands, through the stock kernel,");
}

/** Returns x with its last two axes swapped, in a new buffer. */
function swapLastAxes(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return runWasmKernel("Transpose", backend, { x }, { perm });
}
