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
 * kernel it replaces, and one run of the quick study.
 *
 * Usage: deno task bench [--images N] [--quick] [--json [FILE]] [--head NAME]
 *   [--backends LIST] [--batches LIST] [--no-torch]
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { type Dataset, loadFashionMnist } from "../lib/data/mod.ts";
import { createNetwork } from "../lib/model/mod.ts";
import { seededRandom } from "../lib/random.ts";
import { getProfile, planRuns } from "../lib/study/profiles.ts";
import { displacedWasmKernel } from "../lib/train/kernels/mod.ts";
import { DEFAULT_CONFIG, evaluateSplit, type RunConfig, selectBackend, trainRun } from "../lib/train/mod.ts";

const USAGE = `Usage: deno task bench [options]

Measures images/s for training and inference of the exercise network on each
tfjs backend, beside PyTorch (bench/torch_reference.py) when /usr/bin/python3 has torch.

Options:
  --images N        training images timed per backend and batch size (default 6000; cpu uses at most
                    100 and a software WebGPU adapter 200, at the first batch size only)
  --quick           wasm only, batch 20 only, 2000 images, no kernel or study timings
  --json [FILE]     write one JSON object per measurement to FILE, or to stdout without FILE
  --head NAME       head after fc1 (default relu); torch supports linear and relu
  --backends LIST   comma-separated: wasm, cpu, webgpu (default: all that start)
  --batches LIST    comma-separated batch sizes (default 20,64,256)
  --no-torch        skip the PyTorch peer
  -h, --help        show this help`;

const PYTHON = "/usr/bin/python3";
const TORCH_SCRIPT = new URL("../bench/torch_reference.py", import.meta.url).pathname;
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
    torch: true,
  };
  let imagesGiven = false;
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
    } else if (arg === "--backends") {
      options.backends = (next() ?? "").split(",").map((name) => name.trim()).filter(Boolean);
      const unknown = options.backends.filter((name) => !["wasm", "cpu", "webgpu"].includes(name));
      if (options.backends.length === 0 || unknown.length > 0) {
        fail(`invalid --backends ${JSON.stringify(options.backends.join(","))}: expected a list of wasm, cpu, webgpu.`);
      }
    } else if (arg === "--batches") {
      options.batches = (next() ?? "").split(",").map((text) => parsePositiveInteger("--batches entry", text.trim()));
    } else if (arg === "--no-torch") {
      options.torch = false;
    } else {
      fail(`unknown option ${JSON.stringify(arg)}.`);
    }
  }
  if (options.quick) {
    if (!imagesGiven) options.images = 2000;
    options.batches = [options.batches[0]];
    options.backends ??= ["wasm"];
  }
  const tooBig = options.batches.find((batch) => batch > options.images);
  if (tooBig !== undefined) fail(`--batches entry ${tooBig} is more than --images ${options.images}.`);
  return options;
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

/** Times one run of the quick study's first block: what `deno task study` repeats for every head and seed. */
async function timeStudyRun(dataset: Dataset): Promise<BenchRecord> {
  const plan = planRuns([getProfile("quick").study[0]]);
  const config = plan[0].config;
  resetPeakRss();
  const record = await trainRun(config, dataset);
  return {
    impl: `tfjs-${tf.getBackend()}`,
    phase: "study",
    batch: config.batchSize,
    wall_s: round(record.wallSeconds, 2),
    peak_rss_mb: peakRssMb(),
    runs_in_study: plan.length,
    note: `one run (head ${config.head}, ${config.epochs} epochs of ${config.trainSubset} images, ` +
      `full test set each epoch) of the quick study's ${plan.length}; the study spreads them over worker processes`,
  };
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
  for (const r of records.filter((record) => record.phase === "study")) {
    lines.push(`study: ${r.wall_s} s per run, ${r.runs_in_study} runs in the quick study (${r.note})`);
  }
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
      progress("wasm: timing one run of the quick study");
      emit(await timeStudyRun(dataset));
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
}

if (import.meta.main) await main();
