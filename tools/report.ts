/**
 * `deno task report`: executes every notebook of `notebooks/` headlessly on
 * Deno's Jupyter kernel, in name order, and writes one self-contained HTML
 * report per notebook plus `index.html` to `reports/`.
 *
 * When a cell raises or times out, the command names the notebook, the cell
 * and the error. The other notebooks still run and get their reports, and
 * the command exits with status 1 at the end. Usage errors exit with status 2.
 * `deno task report --help` lists the options.
 *
 * @module
 */

import { join, relative } from "node:path";
import { atomicWriteTextFile } from "../lib/store/atomic_write.ts";
import { executeNotebook, type NotebookResult } from "./report/execute.ts";
import { formatSeconds } from "./report/format_seconds.ts";
import { INDEX_CONTRIBUTORS } from "./report/index_contributors.ts";
import { defaultIndexPage, renderIndexHtml, type ReportEntry } from "./report/index_page.ts";
import { findJupyterPython, JupyterMissingError } from "./report/jupyter.ts";
import { ensureDenoKernel } from "./report/kernel.ts";
import { listNotebooks, type NotebookFile, selectNotebooks } from "./report/notebooks.ts";
import { parseReportOptions, PROJECT_ROOT, REPORT_USAGE, type ReportOptions } from "./report/options.ts";
import { ProgressDisplay } from "./report/progress_display.ts";
import { mergeEntries, readManifest, writeManifest } from "./report/report_manifest.ts";
import { makeSelfContained } from "./report/self_contained_html.ts";

const log = (line: string) => console.error(`report: ${line}`);

/** Runs the command with `args` and returns its exit status. */
export async function main(args: string[]): Promise<number> {
  let options: ReportOptions;
  let notebooks: NotebookFile[];
  let allNotebooks: NotebookFile[];
  try {
    options = parseReportOptions(args);
    if (options.help) {
      console.log(REPORT_USAGE);
      return 0;
    }
    if (options.dataDir !== null && !(await isDirectory(options.dataDir))) {
      throw new RangeError(`Invalid --data-dir "${options.dataDir}": folder not found.`);
    }
    allNotebooks = await listNotebooks(options.notebookDir);
    notebooks = selectNotebooks(allNotebooks, options.notebooks);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      log(`the notebook folder does not exist: ${(error as Error).message}`);
      return 2;
    }
    log((error as Error).message);
    return 2;
  }
  if (notebooks.length === 0) {
    log(`no notebooks (*.ipynb) in ${options.notebookDir}`);
    return 1;
  }

  let python: string;
  try {
    python = await findJupyterPython({
      python: Deno.env.get("RELU_LAB_PYTHON"),
      venvDir: Deno.env.get("RELU_LAB_VENV") ?? join(PROJECT_ROOT, ".venv"),
      log,
    });
    await ensureDenoKernel(python, { log });
  } catch (error) {
    if (!(error instanceof JupyterMissingError)) log("cannot prepare Jupyter:");
    console.error((error as Error).message);
    return 1;
  }

  try {
    await Deno.mkdir(options.outDir, { recursive: true });
  } catch (error) {
    log(
      `cannot create the report folder --out "${options.outDir}": ${
        (error as Error).message
      }; choose a writable folder.`,
    );
    return 2;
  }
  const display = new ProgressDisplay();
  const entries: ReportEntry[] = [];
  for (const [index, notebook] of notebooks.entries()) {
    display.startNotebook(notebook.name, index + 1, notebooks.length);
    let outcome: { entry: ReportEntry; cell?: number; firstLine?: string };
    try {
      outcome = await reportNotebook(notebook, options, python, display);
    } finally {
      display.finishNotebook();
    }
    const { entry, firstLine } = outcome;
    entries.push(entry);
    if (entry.status === "ok") {
      console.error(`✓ ${notebook.name}.ipynb ${formatSeconds(entry.elapsedSeconds)}`);
    } else {
      console.error(`✗ ${notebook.name}.ipynb: ${entry.problem}`);
      if (firstLine) console.error(`    cell ${outcome.cell} starts: ${firstLine}`);
    }
  }

  const indexPath = await writeIndex(entries, allNotebooks, options.outDir);
  const failed = entries.filter((entry) => entry.status !== "ok");
  log(
    `${entries.length} notebook${entries.length === 1 ? "" : "s"}, ${entries.length - failed.length} passed, ` +
      `${failed.length} failed; index: ${displayPath(indexPath)}`,
  );
  if (failed.length === 0) return 0;
  for (const entry of failed) console.error(`  ${entry.name}.ipynb: ${entry.problem}`);
  return 1;
}

/**
 * Executes one notebook and writes its report; returns its index row and,
 * for a failed cell, its number and first line.
 */
async function reportNotebook(
  notebook: NotebookFile,
  options: ReportOptions,
  python: string,
  display: ProgressDisplay,
): Promise<{ entry: ReportEntry; cell?: number; firstLine?: string }> {
  const env: Record<string, string> = { RELU_LAB_PROFILE: options.profile };
  if (options.dataDir !== null) env.FASHION_MNIST_DIR = options.dataDir;
  const rawHtmlPath = join(options.outDir, `.${notebook.name}.${Deno.pid}.nbconvert.html.tmp`);
  const reportFile = `${notebook.name}.html`;

  let result: NotebookResult;
  try {
    result = await executeNotebook(notebook.path, {
      python,
      htmlPath: rawHtmlPath,
      cellTimeoutSeconds: options.cellTimeoutSeconds,
      env,
      onProgress: (event) => display.update(event),
      onOutput: (line) => display.print(`  ${notebook.name}: ${line}`),
    });
    const finishedAt = new Date();
    const problem = describeProblem(result, options.cellTimeoutSeconds);

    let href: string | null = null;
    if (result.html) {
      const { html, warnings } = await makeSelfContained(await Deno.readTextFile(rawHtmlPath), {
        title: notebook.title,
        notebookDir: join(notebook.path, ".."),
        projectRoot: PROJECT_ROOT,
        runInfo:
          `Profile ${options.profile} · executed ${finishedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` +
          ` in ${formatSeconds(result.elapsed)} · Deno ${Deno.version.deno}`,
        failure: problem === undefined
          ? undefined
          : `This report is incomplete: ${problem}. The cells after it did not run.`,
      });
      for (const warning of warnings) display.print(`  warning: ${reportFile}: ${warning}`);
      await atomicWriteTextFile(join(options.outDir, reportFile), html);
      href = reportFile;
    }
    const entry: ReportEntry = {
      name: notebook.name,
      title: notebook.title,
      href,
      status: result.status,
      problem,
      elapsedSeconds: result.elapsed,
      profile: options.profile,
      finishedAt: finishedAt.toISOString(),
    };
    return { entry, cell: result.cell, firstLine: result.firstLine };
  } finally {
    await Deno.remove(rawHtmlPath).catch(() => {});
  }
}

/** Says in one line what went wrong in `result`, or `undefined` when every cell ran. */
function describeProblem(result: NotebookResult, cellTimeoutSeconds: number): string | undefined {
  const prompt = typeof result.executionCount === "number" ? ` (In [${result.executionCount}])` : "";
  const where = `cell ${result.cell} of ${result.cells}${prompt}`;
  switch (result.status) {
    case "ok":
      return undefined;
    case "error":
      return `${where} raised ${result.ename}: ${result.evalue}`;
    case "timeout":
      return `${where} ran longer than the cell timeout of ${result.limit ?? cellTimeoutSeconds} s and was stopped ` +
        `(raise it with --cell-timeout SECONDS)`;
    case "failed":
      return result.cell === undefined || result.cell === null
        ? `could not run: ${result.message}`
        : `could not run past ${where}: ${result.message}`;
  }
}

/** Writes `index.html` and `index.json` from this run's rows and the kept ones; returns the index path. */
async function writeIndex(entries: ReportEntry[], allNotebooks: NotebookFile[], outDir: string): Promise<string> {
  const merged = await mergeEntries(
    await readManifest(outDir),
    entries,
    allNotebooks.map((notebook) => notebook.name),
    outDir,
  );
  let page = defaultIndexPage(merged, new Date());
  for (const contribute of INDEX_CONTRIBUTORS) page = await contribute(page);
  const indexPath = join(outDir, "index.html");
  await atomicWriteTextFile(indexPath, renderIndexHtml(page));
  await writeManifest(outDir, merged);
  return indexPath;
}

/** Shows `path` relative to the working folder when it lies inside it, else absolute. */
function displayPath(path: string): string {
  const shorter = relative(Deno.cwd(), path);
  return shorter.startsWith("..") ? path : shorter;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
