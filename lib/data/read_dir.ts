/**
 * Reads one folder containing the four Fashion-MNIST files into a
 * {@linkcode Dataset}, checking each file's kind, shape, labels and that each
 * split has as many labels as images.
 *
 * @module
 */

import { join } from "node:path";
import { describeFsError } from "./_fs_error.ts";
import { DatasetError } from "./dataset_error.ts";
import { FASHION_MNIST_BASE_URL, FASHION_MNIST_FILES, type FashionMnistFile } from "./files.ts";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type IdxArray, readIdxFile } from "./idx.ts";
import { CLASS_NAMES, type Dataset, IMAGE_SIZE, type Split } from "./types.ts";

const REPAIR_HINT =
  "To fix it, replace the file with a good copy (a damaged file in data/fashion-mnist/ can simply be " +
  "deleted: the next run downloads it again), or install Debian's copy with " +
  "`sudo apt-get install dataset-fashion-mnist`.";

/**
 * Loads the four Fashion-MNIST files from one folder. Each file may be the
 * published `.gz` or its un-gzipped form (`train-images-idx3-ubyte`);
 * compression is detected from the content. Checksums are not compared here
 * (Debian's copy was recompressed), only the IDX headers and data.
 *
 * @param dir the folder.
 * @returns both splits: images float32 in [0, 1] (pixel / 255), `[count, 28, 28, 1]`
 *   flattened; labels uint8 in [0, 9]; `source` is `dir`.
 * @throws {DatasetError} when the folder cannot be read, lacks some of the files
 *   (their names are listed), or a file is damaged or of the wrong kind.
 *
 * @example
 * ```ts
 * const data = await readFashionMnistDir("/usr/share/datasets/fashion-mnist");
 * data.train.count; // 60000
 * ```
 */
export async function readFashionMnistDir(dir: string, options: ReadOptions = {}): Promise<Dataset> {
  const names = new Set<string>();
  try {
    for await (const entry of Deno.readDir(dir)) names.add(entry.name);
  } catch (error) {
    throw new DatasetError(`${describeFsError(error, dir, "folder")}.`, {
      cause: error,
    });
  }

  const paths = new Map<FashionMnistFile, string>();
  const missing: string[] = [];
  for (const file of FASHION_MNIST_FILES) {
    if (names.has(file.name)) paths.set(file, join(dir, file.name));
    else if (names.has(file.rawName)) paths.set(file, join(dir, file.rawName));
    else missing.push(file.name);
  }
  if (missing.length === FASHION_MNIST_FILES.length) {
    const expected = missing.join(", ");
    throw new DatasetError(
      `${dir} contains none of the four Fashion-MNIST files: expected ` +
        `${expected} (or the same names without .gz), found none of them.`,
    );
  }
  if (missing.length > 0) {
    const present = FASHION_MNIST_FILES.filter((f) => paths.has(f))
      .map((f) => f.name).join(", ");
    throw new DatasetError(
      `${dir} contains only some of the Fashion-MNIST files: found ` +
        `${present}; missing ${missing.join(", ")}. Add the missing ones ` +
        "(published at " +
        `${FASHION_MNIST_BASE_URL}), or install Debian's copy with ` +
        "`sudo apt-get install dataset-fashion-mnist`.",
    );
  }

  const [trainImages, trainLabels, testImages, testLabels] = FASHION_MNIST_FILES;
  return {
    train: await readSplit(
      paths.get(trainImages)!,
      paths.get(trainLabels)!,
      "train",
      options.sharedMemory,
    ),
    test: await readSplit(
      paths.get(testImages)!,
      paths.get(testLabels)!,
      "test",
      options.sharedMemory,
    ),
    classNames: CLASS_NAMES,
    source: dir,
  };
}

/** Options of {@linkcode readFashionMnistDir}. */
export interface ReadOptions {
  /**
   * Put pixels and labels in `SharedArrayBuffer`s, so that posting the
   * dataset to workers shares one copy (220 MB as float32) instead of
   * copying it. Nothing may write to the arrays afterwards. Default false.
   */
  sharedMemory?: boolean;
}

/** Reads and checks the images and labels of one split. */
async function readSplit(
  imagesPath: string,
  labelsPath: string,
  split: string,
  sharedMemory = false,
): Promise<Split> {
  const images = checkImages(await readWithHint(imagesPath), imagesPath);
  const labels = checkLabels(await readWithHint(labelsPath), labelsPath);
  const count = images.dims[0];
  if (labels.data.length !== count) {
    throw new DatasetError(
      `The ${split} files disagree: ${imagesPath} contains ${count} images but ${labelsPath} ` +
        `contains ${labels.data.length} labels; expected one label per image. One of them is ` +
        `from another copy or version. ${REPAIR_HINT}`,
    );
  }
  if (!sharedMemory) {
    return { images: toUnitFloats(images.data, new Float32Array(images.data.length)), labels: labels.data, count };
  }
  const sharedLabels = new Uint8Array(new SharedArrayBuffer(labels.data.length));
  sharedLabels.set(labels.data);
  const sharedImages = new Float32Array(new SharedArrayBuffer(images.data.length * Float32Array.BYTES_PER_ELEMENT));
  return { images: toUnitFloats(images.data, sharedImages), labels: sharedLabels, count };
}

async function readWithHint(path: string): Promise<IdxArray> {
  try {
    return await readIdxFile(path);
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error;
    // A file that cannot be opened is a matter of permissions: deleting it is no advice.
    const unreadable = error.cause instanceof Deno.errors.PermissionDenied ||
      error.cause instanceof Deno.errors.NotCapable ||
      error.cause instanceof Deno.errors.NotFound ||
      error.cause instanceof Deno.errors.IsADirectory;
    if (unreadable) throw error;
    throw new DatasetError(`${error.message} ${REPAIR_HINT}`, { cause: error });
  }
}

function checkImages(idx: IdxArray, path: string): IdxArray {
  if (idx.magic !== IDX_IMAGES_MAGIC) {
    const found = `${idx.magic}${kindOf(idx.magic)}`;
    throw new DatasetError(
      `${path} is not an IDX image file: expected magic number ` +
        `${IDX_IMAGES_MAGIC} (images, 3 dimensions), found ${found}. ` +
        REPAIR_HINT,
    );
  }
  const [, rows, cols] = idx.dims;
  if (rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) {
    const side = IMAGE_SIZE;
    const found = idx.dims.join("×");
    throw new DatasetError(
      `${path} contains images of ${rows}×${cols} pixels: expected ` +
        `${side}×${side} (Fashion-MNIST), found ${found} in its header. ` +
        REPAIR_HINT,
    );
  }
  return idx;
}

function checkLabels(idx: IdxArray, path: string): IdxArray {
  if (idx.magic !== IDX_LABELS_MAGIC) {
    const found = `${idx.magic}${kindOf(idx.magic)}`;
    throw new DatasetError(
      `${path} is not an IDX label file: expected magic number ` +
        `${IDX_LABELS_MAGIC} (labels, 1 dimension), found ${found}. ` +
        REPAIR_HINT,
    );
  }
  const labels = idx.data;
  const classes = CLASS_NAMES.length;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes) {
      throw new DatasetError(
        `${path} contains a label outside the ${classes} classes: expected ` +
          `0 to ${classes - 1}, found ${labels[i]} at index ${i}. ` +
          REPAIR_HINT,
      );
    }
  }
  return idx;
}

function kindOf(magic: number): string {
  if (magic === IDX_IMAGES_MAGIC) return " (images)";
  if (magic === IDX_LABELS_MAGIC) return " (labels)";
  return "";
}

/** Scales pixels 0..255 to float32 in [0, 1], written into `out` (same length). */
function toUnitFloats(pixels: Uint8Array, out: Float32Array): Float32Array {
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  return out;
}
