/**
 * Reading IDX files, the format of the MNIST family of datasets
 * (http://yann.lecun.com/exdb/mnist/): two zero bytes, a type byte, the number
 * of dimensions, one big-endian uint32 size per dimension, then the items in
 * row-major order. Only unsigned-byte data (type 0x08) is read: every
 * Fashion-MNIST file uses it.
 *
 * @module
 */

import { describeStart, isGzip, looksLikeText } from "./_bytes.ts";
import { describeFsError } from "./_fs_error.ts";
import { DatasetError } from "./dataset_error.ts";

/** Magic number of an IDX file of unsigned-byte images: type 0x08, three dimensions. */
export const IDX_IMAGES_MAGIC = 2051;
/** Magic number of an IDX file of unsigned-byte labels: type 0x08, one dimension. */
export const IDX_LABELS_MAGIC = 2049;

/** The contents of one IDX file. */
export interface IdxArray {
  /** The first four bytes as a big-endian integer: 2051 for images, 2049 for labels. */
  magic: number;
  /** Size of each dimension, for example `[60000, 28, 28]`. */
  dims: number[];
  /** The items, row-major, `dims` multiplied together bytes long. A view into the file's bytes. */
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = {
  0x08: "unsigned byte",
  0x09: "signed byte",
  0x0b: "int16",
  0x0c: "int32",
  0x0d: "float32",
  0x0e: "float64",
};

/**
 * Parses the bytes of an uncompressed IDX file and checks that the data is as
 * long as the header says.
 *
 * @param bytes the whole file, already un-gzipped.
 * @param source the file's path or name, used in error messages.
 * @returns magic number, dimensions and a view of the data (no copy).
 * @throws {DatasetError} for an empty file, bytes that are not IDX, a type
 *   other than unsigned byte, or data whose length disagrees with the header.
 *
 * @example
 * ```ts
 * const idx = parseIdx(bytes, "t10k-labels-idx1-ubyte");
 * idx.dims; // [10000]
 * ```
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length === 0) {
    throw new DatasetError(
      `${source} is empty: expected an IDX file (a header of at least ` +
        `8 bytes, then the data), found 0 bytes.`,
    );
  }
  if (
    bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 ||
    !(bytes[2] in TYPE_NAMES)
  ) {
    const text = looksLikeText(bytes)
      ? " It looks like text, perhaps an HTML error page saved in place " +
        "of the data."
      : "";
    throw new DatasetError(
      `${source} is neither gzip nor IDX: expected it to start with ` +
        `1f 8b (gzip) or 00 00 08 (IDX), found ${describeStart(bytes)}.` +
        text,
    );
  }
  const type = bytes[2];
  if (type !== 0x08) {
    const hex = type.toString(16).padStart(2, "0");
    throw new DatasetError(
      `${source} stores IDX type 0x${hex} (${TYPE_NAMES[type]}): expected ` +
        "type 0x08 (unsigned byte), the type of every Fashion-MNIST file.",
    );
  }
  const rank = bytes[3];
  const headerBytes = 4 + 4 * rank;
  if (rank === 0 || bytes.length < headerBytes) {
    const needed = Math.max(headerBytes, 8);
    throw new DatasetError(
      `${source} ends inside its IDX header: expected ${needed} header ` +
        `bytes for ${rank} dimension(s), found ${bytes.length} bytes in all.`,
    );
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerBytes;
  if (found !== expected) {
    const claim = describeDims(magic, dims);
    const explanation = explainMismatch(magic, dims, expected, found);
    throw new DatasetError(
      `${source} does not contain the data its header describes: the header ` +
        `says ${claim}, so expected ${expected} data bytes after the ` +
        `${headerBytes}-byte header, found ${found}: ${explanation}.`,
    );
  }
  return { magic, dims, data: bytes.subarray(headerBytes) };
}

/**
 * Reads an IDX file from disk, gzip-compressed or not. Compression is detected
 * from the first two bytes (1f 8b), not from the name: a server may hand over
 * a file named `.gz` that it already decompressed.
 *
 * @param path the file to read.
 * @returns the parsed file, as {@linkcode parseIdx} gives it.
 * @throws {DatasetError} when the file cannot be read, does not decompress
 *   (cut off or damaged), or is not valid IDX.
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new DatasetError(`${describeFsError(error, path, "file")}.`, {
      cause: error,
    });
  }
  if (isGzip(bytes)) {
    const compressed = bytes.length;
    try {
      bytes = await gunzip(bytes);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new DatasetError(
        `${path} is a gzip file that does not decompress: it is cut off or damaged. Expected a ` +
          `complete gzip stream, found ${compressed} bytes that fail (${detail}).`,
        { cause: error },
      );
    }
    if (bytes.length === 0) {
      throw new DatasetError(
        `${path} is a gzip file that decompresses to nothing: expected an IDX file inside, ` +
          `found 0 bytes.`,
      );
    }
  }
  return parseIdx(bytes, path);
}

/** Decompresses a whole gzip file with the web-standard DecompressionStream. */
async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new DecompressionStream("gzip");
  const writer = stream.writable.getWriter();
  // Failures surface on the readable side; these two promises would only repeat them.
  writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream.readable) {
    chunks.push(chunk);
    total += chunk.length;
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Words the header's shape: "60000 images of 28×28 pixels", "10000 labels", "3 items of 4×5". */
function describeDims(magic: number, dims: number[]): string {
  const [count, ...item] = dims;
  if (magic === IDX_LABELS_MAGIC) return `${count} labels`;
  if (magic === IDX_IMAGES_MAGIC) {
    return `${count} images of ${item.join("×")} pixels`;
  }
  return item.length ? `${count} items of ${item.join("×")}` : `${count} items`;
}

/** Describes what the data present amounts to, so that the message separates a count problem from a size problem. */
function explainMismatch(
  magic: number,
  dims: number[],
  expected: number,
  found: number,
): string {
  const [count, ...item] = dims;
  let noun = "items";
  if (magic === IDX_IMAGES_MAGIC) noun = "images";
  if (magic === IDX_LABELS_MAGIC) noun = "labels";
  const itemBytes = item.reduce((a, b) => a * b, 1);
  if (item.length > 0 && found % itemBytes === 0) {
    return `that is ${found / itemBytes} whole ${noun} of ${item.join("×")}, ` +
      `but the header counts ${count}`;
  }
  // Only a square item size reads as images stored at another resolution.
  const side = Math.round(Math.sqrt(found / count));
  if (item.length > 0 && count > 0 && side * side * count === found) {
    const claimed = item.join("×");
    return `that is ${count} ${noun} of ${side}×${side} each, ` +
      `not ${claimed} as the header claims`;
  }
  if (item.length === 0) {
    return `that is ${found} ${noun}, but the header counts ${count}`;
  }
  return found < expected ? "the file is cut off or damaged" : "extra bytes follow the data";
}
