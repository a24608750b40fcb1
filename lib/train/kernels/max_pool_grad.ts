/**
 * `MaxPoolGrad` for tfjs's wasm backend. The stock kernel (tfjs 4.22.0) took
 * about a fifth of a training step of the exercise network, and sends a
 * tied window's gradient to another position than tfjs's cpu backend does.
 *
 * As in tfjs's cpu backend, each window's gradient goes to the first
 * position, in row-major order, whose value is greater than −∞ and than
 * every earlier value in the window. A window without such a position (all
 * −∞ or NaN) passes no gradient.
 * Ties matter: after a ReLU, all-zero windows are common, and on Fashion-
 * MNIST's flat backgrounds a conv layer outputs equal values side by side.
 *
 * Both loops run in JavaScript over the wasm heap: one for 2×2 windows with
 * stride 2 and no padding (the exercise network's pooling), one for any
 * other window, stride and padding.
 *
 * @module
 */

import {
  backend_util,
  type KernelConfig,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type MaxPoolGradInputs,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { replacementConfig, type WasmKernelArgs } from "./_wasm.ts";

type PoolInfo = backend_util.Conv2DInfo;

/**
 * Creates the kernel config. `fallback` is the stock kernel, which handles
 * dtypes other than float32.
 */
export function maxPoolGradConfig(fallback: KernelConfig | undefined): KernelConfig {
  return replacementConfig(MaxPoolGrad, fallback, maxPoolGrad, "float32 tensors");
}

/**
 * Computes dx: [b, H, W, c] from the pool's input x: [b, H, W, c] and dy:
 * [b, oh, ow, c], or returns `undefined` for a dtype other than float32.
 */
function maxPoolGrad(args: WasmKernelArgs<MaxPoolGradInputs, MaxPoolGradAttrs>): TensorInfo | undefined {
  const { inputs, backend, attrs } = args;
  const x = inputs.input as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  if (x.dtype !== "float32" || dy.dtype !== "float32") return undefined;
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );

  const dx = backend.makeOutput(x.shape, "float32");
  // Views are taken after makeOutput, which may grow the heap and detach older ones.
  const xValues = backend.typedArrayFromHeap(x) as Float32Array;
  const dyValues = backend.typedArrayFromHeap(dy) as Float32Array;
  const dxValues = backend.typedArrayFromHeap(dx) as Float32Array;
  dxValues.fill(0);
  const tiles = info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 &&
    info.strideWidth === 2 && info.padInfo.top === 0 && info.padInfo.left === 0 &&
    2 * info.outHeight <= info.inHeight && 2 * info.outWidth <= info.inWidth;
  if (tiles) {
    scatter2x2(info, xValues, dyValues, dxValues);
  } else {
    scatterAnyWindow(info, xValues, dyValues, dxValues);
  }
  return dx;
}

/**
 * Adds each dy value to dx at its window's first maximum, for 2×2 windows
 * that tile x without overlap or padding. dx must be zero on entry.
 */
function scatter2x2(info: PoolInfo, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  const { batchSize, inHeight, inWidth, outHeight, outWidth } = info;
  const channels = info.inChannels;
  const rowSize = inWidth * channels;
  let dyIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let i = 0; i < outHeight; i++) {
      let topLeft = (b * inHeight + 2 * i) * rowSize;
      for (let j = 0; j < outWidth; j++) {
        for (let c = 0; c < channels; c++) {
          const topLeftIndex = topLeft + c;
          const bottomLeftIndex = topLeftIndex + rowSize;
          let best = -1;
          let max = Number.NEGATIVE_INFINITY;
          if (x[topLeftIndex] > max) {
            best = topLeftIndex;
            max = x[topLeftIndex];
          }
          if (x[topLeftIndex + channels] > max) {
            best = topLeftIndex + channels;
            max = x[best];
          }
          if (x[bottomLeftIndex] > max) {
            best = bottomLeftIndex;
            max = x[bottomLeftIndex];
          }
          if (x[bottomLeftIndex + channels] > max) best = bottomLeftIndex + channels;
          if (best >= 0) dx[best] = dy[dyIndex];
          dyIndex++;
        }
        topLeft += 2 * channels;
      }
    }
  }
}

/**
 * Adds each dy value to dx at its window's first maximum, for any window
 * size, stride and padding; windows may overlap. dx must be zero on entry.
 */
function scatterAnyWindow(info: PoolInfo, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  const channels = info.inChannels;
  let dyIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let i = 0; i < outHeight; i++) {
      const rowStart = i * info.strideHeight - info.padInfo.top;
      const rowEnd = Math.min(inHeight, rowStart + filterHeight);
      for (let j = 0; j < outWidth; j++) {
        const columnStart = j * info.strideWidth - info.padInfo.left;
        const columnEnd = Math.min(inWidth, columnStart + filterWidth);
        for (let c = 0; c < channels; c++) {
          let best = -1;
          let max = Number.NEGATIVE_INFINITY;
          for (let row = Math.max(0, rowStart); row < rowEnd; row++) {
            for (let column = Math.max(0, columnStart); column < columnEnd; column++) {
              const index = ((b * inHeight + row) * inWidth + column) * channels + c;
              if (x[index] > max) {
                best = index;
                max = x[index];
              }
            }
          }
          if (best >= 0) dx[best] += dy[dyIndex];
          dyIndex++;
        }
      }
    }
  }
}
