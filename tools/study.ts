/**
 * `deno task study`: trains every (head, seed, setting) run of a profile's
 * study that the run store does not have yet, on one worker per CPU core, and
 * stores each finished run atomically. Interrupt it at any time; the same
 * command then trains only what is missing.
 *
 * Usage: deno task study [--profile quick|full] [--variants linear,relu]
 *   [--seeds 0-9] [--optimizer sgd|momentum|adam] [--init pytorch|tfjs]
 *   [--blocks main,adam] [--epochs N] [--train-subset N] [--learning-rate X] [--out DIR] [--data-dir DIR] [--workers N] [--backend NAME]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { headNames } from "../lib/model/mod.ts";
import { getProfile, planRuns, PROFILES, type StudyBlock } from "../lib/study/profiles.ts";
import { openRunStore } from "../lib/study/ensure_run.ts";
import { FASHION_MNIST_TEST_COUNT, FASHION_MNIST_TRAIN_COUNT, validateConfig } from "../lib/train/mod.ts";
import type { ProgressEvent, RunConfig } from "../lib/train/types.ts";
import { createProgressBar } from "./progress_bar.ts";

const USAGE = `Usage: deno task study [options]

Trains the runs of a profile's study that are not in the run store yet.

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
  --workers N        parallel training processes (default: number of CPU cores, at most 4)
  --backend NAME     auto (default), wasm, cpu or webgpu
  --dry-run          list the runs that would be trained, train nothing
  -h, --help         show this help`;

/** Parses a seed list such as `0,1,2` or `0-9`. */
function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const range = part.match(/^(-?\d+)-(-?\d+)$/);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from) throw new RangeError(`--seeds: invalid range "${part}": the end is below the start.`);
      for (let s = from; s <= to; s++) seeds.push(s);
    } else if (/^-?\d+$/.test(part)) {
      seeds.push(Number(part));
    } else {
      throw new TypeError(`--seeds: "${part}" is not an integer seed; expected a list such as 0,1,2 or a range such as 0-9.`);
    }
  }
  if (seeds.length === 0) throw new RangeError("--seeds: the seed list is empty; expected for example 0,1,2 or 0-9.");
  return seeds;
}

function splitList(text: string): string[] {
  return text.split(",").map((item) => item.trim()).filter(Boolean);
}

/** Applies the command-line filters and overrides to a profile's blocks. */
function selectBlocks(values: Record<string, string | boolean | undefined>): StudyBlock[] {
  const profile = getProfile(String(values.profile ?? "quick"));
  let blocks = profile.study.map((block) => ({ ...block }));

  if (typeof values.blocks === "string") {
    const names = splitList(values.blocks);
    const known = blocks.map((b) => b.name);
    for (const name of names) {
      if (!known.includes(name)) throw new RangeError(`--blocks: unknown block "${name}" in profile ${profile.name}; valid: ${known.join(", ")}.`);
    }
    blocks = blocks.filter((b) => names.includes(b.name));
  }
  if (typeof values.optimizer === "string") {
    const valid = ["sgd", "momentum", "adam"];
    if (!valid.includes(values.optimizer)) throw new RangeError(`--optimizer: unknown optimiser "${values.optimizer}"; valid: ${valid.join(", ")}.`);
    blocks = blocks.filter((b) => b.optimizer === values.optimizer);
  }
  if (typeof values.init === "string") {
    const valid = ["pytorch", "tfjs"];
    if (!valid.includes(values.init)) throw new RangeError(`--init: unknown initialisation "${values.init}"; valid: ${valid.join(", ")}.`);
    blocks = blocks.filter((b) => b.init === values.init);
  }
  if (typeof values.variants === "string") {
    const heads = splitList(values.variants);
    if (heads.length === 0) throw new RangeError(`--variants: the list is empty; valid heads: ${headNames().join(", ")}.`);
    for (const head of heads) {
      if (!headNames().includes(head)) throw new RangeError(`--variants: unknown head "${head}"; valid: ${headNames().join(", ")}.`);
    }
    blocks = blocks.map((b) => ({ ...b, heads: b.heads.filter((h) => heads.includes(h)) }));
  }
  if (typeof values.seeds === "string") {
    const seeds = parseSeeds(values.seeds);
    blocks = blocks.map((b) => ({ ...b, seeds }));
  }
  if (typeof values.epochs === "string") {
    const epochs = Number(values.epochs);
    if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`--epochs: "${values.epochs}" is not an integer ≥ 1.`);
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
      throw new RangeError(`--learning-rate: "${values["learning-rate"]}" is not a number > 0; the original exercise uses 0.001.`);
    }
    blocks = blocks.map((b) => ({ ...b, learningRate: rate }));
  }
  blocks = blocks.filter((b) => b.heads.length > 0 && b.seeds.length > 0);
  if (blocks.length === 0) throw new RangeError("The options select no run: check --blocks, --optimizer, --init and --variants.");
  return blocks;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = Math.round(seconds % 60);
  return h ? `${h}h${String(m).padStart(2, "0")}m` : m ? `${m}m${String(s).padStart(2, "0")}s` : `${s}s`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
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
      "dry-run": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  // Every option is checked before anything trains.
  const blocks = selectBlocks(values);
  const planned = planRuns(blocks);
  for (const { config } of planned) validateConfig(config, { trainCount: FASHION_MNIST_TRAIN_COUNT, testCount: FASHION_MNIST_TEST_COUNT });
  const workerCount = values.workers === undefined
    ? Math.min(4, navigator.hardwareConcurrency || 1)
    : Number(values.workers);
  if (!Number.isInteger(workerCount) || workerCount < 1) {
    throw new RangeError(`--workers: "${values.workers}" is not a positive integer.`);
  }

  const profileName = String(values.profile);
  const store = openRunStore(profileName, values.out);
  const missing: { block: string; config: RunConfig }[] = [];
  for (const run of planned) {
    if (!(await store.get(run.config))) missing.push(run);
  }
  for (const warning of store.warnings) console.error(`warning: ${warning.message}`);
  console.error(
    `study ${profileName}: ${planned.length} runs planned, ${planned.length - missing.length} already in ${store.dir}, ${missing.length} to train`,
  );
  if (values["dry-run"]) {
    for (const { block, config } of missing) console.log(`${block}\t${config.head}\tseed ${config.seed}\t${config.optimizer}\t${config.init}\t${config.epochs} epochs`);
    return 0;
  }
  if (missing.length === 0) return 0;

  return await trainMissing(missing, {
    storeDir: store.dir,
    dataDir: values["data-dir"],
    backend: values.backend,
    workers: Math.min(workerCount, missing.length),
  });
}

/** Hands the missing runs to workers, one at a time each, and shows one progress line. */
function trainMissing(
  runs: { block: string; config: RunConfig }[],
  options: { storeDir: string; dataDir?: string; backend?: string; workers: number },
): Promise<number> {
  const bar = createProgressBar({ label: "study" });
  const started = performance.now();
  let next = 0, finished = 0, failed = 0, diverged = 0;
  const workers: Worker[] = [];
  const { promise, resolve } = Promise.withResolvers<number>();

  const stop = (code: number) => {
    for (const worker of workers) worker.terminate();
    bar.done?.();
    resolve(code);
  };

  // Ctrl-C: finished runs are already stored; only the runs in progress are lost.
  const onInterrupt = () => {
    console.error(
      `\ninterrupted: ${finished} of ${runs.length} runs stored in ${options.storeDir}; ` +
        "run the same command again to train the remaining ones.",
    );
    stop(130);
  };
  Deno.addSignalListener("SIGINT", onInterrupt);

  const assign = (worker: Worker) => {
    if (next >= runs.length) {
      worker.terminate();
      return;
    }
    const index = next++;
    worker.postMessage({ type: "run", index, config: runs[index].config });
  };

  for (let w = 0; w < options.workers; w++) {
    const worker = new Worker(new URL("./study_worker.ts", import.meta.url).href, { type: "module" });
    workers.push(worker);
    worker.onmessage = (message: MessageEvent) => {
      const data = message.data;
      if (data.type === "ready") {
        if (w === 0) console.error(`backend: ${data.backend}${data.warning ? ` (${data.warning})` : ""}, ${options.workers} workers`);
        assign(worker);
      } else if (data.type === "progress") {
        const event: ProgressEvent = data.event;
        const { config } = runs[data.index];
        const elapsed = (performance.now() - started) / 1000;
        const perRun = finished > 0 ? elapsed / finished : NaN;
        bar.update({
          ...event,
          run: finished + 1,
          runs: runs.length,
          label: `${config.head} seed ${config.seed}`,
          etaSeconds: Number.isFinite(perRun) ? perRun * (runs.length - finished) / options.workers : event.etaSeconds,
        });
      } else if (data.type === "done") {
        finished++;
        if (data.status === "diverged") diverged++;
        const { block, config } = runs[data.index];
        console.error(
          `\n[${finished}/${runs.length}] ${block} ${config.head} seed ${config.seed}: ${data.status}, ` +
            `test accuracy ${(data.accuracy * 100).toFixed(2)}% (elapsed ${formatDuration((performance.now() - started) / 1000)})`,
        );
        if (finished + failed === runs.length) {
          Deno.removeSignalListener("SIGINT", onInterrupt);
          console.error(`study finished: ${finished} runs stored, ${diverged} diverged, ${failed} failed`);
          stop(failed > 0 ? 1 : 0);
        } else {
          assign(worker);
        }
      } else if (data.type === "failed") {
        failed++;
        const run = runs[data.index];
        console.error(`\nerror: run ${run ? `${run.config.head} seed ${run.config.seed}` : "setup"} failed: ${data.message}`);
        Deno.removeSignalListener("SIGINT", onInterrupt);
        stop(1);
      }
    };
    worker.postMessage({ type: "init", dataDir: options.dataDir, storeDir: options.storeDir, backend: options.backend });
  }
  return promise;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) console.error("Run `deno task study --help` for the options.");
    if (!(error instanceof RangeError || error instanceof TypeError)) console.error((error as Error).stack);
    Deno.exit(2);
  }
}

export { parseSeeds, PROFILES };
