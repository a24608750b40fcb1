/**
 * `deno task bench`: training and inference speed of the exercise network per
 * tfjs backend and batch size, beside PyTorch on the same machine.
 *
 * It measures wasm, cpu (briefly, because it is slow) and webgpu (when
 * `navigator.gpu` offers an adapter) at batch sizes 20, 64 and 256. Each
 * measurement trains one epoch with `trainRun` and times the steps after the
 * first tenth, then times `evaluateSplit` over test images. It records the
 * peak resident memory and the tensors the one-epoch run leaves behind.
 *
 * When /usr/bin/python3 has torch, bench/torch_reference.py runs with 1 and
 * 2 threads at each batch size, right after the wasm measurement of that
 * size, and each tfjs record gets its ratio to both. The bench also times
 * each kernel that lib/train/kernels registers for wasm against the stock
 * kernel it replaces.
 *
 * Last comes a study: the full profile's main block (every head × 10 seeds),
 * one epoch of `--study-images` training images per run, each run evaluated
 * on the whole test set. tools/study.ts trains it on wasm in a subprocess
 * with its default workers, one per core, into a temporary run store, and
 * the bench times that process from spawn to exit. Then
 * `bench/torch_reference.py --study` trains the same runs one after another
 * with 2 threads, timed the same way. The ratio of the two wall times is the
 * study's ratio to PyTorch: lower is better, and 1 or less meets the target.
 *
 * Usage: deno task bench [--images N] [--quick] [--json [FILE]] [--head NAME]
 *   [--backends LIST] [--batches LIST] [--study-images N] [--no-torch]
 *
 * @module
 */

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { type Dataset, loadFashionMnist } from "../lib/data/mod.ts";
import { createNetwork, headNames } from "../lib/model/mod.ts";
import { seededRandom } from "../lib/random.ts";
import { getProfile, planRuns, type StudyBlock } from "../lib/study/profiles.ts";
import { displacedWasmKernel } from "../lib/train/kernels/mod.ts";
import {
  DEFAULT_CONFIG,
  evaluateSplit,
  FASHION_MNIST_TRAIN_COUNT,
  type RunConfig,
  selectBackend,
  trainRun,
} from "../lib/train/mod.ts";

/**
 * Training images in each run of the study, chosen so that the tfjs study takes about half a minute
 * on 2 cores. A run of N images took about 0.8 s + 0.27 ms × N on wasm with one worker (tools/study.ts,
 * tfjs 4.22.0, a 2-core x86 machine).
 *
 * NOTE: an estimate. That machine was also running another study, so an idle one should be faster.
 */
const DEFAULT_STUDY_IMAGES = 6000;

const USAGE = `Usage: deno task bench [options]

Measures images/s for training and inference of the exercise network on each
tfjs backend, beside PyTorch (bench/torch_reference.py) when /usr/bin/python3 has torch.

Options:
  --images N        training images timed per backend and batch size (default 6000; cpu uses at most
                    100 and a software WebGPU adapter 200, at the first batch size only)
  --quick           2000 images, the first batch size only (20 unless --batches), wasm unless
                    --backends, no kernel or study timings
  --json [FILE]     write one JSON object per measurement to FILE, or to stdout without FILE
  --head NAME       head after fc1 for the train and infer timings (default relu):
                    linear, relu, softplus, leaky_relu or hidden
  --backends LIST   comma-separated: wasm, cpu, webgpu (default: all that start);
                    the study runs only when the list includes wasm
  --batches LIST    comma-separated batch sizes (default 20,64,256)
  --study-images N  training images in each run of the study, 1 to 60000 (default ${DEFAULT_STUDY_IMAGES}).
                    The study trains every head × 10 seeds for one epoch each with
                    tools/study.ts on wasm, one worker per core, and the same runs in
                    PyTorch with 2 threads one after another, and compares the wall times
  --no-torch        skip the PyTorch peer
  -h, --help        show this help`;

const PYTHON = "/usr/bin/python3";
const TORCH_SCRIPT = fileURLToPath(new URL("../bench/torch_reference.py", import.meta.url));
const STUDY_SCRIPT = fileURLToPath(new URL("./study.ts", import.meta.url));
/** Repository root, where tools/study.ts runs so that Deno finds deno.json and node_modules. */
const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
/** GNU time, which reports a child's peak resident memory with `-v`. */
const GNU_TIME = "/usr/bin/time";
/** Threads of the PyTorch study. The target compares with PyTorch using both cores of a 2-core machine. */
const TORCH_STUDY_THREADS = 2;
/** The cpu backend trains this network at about 20 images/s, so it gets a token measurement. */
const CPU_MAX_IMAGES = 100;
/**
 * A software WebGPU adapter (Mesa's llvmpipe, what Deno finds on a machine
 * without a GPU) trains and infers at a few hundred images/s at best, so it
 * gets a token measurement too.
 */
const SOFTWARE_WEBGPU_MAX_IMAGES = 200;

/** Command-line options after parsing. */
interface Options {
  images: number;
  quick: boolean;
  /** `null`: no JSON; `"-"`: JSON lines on stdout; else a file path. */
  json: string | null;
  head: string;
  backends: string[] | null;
  batches: number[];
  /** Training images in each run of the study. */
  studyImages: number;
  torch: boolean;
}

/** One measurement, written as one JSON line. */
interface BenchRecord {
  impl: string;
  phase: "train" | "infer" | "study" | "kernel";
  batch?: number;
  images?: number;
  images_per_s?: number;
  wall_s?: number;
  peak_rss_mb?: number;
  tensors_leaked?: number;
  threads?: number;
  /** Worker threads of a tfjs study. */
  workers?: number;
  runs?: number;
  images_per_run?: number;
  ratio_to_torch?: number;
  ratio_to_torch_2_threads?: number;
  [key: string]: unknown;
}

function fail(message: string): never {
  console.error(`bench: ${message}\n\n${USAGE}`);
  Deno.exit(2);
}

function parsePositiveInteger(option: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < 1) {
    fail(`invalid ${option} ${JSON.stringify(text ?? "")}: expected an integer ≥ 1.`);
  }
  return value;
}

function parseOptions(args: string[]): Options {
  const options: Options = {
    images: 6000,
    quick: false,
    json: null,
    head: "relu",
    backends: null,
    batches: [20, 64, 256],
    studyImages: DEFAULT_STUDY_IMAGES,
    torch: true,
  };
  let imagesGiven = false;
  let studyImagesGiven = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const next = () => args[++i];
    if (arg === "-h" || arg === "--help") {
      console.log(USAGE);
      Deno.exit(0);
    } else if (arg === "--images") {
      options.images = parsePositiveInteger("--images", next());
      imagesGiven = true;
    } else if (arg === "--quick") {
      options.quick = true;
    } else if (arg === "--json") {
      const file = args[i + 1];
      options.json = file !== undefined && !file.startsWith("--") ? next() : "-";
    } else if (arg === "--head") {
      options.head = next() ?? fail("--head needs a value, for example relu.");
      if (!headNames().includes(options.head)) {
        fail(`invalid --head ${JSON.stringify(options.head)}: expected one of ${headNames().join(", ")}.`);
      }
    } else if (arg === "--backends") {
      options.backends = (next() ?? "").split(",").map((name) => name.trim()).filter(Boolean);
      const unknown = options.backends.filter((name) => !["wasm", "cpu", "webgpu"].includes(name));
      if (options.backends.length === 0 || unknown.length > 0) {
        fail(`invalid --backends ${JSON.stringify(options.backends.join(","))}: expected a list of wasm, cpu, webgpu.`);
      }
    } else if (arg === "--batches") {
      options.batches = (next() ?? "").split(",").map((text) => parsePositiveInteger("--batches entry", text.trim()));
    } else if (arg === "--study-images") {
      options.studyImages = parsePositiveInteger("--study-images", next());
      if (options.studyImages > FASHION_MNIST_TRAIN_COUNT) {
        fail(`invalid --study-images ${options.studyImages}: expected at most ${FASHION_MNIST_TRAIN_COUNT}.`);
      }
      studyImagesGiven = true;
    } else if (arg === "--no-torch") {
      options.torch = false;
    } else {
      fail(`unknown option ${JSON.stringify(arg)}.`);
    }
  }
  if (options.quick) {
    if (studyImagesGiven) fail("--study-images has no effect with --quick, which skips the study.");
    if (!imagesGiven) options.images = 2000;
    options.batches = [options.batches[0]];
    options.backends ??= ["wasm"];
  }
  if (options.json !== null && options.json !== "-") assertWritableFolder(options.json);
  const tooBig = options.batches.find((batch) => batch > options.images);
  if (tooBig !== undefined) fail(`--batches entry ${tooBig} is more than --images ${options.images}.`);
  return options;
}

/** Rejects a `--json` file whose folder does not exist, before minutes of measurements are lost at the end. */
function assertWritableFolder(file: string): void {
  const folder = dirname(file);
  let isFolder = false;
  try {
    isFolder = Deno.statSync(folder).isDirectory;
  } catch {
    // Missing: reported below.
  }
  if (!isFolder) fail(`invalid --json ${JSON.stringify(file)}: folder ${folder} does not exist; create it first.`);
}

/** Writes a progress line on stderr. */
function progress(message: string): void {
  console.error(`bench: ${message}`);
}

// ---------------------------------------------------------------------------
// Peak resident memory

/**
 * Resets the kernel's peak-RSS counter (VmHWM) of this process, so that the
 * next {@linkcode peakRssMb} covers only what runs in between. Linux only.
 */
function resetPeakRss(): boolean {
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** Peak resident memory in MiB since the last reset: VmHWM, or the current RSS where /proc is missing. */
function peakRssMb(): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const kib = Number(status.match(/^VmHWM:\s+(\d+)\s+kB/m)?.[1]);
    if (Number.isFinite(kib)) return round(kib / 1024);
  } catch {
    // Not Linux: fall through to the current RSS, a lower bound of the peak.
  }
  return round(Deno.memoryUsage().rss / 2 ** 20);
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

// ---------------------------------------------------------------------------
// Data

/** Loads Fashion-MNIST, or makes seeded noise of the same shape when it is missing. */
async function loadData(): Promise<Dataset> {
  try {
    return await loadFashionMnist();
  } catch (error) {
    progress(`Fashion-MNIST not found (${(error as Error).message}); timing on random images instead.`);
    const noise = seededRandom(0, "bench-images");
    const split = (count: number) => ({
      images: Float32Array.from({ length: count * 784 }, noise),
      labels: Uint8Array.from({ length: count }, () => Math.floor(noise() * 10)),
      count,
    });
    return { train: split(60_000), test: split(10_000), classNames: [], source: "synthetic" };
  }
}

// ---------------------------------------------------------------------------
// tfjs measurements

/**
 * Trains one epoch of `images` images and returns images/s over the steps
 * after the first tenth: those include compiling, allocating and XNNPACK's
 * first set-up of each convolution.
 */
async function timeTraining(dataset: Dataset, options: Options, batch: number, images: number): Promise<BenchRecord> {
  const steps = Math.ceil(images / batch);
  const every = Math.max(1, Math.floor(steps / 10));
  const marks: { step: number; seconds: number }[] = [];
  const config: RunConfig = {
    ...DEFAULT_CONFIG,
    head: options.head,
    seed: 0,
    epochs: 1,
    batchSize: batch,
    trainSubset: images,
    // Evaluation is not timed; a small test subset keeps the run short.
    testSubset: Math.min(500, dataset.test.count),
  };

  const tensorsBefore = tf.memory().numTensors;
  resetPeakRss();
  await trainRun(config, dataset, {
    progressEverySteps: every,
    // trainRun reports progress only after reading the loss, which it does every step except on webgpu.
    readLossEverySteps: tf.getBackend() === "webgpu" ? every : 1,
    onProgress: (event) => {
      if (event.kind === "step") marks.push({ step: event.step, seconds: event.elapsedSeconds });
    },
  });
  const peak = peakRssMb();

  // With fewer than two progress events (an epoch of one step), the time runs from the start of the run.
  const first = marks.length >= 2 ? marks[0] : { step: 0, seconds: 0 };
  const last = marks[marks.length - 1];
  const timedImages = Math.min(last.step * batch, images) - first.step * batch;
  return {
    impl: `tfjs-${tf.getBackend()}`,
    phase: "train",
    batch,
    images: timedImages,
    images_per_s: round(timedImages / (last.seconds - first.seconds)),
    peak_rss_mb: peak,
    tensors_leaked: tf.memory().numTensors - tensorsBefore,
    includes_warmup: marks.length < 2,
  };
}

/** Runs forward passes over `images` test images in batches and returns images/s after one warm-up batch. */
async function timeInference(dataset: Dataset, options: Options, batch: number, images: number): Promise<BenchRecord> {
  const network = createNetwork({ head: options.head, seed: 0, init: "pytorch" });
  const tensorsBefore = tf.memory().numTensors;
  try {
    resetPeakRss();
    await evaluateSplit(network, dataset.test, { count: batch, batchSize: batch });
    const started = performance.now();
    await evaluateSplit(network, dataset.test, { count: images, batchSize: batch });
    const seconds = (performance.now() - started) / 1000;
    return {
      impl: `tfjs-${tf.getBackend()}`,
      phase: "infer",
      batch,
      images,
      images_per_s: round(images / seconds),
      peak_rss_mb: peakRssMb(),
      tensors_leaked: tf.memory().numTensors - tensorsBefore,
    };
  } finally {
    network.dispose();
  }
}

// ---------------------------------------------------------------------------
// Kernel timings: the replacements in lib/train/kernels against the stock wasm kernels

/** A kernel call with the shapes it has in a training step of the exercise network at batch 20. */
interface KernelCase {
  label: string;
  kernel: string;
  inputs: Record<string, number[]>;
  attrs: tf.NamedAttrMap;
}

const KERNEL_CASES: KernelCase[] = [
  {
    label: "conv1 filter gradient",
    kernel: "Conv2DBackpropFilter",
    inputs: { x: [20, 28, 28, 1], dy: [20, 26, 26, 10] },
    attrs: { strides: 1, pad: "valid", dataFormat: "NHWC", filterShape: [3, 3, 1, 10] },
  },
  {
    label: "conv2 filter gradient",
    kernel: "Conv2DBackpropFilter",
    inputs: { x: [20, 13, 13, 10], dy: [20, 11, 11, 20] },
    attrs: { strides: 1, pad: "valid", dataFormat: "NHWC", filterShape: [3, 3, 10, 20] },
  },
  {
    label: "conv2 input gradient",
    kernel: "Conv2DBackpropInput",
    inputs: { dy: [20, 11, 11, 20], filter: [3, 3, 10, 20] },
    attrs: { strides: 1, pad: "valid", dataFormat: "NHWC", inputShape: [20, 13, 13, 10] },
  },
  {
    label: "pool1 gradient",
    kernel: "MaxPoolGrad",
    inputs: { dy: [20, 13, 13, 10], input: [20, 26, 26, 10], output: [20, 13, 13, 10] },
    attrs: { filterSize: 2, strides: 2, pad: "valid" },
  },
  {
    label: "pool2 gradient",
    kernel: "MaxPoolGrad",
    inputs: { dy: [20, 5, 5, 20], input: [20, 11, 11, 20], output: [20, 5, 5, 20] },
    attrs: { filterSize: 2, strides: 2, pad: "valid" },
  },
  {
    label: "conv1 bias gradient",
    kernel: "Sum",
    inputs: { x: [20, 26, 26, 10] },
    attrs: { axis: [0, 1, 2], keepDims: false },
  },
  { label: "conv1 bias add", kernel: "Add", inputs: { a: [20, 26, 26, 10], b: [10] }, attrs: {} },
  { label: "saving conv1 output", kernel: "Identity", inputs: { x: [20, 26, 26, 10] }, attrs: {} },
  { label: "ReLU mask cast", kernel: "Cast", inputs: { x: [20, 26, 26, 10] }, attrs: { dtype: "float32" } },
  {
    label: "fc1 input gradient dy·Wᵀ",
    kernel: "BatchMatMul",
    inputs: { a: [1, 20, 10], b: [1, 500, 10] },
    attrs: { transposeA: false, transposeB: true },
  },
  {
    label: "fc1 weight gradient xᵀ·dy",
    kernel: "BatchMatMul",
    inputs: { a: [1, 20, 500], b: [1, 20, 10] },
    attrs: { transposeA: true, transposeB: false },
  },
];

/**
 * Returns the mean µs per call of creating fresh inputs for `kernelCase`,
 * running its kernel on them when `run` is true, and freeing them; best of
 * five rounds. The inputs are fresh because every training step's tensors
 * are, so XNNPACK cannot reuse an operator from an earlier call.
 */
function timeKernelCall(kernelCase: KernelCase, calls: number, run: boolean): number {
  const pools = Object.entries(kernelCase.inputs).map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    // Half zeros, as after a ReLU: MaxPoolGrad's branches, and so its speed, depend on where window maxima are.
    const rng = seededRandom(0, `bench-kernel-${name}`);
    const arrays = [0, 1, 2, 3].map(() => Float32Array.from({ length: size }, () => rng() < 0.5 ? 0 : rng()));
    return { name, shape, arrays };
  });
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    for (let call = 0; call < calls; call++) {
      const inputs = Object.fromEntries(pools.map((p) => [p.name, tf.tensor(p.arrays[call % 4], p.shape)]));
      if (run) tf.dispose(tf.engine().runKernel(kernelCase.kernel, inputs, kernelCase.attrs) as tf.Tensor);
      tf.dispose(Object.values(inputs));
    }
    best = Math.min(best, (performance.now() - started) * 1000 / calls);
  }
  return best;
}

/** Times every {@linkcode KERNEL_CASES} entry with the kernel registered now and with the stock one it displaced. */
function timeKernels(calls: number): BenchRecord[] {
  const records: BenchRecord[] = [];
  for (const kernelCase of KERNEL_CASES) {
    const inputsOnly = timeKernelCall(kernelCase, calls, false);
    const ours = timeKernelCall(kernelCase, calls, true) - inputsOnly;
    // Differences below a microsecond are noise: the kernel only shares a buffer.
    const resolved = ours >= 1;
    const stock = displacedWasmKernel(kernelCase.kernel);
    let stockUs: number | undefined;
    if (stock !== undefined) {
      const current = tf.getKernel(kernelCase.kernel, "wasm");
      tf.unregisterKernel(kernelCase.kernel, "wasm");
      tf.registerKernel(stock);
      try {
        stockUs = timeKernelCall(kernelCase, calls, true) - inputsOnly;
      } finally {
        tf.unregisterKernel(kernelCase.kernel, "wasm");
        tf.registerKernel(current);
      }
    }
    records.push({
      impl: "tfjs-wasm",
      phase: "kernel",
      kernel: kernelCase.kernel,
      case: kernelCase.label,
      batch: 20,
      ours_us: resolved ? round(ours) : "< 1",
      stock_us: stockUs === undefined ? null : round(stockUs),
      speedup: stockUs === undefined || !resolved ? null : round(stockUs / ours, 2),
    });
    progress(
      `kernel ${kernelCase.label}: ${resolved ? round(ours) : "< 1"} µs` +
        (stockUs === undefined ? " (no stock kernel)" : `, stock ${round(stockUs)} µs`),
    );
  }
  return records;
}

// ---------------------------------------------------------------------------
// PyTorch peer

async function torchAvailable(): Promise<string | null> {
  try {
    const output = await new Deno.Command(PYTHON, { args: ["-c", "import torch; print(torch.__version__)"] })
      .output();
    return output.success ? new TextDecoder().decode(output.stdout).trim() : null;
  } catch {
    return null;
  }
}

/** Runs bench/torch_reference.py once and returns its records. */
async function runTorch(
  options: Options,
  dataDir: string,
  threads: number,
  batch: number,
  inferImages: number,
): Promise<BenchRecord[]> {
  const args = [
    TORCH_SCRIPT,
    ...["--threads", String(threads), "--batch", String(batch), "--head", options.head],
    ...["--images", String(options.images), "--infer-images", String(inferImages)],
    ...(dataDir === "synthetic" ? [] : ["--data-dir", dataDir]),
  ];
  const output = await new Deno.Command(PYTHON, { args, stderr: "inherit" }).output();
  if (!output.success) {
    throw new Error(
      `${PYTHON} ${
        args.join(" ")
      } failed with exit code ${output.code}: run it by hand to see why, or pass --no-torch.`,
    );
  }
  return new TextDecoder().decode(output.stdout).split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

// ---------------------------------------------------------------------------
// Study: tools/study.ts in a subprocess against bench/torch_reference.py --study

/** The study the bench times: the full profile's main block (every head × 10 seeds), one epoch of `images` each. */
function studyBlock(images: number): StudyBlock {
  const main = getProfile("full").study.find((block) => block.name === "main");
  if (main === undefined) throw new Error('The full profile in lib/study/profiles.ts has no block named "main".');
  return { ...main, epochs: 1, trainSubset: images };
}

/** Exit status, output and wall time of a finished subprocess. */
interface TimedProcess {
  code: number;
  /** Seconds from spawn to exit. */
  wallSeconds: number;
  stdout: string;
  stderr: string;
}

/** Writes all of `bytes` to stderr, looping because one writeSync call may write fewer. */
function writeStderr(bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
}

/** Reads a stream to its end and returns it as text, copying each chunk to stderr when `forward` is true. */
async function readText(stream: ReadableStream<Uint8Array>, forward: boolean): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    if (forward) writeStderr(chunk);
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/**
 * Runs a command to its end and times it from spawn to exit. Its stderr, and
 * its stdout when `forwardStdout` is true, are copied to this process's
 * stderr as they arrive, so that stdout stays free for `--json`.
 */
async function runTimed(
  command: string,
  args: string[],
  options: { cwd?: string; forwardStdout: boolean },
): Promise<TimedProcess> {
  const started = performance.now();
  const child = new Deno.Command(command, { args, cwd: options.cwd, stdin: "null", stdout: "piped", stderr: "piped" })
    .spawn();
  let exited = started;
  const [status, stdout, stderr] = await Promise.all([
    child.status.then((status) => {
      exited = performance.now();
      return status;
    }),
    readText(child.stdout, options.forwardStdout),
    readText(child.stderr, true),
  ]);
  return { code: status.code, wallSeconds: (exited - started) / 1000, stdout, stderr };
}

/** Returns whether /usr/bin/time is GNU time, whose `-v -o FILE` reports the peak resident memory of a command. */
async function gnuTimeWorks(scratchDir: string): Promise<boolean> {
  const report = `${scratchDir}/probe-time.txt`;
  try {
    const output = await new Deno.Command(GNU_TIME, { args: ["-v", "-o", report, "true"], stderr: "null" }).output();
    return output.success && maxRssMb(Deno.readTextFileSync(report)) !== undefined;
  } catch {
    return false;
  }
}

/** Reads "Maximum resident set size (kbytes)" from a GNU time `-v` report, in MiB. */
function maxRssMb(report: string): number | undefined {
  const kib = Number(report.match(/Maximum resident set size \(kbytes\):\s*(\d+)/)?.[1]);
  return Number.isFinite(kib) && kib > 0 ? round(kib / 1024) : undefined;
}

/**
 * Trains the study with tools/study.ts on wasm, in a subprocess with its
 * default workers (one per core), into a fresh temporary run store that is
 * removed afterwards, and returns its record.
 *
 * @throws {Error} when the study exits with a non-zero code or does not store every run.
 */
async function timeTfjsStudy(dataDir: string, images: number): Promise<BenchRecord> {
  const plan = planRuns([studyBlock(images)]);
  const runs = plan.length;
  const finished = `study finished: ${runs} run${runs === 1 ? "" : "s"} stored`;
  const scratchDir = await Deno.makeTempDir({ prefix: "bench-study-" });
  try {
    const timeReport = `${scratchDir}/time.txt`;
    const studyArgs = [
      ...["run", "-A", STUDY_SCRIPT, "--profile", "full", "--blocks", "main", "--epochs", "1"],
      ...["--train-subset", String(images), "--backend", "wasm", "--data-dir", dataDir, "--out", `${scratchDir}/runs`],
    ];
    const measuresRss = await gnuTimeWorks(scratchDir);
    const [command, args] = measuresRss
      ? [GNU_TIME, ["-v", "-o", timeReport, Deno.execPath(), ...studyArgs]]
      : [Deno.execPath(), studyArgs];
    const result = await runTimed(command, args, { cwd: REPO_ROOT, forwardStdout: true });

    const commandLine = `deno ${studyArgs.join(" ")}`;
    if (result.code !== 0) {
      throw new Error(
        `the study failed with exit code ${result.code} (${commandLine}); see its output above for the cause. ` +
          "Pass --quick to skip the study.",
      );
    }
    if (!result.stderr.includes(finished)) {
      throw new Error(
        `the study exited with code 0 without reporting "${finished}" (${commandLine}), ` +
          "so its wall time would not cover every run.",
      );
    }
    // tools/study.ts reports the backend and the number of workers once, as "backend: wasm, 2 workers".
    const backendLine = result.stderr.match(/^backend: (\w+)\b.*?, (\d+) workers?$/m);
    const peak = measuresRss ? maxRssMb(Deno.readTextFileSync(timeReport)) : undefined;
    return {
      impl: `tfjs-${backendLine?.[1] ?? "wasm"}`,
      phase: "study",
      batch: plan[0].config.batchSize,
      runs,
      images_per_run: images,
      epochs: 1,
      workers: backendLine ? Number(backendLine[2]) : undefined,
      wall_s: round(result.wallSeconds, 2),
      peak_rss_mb: peak,
      ...(peak === undefined ? { peak_rss_note: `not measured: ${GNU_TIME} is not GNU time or is missing` } : {}),
      note: "tools/study.ts timed from spawn to exit, one worker thread per core. Its runs also compute and store " +
        "the diagnostics of lib/study/diagnose.ts (forward passes at initialisation and after the epoch) " +
        "and the dead units on the training subset, which the PyTorch study leaves out. " +
        "For a study, ratio_to_torch is the ratio of wall times, tfjs over PyTorch with 2 threads: " +
        "lower is better, and 1 or less meets the target.",
    };
  } finally {
    await Deno.remove(scratchDir, { recursive: true });
  }
}

/** Trains the same runs with bench/torch_reference.py --study and returns its record, timed from spawn to exit. */
async function timeTorchStudy(dataDir: string, images: number): Promise<BenchRecord> {
  const args = [
    TORCH_SCRIPT,
    ...["--study", "--threads", String(TORCH_STUDY_THREADS), "--batch", "20", "--images", String(images)],
    ...["--data-dir", dataDir],
  ];
  const result = await runTimed(PYTHON, args, { forwardStdout: false });
  if (result.code !== 0) {
    throw new Error(
      `${PYTHON} ${args.join(" ")} failed with exit code ${result.code}: see its output above for the cause.`,
    );
  }
  const record: BenchRecord = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "");
  // Both sides of the ratio are timed from spawn to exit. The script's own figure leaves out starting Python.
  record.script_wall_s = record.wall_s;
  record.wall_s = round(result.wallSeconds, 2);
  return record;
}

/**
 * Times the study in tfjs and, when `torch` is true, in PyTorch, one after
 * the other, and returns their records: the tfjs one with `ratio_to_torch`
 * when PyTorch trained the same runs.
 *
 * @throws {Error} when the tfjs study fails. A failed PyTorch study only leaves out the ratio.
 */
async function timeStudies(dataDir: string, images: number, torch: boolean): Promise<BenchRecord[]> {
  progress(`study: tools/study.ts, every head × 10 seeds, 1 epoch of ${images} images each`);
  const tfjs = await timeTfjsStudy(dataDir, images);
  progress(`study: ${tfjs.impl} took ${tfjs.wall_s} s`);
  if (!torch) return [tfjs];

  progress(`study: the same runs in PyTorch with ${TORCH_STUDY_THREADS} threads, one after another`);
  let peer: BenchRecord;
  try {
    peer = await timeTorchStudy(dataDir, images);
  } catch (error) {
    progress(`the PyTorch study failed, so the study has no torch ratio: ${(error as Error).message}`);
    return [tfjs];
  }
  if (peer.runs !== tfjs.runs || peer.images_per_run !== tfjs.images_per_run) {
    progress(
      `warning: PyTorch trained ${peer.runs} runs of ${peer.images_per_run} images and tfjs ${tfjs.runs} of ` +
        `${tfjs.images_per_run}, so the study has no torch ratio. Make bench/torch_reference.py's heads and ` +
        "seeds match the full profile's main block.",
    );
  } else if (tfjs.wall_s !== undefined && peer.wall_s) {
    tfjs.ratio_to_torch = round(tfjs.wall_s / peer.wall_s, 3);
  }
  return [tfjs, peer];
}

// ---------------------------------------------------------------------------
// Main

/** Probes navigator.gpu: whether it offers an adapter, and whether that adapter is a software fallback. */
async function probeWebGpu(): Promise<{ available: boolean; software: boolean }> {
  const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
  if (!adapter) return { available: false, software: false };
  // Newer WebGPU puts the flag on adapter.info, older implementations on the adapter.
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const software = info?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
  return { available: true, software };
}

/**
 * Warns on stderr when the 1-minute load average exceeds the number of CPU
 * cores: other processes then compete with the measurements, and PyTorch
 * with 2 threads suffers most, so its ratios mean little.
 */
function warnIfBusy(when: string): void {
  const [load] = Deno.loadavg();
  const cores = navigator.hardwareConcurrency;
  if (load > cores) {
    progress(
      `warning: load average ${
        load.toFixed(1)
      } on ${cores} cores ${when} the measurements; the numbers are unreliable.`,
    );
  }
}

/** Sets each tfjs record's ratios to the torch record of the same phase and batch. */
function addRatios(records: BenchRecord[]): void {
  for (const record of records) {
    if (!record.impl.startsWith("tfjs-") || record.images_per_s === undefined) continue;
    const peer = (threads: number) =>
      records.find((other) =>
        other.impl === "torch" && other.threads === threads && other.phase === record.phase &&
        other.batch === record.batch
      );
    const one = peer(1);
    const two = peer(2);
    if (one?.images_per_s) record.ratio_to_torch = round(record.images_per_s / one.images_per_s, 3);
    if (two?.images_per_s) record.ratio_to_torch_2_threads = round(record.images_per_s / two.images_per_s, 3);
  }
}

function summaryLines(records: BenchRecord[]): string[] {
  const lines = ["impl          phase  batch   images/s  peak RSS MB  vs torch 1t  vs torch 2t  leaked"];
  for (const r of records) {
    if (r.phase !== "train" && r.phase !== "infer") continue;
    const impl = r.impl === "torch" ? `torch ${r.threads}t` : r.impl;
    lines.push(
      [
        impl.padEnd(12),
        r.phase.padEnd(6),
        String(r.batch).padStart(5),
        String(r.images_per_s).padStart(10),
        String(r.peak_rss_mb ?? "").padStart(12),
        String(r.ratio_to_torch ?? "").padStart(12),
        String(r.ratio_to_torch_2_threads ?? "").padStart(12),
        String(r.tensors_leaked ?? "").padStart(7),
      ].join(" "),
    );
  }
  for (const r of records.filter((record) => record.phase === "kernel")) {
    lines.push(
      `kernel ${String(r.case).padEnd(28)} ours ${String(r.ours_us).padStart(7)} µs` +
        (r.stock_us === null ? "" : `   stock ${String(r.stock_us).padStart(7)} µs`) +
        (r.speedup === null ? "" : `   speedup ${r.speedup}×`),
    );
  }
  const studies = records.filter((record) => record.phase === "study");
  if (studies.length > 0) {
    const first = studies[0];
    lines.push(
      `study: ${first.runs} runs (every head × 10 seeds), 1 epoch of ${first.images_per_run} images each, ` +
        "full test set after each",
    );
  }
  for (const r of studies) {
    const label = r.impl === "torch"
      ? `torch ${r.threads} threads, one run after another`
      : `${r.impl}, ${r.workers} workers`;
    const rss = r.peak_rss_mb === undefined ? "peak RSS not measured" : `peak RSS ${r.peak_rss_mb} MB`;
    lines.push(`  ${label}: ${r.wall_s} s wall, ${rss}`);
  }
  const ratio = studies.find((record) => record.ratio_to_torch !== undefined)?.ratio_to_torch;
  if (ratio !== undefined) lines.push(`  wall time tfjs / torch: ${ratio} (lower is better; the target is ≤ 1)`);
  return lines;
}

async function main(): Promise<void> {
  const options = parseOptions(Deno.args);
  if (Deno.env.get("XDG_RUNTIME_DIR") === undefined) {
    // WebGPU's Vulkan loader prints an error without a private runtime directory.
    Deno.env.set("XDG_RUNTIME_DIR", Deno.makeTempDirSync({ prefix: "bench-xdg-" }));
  }
  const records: BenchRecord[] = [];
  const emit = (record: BenchRecord) => {
    // The 1-minute load average when the measurement ended; above the core count, other processes competed.
    record.load_average = round(Deno.loadavg()[0], 2);
    records.push(record);
    if (record.images_per_s !== undefined) {
      const threads = record.threads === undefined ? "" : ` ${record.threads} thread(s)`;
      progress(`${record.impl}${threads} ${record.phase} batch ${record.batch}: ${record.images_per_s} images/s`);
    }
  };

  warnIfBusy("before");
  progress("loading Fashion-MNIST");
  const dataset = await loadData();
  if (options.images > dataset.train.count) fail(`--images ${options.images} is more than ${dataset.train.count}.`);
  const inferImages = Math.min(options.images, dataset.test.count);
  const torchVersion = options.torch ? await torchAvailable() : null;
  if (options.torch && torchVersion === null) progress(`torch was not found in ${PYTHON}; skipping the PyTorch peer.`);

  const webgpu = await probeWebGpu();
  const backends = options.backends ?? (webgpu.available ? ["wasm", "cpu", "webgpu"] : ["wasm", "cpu"]);
  for (const backend of backends) {
    progress(`starting the ${backend} backend`);
    try {
      await selectBackend(backend);
    } catch (error) {
      progress(`${backend} failed to start, skipped: ${(error as Error).message}`);
      continue;
    }
    let cap = Infinity;
    if (backend === "cpu") cap = CPU_MAX_IMAGES;
    if (backend === "webgpu" && webgpu.software) cap = SOFTWARE_WEBGPU_MAX_IMAGES;
    // A token measurement takes the first batch size only.
    const batches = cap === Infinity ? options.batches : [options.batches[0]];
    for (const batch of batches) {
      const images = Math.min(options.images, cap);
      if (batch > images) continue;
      progress(`${backend}: training ${images} images at batch ${batch}`);
      emit(await timeTraining(dataset, options, batch, images));
      progress(`${backend}: inference on ${Math.min(inferImages, cap)} images at batch ${batch}`);
      emit(await timeInference(dataset, options, batch, Math.min(inferImages, cap)));
      if (backend === "wasm" && torchVersion !== null) {
        for (const threads of [1, 2]) {
          try {
            for (const record of await runTorch(options, dataset.source, threads, batch, inferImages)) emit(record);
          } catch (error) {
            progress(`the PyTorch peer failed, so this batch size has no torch ratio: ${(error as Error).message}`);
          }
        }
      }
    }
    if (backend === "wasm" && !options.quick) {
      progress("wasm: timing each replaced kernel against the stock one");
      timeKernels(200).forEach(emit);
    }
  }

  // The study runs in subprocesses, after every in-process measurement, so that nothing else competes with it.
  let studyError: string | undefined;
  if (!options.quick && backends.includes("wasm")) {
    if (dataset.source === "synthetic") {
      progress("study skipped, because it needs the Fashion-MNIST files, which were not found.");
    } else {
      try {
        (await timeStudies(dataset.source, options.studyImages, torchVersion !== null)).forEach(emit);
      } catch (error) {
        studyError = (error as Error).message;
      }
    }
  }

  warnIfBusy("after");
  addRatios(records);
  const summary = summaryLines(records).join("\n");
  const jsonLines = records.map((record) => JSON.stringify(record)).join("\n") + "\n";
  if (options.json === "-") {
    console.error(summary);
    console.log(jsonLines.trimEnd());
  } else {
    console.log(summary);
    if (options.json !== null) {
      Deno.writeTextFileSync(options.json, jsonLines);
      progress(`wrote ${records.length} records to ${options.json}`);
    }
  }
  if (studyError !== undefined) {
    progress(`error: ${studyError}`);
    Deno.exit(1);
  }
}

if (import.meta.main) await main();
