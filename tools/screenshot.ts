/**
 * `deno task screenshot REPORT.html [OUT.png] [--height PIXELS]`: a PNG of
 * a report as headless Chromium shows it with the network off, 1000 pixels
 * wide. OUT.png defaults to the report's path with `.png`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { DEFAULT_SCREENSHOT_HEIGHT, SCREENSHOT_WIDTH, screenshotReport } from "./report/screenshot.ts";

const USAGE = `Usage: deno task screenshot REPORT.html [OUT.png] [--height PIXELS]

Writes a PNG of REPORT.html as headless Chromium renders it with the network
off, ${SCREENSHOT_WIDTH} pixels wide and --height pixels tall (default ${DEFAULT_SCREENSHOT_HEIGHT}).
OUT.png defaults to REPORT.png. RELU_LAB_CHROMIUM selects another Chromium binary.`;

/** Runs the command with `args` and returns its exit status. */
export async function main(args: string[]): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { height: { type: "string" }, help: { type: "boolean" } },
    }));
  } catch (error) {
    console.error(`screenshot: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length < 1 || positionals.length > 2) {
    console.error(
      `screenshot: expected a report and an optional PNG path, got ${positionals.length} arguments\n\n${USAGE}`,
    );
    return 2;
  }
  const [htmlPath, pngPath = htmlPath.replace(/\.html?$/i, "") + ".png"] = positionals;
  const height = values.height === undefined ? DEFAULT_SCREENSHOT_HEIGHT : Number(values.height);
  if (!Number.isInteger(height) || height <= 0) {
    console.error(`screenshot: invalid --height "${values.height}": expected a positive whole number of pixels`);
    return 2;
  }

  try {
    await screenshotReport(htmlPath, pngPath, { height, chromium: Deno.env.get("RELU_LAB_CHROMIUM") });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      console.error(`screenshot: no such report: ${htmlPath}`);
    } else {
      console.error(`screenshot: ${(error as Error).message}`);
    }
    return 1;
  }
  console.error(`screenshot: wrote ${pngPath}`);
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
