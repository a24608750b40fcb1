/**
 * `reports/index.json`: the rows of the index kept between runs, so that
 * `deno task report --notebooks 02` refreshes one row and keeps the others.
 *
 * @module
 */

import { join } from "node:path";
import { atomicWriteTextFile } from "../../lib/store/atomic_write.ts";
import type { ReportEntry } from "./index_page.ts";

/** File name of the manifest in the reports folder. */
export const MANIFEST_FILE = "index.json";

const MANIFEST_VERSION = 1;

/**
 * Reads the rows stored by the previous run. A missing, unreadable or
 * malformed manifest gives no rows: it is a cache of the index, and the next
 * full run rebuilds it.
 */
export async function readManifest(outDir: string): Promise<ReportEntry[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await Deno.readTextFile(join(outDir, MANIFEST_FILE)));
  } catch {
    return [];
  }
  const manifest = parsed as { version?: unknown; entries?: unknown };
  if (manifest?.version !== MANIFEST_VERSION || !Array.isArray(manifest.entries)) return [];
  return manifest.entries.filter((entry): entry is ReportEntry =>
    typeof entry?.name === "string" && typeof entry?.title === "string" && typeof entry?.status === "string"
  );
}

/**
 * Merges the rows of this run into the previous ones. A row of this run
 * replaces the previous row of the same notebook. A previous row survives
 * only while its notebook is among `notebookNames` and its report file
 * exists in `outDir`. Rows come out in name order.
 */
export async function mergeEntries(
  previous: ReportEntry[],
  current: ReportEntry[],
  notebookNames: string[],
  outDir: string,
): Promise<ReportEntry[]> {
  const byName = new Map<string, ReportEntry>();
  for (const entry of previous) {
    if (!notebookNames.includes(entry.name) || entry.href === null) continue;
    if (await exists(join(outDir, entry.href))) byName.set(entry.name, entry);
  }
  for (const entry of current) byName.set(entry.name, entry);
  // Plain code-unit order, as the notebooks are listed, not the locale's collation.
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Writes `entries` as the manifest of `outDir`, atomically. */
export async function writeManifest(outDir: string, entries: ReportEntry[]): Promise<void> {
  const text = JSON.stringify({ version: MANIFEST_VERSION, entries }, null, 2) + "\n";
  await atomicWriteTextFile(join(outDir, MANIFEST_FILE), text);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
