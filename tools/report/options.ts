/**
 * Command-line options of `deno task report`, parsed and checked before any
 * notebook runs.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PROFILES } from "../../lib/study/profiles.ts";

/** Project root, two folders above this file. */
export const PROJECT_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** Seconds one cell may run before it is stopped, unless `--cell-timeout` sets another limit. */
export const DEFAULT_CELL_TIMEOUT_SECONDS = 1800;

/** Options of one `deno task report` run; every path is absolute. */
export interface ReportOptions {
  /** Profile name passed to the kernel as `RELU_LAB_PROFILE`, a key of `PROFILES`. */
  profile: string;
  /** Prefixes selecting notebooks by file name (`["01", "02"]`); `null` runs every notebook. */
  notebooks: string[] | null;
  /** Folder with the Fashion-MNIST files, passed to the kernel as `FASHION_MNIST_DIR`; `null` leaves the variable as it is. */
  dataDir: string | null;
  /** Seconds one cell may run, > 0. */
  cellTimeoutSeconds: number;
  /** Folder the reports and `index.html` are written to. */
  outDir: string;
  /** Folder holding the `*.ipynb` files to execute. */
  notebookDir: string;
  /** `true` when `--help` was given: print {@linkcode REPORT_USAGE} and do nothing else. */
  help: boolean;
}

/** Help text of `deno task report`. */
export const REPORT_USAGE = `Usage: deno task report [options]

Executes every notebook in notebooks/ on Deno's Jupyter kernel, in name order,
and writes one self-contained HTML report per notebook plus index.html.

Options:
  --profile NAME       amount of training the notebooks do: ${
  Object.keys(PROFILES).join(" or ")
} (default $RELU_LAB_PROFILE, else quick)
  --notebooks LIST     only the notebooks whose file names start with one of these
                       comma-separated prefixes, for example 01,03
  --data-dir DIR       folder with the Fashion-MNIST .gz files (sets FASHION_MNIST_DIR)
  --cell-timeout S     seconds one cell may run before it is stopped (default ${DEFAULT_CELL_TIMEOUT_SECONDS})
  --out DIR            folder for the reports (default reports/)
  --notebook-dir DIR   folder of the notebooks to execute (default notebooks/)
  --help               print this text

Environment:
  RELU_LAB_PYTHON      Python interpreter with nbclient and nbconvert (default /usr/bin/python3)
  RELU_LAB_VENV        virtual environment to use or create when that Python lacks them (default .venv/)
`;

/**
 * Parses the arguments of `deno task report`. Relative paths are resolved
 * against `cwd`; the default folders are `notebooks/` and `reports/` in the
 * project root.
 *
 * @param args command-line arguments, without the script name.
 * @param cwd folder that relative paths start from; default `Deno.cwd()`.
 * @throws {TypeError} for an unknown option or an option without its value.
 * @throws {RangeError} for an unknown profile, a cell timeout that is not a
 *   positive number, or an empty `--notebooks` list.
 */
export function parseReportOptions(args: string[], cwd: string = Deno.cwd()): ReportOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        profile: { type: "string" },
        notebooks: { type: "string" },
        "data-dir": { type: "string" },
        "cell-timeout": { type: "string" },
        out: { type: "string" },
        "notebook-dir": { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new TypeError(
      `${(error as Error).message.replace(/\.$/, "")}. Run \`deno task report --help\` for the options.`,
    );
  }

  // Without --profile, a RELU_LAB_PROFILE already set in the environment is honoured, as the notebooks do.
  const fromEnv = values.profile === undefined ? Deno.env.get("RELU_LAB_PROFILE") : undefined;
  const profile = values.profile ?? fromEnv ?? "quick";
  if (fromEnv !== undefined && !Object.hasOwn(PROFILES, fromEnv)) {
    throw new RangeError(
      `Invalid RELU_LAB_PROFILE "${fromEnv}": expected one of ${
        Object.keys(PROFILES).join(", ")
      }; unset it or use --profile.`,
    );
  }
  if (!Object.hasOwn(PROFILES, profile)) {
    throw new RangeError(
      `Invalid --profile "${profile}": expected one of ${Object.keys(PROFILES).join(", ")}.`,
    );
  }

  let notebooks: string[] | null = null;
  if (values.notebooks !== undefined) {
    notebooks = values.notebooks.split(",").map((prefix) => prefix.trim()).filter((prefix) => prefix !== "");
    if (notebooks.length === 0) {
      throw new RangeError(
        `Invalid --notebooks "${values.notebooks}": expected comma-separated file name prefixes such as 01,02.`,
      );
    }
  }

  let cellTimeoutSeconds = DEFAULT_CELL_TIMEOUT_SECONDS;
  if (values["cell-timeout"] !== undefined) {
    cellTimeoutSeconds = Number(values["cell-timeout"]);
    if (!Number.isFinite(cellTimeoutSeconds) || cellTimeoutSeconds <= 0) {
      throw new RangeError(
        `Invalid --cell-timeout "${values["cell-timeout"]}": expected a positive number of seconds.`,
      );
    }
  }

  return {
    profile,
    notebooks,
    dataDir: values["data-dir"] === undefined ? null : resolve(cwd, values["data-dir"]),
    cellTimeoutSeconds,
    outDir: resolve(cwd, values.out ?? resolve(PROJECT_ROOT, "reports")),
    notebookDir: resolve(cwd, values["notebook-dir"] ?? resolve(PROJECT_ROOT, "notebooks")),
    help: values.help ?? false,
  };
}
