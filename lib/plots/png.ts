/**
 * Grayscale PNG encoding for sample images, so an image grid embeds its pixels
 * as `data:` URLs that render in any browser without scripts.
 *
 * @module
 */

import { encode } from "fast-png";

/**
 * Encodes one grayscale image as an 8-bit PNG.
 *
 * @param pixels intensities in [0, 1], row-major, length `width · height`; 0 is black
 * @param width image width in pixels, ≥ 1
 * @param height image height in pixels, ≥ 1
 * @returns the PNG file bytes
 */
export function encodeGrayscalePng(pixels: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`encodeGrayscalePng(): width and height must be integers ≥ 1, got ${width}×${height}.`);
  }
  if (pixels.length !== width * height) {
    throw new RangeError(
      `encodeGrayscalePng(): expected ${width}×${height} = ${width * height} pixels, got ${pixels.length}.`,
    );
  }
  const bytes = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const value = pixels[i];
    if (!(value >= 0 && value <= 1)) {
      throw new RangeError(
        `encodeGrayscalePng(): pixel ${i} is ${value}, outside [0, 1]; scale images to [0, 1] before plotting them.`,
      );
    }
    bytes[i] = Math.round(value * 255);
  }
  return encode({ width, height, data: bytes, channels: 1, depth: 8 });
}

/** Encodes one grayscale image (see {@linkcode encodeGrayscalePng}) as a `data:image/png;base64,…` URL. */
export function grayscalePngDataUrl(pixels: ArrayLike<number>, width: number, height: number): string {
  const png = encodeGrayscalePng(pixels, width, height);
  let binary = "";
  for (const byte of png) binary += String.fromCharCode(byte);
  return `data:image/png;base64,${btoa(binary)}`;
}
