/**
 * Screenshots of reports with Debian's headless Chromium, with the network
 * switched off so that a report which still fetches anything shows the gap
 * instead of hiding it.
 *
 * @module
 */

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Chromium used unless `RELU_LAB_CHROMIUM` names another. */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** Debian package that installs {@linkcode DEFAULT_CHROMIUM}. */
export const CHROMIUM_PACKAGE = "chromium";

/** Window width in CSS pixels; reports are laid out for about this width. */
export const SCREENSHOT_WIDTH = 1000;

/** Window height in CSS pixels unless `--height` sets another: tall enough for the start of a report. */
export const DEFAULT_SCREENSHOT_HEIGHT = 2400;

/** Options of {@linkcode screenshotReport}. */
export interface ScreenshotOptions {
  /** Window height in CSS pixels, a positive integer; default {@linkcode DEFAULT_SCREENSHOT_HEIGHT}. */
  height?: number;
  /** Chromium binary; default {@linkcode DEFAULT_CHROMIUM}. */
  chromium?: string;
  /** Milliseconds Chromium may take before it is stopped; default 120,000. */
  timeoutMs?: number;
}

/**
 * Returns the command-line arguments that make Chromium write a PNG of
 * `url`: headless, no GPU, no sandbox (it runs as root in CI) and no
 * background traffic. Every request other than to loopback goes to a closed
 * proxy port, and no host name resolves.
 *
 * @param userDataDir a fresh empty folder, so no profile state leaks in.
 */
export function chromiumArguments(url: string, pngPath: string, height: number, userDataDir: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    `--user-data-dir=${userDataDir}`,
    // Port 9 (discard) has no listener here, so every proxied request fails at once.
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--hide-scrollbars",
    `--window-size=${SCREENSHOT_WIDTH},${height}`,
    `--screenshot=${pngPath}`,
    url,
  ];
}

/**
 * Writes a PNG screenshot of the HTML file `htmlPath` to `pngPath`.
 *
 * @throws {Error} when Chromium is missing (naming the Debian package to
 *   install), fails, times out or writes no PNG.
 * @throws {RangeError} when `height` is not a positive integer.
 */
export async function screenshotReport(
  htmlPath: string,
  pngPath: string,
  options: ScreenshotOptions = {},
): Promise<void> {
  const height = options.height ?? DEFAULT_SCREENSHOT_HEIGHT;
  if (!Number.isInteger(height) || height <= 0) {
    throw new RangeError(`Invalid screenshot height ${height}: expected a positive whole number of pixels.`);
  }
  const chromium = options.chromium ?? DEFAULT_CHROMIUM;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const htmlFile = resolve(htmlPath);
  const pngFile = resolve(pngPath);
  await Deno.stat(htmlFile);

  const userDataDir = await Deno.makeTempDir({ prefix: "relu-lab-chromium-" });
  try {
    await Deno.remove(pngFile).catch(() => {});
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(chromium, {
        args: chromiumArguments(pathToFileURL(htmlFile).href, pngFile, height, userDataDir),
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(timeoutMs),
      }).output();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new Error(
          `Chromium not found at ${chromium}: install it with \`sudo apt-get install ${CHROMIUM_PACKAGE}\`, ` +
            `or set RELU_LAB_CHROMIUM to a Chromium binary.`,
        );
      }
      throw error;
    }
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-5).join("\n");
    if (output.signal === "SIGTERM") {
      throw new Error(`Chromium took longer than ${timeoutMs / 1000} s to screenshot ${htmlFile} and was stopped.`);
    }
    if (!output.success) {
      throw new Error(`Chromium failed (exit code ${output.code}) on ${htmlFile}:\n${stderr}`);
    }
    let size = 0;
    try {
      size = (await Deno.stat(pngFile)).size;
    } catch {
      // Reported below together with Chromium's output.
    }
    if (size === 0) throw new Error(`Chromium exited without writing ${pngFile}:\n${stderr}`);
  } finally {
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }
}
