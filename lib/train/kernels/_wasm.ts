/**
 * Shared plumbing for the kernels this folder registers on tfjs's wasm
 * backend: calling another wasm kernel directly and freeing its output.
 *
 * Kernels here call each other through the kernel registry, not through
 * tfjs ops. An op goes through the engine, which records it on the gradient
 * tape and tracks its output tensor. A kernel's intermediate results are
 * plain wasm heap buffers instead, which the kernel frees itself.
 *
 * @module
 */

import {
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/**
 * Runs the kernel registered as `kernelName` for 'wasm' on `inputs` and
 * returns its single output, which the caller owns and must free with
 * {@linkcode disposeInfo} unless it returns it.
 *
 * @throws {Error} if no such wasm kernel is registered.
 */
export function runWasmKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
): TensorInfo {
  const config = getKernel(kernelName, "wasm");
  if (config === undefined) {
    throw new Error(
      `Kernel '${kernelName}' is not registered for the wasm backend: import "@tensorflow/tfjs-backend-wasm" before training on 'wasm'.`,
    );
  }
  return config.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

/** Frees the wasm heap buffer of an intermediate result that no tensor refers to. */
export function disposeInfo(backend: BackendWasm, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}

/** Arguments tfjs passes to a kernel function, typed for the wasm backend. */
export interface WasmKernelArgs<Inputs, Attrs> {
  inputs: Inputs;
  backend: BackendWasm;
  attrs: Attrs;
}

/**
 * Creates the config of a kernel that replaces a stock wasm kernel in the
 * cases `fast` handles and hands every other case to `fallback`.
 *
 * @param kernelName tfjs kernel name, for example `"MaxPoolGrad"`.
 * @param fallback the stock wasm kernel, or `undefined` if none was registered.
 * @param fast returns the output, or `undefined` for a case it does not handle.
 * @param handles what `fast` handles, for the error when there is no fallback.
 */
export function replacementConfig<Inputs, Attrs>(
  kernelName: string,
  fallback: KernelConfig | undefined,
  fast: (args: WasmKernelArgs<Inputs, Attrs>) => TensorInfo | undefined,
  handles: string,
): KernelConfig {
  const kernelFunc = (args: WasmKernelArgs<Inputs, Attrs>): TensorInfo | TensorInfo[] => {
    const result = fast(args);
    if (result !== undefined) return result;
    if (fallback === undefined) {
      throw new Error(
        `${kernelName} on 'wasm' (lib/train/kernels) handles ${handles} only, got attributes ${
          JSON.stringify(args.attrs)
        }, and no stock wasm kernel was registered to fall back on: import "@tensorflow/tfjs-backend-wasm" before registerWasmKernels().`,
      );
    }
    return fallback.kernelFunc(args as unknown as Parameters<KernelFunc>[0]);
  };
  return {
    kernelName,
    backendName: "wasm",
    kernelFunc: kernelFunc as unknown as KernelFunc,
    // A stock kernel binds its C++ function in its setup, which the engine
    // runs only for kernels registered when the backend starts.
    setupFunc: fallback?.setupFunc,
  };
}
