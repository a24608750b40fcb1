/**
 * The compiled trunk (trunk.c) as a JavaScript object: one WebAssembly
 * instance with its own memory, and forward and backward functions over
 * plain typed arrays. It does not depend on tfjs; trunk.ts wraps it as
 * tfjs kernels.
 *
 * Images go through in chunks of {@linkcode CHUNK_IMAGES}, so the instance's
 * memory stays at a few MiB whatever the batch size.
 *
 * @module
 */

import { decodeBase64 } from "./base64.ts";
import { TRUNK_WASM_BASE64 } from "./trunk_wasm.ts";

/** Images per call into WebAssembly; bounds the instance's memory at about 6 MiB. */
export const CHUNK_IMAGES = 256;

/** Floats per image at each stage, in NHWC order. */
export const SIZES = {
  image: 28 * 28,
  pooled1: 13 * 13 * 10,
  features: 5 * 5 * 20,
  w1: 3 * 3 * 1 * 10,
  b1: 10,
  w2: 3 * 3 * 10 * 20,
  b2: 20,
} as const;

/** Filters and biases of the two convolutions, in tfjs's layouts (HWIO filters). */
export interface TrunkWeights {
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

/** Outputs of the forward pass for `batch` images; the backward pass reads all of them. */
export interface TrunkActivations {
  /** [batch, 13, 13, 10] after conv1, ReLU and pooling. */
  pooled1: Float32Array;
  /** [batch, 13, 13, 10]: which of the 4 window positions (row-major) won each pooling window of conv1. */
  argmax1: Int32Array;
  /** [batch, 5, 5, 20] = [batch, 500]: the trunk's output. */
  features: Float32Array;
  /** [batch, 5, 5, 20]: the winning window position of each pooled conv2 output. */
  argmax2: Int32Array;
}

/** Gradients of the loss with respect to the trunk's weights, in the layouts of {@linkcode TrunkWeights}. */
export type TrunkGradients = TrunkWeights;

interface Exports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  trunk_set_weights(w1: number, b1: number, w2: number, b2: number): void;
  trunk_forward(
    batch: number,
    images: number,
    pooled1: number,
    argmax1: number,
    features: number,
    argmax2: number,
  ): void;
  trunk_backward_begin(): void;
  trunk_backward(
    batch: number,
    images: number,
    pooled1: number,
    argmax1: number,
    features: number,
    argmax2: number,
    dFeatures: number,
  ): void;
  trunk_backward_end(dw1: number, db1: number, dw2: number, db2: number): void;
}

/** Byte offsets of the buffers in the instance's memory; each has room for CHUNK_IMAGES images. */
interface Layout {
  w1: number;
  b1: number;
  w2: number;
  b2: number;
  images: number;
  pooled1: number;
  argmax1: number;
  features: number;
  argmax2: number;
  dFeatures: number;
  end: number;
}

function planLayout(heapBase: number): Layout {
  let offset = Math.ceil(heapBase / 16) * 16;
  const take = (floats: number) => {
    const start = offset;
    offset += Math.ceil(floats / 4) * 16;
    return start;
  };
  const layout = {
    w1: take(SIZES.w1),
    b1: take(SIZES.b1),
    w2: take(SIZES.w2),
    b2: take(SIZES.b2),
    images: take(CHUNK_IMAGES * SIZES.image),
    pooled1: take(CHUNK_IMAGES * SIZES.pooled1),
    argmax1: take(CHUNK_IMAGES * SIZES.pooled1),
    features: take(CHUNK_IMAGES * SIZES.features),
    argmax2: take(CHUNK_IMAGES * SIZES.features),
    dFeatures: take(CHUNK_IMAGES * SIZES.features),
  };
  return { ...layout, end: offset };
}

/** The trunk's WebAssembly instance. Not re-entrant: one call at a time, which JavaScript guarantees. */
export class TrunkModule {
  readonly #exports: Exports;
  readonly #layout: Layout;

  constructor() {
    const module = new WebAssembly.Module(decodeBase64(TRUNK_WASM_BASE64) as BufferSource);
    this.#exports = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    this.#layout = planLayout(this.#exports.__heap_base.value as number);
    const missing = this.#layout.end - this.#exports.memory.buffer.byteLength;
    if (missing > 0) this.#exports.memory.grow(Math.ceil(missing / 65536));
  }

  /**
   * Runs the forward pass of `batch` images [batch, 28, 28] (pixels as
   * given, usually in [0, 1]) and writes `out`, whose arrays must hold
   * `batch` images each.
   */
  forward(batch: number, images: Float32Array, weights: TrunkWeights, out: TrunkActivations): void {
    const layout = this.#layout;
    this.#setWeights(weights);
    for (let start = 0; start < batch; start += CHUNK_IMAGES) {
      const count = Math.min(CHUNK_IMAGES, batch - start);
      this.#f32(layout.images, count * SIZES.image).set(
        images.subarray(start * SIZES.image, (start + count) * SIZES.image),
      );
      this.#exports.trunk_forward(
        count,
        layout.images,
        layout.pooled1,
        layout.argmax1,
        layout.features,
        layout.argmax2,
      );
      out.pooled1.set(this.#f32(layout.pooled1, count * SIZES.pooled1), start * SIZES.pooled1);
      out.argmax1.set(this.#i32(layout.argmax1, count * SIZES.pooled1), start * SIZES.pooled1);
      out.features.set(this.#f32(layout.features, count * SIZES.features), start * SIZES.features);
      out.argmax2.set(this.#i32(layout.argmax2, count * SIZES.features), start * SIZES.features);
    }
  }

  /**
   * Runs the backward pass: from the forward pass's `activations` and
   * dLoss/dFeatures `dFeatures` [batch, 500], writes the weight gradients
   * summed over the batch into `out`.
   */
  backward(
    batch: number,
    images: Float32Array,
    weights: TrunkWeights,
    activations: TrunkActivations,
    dFeatures: Float32Array,
    out: TrunkGradients,
  ): void {
    const layout = this.#layout;
    const exports = this.#exports;
    this.#setWeights(weights);
    exports.trunk_backward_begin();
    for (let start = 0; start < batch; start += CHUNK_IMAGES) {
      const count = Math.min(CHUNK_IMAGES, batch - start);
      const copyIn = (offset: number, source: Float32Array | Int32Array, perImage: number) => {
        const target = source instanceof Int32Array
          ? this.#i32(offset, count * perImage)
          : this.#f32(offset, count * perImage);
        target.set(source.subarray(start * perImage, (start + count) * perImage));
      };
      copyIn(layout.images, images, SIZES.image);
      copyIn(layout.pooled1, activations.pooled1, SIZES.pooled1);
      copyIn(layout.argmax1, activations.argmax1, SIZES.pooled1);
      copyIn(layout.features, activations.features, SIZES.features);
      copyIn(layout.argmax2, activations.argmax2, SIZES.features);
      copyIn(layout.dFeatures, dFeatures, SIZES.features);
      exports.trunk_backward(
        count,
        layout.images,
        layout.pooled1,
        layout.argmax1,
        layout.features,
        layout.argmax2,
        layout.dFeatures,
      );
    }
    // The weight buffers are free after the backward pass, so the gradients come out through them.
    exports.trunk_backward_end(layout.w1, layout.b1, layout.w2, layout.b2);
    out.w1.set(this.#f32(layout.w1, SIZES.w1));
    out.b1.set(this.#f32(layout.b1, SIZES.b1));
    out.w2.set(this.#f32(layout.w2, SIZES.w2));
    out.b2.set(this.#f32(layout.b2, SIZES.b2));
  }

  #setWeights(weights: TrunkWeights): void {
    const layout = this.#layout;
    this.#f32(layout.w1, SIZES.w1).set(weights.w1);
    this.#f32(layout.b1, SIZES.b1).set(weights.b1);
    this.#f32(layout.w2, SIZES.w2).set(weights.w2);
    this.#f32(layout.b2, SIZES.b2).set(weights.b2);
    this.#exports.trunk_set_weights(layout.w1, layout.b1, layout.w2, layout.b2);
  }

  #f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.#exports.memory.buffer, offset, length);
  }

  #i32(offset: number, length: number): Int32Array {
    return new Int32Array(this.#exports.memory.buffer, offset, length);
  }
}
