/**
 * The dataset layer: finding, downloading, checking and reading Fashion-MNIST.
 *
 * @module
 */

export * from "./types.ts";
export * from "./dataset_error.ts";
export * from "./files.ts";
export * from "./idx.ts";
export * from "./read_dir.ts";
export * from "./locate.ts";
export * from "./download.ts";
export * from "./fashion_mnist.ts";
