/**
 * Tests of lib/store: run keys, record validation, the RunStore's round trip,
 * its handling of corrupt and temporary files, and concurrent writers.
 *
 * Needs --allow-read --allow-write (temporary folders) and --allow-run (the
 * concurrent-writer test starts two `deno eval` processes).
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  atomicWriteTextFile,
  canonicalJson,
  InvalidRunRecordError,
  runKey,
  RunStore,
  stringifyRunRecord,
  validateRunRecord,
} from "../lib/store/mod.ts";
import type { EpochMetrics, RunConfig, RunRecord } from "../lib/train/types.ts";

const BASE_CONFIG: RunConfig = {
  head: "relu",
  seed: 0,
  init: "pytorch",
  optimizer: "sgd",
  learningRate: 0.001,
  batchSize: 20,
  epochs: 2,
  trainSubset: 1000,
  testSubset: 500,
};

function makeEpoch(epoch: number): EpochMetrics {
  return {
    epoch,
    trainLoss: 1.2 / epoch,
    testLoss: 1.1 / epoch,
    testAccuracy: 0.6 + 0.05 * epoch,
    perClassAccuracy: Array.from({ length: 10 }, (_, k) => 0.5 + 0.04 * k),
    elapsedSeconds: 3.5 * epoch,
  };
}

/** Builds a valid complete record of `config`, with `overrides` applied last. */
function makeRecord(
  config: Partial<RunConfig> = {},
  overrides: Partial<RunRecord> = {},
): RunRecord {
  const fullConfig = { ...BASE_CONFIG, ...config };
  return {
    schema: 1,
    config: fullConfig,
    key: runKey(fullConfig),
    status: "complete",
    epochs: Array.from(
      { length: fullConfig.epochs },
      (_, i) => makeEpoch(i + 1),
    ),
    confusion: Array.from(
      { length: 10 },
      (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 40 : 1)),
    ),
    deadUnits: [3],
    diagnostics: { meanLogit: 0.25 },
    backend: "cpu",
    versions: { tfjs: "4.22.0", deno: "2.9.6" },
    wallSeconds: 7.25,
    finishedAt: "2025-01-31T12:00:00.000Z",
    ...overrides,
  };
}

/** Builds a diverged record: NaN and infinite losses, a NaN accuracy, no confusion matrix. */
function makeDivergedRecord(): RunRecord {
  const config = { ...BASE_CONFIG, learningRate: 10, epochs: 3 };
  return {
    ...makeRecord(config),
    status: "diverged",
    divergence: { epoch: 2, step: 17, loss: Infinity },
    epochs: [makeEpoch(1), {
      ...makeEpoch(2),
      trainLoss: NaN,
      testLoss: -Infinity,
      testAccuracy: NaN,
    }],
    confusion: [],
  };
}

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "store_test_" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function fileNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

// Keys

Deno.test("runKey() is the SHA-256 prefix of canonical JSON", () => {
  // printf '%s' '<the canonical JSON below>' | sha256sum  →  e704cb370aca420f…
  assert.equal(
    canonicalJson(BASE_CONFIG),
    '{"batchSize":20,"epochs":2,"head":"relu","init":"pytorch","learningRate":0.001,' +
      '"optimizer":"sgd","seed":0,"testSubset":500,"trainSubset":1000}',
  );
  assert.equal(runKey(BASE_CONFIG), "e704cb370aca420f");
});

Deno.test("runKey() ignores field order", () => {
  const reversed = Object.fromEntries(
    Object.entries(BASE_CONFIG).reverse(),
  ) as unknown as RunConfig;
  assert.equal(runKey(reversed), runKey(BASE_CONFIG));
  assert.equal(runKey({ ...BASE_CONFIG }), runKey(BASE_CONFIG));
});

Deno.test("runKey() changes with every field", () => {
  const changes: Partial<RunConfig>[] = [
    { head: "linear" },
    { seed: 1 },
    { init: "tfjs" },
    { optimizer: "adam" },
    { learningRate: 0.0011 },
    { batchSize: 21 },
    { epochs: 3 },
    { trainSubset: null },
    { testSubset: null },
  ];
  assert.equal(
    changes.length,
    Object.keys(BASE_CONFIG).length,
    "one change per RunConfig field",
  );
  const keys = new Set([runKey(BASE_CONFIG)]);
  for (const change of changes) {
    const key = runKey({ ...BASE_CONFIG, ...change });
    assert.ok(
      !keys.has(key),
      `changing ${JSON.stringify(change)} kept a key seen before: ${key}`,
    );
    keys.add(key);
  }
  // A field added to RunConfig later takes part as well.
  assert.notEqual(
    runKey({ ...BASE_CONFIG, labelSmoothing: 0.1 } as RunConfig),
    runKey(BASE_CONFIG),
  );
});

Deno.test("canonicalJson() sorts nested keys and drops undefined", () => {
  assert.equal(
    canonicalJson({
      b: { y: 1, x: [2, { d: null, c: "é" }] },
      a: true,
      skipped: undefined,
    }),
    '{"a":true,"b":{"x":[2,{"c":"é","d":null}],"y":1}}',
  );
});

Deno.test("runKey() rejects values JSON cannot store", () => {
  assert.throws(() => runKey({ ...BASE_CONFIG, learningRate: NaN }), {
    name: "TypeError",
    message: "config.learningRate is NaN: expected a finite number; JSON cannot store NaN or Infinity.",
  });
  assert.throws(
    () => runKey({ ...BASE_CONFIG, when: new Date(0) } as unknown as RunConfig),
    {
      name: "TypeError",
      message: "config.when is a Date object: expected a plain object with JSON values.",
    },
  );
});

// Validation

Deno.test("validateRunRecord() accepts complete and diverged records", () => {
  const complete = makeRecord();
  assert.equal(validateRunRecord(complete, "a.json"), complete);
  const diverged = makeDivergedRecord();
  assert.equal(validateRunRecord(diverged, "b.json"), diverged);
});

Deno.test("validateRunRecord() names the file and the field", () => {
  const record = makeRecord({ epochs: 3 });
  (record.epochs[2] as unknown as Record<string, unknown>).testAccuracy = "x";
  const file = `data/runs/${record.key}.json`;
  assert.throws(() => validateRunRecord(record, file), {
    name: "InvalidRunRecordError",
    message: `${file}: field epochs[2].testAccuracy is "x", expected a number in [0, 1]`,
  });
});

Deno.test("validateRunRecord() counts further problems", () => {
  const record = { ...makeRecord(), backend: "", wallSeconds: -1 } as RunRecord;
  (record as unknown as Record<string, unknown>).deadUnits = [3, 3];
  try {
    validateRunRecord(record, "r.json");
    assert.fail("expected an InvalidRunRecordError");
  } catch (error) {
    assert.ok(error instanceof InvalidRunRecordError);
    assert.equal(
      error.message,
      "r.json: field deadUnits[1] is 3, expected a unit index in 0..9, listed once (and 2 more problems)",
    );
    assert.equal(error.file, "r.json");
    assert.deepEqual(error.problems, [
      "field deadUnits[1] is 3, expected a unit index in 0..9, listed once",
      'field backend is "", expected a tfjs backend name such as "wasm"',
      "field wallSeconds is -1, expected a finite number of seconds ≥ 0",
    ]);
  }
});

Deno.test("validateRunRecord() explains another schema", () => {
  const record = { ...makeRecord(), schema: 2 } as unknown as RunRecord;
  assert.throws(() => validateRunRecord(record, "r.json"), {
    name: "InvalidRunRecordError",
    message: "r.json: field schema is 2, expected 1: the file is not a run record of this version of " +
      "relu-softmax-lab (another version or another program wrote it)",
  });
});

Deno.test("validateRunRecord() checks the key against the config", () => {
  const record = { ...makeRecord(), key: "0000000000000000" };
  assert.throws(() => validateRunRecord(record, "r.json"), {
    message: `r.json: field key is "0000000000000000", expected "${runKey(BASE_CONFIG)}", the hash of config`,
  });
});

Deno.test("validateRunRecord() wants all epochs of a complete run", () => {
  const record = makeRecord({ epochs: 3 }, {
    epochs: [makeEpoch(1), makeEpoch(2)],
  });
  assert.throws(() => validateRunRecord(record, "r.json"), {
    message: "r.json: field epochs is an array of 2 items, expected 3 entries (config.epochs) for a complete run",
  });
});

Deno.test("validateRunRecord() wants divergence on a diverged run", () => {
  const record = { ...makeDivergedRecord(), divergence: undefined };
  assert.throws(() => validateRunRecord(record, "r.json"), {
    message:
      "r.json: field divergence is missing, expected { epoch, step, loss } saying where the loss stopped being finite",
  });
});

Deno.test("validateRunRecord() rejects a non-object", () => {
  assert.throws(() => validateRunRecord([1, 2], "r.json"), {
    message: "r.json: the content is an array of 2 items, expected a JSON object with a run record",
  });
});

// RunStore

Deno.test("RunStore.put() and get() round-trip a record", async () => {
  await withTempDir(async (dir) => {
    const store = new RunStore(`${dir}/runs/`);
    const record = makeRecord();
    const file = await store.put(record);
    assert.equal(file, `${dir}/runs/${record.key}.json`);
    assert.equal(store.path(record.key), file);
    assert.deepEqual(await store.get({ ...BASE_CONFIG }), record);
    assert.deepEqual(await fileNames(`${dir}/runs`), [`${record.key}.json`]);
    assert.deepEqual(store.warnings, []);
  });
});

Deno.test("RunStore keeps NaN and infinite numbers", async () => {
  await withTempDir(async (dir) => {
    const store = new RunStore(dir);
    const record = makeDivergedRecord();
    await store.put(record);
    const text = await Deno.readTextFile(store.path(record.key));
    assert.ok(text.includes('"trainLoss": "NaN"'), "NaN is stored as a string");
    assert.equal(text, stringifyRunRecord(record));

    const read = await store.get(record.config);
    assert.ok(read);
    assert.equal(read.divergence?.loss, Infinity);
    assert.ok(Number.isNaN(read.epochs[1].trainLoss));
    assert.equal(read.epochs[1].testLoss, -Infinity);
    assert.deepEqual(read, record);
  });
});

Deno.test("RunStore.get() of an unknown config", async () => {
  await withTempDir(async (dir) => {
    const store = new RunStore(dir);
    assert.equal(await store.get(BASE_CONFIG), undefined);
    assert.equal(
      await new RunStore(`${dir}/missing`).get(BASE_CONFIG),
      undefined,
    );
    assert.deepEqual(store.warnings, []);
  });
});

Deno.test("RunStore.put() rejects an invalid record", async () => {
  await withTempDir(async (dir) => {
    const store = new RunStore(dir);
    const record = makeRecord({}, { confusion: [[1, 2]] });
    await assert.rejects(store.put(record), {
      name: "InvalidRunRecordError",
      message: `${dir}/${record.key}.json: field confusion is an array of 1 item, expected 10 rows of 10 counts`,
    });
    assert.deepEqual(await fileNames(dir), []);
  });
});

Deno.test("RunStore.path() rejects a malformed key", () => {
  assert.throws(() => new RunStore("runs").path("../../etc/passwd"), {
    name: "RangeError",
    message: 'RunStore.path(): invalid key "../../etc/passwd": expected 16 lowercase hex characters from runKey().',
  });
});

Deno.test("RunStore.get() moves truncated JSON aside", async () => {
  await withTempDir(async (dir) => {
    const store = new RunStore(dir);
    const record = makeRecord();
    const file = await store.put(record);
    const text = await Deno.readTextFile(file);
    await Deno.writeTextFile(file, text.slice(0, text.length / 2));

    assert.equal(await store.get(record.config), undefined);
    const names = await fileNames(dir);
    assert.equal(names.length, 1);
    assert.match(
      names[0],
      new RegExp(
        `^${record.key}\\.json\\.corrupt-\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z$`,
      ),
    );
    assert.equal(store.warnings.length, 1);
    assert.equal(store.warnings[0].file, file);
    assert.match(
      store.warnings[0].message,
      new RegExp(
        `^${file}: invalid JSON \\(.+\\)\\. Moved the file to ${dir}/${names[0]}; the run counts as missing\\.$`,
      ),
    );

    // The run counts as missing, so it can be stored again.
    await store.put(record);
    assert.deepEqual(await store.get(record.config), record);
    assert.equal(store.takeWarnings().length, 1);
    assert.deepEqual(store.warnings, []);
  });
});

Deno.test("RunStore.get() moves a wrongly typed record aside", async () => {
  await withTempDir(async (dir) => {
    const store = new RunStore(dir);
    const record = makeRecord();
    const file = store.path(record.key);
    const broken = JSON.parse(stringifyRunRecord(record));
    broken.epochs[1].testAccuracy = "x";
    await Deno.writeTextFile(file, JSON.stringify(broken));

    assert.equal(await store.get(record.config), undefined);
    assert.equal(store.warnings.length, 1);
    assert.ok(
      store.warnings[0].message.startsWith(
        `${file}: field epochs[1].testAccuracy is "x", expected a number in [0, 1]. Moved the file to ${file}.corrupt-`,
      ),
      store.warnings[0].message,
    );
    assert.ok(!(await fileNames(dir)).includes(`${record.key}.json`));
  });
});

Deno.test("RunStore.list() skips and reports corrupt files", async () => {
  await withTempDir(async (dir) => {
    const store = new RunStore(dir);
    const records = [
      makeRecord({ seed: 2 }),
      makeRecord({ seed: 1 }),
      makeDivergedRecord(),
    ];
    for (const record of records) await store.put(record);
    const corrupt = makeRecord({ seed: 3 });
    await Deno.writeTextFile(store.path(corrupt.key), "{");
    // A valid record under another record's name.
    const misplaced = makeRecord({ seed: 4 });
    await Deno.writeTextFile(
      store.path(runKey({ ...BASE_CONFIG, seed: 5 })),
      stringifyRunRecord(misplaced),
    );
    await Deno.writeTextFile(`${dir}/notes.txt`, "not a record");

    const listed = await store.list();
    const expected = [...records].sort((a, b) => a.key.localeCompare(b.key));
    assert.deepEqual(
      listed.map((record) => record.key),
      expected.map((record) => record.key),
    );
    assert.deepEqual(
      store.warnings.map((warning) => warning.file).sort(),
      [
        store.path(corrupt.key),
        store.path(runKey({ ...BASE_CONFIG, seed: 5 })),
      ].sort(),
    );
    const misplacedWarning = store.warnings.find((warning) => warning.message.includes("as in the file name"));
    assert.ok(misplacedWarning);
    assert.ok(
      misplacedWarning.message.includes(
        `field key is "${misplaced.key}", expected "${runKey({ ...BASE_CONFIG, seed: 5 })}" as in the file name`,
      ),
    );

    const completeRecords = await store.listWhere((record) => record.status === "complete");
    assert.deepEqual(completeRecords.map((record) => record.config.seed).sort(), [
      1,
      2,
    ]);
  });
});

Deno.test("RunStore.list() ignores fresh temp files and removes stale ones", async () => {
  await withTempDir(async (dir) => {
    const store = new RunStore(dir);
    const record = makeRecord();
    await store.put(record);
    const fresh = `${dir}/${record.key}.json.aaaa1111.tmp`;
    const stale = `${dir}/${runKey({ ...BASE_CONFIG, seed: 9 })}.json.bbbb2222.tmp`;
    await Deno.writeTextFile(fresh, '{"half a rec');
    await Deno.writeTextFile(stale, '{"half a rec');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await Deno.utime(stale, twoMinutesAgo, twoMinutesAgo);

    assert.deepEqual(await store.list(), [record]);
    assert.deepEqual(store.warnings, []);
    assert.deepEqual(await fileNames(dir), [
      `${record.key}.json`,
      `${record.key}.json.aaaa1111.tmp`,
    ]);
  });
});

Deno.test("RunStore.list() of a missing folder", async () => {
  await withTempDir(async (dir) => {
    assert.deepEqual(await new RunStore(`${dir}/nothing-here`).list(), []);
  });
});

Deno.test("atomicWriteTextFile() replaces a file, leaving no temp file", async () => {
  await withTempDir(async (dir) => {
    const file = `${dir}/a.json`;
    await atomicWriteTextFile(file, "first");
    await atomicWriteTextFile(file, "second ✓");
    assert.equal(await Deno.readTextFile(file), "second ✓");
    assert.deepEqual(await fileNames(dir), ["a.json"]);
    await assert.rejects(
      atomicWriteTextFile(`${dir}/missing/a.json`, "x"),
      Deno.errors.NotFound,
    );
    assert.deepEqual(await fileNames(dir), ["a.json"]);
  });
});

// Concurrency

Deno.test("RunStore loses nothing to concurrent writers in one process", async () => {
  await withTempDir(async (dir) => {
    const writer = async (offset: number) => {
      const store = new RunStore(dir);
      for (let i = 0; i < 50; i++) {
        await store.put(makeRecord({ seed: offset + i }));
      }
    };
    await Promise.all([writer(0), writer(1000)]);
    const records = await new RunStore(dir).list();
    assert.equal(records.length, 100);
    assert.deepEqual(
      await fileNames(dir),
      records.map((record) => `${record.key}.json`),
    );
  });
});

Deno.test("RunStore loses nothing to two writer processes", async () => {
  await withTempDir(async (dir) => {
    const storeModule = new URL("../lib/store/mod.ts", import.meta.url).href;
    // Each process writes 50 runs of its own and, to collide on purpose, the
    // same 5 shared runs; wallSeconds identifies the writer.
    const script = (writerId: number) => `
      import { RunStore, runKey } from ${JSON.stringify(storeModule)};
      const base = ${JSON.stringify(makeRecord())};
      const store = new RunStore(${JSON.stringify(dir)});
      const seeds = [...Array.from({ length: 50 }, (_, i) => ${writerId} * 1000 + i), 900, 901, 902, 903, 904];
      for (const seed of seeds) {
        const config = { ...base.config, seed };
        await store.put({ ...base, config, key: runKey(config), wallSeconds: ${writerId} });
      }
    `;
    const writers = [1, 2].map((writerId) =>
      new Deno.Command(Deno.execPath(), {
        args: ["eval", script(writerId)],
        stdout: "piped",
        stderr: "piped",
      })
        .output()
    );
    // Read the store while the writers run: a reader must never meet a partly written file.
    let writing = true;
    const finished = Promise.all(writers).finally(() => writing = false);
    const reader = new RunStore(dir);
    let passes = 0;
    while (writing) {
      await reader.list();
      passes++;
    }
    assert.deepEqual(
      reader.warnings,
      [],
      `a concurrent list() met invalid files in ${passes} passes`,
    );
    for (const { code, stderr } of await finished) {
      assert.equal(code, 0, new TextDecoder().decode(stderr));
    }

    const store = new RunStore(dir);
    const records = await store.list();
    assert.deepEqual(store.warnings, []);
    assert.equal(records.length, 105);
    const seeds = new Set(records.map((record) => record.config.seed));
    for (let i = 0; i < 50; i++) {
      assert.ok(seeds.has(1000 + i), `seed ${1000 + i} of writer 1 is missing`);
      assert.ok(seeds.has(2000 + i), `seed ${2000 + i} of writer 2 is missing`);
    }
    for (
      const record of records.filter((record) => record.config.seed >= 900 && record.config.seed < 1000)
    ) {
      assert.ok(
        record.wallSeconds === 1 || record.wallSeconds === 2,
        `shared run has wallSeconds ${record.wallSeconds}`,
      );
    }
    assert.ok(
      (await fileNames(dir)).every((name) => name.endsWith(".json")),
      "a temp file was left behind",
    );
  });
});
