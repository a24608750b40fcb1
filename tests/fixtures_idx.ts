/**
 * Builds small IDX files and Fashion-MNIST folders for the dataset tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { DatasetError } from "../lib/data/dataset_error.ts";

/**
 * Encodes an IDX file: big-endian magic, one uint32 per dimension, then `data`
 * (default: `product(dims)` bytes of `(i * 37) % 256`, so 0 and 255 occur).
 */
export function idxBytes(
  magic: number,
  dims: number[],
  data?: Uint8Array,
): Uint8Array {
  const body = data ?? patternBytes(dims.reduce((a, b) => a * b, 1));
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(body, 4 + 4 * dims.length);
  return out;
}

/** `count` bytes of the pattern `(i * 37) % 256`. */
export function patternBytes(count: number): Uint8Array {
  return Uint8Array.from({ length: count }, (_, i) => (i * 37) % 256);
}

/** Builds an IDX image file of `count` images of `side`×`side` pixels. */
export function imagesIdx(count: number, side = 28): Uint8Array {
  return idxBytes(2051, [count, side, side]);
}

/** Builds an IDX label file. Labels default to `i % 10`. */
export function labelsIdx(
  count: number,
  label: (i: number) => number = (i) => i % 10,
): Uint8Array {
  return idxBytes(
    2049,
    [count],
    Uint8Array.from({ length: count }, (_, i) => label(i)),
  );
}

/** Gzip-compresses bytes with CompressionStream. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Options of {@linkcode writeFashionDir}. */
export interface FashionDirOptions {
  /** Training images (and labels). Default 6. */
  train?: number;
  /** Test images (and labels). Default 4. */
  test?: number;
  /** Write gzip files named `.gz` (default) or raw files named without `.gz`. */
  gzip?: boolean;
  /** Published names (`.gz`) of files to leave out. */
  omit?: string[];
  /** Contents to write instead of the generated ones, by published name; written as given. */
  replace?: Record<string, Uint8Array>;
}

/**
 * Writes a small but valid Fashion-MNIST folder (creating it), with the
 * published file names.
 *
 * @returns the contents written, by published name (gzip bytes when `gzip`).
 */
export async function writeFashionDir(
  dir: string,
  options: FashionDirOptions = {},
): Promise<Record<string, Uint8Array>> {
  const { train = 6, test = 4, omit = [], replace = {} } = options;
  const compress = options.gzip ?? true;
  const raw: Record<string, Uint8Array> = {
    "train-images-idx3-ubyte.gz": imagesIdx(train),
    "train-labels-idx1-ubyte.gz": labelsIdx(train),
    "t10k-images-idx3-ubyte.gz": imagesIdx(test),
    "t10k-labels-idx1-ubyte.gz": labelsIdx(test),
  };
  await Deno.mkdir(dir, { recursive: true });
  const written: Record<string, Uint8Array> = {};
  for (const [name, bytes] of Object.entries(raw)) {
    if (omit.includes(name)) continue;
    const contents = replace[name] ?? (compress ? await gzip(bytes) : bytes);
    await Deno.writeFile(
      join(dir, compress ? name : name.replace(/\.gz$/, "")),
      contents,
    );
    written[name] = contents;
  }
  return written;
}

/** Runs `fn` with a fresh temporary folder, removed afterwards. */
export async function withTempDir<T>(
  fn: (dir: string) => T | Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "relu-softmax-lab-data-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Lists a folder's entries, sorted. */
export async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

/** Runs `fn` with an environment variable set (or removed, for `undefined`), then restores it. */
export async function withEnv<T>(
  name: string,
  value: string | undefined,
  fn: () => T | Promise<T>,
): Promise<T> {
  const before = Deno.env.get(name);
  if (value === undefined) Deno.env.delete(name);
  else Deno.env.set(name, value);
  try {
    return await fn();
  } finally {
    if (before === undefined) Deno.env.delete(name);
    else Deno.env.set(name, before);
  }
}

/** The running user is root, and root bypasses file permissions. */
export const IS_ROOT = Deno.build.os !== "windows" && Deno.uid() === 0;

/** MD5 of bytes, lowercase hex. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/**
 * Asserts that `action` fails with a DatasetError whose message contains every
 * one of `parts`, and returns that message.
 */
export async function datasetErrorMessage(
  action: () => unknown,
  parts: string[],
): Promise<string> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof DatasetError)) {
    const got = caught === undefined ? "no error" : String(caught);
    throw new assert.AssertionError({
      message: `expected a DatasetError, got ${got}`,
    });
  }
  for (const part of parts) {
    assert.ok(
      caught.message.includes(part),
      `message lacks "${part}":\n${caught.message}`,
    );
  }
  return caught.message;
}
