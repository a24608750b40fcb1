/**
 * `Add` for tfjs's wasm backend, fast for adding a bias: x [..., c] + b [c].
 * The stock kernel (tfjs 4.22.0) took about 5× as long to add a bias as to
 * add two tensors of x's shape. This one runs a 1×1 depthwise convolution
 * (XNNPACK) with weights 1 and bias b. It computes x·1 + b, which is
 * exactly x + b in floating point.
 *
 * @module
 */

import { Add, type BinaryInputs, type KernelConfig, type TensorInfo, util } from "@tensorflow/tfjs-core";
import { disposeInfo, replacementConfig, runWasmKernel, type WasmKernelArgs } from "./_wasm.ts";

/**
 * Below this many elements the stock kernel is as fast, so it keeps them.
 * The exercise network's biases are added to 2,420·20 and 13,520·10 values.
 */
const MIN_SIZE = 4096;

/**
 * Creates the kernel config. `fallback` is the stock kernel, which adds
 * everything other than a float32 vector to the last axis of a larger
 * float32 tensor.
 */
export function addConfig(fallback: KernelConfig | undefined): KernelConfig {
  return replacementConfig(Add, fallback, addBias, "float32 bias additions");
}

/** Adds b [c] to every row of x [..., c] (either operand may be the bias), or returns `undefined`. */
function addBias(args: WasmKernelArgs<BinaryInputs, Record<string, never>>): TensorInfo | undefined {
  const { inputs, backend } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const [x, bias] = a.shape.length >= b.shape.length ? [a, b] : [b, a];
  if (x.dtype !== "float32" || bias.dtype !== "float32") return undefined;
  if (x.shape.length < 2 || bias.shape.length !== 1) return undefined;
  const channels = x.shape[x.shape.length - 1];
  if (bias.shape[0] !== channels || util.sizeFromShape(x.shape) < MIN_SIZE) return undefined;
  // The depthwise kernel reads the bias's shape from the buffer's record,
  // which differs when the bias is a reshaped view of another tensor.
  if (backend.dataIdMap.get(bias.dataId)?.shape.length !== 1) return undefined;

  const rows = util.sizeFromShape(x.shape) / channels;
  const ones = backend.makeOutput([1, 1, channels, 1], "float32");
  (backend.typedArrayFromHeap(ones) as Float32Array).fill(1);
  const image: TensorInfo = { dataId: x.dataId, shape: [1, 1, rows, channels], dtype: "float32" };
  const sum = runWasmKernel("FusedDepthwiseConv2D", backend, { x: image, filter: ones, bias }, {
    strides: [1, 1],
    pad: "valid",
    dataFormat: "NHWC",
    dilations: [1, 1],
    activation: "linear",
  });
  disposeInfo(backend, ones);
  return { dataId: sum.dataId, shape: [...x.shape], dtype: "float32" };
}
