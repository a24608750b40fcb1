/**
 * Loading Fashion-MNIST from wherever it is: the first folder of the search
 * (see {@linkcode dataSearchPlaces}) that contains the four files, or a download
 * when none does. When nothing works, one error lists every place tried and
 * how to get the data.
 *
 * @module
 */

import { DatasetError } from "./dataset_error.ts";
import { downloadFashionMnist, type DownloadFashionMnistOptions, type DownloadProgress } from "./download.ts";
import { FASHION_MNIST_BASE_URL, FASHION_MNIST_FILES } from "./files.ts";
import {
  DATA_DIR_ENV,
  type DataSearchOptions,
  dataSearchPlaces,
  DEBIAN_DATA_DIR,
  describeDownload,
  downloadDir,
} from "./locate.ts";
import { readFashionMnistDir } from "./read_dir.ts";
import type { Dataset } from "./types.ts";

/** Event reported while loading searches folders and downloads files. */
export type DataLoadEvent =
  /** A folder was looked at: used, or skipped with the reason. */
  | {
    type: "search";
    label: string;
    dir: string;
    outcome: "used" | "skipped";
    reason?: string;
  }
  /** Download progress of one file. */
  | ({ type: "download" } & DownloadProgress);

/** Options of {@linkcode loadFashionMnist}. */
export interface LoadFashionMnistOptions extends DataSearchOptions {
  /** The fetch used for downloads. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Called for each folder looked at and for download progress. The library never prints. */
  onProgress?: (event: DataLoadEvent) => void;
  /** Expected MD5 per file name for downloads. Default: the published checksums. */
  checksums?: DownloadFashionMnistOptions["checksums"];
  /** Give up a download when no byte arrives for this many milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Cancels a download; loading then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Load into `SharedArrayBuffer`s, for workers to share: see `ReadOptions.sharedMemory` in read_dir.ts. Default false. */
  sharedMemory?: boolean;
}

/**
 * Loads Fashion-MNIST: 60,000 training and 10,000 test images of 28×28 pixels
 * with their labels.
 *
 * Search order: (1) `dataDir`, (2) the `FASHION_MNIST_DIR` environment
 * variable, (3) `<repo>/data/fashion-mnist` (or `cacheDir`), (4) Debian's
 * `/usr/share/datasets/fashion-mnist`, (5) a download of the missing files into
 * (3), checked against the published MD5s. A folder that does not exist is
 * skipped; a folder given by (1) or (2) that does not work is an error.
 *
 * Needs read access to the folders; `--allow-env` for (2); `--allow-net` and
 * write access to (3) for (5).
 *
 * @param options where to look, whether to download, and a progress callback.
 * @returns both splits, images float32 in [0, 1] and labels uint8 in [0, 9];
 *   `source` is the folder the files were read from.
 * @throws {DatasetError} when a named folder does not work, or when nothing
 *   does: then the message lists every place tried and what was wrong there.
 *
 * @example
 * ```ts
 * const data = await loadFashionMnist({ dataDir: args["data-dir"] });
 * console.log(`${data.train.count} training images from ${data.source}`);
 * ```
 */
export async function loadFashionMnist(
  options: LoadFashionMnistOptions = {},
): Promise<Dataset> {
  const { onProgress } = options;
  const tried: string[] = [];

  for (const place of dataSearchPlaces(options)) {
    if (place.dir === null) {
      tried.push(`${place.label}: not set`);
      continue;
    }
    if (!place.explicit && !(await folderExists(place.dir))) {
      tried.push(`${place.label} ${place.dir}: does not exist`);
      onProgress?.(
        searchEvent(place.label, place.dir, "skipped", "does not exist"),
      );
      continue;
    }
    try {
      const dataset = await readFashionMnistDir(place.dir, { sharedMemory: options.sharedMemory });
      onProgress?.(searchEvent(place.label, place.dir, "used"));
      return dataset;
    } catch (error) {
      if (!(error instanceof DatasetError)) throw error;
      if (place.explicit) {
        const unset = place.kind === "env" ? `, or unset ${DATA_DIR_ENV} to search the usual places` : "";
        throw new DatasetError(
          `The folder given by the ${place.label} cannot be used: ${error.message} ` +
            `Point it at a folder containing the four Fashion-MNIST files${unset}.`,
          { cause: error },
        );
      }
      tried.push(`${place.label} ${place.dir}: ${error.message}`);
      onProgress?.(
        searchEvent(place.label, place.dir, "skipped", error.message),
      );
    }
  }

  const dir = downloadDir(options);
  if (options.download !== false && dir !== null) {
    try {
      await downloadFashionMnist(dir, {
        baseUrl: options.baseUrl,
        checksums: options.checksums,
        fetch: options.fetch,
        signal: options.signal,
        timeoutMs: options.timeoutMs,
        onProgress: onProgress &&
          ((progress) => onProgress({ type: "download", ...progress })),
      });
      const dataset = await readFashionMnistDir(dir, { sharedMemory: options.sharedMemory });
      onProgress?.(searchEvent("download", dir, "used"));
      return dataset;
    } catch (error) {
      if (!(error instanceof DatasetError)) throw error;
      tried.push(`${describeDownload(options)}: ${error.message}`);
    }
  } else {
    tried.push(describeDownload(options));
  }
  throw new DatasetError(notFoundMessage(tried, options));
}

function searchEvent(
  label: string,
  dir: string,
  outcome: "used" | "skipped",
  reason?: string,
): DataLoadEvent {
  return { type: "search", label, dir, outcome, reason };
}

async function folderExists(dir: string): Promise<boolean> {
  try {
    await Deno.stat(dir);
    return true;
  } catch (error) {
    // Other failures (permissions) are explained by readFashionMnistDir.
    return !(error instanceof Deno.errors.NotFound);
  }
}

function notFoundMessage(tried: string[], options: DataSearchOptions): string {
  const names = FASHION_MNIST_FILES.map((f) => f.name).join(", ");
  const target = downloadDir(options) ?? "the cacheDir folder";
  const url = options.baseUrl ?? FASHION_MNIST_BASE_URL;
  return [
    "Fashion-MNIST was not found. Places tried, in order:",
    ...tried.map((line, i) => `  ${i + 1}. ${line}`),
    "To get the data, do one of these:",
    "  - install Debian's copy: sudo apt-get install dataset-fashion-mnist " +
    `(into ${DEBIAN_DATA_DIR})`,
    `  - allow network access to ${url} and rerun ` +
    `(the files are saved in ${target})`,
    `  - pass --data-dir DIR, or set ${DATA_DIR_ENV}=DIR, for a folder ` +
    `containing ${names}`,
  ].join("\n");
}
