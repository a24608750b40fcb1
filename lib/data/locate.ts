/**
 * Where Fashion-MNIST is looked for, in order: the `dataDir` option (commands
 * pass their `--data-dir`), the `FASHION_MNIST_DIR` environment variable, the
 * project copy in `<repo>/data/fashion-mnist/`, Debian's package
 * dataset-fashion-mnist, and last a download into the project copy.
 *
 * The project folder is found from this module's own address, never from the
 * working directory: notebooks run with their own folder as working directory.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";
import { FASHION_MNIST_BASE_URL } from "./files.ts";

/** Environment variable naming a folder that contains the four files. */
export const DATA_DIR_ENV = "FASHION_MNIST_DIR";

/** Folder into which Debian's dataset-fashion-mnist installs the four published `.gz` files. */
export const DEBIAN_DATA_DIR = "/usr/share/datasets/fashion-mnist";

/** Options that decide where Fashion-MNIST is looked for. */
export interface DataSearchOptions {
  /** A folder containing the four files. When set, it must work: the search stops there. */
  dataDir?: string;
  /** Project copy and download target. Default `<repo>/data/fashion-mnist`. */
  cacheDir?: string;
  /** The system-wide copy. Default {@linkcode DEBIAN_DATA_DIR}; tests point it elsewhere. */
  systemDir?: string;
  /** Download the missing files when no folder works. Default true. */
  download?: boolean;
  /** Address the four files are downloaded from. Default {@linkcode FASHION_MNIST_BASE_URL}. */
  baseUrl?: string;
}

/** One folder the search looks in. */
export interface DataPlace {
  /** Step of the search that this place is. */
  kind: "option" | "env" | "project" | "system";
  /** Name of the place in messages, for example `"Debian package dataset-fashion-mnist"`. */
  label: string;
  /** Absolute path of the folder, or null when the option or variable is not set. */
  dir: string | null;
  /**
   * True for a place the user named (option or environment variable): if it
   * is set and does not work, loading fails there instead of looking further.
   */
  explicit: boolean;
}

/**
 * Returns the project copy's folder, `<repo>/data/fashion-mnist`, resolved
 * from this module's location, or null when the module was not loaded from a file.
 */
export function projectDataDir(): string | null {
  const root = new URL("../../", import.meta.url);
  return root.protocol === "file:" ? join(fileURLToPath(root), "data", "fashion-mnist") : null;
}

/**
 * Lists the folders searched, in order. A relative `dataDir` or variable is
 * taken relative to the working directory, as a command-line path is.
 *
 * @param options the same options {@linkcode loadFashionMnist} takes.
 * @returns four places: option, environment variable, project copy, Debian's copy.
 */
export function dataSearchPlaces(options: DataSearchOptions = {}): DataPlace[] {
  const env = readEnvDir();
  return [
    {
      kind: "option",
      label: "--data-dir option",
      dir: options.dataDir ? resolve(options.dataDir) : null,
      explicit: true,
    },
    {
      kind: "env",
      label: env.label,
      dir: env.value ? resolve(env.value) : null,
      explicit: true,
    },
    {
      kind: "project",
      label: options.cacheDir === undefined ? "project copy" : "cacheDir option",
      dir: downloadDir(options),
      explicit: false,
    },
    {
      kind: "system",
      label: "Debian package dataset-fashion-mnist",
      dir: resolve(options.systemDir ?? DEBIAN_DATA_DIR),
      explicit: false,
    },
  ];
}

/** Returns the folder that downloads go into: `cacheDir`, or the project copy. */
export function downloadDir(options: DataSearchOptions = {}): string | null {
  return options.cacheDir !== undefined ? resolve(options.cacheDir) : projectDataDir();
}

/**
 * Describes the search as numbered lines, for a command's help or log.
 *
 * @example
 * ```ts
 * console.log(describeDataSearch({ dataDir: args["data-dir"] }));
 * // 1. --data-dir option: not set
 * // 2. environment variable FASHION_MNIST_DIR: not set
 * // 3. project copy: /home/me/relu-softmax-lab/data/fashion-mnist
 * // 4. Debian package dataset-fashion-mnist: /usr/share/datasets/fashion-mnist
 * // 5. download from http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ into …
 * ```
 */
export function describeDataSearch(options: DataSearchOptions = {}): string {
  const lines = dataSearchPlaces(options).map((place) => `${place.label}: ${place.dir ?? "not set"}`);
  lines.push(describeDownload(options));
  return lines.map((line, i) => `${i + 1}. ${line}`).join("\n");
}

/**
 * Names the place a loaded dataset came from, for a command's log:
 * `"Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)"`.
 *
 * @param source `Dataset.source`, the folder the files were read from.
 * @param options the options the dataset was loaded with.
 */
export function describeDataSource(
  source: string,
  options: DataSearchOptions = {},
): string {
  const place = dataSearchPlaces(options).find((p) => p.dir === source);
  return place ? `${place.label} (${source})` : source;
}

/** Describes the last step of the search (the download) in words. */
export function describeDownload(options: DataSearchOptions = {}): string {
  if (options.download === false) return "download: turned off";
  const dir = downloadDir(options) ?? "(no folder: pass cacheDir)";
  const url = options.baseUrl ?? FASHION_MNIST_BASE_URL;
  return `download from ${url} into ${dir}`;
}

/** Reads the environment variable. Without `--allow-env` it counts as not set, and its label shows why. */
function readEnvDir(): { label: string; value: string | undefined } {
  const label = `environment variable ${DATA_DIR_ENV}`;
  try {
    return { label, value: Deno.env.get(DATA_DIR_ENV) || undefined };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
    return {
      label: `${label} (unread: run with --allow-env)`,
      value: undefined,
    };
  }
}
