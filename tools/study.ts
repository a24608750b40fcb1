/**
 * `deno task study`: trains every (head, seed, setting) run of a profile's
 * study that the run store does not have yet, on one worker per CPU core, and
 * stores each finished run atomically. Interrupt it at any time; the same
 * command then trains only what is missing.
 *
 * Usage: deno task study [--profile quick|full] [--variants linear,relu]
 *   [--seeds 0-9] [--optimizer sgd|momentum|adam] [--init pytorch|tfjs]
 *   [--blocks main,adam] [--epochs N] [--train-subset N] [--learning-rate X] [--out DIR] [--data-dir DIR] [--workers N] [--backend NAME]
 *   [--folds K]
 *
 * With `--folds K` it cross-validates each planned (head, seed) on the
 * training split instead (lib/study/cross_validation.ts) and prints a table
 * of validation accuracy per head. The test set is not used.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { headNames } from "../lib/model/mod.ts";
import { getProfile, planRuns, PROFILES, type StudyBlock } from "../lib/study/profiles.ts";
import { openRunStore } from "../lib/study/ensure_run.ts";
import { checkConfigFitsFolds, crossValidate, foldStoreDir } from "../lib/study/cross_validation.ts";
import { completeRuns, finalEpoch, summarizeOrNaN } from "../lib/study/aggregate.ts";
import { type Dataset, DatasetError, loadFashionMnist } from "../lib/data/mod.ts";
import { RunStore } from "../lib/store/mod.ts";
import {
  assertBackendPreference,
  FASHION_MNIST_TEST_COUNT,
  FASHION_MNIST_TRAIN_COUNT,
  selectBackend,
  validateConfig,
} from "../lib/train/mod.ts";
import type { ProgressEvent, RunConfig, RunRecord } from "../lib/train/types.ts";
import { formatDuration } from "../lib/notebook/progress_text.ts";
import { createProgressBar } from "./progress_bar.ts";

const USAGE = `Usage: deno task study [options]

Trains the runs of a profile's study that are not in the run store yet. Each
finished run is stored at once, so Ctrl-C loses only the runs in progress, and
the same command run again trains only the missing ones.

Options:
  --profile NAME     quick (default, minutes) or full (the committed study, hours)
  --variants LIST    comma-separated heads to train (default: the profile's); valid: ${headNames().join(", ")}
  --seeds LIST       seeds, as 0,1,2 or a range 0-9 (default: the profile's)
  --optimizer NAME   only blocks with this optimiser: sgd, momentum or adam
  --init NAME        only blocks with this initialisation: pytorch or tfjs
  --blocks LIST      only these blocks of the profile (names as in lib/study/profiles.ts)
  --epochs N         override the epochs of every selected block (N ≥ 1)
  --train-subset N   override the training images of every selected block (1 to 60000)
  --learning-rate X  override the learning rate of every selected block (X > 0)
  --out DIR          run store folder (default data/runs/<profile>/)
  --data-dir DIR     folder with the four Fashion-MNIST files
  --workers N        runs trained in parallel, one worker thread each (default: CPU cores, at most 4)
  --backend NAME     auto (default), wasm, cpu or webgpu
  --folds K          cross-validate instead: K-fold cross-validation (K ≥ 2) on the
                     training split for each planned head and seed, folds trained one
                     after another in this process (--workers is ignored), stored under
                     <out or data/runs/<profile>>-cv/k<K>-fold<f>/; prints validation
                     accuracy per head. The test set is not used.
  --dry-run          list the runs that would be trained, train nothing
  -h, --help         show this help

Exit codes: 0 all runs stored, 1 a run or worker failed, 2 invalid options or
another error before training, 130 interrupted by Ctrl-C.`;

/**
 * Most seeds one `--seeds` may list. The full study uses 10; the limit catches
 * a typo such as 0-100000000, which would plan hundreds of millions of runs and
 * exhaust memory before the first one trains.
 */
const MAX_SEEDS = 1000;

/**
 * Parses a seed list such as `0,1,2` or `0-9` into distinct seeds, in the order
 * given: `0-2,1` is 0, 1, 2, so that no run is planned twice.
 */
function parseSeeds(text: string): number[] {
  const seeds = new Set<number>();
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const range = part.match(/^(-?\d+)-(-?\d+)$/);
    const [from, to] = range ? [Number(range[1]), Number(range[2])] : [Number(part), Number(part)];
    if (!range && !/^-?\d+$/.test(part)) {
      throw new TypeError(
        `--seeds: "${part}" is not an integer seed; expected a list such as 0,1,2 or a range such as 0-9.`,
      );
    }
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
      throw new RangeError(`--seeds: "${part}" is beyond the safe integers (±${Number.MAX_SAFE_INTEGER}).`);
    }
    if (to < from) throw new RangeError(`--seeds: invalid range "${part}": the end is below the start.`);
    // Checked before the range is expanded, so that a typo cannot exhaust memory.
    if (to - from + 1 + seeds.size > MAX_SEEDS) {
      throw new RangeError(`--seeds: "${text}" lists more than ${MAX_SEEDS} seeds; expected for example 0-9.`);
    }
    for (let seed = from; seed <= to; seed++) seeds.add(seed);
  }
  if (seeds.size === 0) throw new RangeError("--seeds: the seed list is empty; expected for example 0,1,2 or 0-9.");
  return [...seeds];
}

/** Parses `--folds`: an integer from 2 to the training images. */
function parseFolds(text: string): number {
  const folds = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(folds) || folds < 2 || folds > FASHION_MNIST_TRAIN_COUNT) {
    throw new RangeError(
      `--folds: "${text}" is not an integer from 2 to ${FASHION_MNIST_TRAIN_COUNT}; expected for example 5 or 10.`,
    );
  }
  return folds;
}

function splitList(text: string): string[] {
  return text.split(",").map((item) => item.trim()).filter(Boolean);
}

/** Applies the command-line filters and overrides to a profile's blocks. */
function selectBlocks(values: Record<string, string | boolean | undefined>): StudyBlock[] {
  const profileName = String(values.profile ?? "quick");
  if (!Object.hasOwn(PROFILES, profileName)) {
    throw new RangeError(`--profile: unknown profile "${profileName}"; valid: ${Object.keys(PROFILES).join(", ")}.`);
  }
  const profile = getProfile(profileName);
  let blocks = profile.study.map((block) => ({ ...block }));

  if (typeof values.blocks === "string") {
    const names = splitList(values.blocks);
    const known = blocks.map((b) => b.name);
    for (const name of names) {
      if (!known.includes(name)) {
        throw new RangeError(
          `--blocks: unknown block "${name}" in profile ${profile.name}; valid: ${known.join(", ")}.`,
        );
      }
    }
    blocks = blocks.filter((b) => names.includes(b.name));
  }
  if (typeof values.optimizer === "string") {
    const valid = ["sgd", "momentum", "adam"];
    if (!valid.includes(values.optimizer)) {
      throw new RangeError(`--optimizer: unknown optimiser "${values.optimizer}"; valid: ${valid.join(", ")}.`);
    }
    blocks = blocks.filter((b) => b.optimizer === values.optimizer);
  }
  if (typeof values.init === "string") {
    const valid = ["pytorch", "tfjs"];
    if (!valid.includes(values.init)) {
      throw new RangeError(`--init: unknown initialisation "${values.init}"; valid: ${valid.join(", ")}.`);
    }
    blocks = blocks.filter((b) => b.init === values.init);
  }
  if (typeof values.variants === "string") {
    const heads = splitList(values.variants);
    if (heads.length === 0) {
      throw new RangeError(`--variants: the list is empty; valid heads: ${headNames().join(", ")}.`);
    }
    for (const head of heads) {
      if (!headNames().includes(head)) {
        throw new RangeError(`--variants: unknown head "${head}"; valid: ${headNames().join(", ")}.`);
      }
    }
    blocks = blocks.map((b) => ({ ...b, heads: b.heads.filter((h) => heads.includes(h)) }));
  }
  if (typeof values.seeds === "string") {
    const seeds = parseSeeds(values.seeds);
    blocks = blocks.map((b) => ({ ...b, seeds }));
  }
  if (typeof values.epochs === "string") {
    const epochs = Number(values.epochs);
    if (!Number.isInteger(epochs) || epochs < 1) {
      throw new RangeError(`--epochs: "${values.epochs}" is not an integer ≥ 1.`);
    }
    blocks = blocks.map((b) => ({ ...b, epochs }));
  }
  if (typeof values["train-subset"] === "string") {
    const subset = Number(values["train-subset"]);
    if (!Number.isInteger(subset) || subset < 1 || subset > 60000) {
      throw new RangeError(`--train-subset: "${values["train-subset"]}" is not an integer from 1 to 60000.`);
    }
    blocks = blocks.map((b) => ({ ...b, trainSubset: subset }));
  }
  if (typeof values["learning-rate"] === "string") {
    const rate = Number(values["learning-rate"]);
    if (!Number.isFinite(rate) || rate <= 0) {
      throw new RangeError(
        `--learning-rate: "${values["learning-rate"]}" is not a number > 0; the original exercise uses 0.001.`,
      );
    }
    blocks = blocks.map((b) => ({ ...b, learningRate: rate }));
  }
  blocks = blocks.filter((b) => b.heads.length > 0 && b.seeds.length > 0);
  if (blocks.length === 0) {
    throw new RangeError("The options select no run: check --blocks, --optimizer, --init and --variants.");
  }
  return blocks;
}

/** Rejects a `--data-dir` that is not an existing folder, before any worker loads the dataset from it. */
/** Rejects an `--out` path that exists but is not a folder; a missing folder is created when the first run is stored. */
async function assertStoreFolder(dir: string): Promise<void> {
  try {
    const info = await Deno.stat(dir);
    if (!info.isDirectory) {
      throw new RangeError(`--out: "${dir}" is a file; give a folder for the run store (it is created if missing).`);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

async function assertFolder(dir: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new RangeError(
      `--data-dir: folder "${dir}" does not exist; point it at a folder containing the four Fashion-MNIST files.`,
    );
  }
  if (!info.isDirectory) {
    throw new RangeError(
      `--data-dir: "${dir}" is a file; point it at a folder containing the four Fashion-MNIST files.`,
    );
  }
}

/** Returns `count` followed by `noun`, with an s unless the count is 1: "1 run", "3 runs". */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

const OPTIONS = {
  profile: { type: "string", default: "quick" },
  variants: { type: "string" },
  seeds: { type: "string" },
  optimizer: { type: "string" },
  init: { type: "string" },
  blocks: { type: "string" },
  epochs: { type: "string" },
  "train-subset": { type: "string" },
  "learning-rate": { type: "string" },
  out: { type: "string" },
  "data-dir": { type: "string" },
  workers: { type: "string" },
  backend: { type: "string" },
  folds: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

async function main(): Promise<number> {
  const { values } = parseArgs({ args: Deno.args, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  // Every option is checked before anything trains.
  const blocks = selectBlocks(values);
  const planned = planRuns(blocks);
  const folds = values.folds === undefined ? undefined : parseFolds(values.folds);
  for (const { config } of planned) {
    if (folds !== undefined) checkConfigFitsFolds(config, FASHION_MNIST_TRAIN_COUNT, folds);
    else validateConfig(config, { trainCount: FASHION_MNIST_TRAIN_COUNT, testCount: FASHION_MNIST_TEST_COUNT });
  }
  const workerCount = values.workers === undefined
    ? Math.min(4, navigator.hardwareConcurrency || 1)
    : Number(values.workers);
  if (!Number.isInteger(workerCount) || workerCount < 1) {
    throw new RangeError(`--workers: "${values.workers}" is not an integer ≥ 1; expected for example 1 or 2.`);
  }
  if (values.backend !== undefined) assertBackendPreference(values.backend, "--backend");
  else if (Deno.env.get("RELU_LAB_BACKEND")) {
    assertBackendPreference(Deno.env.get("RELU_LAB_BACKEND")!, "RELU_LAB_BACKEND");
  }
  if (values["data-dir"] !== undefined) await assertFolder(values["data-dir"]);
  if (values.out !== undefined) await assertStoreFolder(values.out);

  const profileName = String(values.profile);
  if (folds !== undefined) {
    if (values.workers !== undefined) {
      console.error("note: --workers is ignored with --folds; folds train one at a time.");
    }
    return await crossValidateStudy(planned, {
      folds,
      storeDir: `${openRunStore(profileName, values.out).dir}-cv`,
      dataDir: values["data-dir"],
      backend: values.backend,
      dryRun: values["dry-run"],
    });
  }
  const store = openRunStore(profileName, values.out);
  const missing: { block: string; config: RunConfig }[] = [];
  for (const run of planned) {
    if (!(await store.get(run.config))) missing.push(run);
  }
  for (const warning of store.warnings) console.error(`warning: ${warning.message}`);
  console.error(
    `study ${profileName}: ${plural(planned.length, "run")} planned, ${
      planned.length - missing.length
    } already in ${store.dir}, ${missing.length} to train`,
  );
  if (values["dry-run"]) {
    for (const { block, config } of missing) {
      console.log(
        `${block}\t${config.head}\tseed ${config.seed}\t${config.optimizer}\t${config.init}\t${
          plural(config.epochs, "epoch")
        }`,
      );
    }
    return 0;
  }
  if (missing.length === 0) return 0;

  let shared: Dataset;
  try {
    shared = await loadFashionMnist({ dataDir: values["data-dir"], sharedMemory: true });
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error;
    console.error(`error: ${error.message}`);
    return 2;
  }
  return await trainMissing(missing, shared, {
    planned: planned.length,
    storeDir: store.dir,
    backend: values.backend,
    workers: Math.min(workerCount, missing.length),
  });
}

/**
 * `--folds`: cross-validates every planned run on the training split, one fold after another in this
 * thread, then prints the validation accuracy of each (block, head) over folds × seeds.
 * Resolves with the exit code.
 */
async function crossValidateStudy(
  planned: { block: string; config: RunConfig }[],
  options: { folds: number; storeDir: string; dataDir?: string; backend?: string; dryRun: boolean },
): Promise<number> {
  const { folds, storeDir } = options;
  const total = planned.length * folds;
  const missing: string[] = [];
  for (const { block, config } of planned) {
    for (let fold = 1; fold <= folds; fold++) {
      const store = new RunStore(foldStoreDir(storeDir, folds, fold));
      if (!(await store.get(config))) {
        missing.push(`${block}\t${config.head}\tseed ${config.seed}\tfold ${fold}/${folds}`);
      }
      for (const warning of store.warnings) console.error(`warning: ${warning.message}`);
    }
  }
  console.error(
    `cross-validation, ${folds} folds: ${plural(planned.length, "run")} × ${folds} folds = ${
      plural(total, "fold run")
    }, ${total - missing.length} already in ${storeDir}/, ${missing.length} to train`,
  );
  if (options.dryRun) {
    for (const line of missing) console.log(line);
    return 0;
  }

  const backend = await selectBackend(options.backend);
  console.error(
    `backend: ${backend.name}${backend.fallbackWarning ? ` (${backend.fallbackWarning})` : ""}, main thread`,
  );
  const dataset = await loadFashionMnist({ dataDir: options.dataDir });

  const controller = new AbortController();
  const onInterrupt = () => controller.abort(new Error("interrupted by Ctrl-C"));
  Deno.addSignalListener("SIGINT", onInterrupt);
  const bar = createProgressBar({ label: "cross-validation" });
  const started = performance.now();
  const recordsByHead = new Map<string, { block: string; head: string; records: RunRecord[] }>();
  let done = 0;
  try {
    for (const [index, { block, config }] of planned.entries()) {
      const label = `${config.head} seed ${config.seed}`;
      const result = await crossValidate(config, dataset, {
        folds,
        storeDir,
        signal: controller.signal,
        // Without metrics, the epoch line leaves out the "test" metrics, which here are validation metrics;
        // the fold's line below states its validation accuracy.
        onProgress: (event, fold) =>
          bar.update({
            ...event,
            metrics: undefined,
            run: index * folds + fold,
            runs: total,
            label: `${label} fold ${fold}/${folds}`,
          }),
        onFold: ({ fold, record, fromStore }) => {
          done++;
          bar.done();
          const accuracy = record.epochs.at(-1)?.testAccuracy;
          const outcome = record.status === "diverged" || accuracy === undefined
            ? `diverged; stored with status "diverged"`
            : `validation accuracy ${(accuracy * 100).toFixed(2)}%`;
          console.error(
            `[${done}/${total}] ${block} ${label} fold ${fold}/${folds}: ${outcome} ` +
              `(${fromStore ? "read from store" : "trained"}, elapsed ${
                formatDuration((performance.now() - started) / 1000)
              })`,
          );
        },
      });
      for (const warning of result.warnings) console.error(`warning: ${warning.message}`);
      const key = `${block}\u0000${config.head}`;
      const group = recordsByHead.get(key) ?? { block, head: config.head, records: [] };
      group.records.push(...result.folds);
      recordsByHead.set(key, group);
    }
  } catch (error) {
    bar.done();
    const hint = `${storeDir}/ now contains ${done} of the ${plural(total, "fold run")}; ` +
      "the same command trains only the missing ones.";
    if (controller.signal.aborted) {
      console.error(`\ninterrupted: ${hint}`);
      return 130;
    }
    console.error(`\nerror: cross-validation failed: ${(error as Error).stack ?? error}\n${hint}`);
    return 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }

  console.log(
    `\nValidation accuracy, ${folds}-fold cross-validation on the training split (mean ± 95% CI over folds × seeds):`,
  );
  console.log(["block", "head", "folds", "diverged", "accuracy"].join("\t"));
  for (const { block, head, records } of recordsByHead.values()) {
    const complete = completeRuns(records);
    const summary = summarizeOrNaN(complete.map((record) => finalEpoch(record).testAccuracy));
    const halfWidth = (summary.ci95[1] - summary.ci95[0]) / 2;
    console.log(
      [
        block,
        head,
        complete.length,
        records.length - complete.length,
        `${(summary.mean * 100).toFixed(2)}% ± ${(halfWidth * 100).toFixed(2)}`,
      ].join("\t"),
    );
  }
  console.log(
    "The test set was not used. Folds share training images, so the intervals are somewhat too narrow. " +
      "Choose between heads here, then measure the chosen head on the test set once: the same command without " +
      "--folds, with --variants naming that head.",
  );
  return 0;
}

/**
 * Hands the missing runs to workers, one at a time each, and shows one progress line. The workers
 * read `dataset`, which must be in shared memory (`loadFashionMnist`'s `sharedMemory`) for them not to copy it.
 * Resolves with the exit code; the caller ends the process with Deno.exit, which ends the workers.
 *
 * NOTE: workers are never terminated. With `--backend auto` each worker probes WebGPU, which
 * loads Mesa's drivers. Terminating such a worker just before the process exited crashed Deno
 * 2.9.6 in Mesa's EGL teardown (segmentation fault, exit code 139) in 3 of 33 two-run
 * studies on a 2-core Linux machine. With the workers left running, 44 studies did not crash.
 * The mark can go once terminating a worker that used WebGPU is safe.
 */
function trainMissing(
  runs: { block: string; config: RunConfig }[],
  dataset: Dataset,
  options: { planned: number; storeDir: string; backend?: string; workers: number },
): Promise<number> {
  const bar = createProgressBar({ label: "study" });
  const started = performance.now();
  let next = 0, finished = 0, diverged = 0;
  let stopped = false;
  const { promise, resolve } = Promise.withResolvers<number>();

  // Describes the store after a stop. A run that a worker stored just before
  // the stop but had not reported yet is missing from this count, not from the store.
  const resumeHint = (nextStep: string) => {
    const remaining = runs.length - finished;
    const stored = options.planned - remaining;
    return `${options.storeDir} now contains ${stored} of the ${plural(options.planned, "run")} of this study. ` +
      `${nextStep} to train the remaining ${remaining}; stored runs are not trained again.`;
  };

  const stop = (code: number) => {
    if (stopped) return;
    stopped = true;
    Deno.removeSignalListener("SIGINT", onInterrupt);
    bar.done?.();
    resolve(code);
  };

  // Ctrl-C: finished runs are already stored; only the runs in progress are lost.
  const onInterrupt = () => {
    console.error(`\ninterrupted: ${resumeHint("Run the same command again")}`);
    stop(130);
  };
  Deno.addSignalListener("SIGINT", onInterrupt);

  const fail = (what: string, message: string) => {
    if (stopped) return;
    console.error(
      `\nerror: ${what} failed: ${message}\n${resumeHint("Fix the problem and run the same command again")}`,
    );
    stop(1);
  };

  // An idle worker is left running rather than terminated: see the note on trainMissing.
  const assign = (worker: Worker) => {
    if (next >= runs.length) return;
    const index = next++;
    worker.postMessage({ type: "run", index, config: runs[index].config });
  };

  for (let w = 0; w < options.workers; w++) {
    const worker = new Worker(new URL("./study_worker.ts", import.meta.url).href, { type: "module" });
    // An error the worker did not catch (it catches those of setup and training)
    // would otherwise end this process with a bare stack trace.
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      fail(`worker ${w + 1}`, event.message);
    };
    worker.onmessage = (message: MessageEvent) => {
      if (stopped) return;
      const data = message.data;
      if (data.type === "ready") {
        if (w === 0) {
          console.error(
            `backend: ${data.backend}${data.warning ? ` (${data.warning})` : ""}, ${plural(options.workers, "worker")}`,
          );
        }
        assign(worker);
      } else if (data.type === "progress") {
        const event: ProgressEvent = data.event;
        const { config } = runs[data.index];
        const elapsed = (performance.now() - started) / 1000;
        // Wall seconds per finished run already reflect the workers running side by side. Before the first run
        // finishes, the length of the run in progress is the estimate for every run.
        const runSeconds = event.elapsedSeconds + event.etaSeconds;
        const etaSeconds = finished > 0
          ? (elapsed / finished) * (runs.length - finished)
          : event.etaSeconds + runSeconds * Math.max(0, runs.length - options.workers) / options.workers;
        bar.update({
          ...event,
          run: data.index + 1,
          runs: runs.length,
          label: `${config.head} seed ${config.seed}`,
          etaSeconds: Math.max(0, etaSeconds),
        });
      } else if (data.type === "done") {
        finished++;
        const { block, config } = runs[data.index];
        let outcome = `complete, test accuracy ${(data.accuracy * 100).toFixed(2)}%`;
        if (data.status === "diverged") {
          diverged++;
          const at = data.divergence;
          outcome = at
            ? `diverged at epoch ${at.epoch}, step ${at.step} (training loss ${at.loss}); stored with status "diverged"`
            : `diverged; stored with status "diverged"`;
        }
        console.error(
          `\n[${finished}/${runs.length}] ${block} ${config.head} seed ${config.seed}: ${outcome} ` +
            `(elapsed ${formatDuration((performance.now() - started) / 1000)})`,
        );
        if (finished === runs.length) {
          console.error(`study finished: ${plural(finished, "run")} stored, ${diverged} diverged`);
          stop(0);
        } else {
          assign(worker);
        }
      } else if (data.type === "failed") {
        const run = runs[data.index];
        fail(
          run ? `run ${run.block} ${run.config.head} seed ${run.config.seed}` : `worker ${w + 1} setup`,
          data.message,
        );
      }
    };
    worker.postMessage({
      type: "init",
      dataset,
      storeDir: options.storeDir,
      backend: options.backend,
    });
  }
  return promise;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      const names = Object.keys(OPTIONS).map((name) => `--${name}`).join(", ");
      console.error(`Valid options: ${names}. Run \`deno task study --help\` for what each one sets.`);
    }
    if (!(error instanceof RangeError || error instanceof TypeError)) console.error((error as Error).stack);
    Deno.exit(2);
  }
}

export { parseSeeds, PROFILES };
