/**
 * Tests of `deno task study` (tools/study.ts) as a user runs it: invalid
 * options, Ctrl-C, a hard kill, corrupt run files, two studies sharing one run
 * store, a diverging run and a dataset error in the workers. Each test starts
 * the command as a subprocess on a temporary store, with one epoch of 200
 * training images per run so that a run takes a few seconds.
 *
 * Needs --allow-run, --allow-read and --allow-write, and the Fashion-MNIST
 * files where the study finds them (Debian's package puts them in
 * /usr/share/datasets/fashion-mnist).
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { headNames } from "../lib/model/mod.ts";
import { parseRunRecordJson, runKey, validateRunRecord } from "../lib/store/mod.ts";
import { planRuns, PROFILES } from "../lib/study/profiles.ts";
import type { RunRecord } from "../lib/train/types.ts";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Options that make every run one epoch of 200 images, trained by one worker. */
const FAST = ["--epochs", "1", "--train-subset", "200", "--variants", "linear", "--workers", "1"];

/** Maximum wait for a line of the study's output; a run takes a few seconds even on a loaded 2-core machine. */
const WAIT_MS = 120_000;

const RECORD_FILE = /^[0-9a-f]{16}\.json$/;

interface StudyResult {
  code: number;
  signal: Deno.Signal | null;
  stderr: string;
}

/** A `deno run tools/study.ts` subprocess whose stderr is collected while it runs. */
class StudyProcess {
  readonly child: Deno.ChildProcess;
  stderr = "";
  #exited = false;
  readonly #reading: Promise<void>;

  constructor(args: string[]) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "tools/study.ts", ...args],
      cwd: REPO_ROOT,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    this.child = child;
    child.status.then(() => this.#exited = true);
    this.#reading = (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) this.stderr += chunk;
    })();
  }

  /** Resolves once stderr matches `pattern`; kills the study and throws if it exits or times out first. */
  async waitFor(pattern: RegExp): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!pattern.test(this.stderr)) {
      if (this.#exited || Date.now() > deadline) {
        if (!this.#exited) this.child.kill("SIGKILL");
        await this.finish();
        throw new Error(
          `the study ${this.#exited ? "exited" : "timed out"} before printing ${pattern}:\n${this.stderr}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async finish(): Promise<StudyResult> {
    const status = await this.child.status;
    await this.#reading;
    return { code: status.code, signal: status.signal, stderr: this.stderr };
  }
}

function runStudy(args: string[]): Promise<StudyResult> {
  return new StudyProcess(args).finish();
}

/** Keys of the runs the study plans for `--seeds`, `--variants` and `--learning-rate` with FAST's epochs and subset. */
function plannedKeys(seeds: number[], heads = ["linear"], learningRate = 0.001): string[] {
  const block = { ...PROFILES.quick.study[0], heads, seeds, learningRate, epochs: 1, trainSubset: 200 };
  return planRuns([block]).map(({ config }) => runKey(config));
}

/** Reads and validates a stored record; throws if the file is missing, not JSON or not a valid record. */
async function readRecord(path: string): Promise<RunRecord> {
  return validateRunRecord(parseRunRecordJson(await Deno.readTextFile(path)), path);
}

async function listFolder(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

/** Content and modification time of every record file, to show that a rerun left them alone. */
async function snapshotRecords(dir: string): Promise<Map<string, { text: string; mtime: number }>> {
  const files = new Map<string, { text: string; mtime: number }>();
  for (const name of await listFolder(dir)) {
    if (!RECORD_FILE.test(name)) continue;
    const path = `${dir}/${name}`;
    files.set(name, { text: await Deno.readTextFile(path), mtime: (await Deno.stat(path)).mtime!.getTime() });
  }
  return files;
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "study_cli_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("study rejects invalid options before training", async () => {
  await withTempDir(async (dir) => {
    const heads = headNames().join(", ");
    const cases: { args: string[]; message: string }[] = [
      {
        args: ["--learning-rate", "0"],
        message: 'error: --learning-rate: "0" is not a number > 0; the original exercise uses 0.001.',
      },
      {
        args: ["--learning-rate=-0.1"],
        message: 'error: --learning-rate: "-0.1" is not a number > 0; the original exercise uses 0.001.',
      },
      { args: ["--variants", "linear,tanh"], message: `error: --variants: unknown head "tanh"; valid: ${heads}.` },
      { args: ["--seeds", ","], message: "error: --seeds: the seed list is empty; expected for example 0,1,2 or 0-9." },
      {
        args: ["--seeds", "0,one"],
        message: 'error: --seeds: "one" is not an integer seed; expected a list such as 0,1,2 or a range such as 0-9.',
      },
      {
        args: ["--seeds", "0-100000000"],
        message: 'error: --seeds: "0-100000000" lists more than 1000 seeds; expected for example 0-9.',
      },
      {
        args: ["--folds", "1"],
        message: 'error: --folds: "1" is not an integer from 2 to 60000; expected for example 5 or 10.',
      },
      { args: ["--profile", "huge"], message: 'error: --profile: unknown profile "huge"; valid: quick, full.' },
      {
        args: ["--workers", "0"],
        message: 'error: --workers: "0" is not an integer ≥ 1; expected for example 1 or 2.',
      },
      {
        args: ["--backend", "cuda"],
        message: 'error: Invalid backend "cuda" from --backend: expected one of auto, wasm, cpu, webgpu.',
      },
      {
        args: ["--data-dir", `${dir}/no-such-folder`],
        message: `error: --data-dir: folder "${dir}/no-such-folder" does not exist; ` +
          "point it at a folder containing the four Fashion-MNIST files.",
      },
      {
        args: ["--bogus"],
        message: "error: Unknown option '--bogus'\nValid options: --profile, --variants, --seeds, --optimizer, " +
          "--init, --blocks, --epochs, --train-subset, --learning-rate, --out, --data-dir, --workers, --backend, " +
          "--folds, --dry-run, --help. Run `deno task study --help` for what each one sets.",
      },
    ];

    // The options under test come last, so that they override the valid ones before them.
    const results = await Promise.all(
      cases.map(({ args }) => runStudy(["--out", `${dir}/store`, ...FAST, "--seeds", "0", ...args])),
    );

    for (const [i, { args, message }] of cases.entries()) {
      const { code, stderr } = results[i];
      // Deno may first print a line of its own, such as "Blocking waiting for file lock on node_modules directory".
      const output = stderr.slice(stderr.indexOf("error: ")).trim();
      assert.equal(output, message, `stderr of study ${args.join(" ")}:\n${stderr}`);
      assert.equal(code, 2, `exit code of study ${args.join(" ")}`);
    }
    assert.deepEqual(await listFolder(dir), [], "the store folder must not be created");
  });
});

Deno.test("study rejects a file given as --out", async () => {
  await withTempDir(async (dir) => {
    const file = `${dir}/not-a-folder`;
    await Deno.writeTextFile(file, "");
    const { code, stderr } = await runStudy(["--out", file, ...FAST, "--seeds", "0"]);
    assert.equal(
      stderr.slice(stderr.indexOf("error: ")).trim(),
      `error: --out: "${file}" is a file; give a folder for the run store (it is created if missing).`,
    );
    assert.equal(code, 2);
  });
});

Deno.test("study stops on Ctrl-C and a rerun trains only the rest", async () => {
  await withTempDir(async (dir) => {
    const store = `${dir}/store`;
    const args = ["--out", store, ...FAST, "--seeds", "0,1"];
    const [firstKey, secondKey] = plannedKeys([0, 1]);

    const study = new StudyProcess(args);
    await study.waitFor(/\[1\/2\] main linear seed 0: complete/);
    const before = await snapshotRecords(store);
    study.child.kill("SIGINT");
    const interrupted = await study.finish();

    assert.equal(interrupted.code, 130, interrupted.stderr);
    assert.ok(
      interrupted.stderr.includes(
        `interrupted: ${store} now contains 1 of the 2 runs of this study. ` +
          "Run the same command again to train the remaining 1; stored runs are not trained again.",
      ),
      interrupted.stderr,
    );
    assert.deepEqual([...before.keys()], [`${firstKey}.json`]);

    const rerun = await runStudy(args);

    assert.equal(rerun.code, 0, rerun.stderr);
    assert.ok(rerun.stderr.includes(`study quick: 2 runs planned, 1 already in ${store}, 1 to train`), rerun.stderr);
    assert.ok(rerun.stderr.includes("study finished: 1 run stored, 0 diverged"), rerun.stderr);
    const after = await snapshotRecords(store);
    assert.deepEqual([...after.keys()].sort(), [`${firstKey}.json`, `${secondKey}.json`].sort());
    assert.deepEqual(after.get(`${firstKey}.json`), before.get(`${firstKey}.json`), "the stored run was rewritten");
    assert.equal((await readRecord(`${store}/${secondKey}.json`)).config.seed, 1);
  });
});

Deno.test("study killed hard leaves no partial record", async () => {
  await withTempDir(async (dir) => {
    const store = `${dir}/store`;
    const args = ["--out", store, ...FAST, "--seeds", "0,1"];
    const [firstKey, secondKey] = plannedKeys([0, 1]);

    const study = new StudyProcess(args);
    await study.waitFor(/\[1\/2\] main linear seed 0: complete/);
    study.child.kill("SIGKILL");
    const killed = await study.finish();

    assert.equal(killed.signal, "SIGKILL");
    // Whatever the kill interrupted, the store reads only <key>.json files, and those are complete.
    for (const name of await listFolder(store)) {
      if (RECORD_FILE.test(name)) await readRecord(`${store}/${name}`);
      else assert.ok(name.endsWith(".tmp"), `unexpected file ${name} in the store`);
    }
    const before = await snapshotRecords(store);
    assert.deepEqual([...before.keys()], [`${firstKey}.json`]);

    // A kill during a write leaves a temporary file like this one; it must not count as the run.
    const tempFile = `${store}/${secondKey}.json.0badc0de.tmp`;
    await Deno.writeTextFile(tempFile, before.get(`${firstKey}.json`)!.text.slice(0, 500));

    const rerun = await runStudy(args);

    assert.equal(rerun.code, 0, rerun.stderr);
    assert.ok(rerun.stderr.includes(`study quick: 2 runs planned, 1 already in ${store}, 1 to train`), rerun.stderr);
    assert.ok(!rerun.stderr.includes("warning:"), rerun.stderr);
    const after = await snapshotRecords(store);
    assert.deepEqual(after.get(`${firstKey}.json`), before.get(`${firstKey}.json`), "the stored run was rewritten");
    assert.equal((await readRecord(`${store}/${secondKey}.json`)).config.seed, 1);
  });
});

Deno.test("study reports and retrains corrupt run files", async () => {
  await withTempDir(async (dir) => {
    const store = `${dir}/store`;
    const args = ["--out", store, ...FAST, "--seeds", "0,1"];
    const [truncatedKey, invalidKey] = plannedKeys([0, 1]);
    const first = await runStudy(args);
    assert.equal(first.code, 0, first.stderr);

    const truncated = `${store}/${truncatedKey}.json`;
    const text = await Deno.readTextFile(truncated);
    await Deno.writeTextFile(truncated, text.slice(0, text.length / 2));
    const invalid = `${store}/${invalidKey}.json`;
    const record = JSON.parse(await Deno.readTextFile(invalid));
    await Deno.writeTextFile(invalid, JSON.stringify({ ...record, status: "finished" }));

    const rerun = await runStudy(args);

    assert.equal(rerun.code, 0, rerun.stderr);
    const warnings = rerun.stderr.split("\n").filter((line) => line.startsWith("warning: "));
    assert.equal(warnings.length, 2, rerun.stderr);
    assert.match(warnings.find((line) => line.includes(truncated))!, /: invalid JSON \(.+\)\. Moved the file to /);
    assert.match(warnings.find((line) => line.includes(invalid))!, /field status is "finished", expected /);
    for (const warning of warnings) assert.match(warning, /\.json\.corrupt-[^ ]+; the run counts as missing\.$/);
    assert.ok(rerun.stderr.includes(`study quick: 2 runs planned, 0 already in ${store}, 2 to train`), rerun.stderr);
    assert.equal((await readRecord(truncated)).config.seed, 0);
    assert.equal((await readRecord(invalid)).config.seed, 1);
    const asideFiles = (await listFolder(store)).filter((name) => name.includes(".corrupt-"));
    assert.equal(asideFiles.length, 2, "both invalid files are kept aside for inspection");
  });
});

Deno.test("study shares a store with a concurrent study", async () => {
  await withTempDir(async (dir) => {
    const store = `${dir}/store`;

    // Seed 1 is in both studies; seeds 0 and 2 are in one each.
    const [a, b] = await Promise.all([
      runStudy(["--out", store, ...FAST, "--seeds", "0,1"]),
      runStudy(["--out", store, ...FAST, "--seeds", "1,2"]),
    ]);

    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(!a.stderr.includes("warning:"), a.stderr);
    assert.ok(!b.stderr.includes("warning:"), b.stderr);
    const keys = plannedKeys([0, 1, 2]);
    assert.deepEqual(await listFolder(store), keys.map((key) => `${key}.json`).sort());
    for (const [seed, key] of keys.entries()) {
      assert.equal((await readRecord(`${store}/${key}.json`)).config.seed, seed);
    }
  });
});

Deno.test("study stores a diverged run and goes on", async () => {
  await withTempDir(async (dir) => {
    const store = `${dir}/store`;
    // With lr 1e30 the linear run's loss becomes NaN within the first epoch.
    const learningRate = 1e30;
    const [linearKey, reluKey] = plannedKeys([0], ["linear", "relu"], learningRate);

    const { code, stderr } = await runStudy([
      "--out",
      store,
      ...FAST,
      "--seeds",
      "0",
      "--variants",
      "linear,relu",
      "--learning-rate",
      String(learningRate),
    ]);

    assert.equal(code, 0, stderr);
    const linear = await readRecord(`${store}/${linearKey}.json`);
    assert.equal(linear.status, "diverged");
    assert.equal(linear.divergence?.epoch, 1);
    assert.ok(
      Number.isInteger(linear.divergence?.step) && linear.divergence!.step >= 1,
      `step ${linear.divergence?.step}`,
    );
    assert.ok(
      stderr.includes(
        `[1/2] main linear seed 0: diverged at epoch 1, step ${linear.divergence!.step} ` +
          `(training loss ${linear.divergence!.loss}); stored with status "diverged"`,
      ),
      stderr,
    );
    // The relu run comes after the diverged one, so its record shows that the study went on.
    // Whether it diverges too depends on the network, so the count is read from the records.
    const relu = await readRecord(`${store}/${reluKey}.json`);
    const diverged = [linear, relu].filter((record) => record.status === "diverged").length;
    assert.ok(stderr.includes(`study finished: 2 runs stored, ${diverged} diverged`), stderr);
  });
});

Deno.test("study reports a dataset error once", async () => {
  await withTempDir(async (dir) => {
    const store = `${dir}/store`;
    const dataDir = `${dir}/empty`;
    await Deno.mkdir(dataDir);

    // The main thread loads the dataset once for both workers, so the message is shown once, before training.
    const { code, stderr } = await runStudy([
      "--out",
      store,
      ...FAST,
      "--seeds",
      "0,1",
      "--workers",
      "2",
      "--data-dir",
      dataDir,
    ]);

    assert.equal(code, 2, stderr);
    const errors = stderr.split("\n").filter((line) => line.startsWith("error: "));
    assert.equal(errors.length, 1, stderr);
    assert.match(errors[0], /^error: The folder given by the --data-dir option/);
    assert.ok(errors[0].includes(`${dataDir} contains none of the four Fashion-MNIST files`), errors[0]);
    assert.ok(!stderr.includes("    at "), `no stack trace expected for a dataset problem:\n${stderr}`);
  });
});
