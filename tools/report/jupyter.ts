/**
 * Finding a Python interpreter that can run notebooks: one that imports
 * nbclient, nbconvert and jupyter_client. Debian's `/usr/bin/python3` with
 * its Jupyter packages comes first; otherwise a project-local virtual
 * environment is reused or created with pip.
 *
 * @module
 */

import { basename, join } from "node:path";

/** Interpreter tried first unless `RELU_LAB_PYTHON` names another. */
export const DEFAULT_PYTHON = "/usr/bin/python3";

/** Python modules the report command needs; ipykernel is not among them because notebooks run on Deno's kernel. */
export const REQUIRED_MODULES = ["nbclient", "nbconvert", "jupyter_client"];

/** Packages pip installs into a new virtual environment; jupyter_client comes with nbclient. */
export const PIP_PACKAGES = ["nbconvert", "nbclient"];

/** Error raised when no interpreter with Jupyter can be found or made. Its message names what to install. */
export class JupyterMissingError extends Error {
  override name = "JupyterMissingError";
}

/** Options of {@linkcode findJupyterPython}. */
export interface FindJupyterOptions {
  /** Interpreter to try first; default {@linkcode DEFAULT_PYTHON}. */
  python?: string;
  /** Virtual environment folder to reuse or create, for example `<project>/.venv`. */
  venvDir: string;
  /** Base interpreter that creates the virtual environment, looked up on `PATH`; default `"python3"`. */
  venvBasePython?: string;
  /** Receives one line for each step taken beyond the first probe. */
  log?: (line: string) => void;
  /** Milliseconds `pip install` may take before it is stopped; default 600,000. */
  pipTimeoutMs?: number;
}

/** Outcome of running a command: success, or a one-line reason it failed. */
type Outcome = { ok: true } | { ok: false; reason: string };

/**
 * Returns the path of a Python interpreter that imports nbclient, nbconvert
 * and jupyter_client. Tries `options.python`, then the interpreter of
 * `options.venvDir`, then creates that virtual environment with
 * `python3 -m venv` and installs {@linkcode PIP_PACKAGES} into it. A virtual
 * environment created here whose pip install fails is removed again, so the
 * next run starts clean.
 *
 * @throws {JupyterMissingError} when all of these fail: one message giving
 *   each reason and the Debian and pip commands that install Jupyter.
 */
export async function findJupyterPython(options: FindJupyterOptions): Promise<string> {
  const python = options.python ?? DEFAULT_PYTHON;
  const log = options.log ?? (() => {});
  const reasons: string[] = [];

  const direct = await probeJupyter(python);
  if (direct.ok) return python;
  reasons.push(`${python}: ${direct.reason}`);

  const venvName = basename(options.venvDir);
  const venvPython = join(options.venvDir, "bin", "python");
  const venvExists = await exists(venvPython);
  if (venvExists) {
    const existing = await probeJupyter(venvPython);
    if (existing.ok) return venvPython;
    log(`${venvPython} lacks Jupyter (${existing.reason}); installing ${PIP_PACKAGES.join(" ")} with pip`);
  } else if (await exists(options.venvDir)) {
    // Not made by this command, so it is neither filled nor removed here.
    reasons.push(`${options.venvDir} exists but has no bin/python; remove it or set RELU_LAB_VENV to another folder`);
    throw new JupyterMissingError(missingJupyterMessage(reasons));
  } else {
    const base = options.venvBasePython ?? "python3";
    log(`${python} lacks Jupyter (${direct.reason}); creating ${options.venvDir} with ${base} -m venv`);
    const created = await runQuietly(base, ["-m", "venv", options.venvDir]);
    if (!created.ok) {
      reasons.push(`${venvName}: \`${base} -m venv ${options.venvDir}\` failed: ${created.reason}`);
      await Deno.remove(options.venvDir, { recursive: true }).catch(() => {});
      throw new JupyterMissingError(missingJupyterMessage(reasons));
    }
  }

  const installed = await runQuietly(
    venvPython,
    ["-m", "pip", "install", "--disable-pip-version-check", "--retries", "1", "--timeout", "20", ...PIP_PACKAGES],
    options.pipTimeoutMs ?? 600_000,
  );
  const usable = installed.ok ? await probeJupyter(venvPython) : installed;
  if (usable.ok) return venvPython;
  reasons.push(`${venvName}: \`pip install ${PIP_PACKAGES.join(" ")}\` failed: ${usable.reason}`);
  if (!venvExists) await Deno.remove(options.venvDir, { recursive: true }).catch(() => {});
  throw new JupyterMissingError(missingJupyterMessage(reasons));
}

/** Builds the one message of {@linkcode JupyterMissingError} from the reason each attempt failed. */
export function missingJupyterMessage(reasons: string[]): string {
  return [
    `Jupyter is missing: no Python interpreter that imports ${REQUIRED_MODULES.join(", ")} was found.`,
    ...reasons.map((reason) => `  ${reason}`),
    "Install it with Debian's packages:",
    "  sudo apt-get install jupyter-nbconvert python3-nbclient jupyter-client",
    "or with pip:",
    `  pip install ${PIP_PACKAGES.join(" ")}`,
    "then run the command again; RELU_LAB_PYTHON=/path/to/python selects the interpreter.",
  ].join("\n");
}

/** Checks that `python` starts and imports every module of {@linkcode REQUIRED_MODULES}. */
export function probeJupyter(python: string): Promise<Outcome> {
  return runQuietly(python, ["-c", `import ${REQUIRED_MODULES.join(", ")}`], 60_000);
}

async function runQuietly(command: string, args: string[], timeoutMs = 120_000): Promise<Outcome> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutMs),
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { ok: false, reason: `${command} not found` };
    if (error instanceof Deno.errors.PermissionDenied) return { ok: false, reason: `${command} is not executable` };
    throw error;
  }
  if (output.success) return { ok: true };
  // Deno (2.9.6) resolves an aborted command's output with signal SIGTERM rather than rejecting.
  if (output.signal === "SIGTERM") return { ok: false, reason: `stopped after ${timeoutMs / 1000} s` };
  return { ok: false, reason: lastLine(output.stderr) || lastLine(output.stdout) || `exit code ${output.code}` };
}

function lastLine(bytes: Uint8Array): string {
  const lines = new TextDecoder().decode(bytes).split("\n").map((line) => line.trim()).filter(Boolean);
  return lines.at(-1) ?? "";
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
