/**
 * `Sum` for tfjs's wasm backend, fast for sums over leading axes, such as a
 * bias gradient: dy [b, h, w, c] summed to [c]. The stock kernel (tfjs
 * 4.22.0) first transposes the summed axes to the end, which costs more
 * than the sum.
 *
 * For [b, h, w, c] over axes 0, 1, 2, XNNPACK's average pooling over each
 * whole h × w image gives b · c means, which one JavaScript pass scales and
 * adds up. Other sums over leading axes add the rows of x viewed as
 * [rows, columns] in JavaScript. A product with a row of ones through
 * XNNPACK was tried and took 3× as long as the stock kernel, most likely
 * because XNNPACK packs its weight operand, here the fresh dy, on every call.
 *
 * @module
 */

import { type KernelConfig, Sum, type SumAttrs, type SumInputs, type TensorInfo, util } from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { disposeInfo, replacementConfig, runWasmKernel, type WasmKernelArgs } from "./_wasm.ts";

/** Largest h · w pooled in one window; bigger images take the JavaScript pass. */
const MAX_POOLED_IMAGE = 4096;

/**
 * Creates the kernel config. `fallback` is the stock kernel, which computes
 * every sum other than a float32 sum over axes 0…k−1 that keeps at least
 * one axis.
 */
export function sumConfig(fallback: KernelConfig | undefined): KernelConfig {
  return replacementConfig(Sum, fallback, sumLeadingAxes, "float32 sums over leading axes");
}

/**
 * Sums x: [d0, …, dk−1, dk, …] over axes 0…k−1, or returns `undefined` for
 * other sums.
 */
function sumLeadingAxes(args: WasmKernelArgs<SumInputs, SumAttrs>): TensorInfo | undefined {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  if (x.dtype !== "float32") return undefined;
  const axes = util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
  const leading = axes.length;
  if (leading === 0 || leading === x.shape.length || axes.some((axis, i) => axis !== i)) return undefined;

  const kept = x.shape.slice(leading);
  const shape = attrs.keepDims ? [...Array(leading).fill(1), ...kept] : kept;
  if (x.shape.length === 4 && leading === 3 && x.shape[1] * x.shape[2] <= MAX_POOLED_IMAGE) {
    return sumImages(backend, x, shape);
  }
  return sumRows(backend, x, util.sizeFromShape(kept), shape);
}

/** Sums x: [b, h, w, c] to `shape` (c values) from the mean of each image. */
function sumImages(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  const [, height, width, channels] = x.shape;
  const means = runWasmKernel("AvgPool", backend, { x }, {
    filterSize: [height, width],
    strides: [1, 1],
    pad: "valid",
  });
  const out = backend.makeOutput(shape, "float32");
  // Views are taken after makeOutput, which may grow the heap and detach older ones.
  const meanValues = backend.typedArrayFromHeap(means) as Float32Array;
  const totals = new Float64Array(channels);
  for (let i = 0; i < meanValues.length; i += channels) {
    for (let c = 0; c < channels; c++) totals[c] += meanValues[i + c];
  }
  const pixels = height * width;
  const outValues = backend.typedArrayFromHeap(out) as Float32Array;
  for (let c = 0; c < channels; c++) outValues[c] = totals[c] * pixels;
  disposeInfo(backend, means);
  return out;
}

/**
 * Sums the rows of x viewed as [rows, columns] to `shape` (columns values),
 * in float64, one column at a time: in a micro-benchmark a scalar
 * accumulator ran faster than an array of per-column accumulators.
 */
function sumRows(backend: BackendWasm, x: TensorInfo, columns: number, shape: number[]): TensorInfo {
  const out = backend.makeOutput(shape, "float32");
  const values = backend.typedArrayFromHeap(x) as Float32Array;
  const outValues = backend.typedArrayFromHeap(out) as Float32Array;
  for (let column = 0; column < columns; column++) {
    let total = 0;
    for (let i = column; i < values.length; i += columns) total += values[i];
    outValues[column] = total;
  }
  return out;
}
