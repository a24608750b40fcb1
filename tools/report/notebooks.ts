/**
 * Finding the notebooks a report run executes: every `*.ipynb` of a folder
 * in name order, an optional subset by file name prefix, and each
 * notebook's title.
 *
 * @module
 */

import { join } from "node:path";

/** One notebook to execute. */
export interface NotebookFile {
  /** Absolute path of the `.ipynb` file. */
  path: string;
  /** File name without `.ipynb`, for example `"01-architecture"`; also the report's file name. */
  name: string;
  /** Text of the first Markdown heading, or `name` when the notebook has none. */
  title: string;
}

/**
 * Lists the notebooks of `dir` in name order, which is reading order since
 * their names start with a number.
 *
 * @throws {Deno.errors.NotFound} when `dir` does not exist.
 * @throws {SyntaxError} when a notebook is not valid JSON, naming the file.
 */
export async function listNotebooks(dir: string): Promise<NotebookFile[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".ipynb")) names.push(entry.name);
  }
  names.sort();

  const notebooks: NotebookFile[] = [];
  for (const fileName of names) {
    const path = join(dir, fileName);
    const name = fileName.slice(0, -".ipynb".length);
    let notebook: unknown;
    try {
      notebook = JSON.parse(await Deno.readTextFile(path));
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new SyntaxError(`${path} is not a valid notebook: ${error.message}`);
    }
    notebooks.push({ path, name, title: notebookTitle(notebook) ?? name });
  }
  return notebooks;
}

/**
 * Keeps the notebooks whose file names start with one of `prefixes`, in
 * their original order; `null` keeps all.
 *
 * @throws {RangeError} when a prefix matches no notebook, listing the names
 *   that exist.
 */
export function selectNotebooks(notebooks: NotebookFile[], prefixes: string[] | null): NotebookFile[] {
  if (prefixes === null) return notebooks;
  for (const prefix of prefixes) {
    if (!notebooks.some((notebook) => notebook.name.startsWith(prefix))) {
      const available = notebooks.map((notebook) => notebook.name).join(", ") || "none";
      throw new RangeError(`--notebooks: no notebook name starts with "${prefix}"; available: ${available}.`);
    }
  }
  return notebooks.filter((notebook) => prefixes.some((prefix) => notebook.name.startsWith(prefix)));
}

/**
 * Returns the text of the first Markdown heading (`#` to `######`) of a
 * parsed notebook, with inline Markdown marks (`` ` ``, `*`, `_`) removed,
 * or `null` when no Markdown cell has a heading.
 */
export function notebookTitle(notebook: unknown): string | null {
  const cells = (notebook as { cells?: unknown })?.cells;
  if (!Array.isArray(cells)) return null;
  for (const cell of cells) {
    if (cell?.cell_type !== "markdown") continue;
    // nbformat stores source as one string or as a list of lines.
    const source = Array.isArray(cell.source) ? cell.source.join("") : String(cell.source ?? "");
    for (const line of source.split("\n")) {
      const heading = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
      // Drop code spans, bold and emphasis markers, but keep underscores inside words such as log_softmax.
      if (heading) return heading[1].replace(/[`*]|\b_|_\b/g, "").trim();
    }
  }
  return null;
}
