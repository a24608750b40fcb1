/**
 * Chooses and starts the tfjs backend a run trains on, and reports the
 * library versions a run record stores.
 *
 * Under Deno the choices are:
 * - `webgpu`: can be fast only on a hardware adapter. `auto` skips a
 *   software (fallback) adapter such as Mesa's llvmpipe, which is slower
 *   than wasm. With a hardware adapter it times a few training steps on
 *   WebGPU and on wasm (lib/train/speed_trial.ts) and keeps the faster.
 * - `wasm`: single-threaded (multi-threaded wasm does not start under Deno),
 *   the default. lib/train/kernels registers the filter gradient tfjs
 *   4.22.0 lacks there, faster replacements of stock kernels, and the
 *   network's whole convolutional trunk as one WebAssembly SIMD kernel.
 * - `cpu`: plain JavaScript, the last resort, about 20 images/s for this
 *   network against some 12,000 on wasm (`deno task bench`).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { chooseFasterBackend } from "./speed_trial.ts";

/** A backend the caller may request, or `auto` to let {@link selectBackend} choose. */
export type BackendPreference = "auto" | "wasm" | "cpu" | "webgpu";

/** The valid values of {@link BackendPreference}. */
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ["auto", "wasm", "cpu", "webgpu"];

/** The backend that {@link selectBackend} started and why. */
export interface BackendChoice {
  /** The active tfjs backend: `"webgpu"`, `"wasm"` or `"cpu"`. */
  name: "webgpu" | "wasm" | "cpu";
  /** One sentence saying why this backend was chosen. */
  reason: string;
  /** Set when a slower backend than the one preferred is in use; for the caller to show. */
  fallbackWarning?: string;
}

/**
 * Validates a backend preference.
 *
 * @param source where the value came from, named in the message.
 * @throws {RangeError} listing the valid values.
 */
export function assertBackendPreference(
  value: string,
  source = "selectBackend()",
): asserts value is BackendPreference {
  if (!(BACKEND_PREFERENCES as readonly string[]).includes(value)) {
    throw new RangeError(
      `Invalid backend "${value}" from ${source}: expected one of ${BACKEND_PREFERENCES.join(", ")}.`,
    );
  }
}

/**
 * Points `XDG_RUNTIME_DIR` at a private folder when it is unset. Mesa's
 * Vulkan drivers print "XDG_RUNTIME_DIR is invalid or not set" on every
 * adapter request without it, which lands in every notebook's output.
 */
function ensureRuntimeDir(): void {
  try {
    if (Deno.env.get("XDG_RUNTIME_DIR")) return;
    const dir = Deno.makeTempDirSync({ prefix: "relu-lab-runtime-" });
    Deno.chmodSync(dir, 0o700);
    Deno.env.set("XDG_RUNTIME_DIR", dir);
  } catch {
    // Without env or write permission the message is only cosmetic; go on.
  }
}

/** Describes the adapter `navigator.gpu` offers: whether there is one and whether it is a software fallback. */
async function probeWebGpu(): Promise<{ available: boolean; fallback: boolean; description: string }> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (gpu === undefined) return { available: false, fallback: false, description: "no navigator.gpu" };
  ensureRuntimeDir();
  const adapter = await gpu.requestAdapter();
  if (adapter === null) return { available: false, fallback: false, description: "navigator.gpu offers no adapter" };
  // Newer WebGPU puts the flag on adapter.info; older implementations had it on the adapter.
  const info = adapter.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean; description?: string }) | undefined;
  const legacy = adapter as GPUAdapter & { isFallbackAdapter?: boolean };
  const fallback = info?.isFallbackAdapter ?? legacy.isFallbackAdapter ?? false;
  const description = info?.description || info?.vendor || "unnamed adapter";
  return { available: true, fallback, description };
}

/** Returns the `dist/` folder of the installed tfjs-backend-wasm as a file path with a trailing slash. */
function wasmDistPath(): string {
  // The package's entry point is dist/tf-backend-wasm.node.js, so its folder contains the .wasm files.
  const entry = import.meta.resolve("@tensorflow/tfjs-backend-wasm");
  const folder = new URL("./", entry);
  return folder.protocol === "file:" ? decodeURIComponent(folder.pathname) : folder.href;
}

async function startWasm(): Promise<boolean> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  wasm.setWasmPaths(wasmDistPath());
  // Kernels must be registered before the backend starts, so that their setup functions run.
  const kernels = await import("./kernels/mod.ts");
  kernels.registerWasmKernels();
  return await tf.setBackend("wasm");
}

async function startWebGpu(): Promise<boolean> {
  await import("@tensorflow/tfjs-backend-webgpu");
  return await tf.setBackend("webgpu");
}

/** Reads `RELU_LAB_BACKEND`; without permission to read it, `auto` and a note for the reason. */
function readEnvPreference(): { value: string; note?: string } {
  try {
    // An empty value, as in `RELU_LAB_BACKEND= deno task study`, means unset.
    return { value: Deno.env.get("RELU_LAB_BACKEND") || "auto" };
  } catch (error) {
    return { value: "auto", note: `RELU_LAB_BACKEND could not be read (${(error as Error).message}).` };
  }
}

/**
 * Starts a tfjs backend and waits until it is ready.
 *
 * `auto` takes WebGPU or wasm, whichever trains faster in a short trial,
 * when `navigator.gpu` offers a hardware adapter; else wasm, else cpu with a
 * `fallbackWarning`. A named backend is started or the
 * call fails; a WebGPU software adapter is used when asked for by name, with
 * a warning.
 *
 * @param preference defaults to the environment variable `RELU_LAB_BACKEND`, else `"auto"`; without
 *   permission to read the variable, `"auto"` with a note in `reason`.
 * @throws {RangeError} for an unknown preference, listing the valid values.
 * @throws {Error} if the named backend cannot start.
 * @example
 * ```ts
 * const { name, reason } = await selectBackend("wasm");
 * ```
 */
export async function selectBackend(preference?: string): Promise<BackendChoice> {
  // Deno looks like Node to tfjs, so its cpu backend prints a hint to install tfjs-node, which lands in
  // every report. Production mode silences tfjs's console warnings; errors still throw.
  tf.enableProdMode();
  if (preference !== undefined) return await startPreferred(preference, "selectBackend()");
  const fromEnv = readEnvPreference();
  const choice = await startPreferred(fromEnv.value, "RELU_LAB_BACKEND");
  return fromEnv.note === undefined ? choice : { ...choice, reason: `${choice.reason} ${fromEnv.note}` };
}

async function startPreferred(requested: string, source: string): Promise<BackendChoice> {
  assertBackendPreference(requested, source);

  if (requested === "cpu") {
    await startOrThrow("cpu", () => tf.setBackend("cpu"));
    return { name: "cpu", reason: "cpu was requested." };
  }
  if (requested === "wasm") {
    await startOrThrow("wasm", startWasm);
    return { name: "wasm", reason: "wasm was requested." };
  }
  if (requested === "webgpu") {
    const probe = await probeWebGpu();
    if (!probe.available) {
      throw new Error(`WebGPU was requested but cannot start: ${probe.description}. Use "wasm" or "auto".`);
    }
    await startOrThrow("webgpu", startWebGpu);
    return probe.fallback
      ? {
        name: "webgpu",
        reason: `webgpu was requested; the adapter is ${probe.description}.`,
        fallbackWarning:
          `WebGPU runs on a software adapter (${probe.description}), which is slower than wasm on the same CPU.`,
      }
      : { name: "webgpu", reason: `webgpu was requested; the adapter is ${probe.description}.` };
  }

  return await selectAutomatically();
}

async function selectAutomatically(): Promise<BackendChoice> {
  const probe = await probeWebGpu().catch((error) => ({
    available: false,
    fallback: false,
    description: `requesting an adapter failed (${(error as Error).message})`,
  }));
  if (probe.available && !probe.fallback) {
    const race = await raceHardwareWebGpu(probe.description);
    if (race !== undefined) return race;
  }
  const gpuNote = probe.available ? `WebGPU adapter ${probe.description} is a software fallback` : probe.description;

  let wasmError = "";
  try {
    if (await startWasm()) return { name: "wasm", reason: `auto: ${gpuNote}, so wasm.` };
    wasmError = "tf.setBackend('wasm') returned false";
  } catch (error) {
    wasmError = (error as Error).message;
  }
  await startOrThrow("cpu", () => tf.setBackend("cpu"));
  return {
    name: "cpu",
    reason: `auto: ${gpuNote}, and wasm failed to start (${wasmError}), so cpu.`,
    fallbackWarning:
      `Training on the cpu backend, two orders of magnitude slower than wasm for this network: wasm failed to start (${wasmError}).`,
  };
}

/**
 * With a hardware WebGPU adapter, trains a few batches on WebGPU and on wasm
 * and keeps the faster: for this small network the GPU's per-dispatch cost
 * can outweigh its arithmetic. Returns undefined if neither trains.
 *
 * NOTE: this path has not run on GPU hardware yet. Its trial is tested with
 * wasm against cpu (tests/speed_trial_test.ts) and was tried by hand against
 * Mesa's software adapter.
 */
async function raceHardwareWebGpu(description: string): Promise<BackendChoice | undefined> {
  let result;
  try {
    result = await chooseFasterBackend([{ name: "webgpu", start: startWebGpu }, { name: "wasm", start: startWasm }]);
  } catch {
    return undefined;
  }
  const rate = (name: string) =>
    name in result.imagesPerSecond
      ? `${Math.round(result.imagesPerSecond[name])} images/s`
      : `failed (${result.failed[name]})`;
  const reason = `auto: in a speed trial WebGPU on hardware adapter ${description} trained at ${rate("webgpu")}, ` +
    `wasm at ${rate("wasm")}, so ${result.chosen}.`;
  return { name: result.chosen as BackendChoice["name"], reason };
}

async function startOrThrow(name: string, start: () => Promise<boolean>): Promise<void> {
  let started: boolean;
  try {
    started = await start();
  } catch (error) {
    throw new Error(`The ${name} backend failed to start: ${(error as Error).message}`, { cause: error });
  }
  if (!started) {
    throw new Error(`The ${name} backend failed to start: tf.setBackend("${name}") returned false.`);
  }
  await tf.ready();
}

/**
 * Returns the versions a run record stores: tfjs, Deno and the active backend's name.
 *
 * @example
 * ```ts
 * tfVersions(); // { tfjs: "4.22.0", deno: "2.9.6", backend: "wasm" }
 * ```
 */
export function tfVersions(): { tfjs: string; deno: string; backend: string } {
  return { tfjs: tf.version.tfjs, deno: Deno.version.deno, backend: tf.getBackend() };
}
