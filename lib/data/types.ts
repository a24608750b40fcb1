/**
 * Shapes of the dataset as the rest of the project uses it.
 *
 * @module
 */

/** The ten Fashion-MNIST class names, indexed by label. */
export const CLASS_NAMES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

/** Side of a Fashion-MNIST image in pixels. */
export const IMAGE_SIZE = 28;

/** One split (train or test) of an image classification dataset. */
export interface Split {
  /** Pixels as float32 in [0, 1], row-major, shape [count, 28, 28, 1] flattened. */
  images: Float32Array;
  /** Class labels, uint8 in [0, 9], shape [count]. */
  labels: Uint8Array;
  /** Number of images. */
  count: number;
}

/** A loaded dataset: both splits, the class names and where the files came from. */
export interface Dataset {
  /** The 60,000 training images (or a subset a caller made). */
  train: Split;
  /** The 10,000 test images. */
  test: Split;
  /** Class name of each label, index = label. */
  classNames: readonly string[];
  /** Directory the four files were read from. */
  source: string;
}
