/**
 * Registering Deno's Jupyter kernel. `deno jupyter --install` writes a
 * kernelspec that contains the absolute path of a deno binary. When that path
 * is missing or names another binary than the running one, notebooks would
 * run on the wrong Deno or not at all, so the kernelspec is written again.
 *
 * @module
 */

import { dirname } from "node:path";

/** Name of the kernelspec the notebooks run on. */
export const DENO_KERNEL_NAME = "deno";

/** Kernelspecs Jupyter finds, by name: the command line each starts. */
export type KernelSpecs = Record<string, { argv: string[]; resourceDir: string }>;

// Asks jupyter_client itself, so that every folder Jupyter searches counts
// (JUPYTER_PATH, the user's data folder, sys.prefix, /usr/share/jupyter).
const LIST_SPECS_SCRIPT = `
import json
from jupyter_client.kernelspec import KernelSpecManager
specs = KernelSpecManager().get_all_specs()
print(json.dumps({name: {"argv": s["spec"]["argv"], "resourceDir": s["resource_dir"]} for name, s in specs.items()}))
`;

/**
 * Lists the kernelspecs that the Jupyter of `python` finds.
 *
 * @throws {Error} when `python` fails to list them, with its stderr.
 */
export async function listKernelSpecs(python: string): Promise<KernelSpecs> {
  const output = await new Deno.Command(python, {
    args: ["-c", LIST_SPECS_SCRIPT],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr).trim();
  if (!output.success) {
    throw new Error(`Listing Jupyter kernelspecs with ${python} failed (exit code ${output.code}): ${stderr}`);
  }
  return JSON.parse(new TextDecoder().decode(output.stdout)) as KernelSpecs;
}

/**
 * Says why the `deno` kernelspec must be (re)installed, or returns `null`
 * when it starts `denoPath`. Paths are compared after resolving symbolic
 * links: `deno jupyter --install` (Deno 2.9.6) writes the first deno on
 * PATH, often a link such as `/usr/bin/deno`.
 *
 * @param specs kernelspecs as {@linkcode listKernelSpecs} returns them.
 * @param denoPath the deno binary notebooks should run on, usually `Deno.execPath()`.
 */
export function denoKernelProblem(specs: KernelSpecs, denoPath: string): string | null {
  const spec = specs[DENO_KERNEL_NAME];
  if (spec === undefined) return `Jupyter has no "${DENO_KERNEL_NAME}" kernel`;
  const kernelDeno = spec.argv[0] ?? "";
  const resolved = realPathOrNull(kernelDeno);
  if (resolved === null) {
    return `the "${DENO_KERNEL_NAME}" kernel in ${spec.resourceDir} starts ${kernelDeno}, which does not exist`;
  }
  if (resolved !== (realPathOrNull(denoPath) ?? denoPath)) {
    return `the "${DENO_KERNEL_NAME}" kernel in ${spec.resourceDir} starts ${kernelDeno}, not this deno (${denoPath})`;
  }
  return null;
}

/** Options of {@linkcode ensureDenoKernel}. */
export interface EnsureKernelOptions {
  /** Deno binary the kernel must run; default `Deno.execPath()`. */
  denoPath?: string;
  /** Receives one line when the kernelspec is installed, and one warning when it still differs afterwards. */
  log?: (line: string) => void;
}

/**
 * Makes sure Jupyter's `deno` kernel starts `options.denoPath`, running
 * `deno jupyter --install --force` with that binary when it does not.
 *
 * @returns `"present"` when nothing had to change, `"installed"` otherwise.
 * @throws {Error} when listing the kernelspecs or the install fails, or the
 *   kernel is still missing afterwards.
 */
export async function ensureDenoKernel(
  python: string,
  options: EnsureKernelOptions = {},
): Promise<"present" | "installed"> {
  const denoPath = options.denoPath ?? Deno.execPath();
  const log = options.log ?? (() => {});
  const problem = denoKernelProblem(await listKernelSpecs(python), denoPath);
  if (problem === null) return "present";

  log(`${problem}; running ${denoPath} jupyter --install --force`);
  // `deno jupyter --install` (Deno 2.9.6) writes the first deno on PATH into
  // the kernelspec, not the binary that runs it, so that binary's folder goes
  // first on PATH.
  const path = [dirname(denoPath), Deno.env.get("PATH") ?? ""].filter(Boolean).join(":");
  const output = await new Deno.Command(denoPath, {
    args: ["jupyter", "--install", "--force"],
    env: { PATH: path },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim();
    throw new Error(`\`${denoPath} jupyter --install --force\` failed (exit code ${output.code}): ${stderr}`);
  }

  const specs = await listKernelSpecs(python);
  if (specs[DENO_KERNEL_NAME] === undefined) {
    throw new Error(
      `\`${denoPath} jupyter --install --force\` succeeded, but ${python}'s Jupyter still finds no "${DENO_KERNEL_NAME}" ` +
        `kernel; check that JUPYTER_PATH or JUPYTER_DATA_DIR include ~/.local/share/jupyter.`,
    );
  }
  const remaining = denoKernelProblem(specs, denoPath);
  // Happens when the running binary is not named "deno", so PATH lookup finds
  // another one; notebooks then run on that other Deno.
  if (remaining !== null) log(`warning: after reinstalling, ${remaining}`);
  return "installed";
}

function realPathOrNull(path: string): string | null {
  try {
    return Deno.realPathSync(path);
  } catch {
    return null;
  }
}
