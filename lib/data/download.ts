/**
 * Downloading the four Fashion-MNIST files. Each file is written to a
 * temporary file in its target folder, checked (length, content, MD5) and only
 * then renamed to its real name, so a failed download never leaves a file the
 * loader would pick up.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { describeStart, isGzip, looksLikeText } from "./_bytes.ts";
import { describeFsError } from "./_fs_error.ts";
import { DatasetError } from "./dataset_error.ts";
import { FASHION_MNIST_BASE_URL, FASHION_MNIST_FILES } from "./files.ts";

/** Default stall timeout: milliseconds without a byte after which a download is abandoned. */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/** Progress of one file's download, reported after every chunk and once at the end. */
export interface DownloadProgress {
  /** File name, for example `"train-images-idx3-ubyte.gz"`. */
  file: string;
  /** Address the file comes from. */
  url: string;
  /** Bytes received so far. */
  receivedBytes: number;
  /** Length announced by the server (Content-Length), or null when it sent none. */
  totalBytes: number | null;
  /** True once, after the file was checked and moved into place. */
  done: boolean;
}

/** Options of {@linkcode downloadFile}. */
export interface DownloadFileOptions {
  /** Expected MD5 of the body, lowercase hex. Not checked when absent. */
  md5?: string;
  /** The fetch to use. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Called after every chunk and once when the file is in place. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Cancels the download; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Give up when no byte arrives for this many milliseconds, > 0. Default 30 000. */
  timeoutMs?: number;
}

/**
 * Downloads one gzip file to `dest` atomically: the body goes to a temporary
 * file next to `dest`, which is renamed only when the body is complete,
 * gzip (not an HTML page) and, when `md5` is given, has that checksum.
 *
 * @param url address of the file.
 * @param dest final path; its folder is created if needed.
 * @param options checksum, progress callback, abort signal and stall timeout.
 * @returns number of bytes written and their MD5 (lowercase hex).
 * @throws {DatasetError} on a network error, a status other than 200, a body cut
 *   off before its announced length, a stall, a text or HTML body, or an MD5
 *   mismatch; no file is left behind in any of these cases.
 */
export async function downloadFile(
  url: string,
  dest: string,
  options: DownloadFileOptions = {},
): Promise<{ bytes: number; md5: string }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  if (!(timeoutMs > 0)) {
    throw new RangeError(
      `Invalid timeoutMs ${timeoutMs}: expected a number of milliseconds > 0.`,
    );
  }
  const file = basename(dest);
  const report = (
    receivedBytes: number,
    totalBytes: number | null,
    done: boolean,
  ) => options.onProgress?.({ file, url, receivedBytes, totalBytes, done });

  // A timeout on the whole download would cut slow but working connections;
  // a timer reset by every chunk only ends downloads that have stopped.
  const stall = new AbortController();
  let received = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const armStallTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const seconds = timeoutMs / 1000;
      stall.abort(
        new DatasetError(
          `The download of ${url} stalled: no data for ${seconds} s after ` +
            `${received} bytes. Check network access to the address and ` +
            "rerun.",
        ),
      );
    }, timeoutMs);
  };
  const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
  const rethrowAbort = () => {
    if (options.signal?.aborted) throw options.signal.reason;
    if (stall.signal.aborted) throw stall.signal.reason;
  };

  let temp: string | null = null;
  try {
    armStallTimer();
    let response: Response;
    try {
      // identity: a server's transparent compression would change the bytes the MD5 covers.
      response = await (options.fetch ?? fetch)(url, {
        signal,
        headers: { "accept-encoding": "identity" },
      });
    } catch (error) {
      rethrowAbort();
      const reason = messageOf(error);
      throw new DatasetError(
        `Could not download ${url}: ${reason}. Check network access to ` +
          "the address.",
        { cause: error },
      );
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new DatasetError(
        `Could not download ${url}: expected status 200 OK, found ${response.status} ` +
          `${response.statusText}. Check the address (baseUrl) and rerun.`,
      );
    }
    const announced = response.headers.get("content-length");
    const totalBytes = announced !== null && /^\d+$/.test(announced) ? Number(announced) : null;

    await Deno.mkdir(dirname(dest), { recursive: true });
    temp = await Deno.makeTempFile({
      dir: dirname(dest),
      prefix: `.${file}.`,
      suffix: ".part",
    });
    const hash = createHash("md5");
    const head = new Uint8Array(64);
    const out = await Deno.open(temp, { write: true, truncate: true });
    try {
      for await (const chunk of response.body ?? []) {
        armStallTimer();
        if (received < head.length) {
          head.set(chunk.subarray(0, head.length - received), received);
        }
        hash.update(chunk);
        await writeAll(out, chunk);
        received += chunk.length;
        report(received, totalBytes, false);
      }
    } catch (error) {
      rethrowAbort();
      const expected = totalBytes ?? "all the";
      const reason = messageOf(error);
      throw new DatasetError(
        `The download of ${url} was cut off: expected ${expected} bytes, ` +
          `found ${received} before the connection failed (${reason}). ` +
          "Rerun to try again.",
        { cause: error },
      );
    } finally {
      out.close();
    }

    if (totalBytes !== null && received !== totalBytes) {
      throw new DatasetError(
        `The download of ${url} was cut off: expected ${totalBytes} bytes, ` +
          `found ${received}. Rerun to try again.`,
      );
    }
    const start = head.subarray(0, Math.min(received, head.length));
    if (!isGzip(start) && (received === 0 || looksLikeText(start))) {
      const type = response.headers.get("content-type") ?? "no content type";
      const begins = describeStart(start, 16);
      throw new DatasetError(
        `${url} did not send the gzip file ${file}: expected bytes 1f 8b, ` +
          `found ${received} bytes of ${type} starting with ${begins}, ` +
          "probably an error page. Check the address (baseUrl), or whether " +
          "a proxy answers in its place.",
      );
    }
    const md5 = hash.digest("hex");
    if (options.md5 !== undefined && md5 !== options.md5.toLowerCase()) {
      throw new DatasetError(
        `The download of ${url} has the wrong checksum: expected MD5 ` +
          `${options.md5}, found ${md5} (${received} bytes). The file is ` +
          "damaged or not the published one; rerun to try again, or " +
          "install Debian's copy with " +
          "`sudo apt-get install dataset-fashion-mnist`.",
      );
    }

    // makeTempFile creates 0600; the data is not secret and others may share the checkout.
    if (Deno.build.os !== "windows") await Deno.chmod(temp, 0o644);
    await Deno.rename(temp, dest);
    temp = null;
    report(received, totalBytes, true);
    return { bytes: received, md5 };
  } finally {
    clearTimeout(timer);
    if (temp !== null) await Deno.remove(temp).catch(() => {});
  }
}

/** Options of {@linkcode downloadFashionMnist}. */
export interface DownloadFashionMnistOptions extends Omit<DownloadFileOptions, "md5"> {
  /** Address the file names are appended to. Default {@linkcode FASHION_MNIST_BASE_URL}. */
  baseUrl?: string;
  /**
   * Expected MD5 per file name. Default: the published checksums. Tests serving
   * small stand-in files pass theirs.
   */
  checksums?: Readonly<Record<string, string>>;
}

/**
 * Downloads those of the four files that `dir` lacks (under their `.gz` or
 * un-gzipped name), checking each against its MD5. Files already there are
 * left alone, so an interrupted download resumes with the missing files.
 *
 * @param dir folder to download into; created if needed.
 * @param options address, checksums, progress callback, abort signal, stall timeout.
 * @returns names of the files downloaded, empty when none was missing.
 * @throws {DatasetError} as {@linkcode downloadFile} does.
 * @throws {TypeError} for a `baseUrl` that is not an absolute URL, or `checksums`
 *   without an entry for a file to download.
 */
export async function downloadFashionMnist(
  dir: string,
  options: DownloadFashionMnistOptions = {},
): Promise<string[]> {
  const { baseUrl = FASHION_MNIST_BASE_URL, checksums, ...fileOptions } = options;
  if (!URL.canParse(baseUrl)) {
    throw new TypeError(
      `Invalid baseUrl "${baseUrl}": expected an absolute address such as ${FASHION_MNIST_BASE_URL}.`,
    );
  }
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const downloaded: string[] = [];
  for (const file of FASHION_MNIST_FILES) {
    if (
      await exists(join(dir, file.name)) ||
      await exists(join(dir, file.rawName))
    ) continue;
    const md5 = checksums ? checksums[file.name] : file.md5;
    if (md5 === undefined) {
      throw new TypeError(
        `Invalid checksums: expected an MD5 for ${file.name}, found none.`,
      );
    }
    await downloadFile(new URL(file.name, base).href, join(dir, file.name), {
      ...fileOptions,
      md5,
    });
    downloaded.push(file.name);
  }
  return downloaded;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new DatasetError(`${describeFsError(error, path, "file")}.`, {
      cause: error,
    });
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    offset += await file.write(bytes.subarray(offset));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
