/**
 * A faster `Conv2DBackpropInput` for tfjs's wasm backend. The stock kernel
 * (tfjs 4.22.0) loops over every output element in plain C++ and took about
 * a third of a training step of the exercise network.
 *
 * For stride 1 the input gradient is a convolution of dy, padded so that
 * every filter tap that reached an input pixel reaches it back, with the
 * filter rotated by 180° and its channel axes swapped:
 *
 *   dx[b, i, j, ci] = Σ_{u, v, co} dy[b, i + u − (kh − 1 − pt), j + v − (kw − 1 − pl), co]
 *                                · W[kh − 1 − u, kw − 1 − v, ci, co],
 *
 * out-of-range dy reading as 0. XNNPACK runs that convolution.
 *
 * @module
 */

import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type KernelConfig,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { disposeInfo, replacementConfig, runWasmKernel, type WasmKernelArgs } from "./_wasm.ts";

/**
 * Creates the kernel config. `fallback` is the stock kernel, which computes
 * the cases this one does not handle: strides above 1, NCHW data, and
 * paddings that leave input rows or columns outside every filter window.
 */
export function conv2DBackpropInputConfig(fallback: KernelConfig | undefined): KernelConfig {
  return replacementConfig(Conv2DBackpropInput, fallback, conv2DBackpropInputAsConv, "stride 1 NHWC float32");
}

/**
 * Computes dx: inputShape [b, H, W, ci] from dy: [b, oh, ow, co] and the
 * filter [kh, kw, ci, co], or returns `undefined` for a case it does not
 * handle.
 */
function conv2DBackpropInputAsConv(
  args: WasmKernelArgs<Conv2DBackpropInputInputs, Conv2DBackpropInputAttrs>,
): TensorInfo | undefined {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  if (dataFormat === "NCHW" || dy.dtype !== "float32" || filter.dtype !== "float32") return undefined;

  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, inChannels, outChannels } = info;
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return undefined;

  const padTop = filterHeight - 1 - info.padInfo.top;
  const padLeft = filterWidth - 1 - info.padInfo.left;
  const padBottom = inHeight + filterHeight - 1 - outHeight - padTop;
  const padRight = inWidth + filterWidth - 1 - outWidth - padLeft;
  if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) return undefined;

  const rotated = rotateFilter(backend, filter, filterHeight, filterWidth, inChannels, outChannels);
  const dx = runWasmKernel("Conv2D", backend, { x: dy, filter: rotated }, {
    strides: [1, 1],
    pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
    dataFormat: "NHWC",
    dilations: [1, 1],
  });
  disposeInfo(backend, rotated);
  return dx;
}

/**
 * Returns W'[u, v, co, ci] = W[kh − 1 − u, kw − 1 − v, ci, co]. The filter is
 * small (1,800 values in the exercise network), so one pass in JavaScript over
 * the wasm heap does it in place of a Reverse and a Transpose kernel.
 */
function rotateFilter(
  backend: BackendWasm,
  filter: TensorInfo,
  filterHeight: number,
  filterWidth: number,
  inChannels: number,
  outChannels: number,
): TensorInfo {
  const rotated = backend.makeOutput([filterHeight, filterWidth, outChannels, inChannels], "float32");
  // Views are taken after makeOutput, which may grow the heap and detach older ones.
  const source = backend.typedArrayFromHeap(filter) as Float32Array;
  const target = backend.typedArrayFromHeap(rotated) as Float32Array;
  const taps = filterHeight * filterWidth;
  const tapSize = inChannels * outChannels;
  for (let tap = 0; tap < taps; tap++) {
    const from = (taps - 1 - tap) * tapSize;
    const to = tap * tapSize;
    for (let ci = 0; ci < inChannels; ci++) {
      for (let co = 0; co < outChannels; co++) {
        target[to + co * inChannels + ci] = source[from + ci * outChannels + co];
      }
    }
  }
  return rotated;
}
