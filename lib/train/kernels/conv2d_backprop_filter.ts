/**
 * `Conv2DBackpropFilter` for tfjs's wasm backend, which ships none (tfjs
 * 4.22.0), so a conv net cannot train there without it.
 *
 * The filter gradient is itself a convolution. For a forward convolution
 * with stride s and top/left padding (pt, pl),
 *
 *   dW[kh, kw, ci, co] = Σ_{b, y, x} x[b, y·s + kh − pt, x·s + kw − pl, ci] · dy[b, y, x, co],
 *
 * That sum is a stride-1 convolution of x transposed to [ci, H, W, b], with
 * the input channels as the batch and the batch as channels. Its filter is
 * dy transposed to [oh, ow, b, co], dilated by s, and the padding is
 * (pt, pl). The output [ci, kh, kw, co], transposed to [kh, kw, ci, co], is
 * dW. The wasm backend runs that convolution with XNNPACK.
 *
 * @module
 */

import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { disposeInfo, runWasmKernel } from "./_wasm.ts";

/**
 * Computes dW: [kh, kw, ci, co] from x: [b, H, W, ci] and dy: [b, oh, ow, co]
 * in NHWC layout, for any stride and padding (tfjs's conv2d gradient
 * already rejects dilations other than 1).
 *
 * @throws {TypeError} for NCHW data or a dtype other than float32.
 */
function conv2DBackpropFilter(
  args: { inputs: Conv2DBackpropFilterInputs; backend: BackendWasm; attrs: Conv2DBackpropFilterAttrs },
): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;

  if (dataFormat === "NCHW") {
    throw new TypeError(
      "Conv2DBackpropFilter on 'wasm' (lib/train/kernels) supports dataFormat 'NHWC' only, got 'NCHW': keep images channels-last.",
    );
  }
  if (x.dtype !== "float32" || dy.dtype !== "float32") {
    throw new TypeError(
      `Conv2DBackpropFilter on 'wasm' (lib/train/kernels) expects float32 x and dy, got ${x.dtype} and ${dy.dtype}.`,
    );
  }

  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  // Padding below and right of x that makes the output exactly kh × kw. It is negative when the forward pass
  // never read the last rows or columns of x, because the stride does not divide the padded size. XNNPACK takes
  // no negative padding, so those rows and columns are sliced off.
  const padBottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - padTop;
  const padRight = filterWidth + (outWidth - 1) * strideWidth - inWidth - padLeft;
  let xUsed = x;
  if (padBottom < 0 || padRight < 0) {
    xUsed = runWasmKernel("Slice", backend, { x }, {
      begin: [0, 0, 0, 0],
      size: [x.shape[0], inHeight + Math.min(padBottom, 0), inWidth + Math.min(padRight, 0), x.shape[3]],
    });
  }

  const xT = runWasmKernel("Transpose", backend, { x: xUsed }, { perm: [3, 1, 2, 0] });
  if (xUsed !== x) disposeInfo(backend, xUsed);
  const dyT = runWasmKernel("Transpose", backend, { x: dy }, { perm: [1, 2, 0, 3] });
  const convAttrs = {
    strides: [1, 1],
    pad: [[0, 0], [padTop, Math.max(padBottom, 0)], [padLeft, Math.max(padRight, 0)], [0, 0]],
    dataFormat: "NHWC",
    dilations: [strideHeight, strideWidth],
  };

  if (filterShape[2] === 1) {
    const dW = filterGradientOneChannel(backend, xT, dyT, convAttrs, filterShape);
    disposeInfo(backend, xT);
    disposeInfo(backend, dyT);
    return dW;
  }
  const dWT = runWasmKernel("Conv2D", backend, { x: xT, filter: dyT }, convAttrs);
  disposeInfo(backend, xT);
  disposeInfo(backend, dyT);
  const dW = runWasmKernel("Transpose", backend, { x: dWT }, { perm: [1, 2, 0, 3] });
  disposeInfo(backend, dWT);
  return dW;
}

/**
 * Computes dW: [kh, kw, 1, co] for one input channel, where the convolution
 * above has a single image and XNNPACK's GEMM gets only kh·kw output rows.
 * A depthwise convolution of xT: [1, H, W, b] with dyT: [oh, ow, b, co]
 * gives one partial sum per image instead, out[0, kh, kw, b·co + co'].
 * XNNPACK vectorises it over the b·co contiguous channels, and JavaScript
 * then adds the b partial sums. For the exercise network's first layer it
 * took about 0.7 of the convolution's time (tools/bench.ts kernel timings).
 */
function filterGradientOneChannel(
  backend: BackendWasm,
  xT: TensorInfo,
  dyT: TensorInfo,
  convAttrs: NamedAttrMap,
  filterShape: [number, number, number, number],
): TensorInfo {
  const partial = runWasmKernel("DepthwiseConv2dNative", backend, { x: xT, filter: dyT }, convAttrs);
  const dW = backend.makeOutput([...filterShape], "float32");
  // Views are taken after makeOutput, which may grow the heap and detach older ones.
  const partialValues = backend.typedArrayFromHeap(partial) as Float32Array;
  const dWValues = backend.typedArrayFromHeap(dW) as Float32Array;
  const outChannels = filterShape[3];
  const images = dyT.shape[2];
  const taps = filterShape[0] * filterShape[1];
  for (let tap = 0; tap < taps; tap++) {
    for (let co = 0; co < outChannels; co++) {
      let total = 0;
      for (let b = 0; b < images; b++) total += partialValues[(tap * images + b) * outChannels + co];
      dWValues[tap * outChannels + co] = total;
    }
  }
  disposeInfo(backend, partial);
  return dW;
}

/** Kernel config registering {@linkcode conv2DBackpropFilter} for 'wasm'. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
