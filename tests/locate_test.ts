import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { dataSearchPlaces, describeDataSearch, describeDataSource, projectDataDir } from "../lib/data/locate.ts";
import { withEnv, withTempDir } from "./fixtures_idx.ts";

const REPO_DATA_DIR = fileURLToPath(
  new URL("../data/fashion-mnist", import.meta.url),
);

Deno.test("projectDataDir() is <repo>/data/fashion-mnist whatever the working directory", async () => {
  const before = Deno.cwd();
  await withTempDir((dir) => {
    Deno.chdir(dir);
    try {
      assert.equal(projectDataDir(), REPO_DATA_DIR);
    } finally {
      Deno.chdir(before);
    }
  });
});

Deno.test("dataSearchPlaces() lists option, variable, project copy and Debian's copy in order", async () => {
  await withEnv("FASHION_MNIST_DIR", "/from/env", () => {
    assert.deepEqual(dataSearchPlaces({ dataDir: "/from/option" }), [
      {
        kind: "option",
        label: "--data-dir option",
        dir: "/from/option",
        explicit: true,
      },
      {
        kind: "env",
        label: "environment variable FASHION_MNIST_DIR",
        dir: "/from/env",
        explicit: true,
      },
      {
        kind: "project",
        label: "project copy",
        dir: REPO_DATA_DIR,
        explicit: false,
      },
      {
        kind: "system",
        label: "Debian package dataset-fashion-mnist",
        dir: "/usr/share/datasets/fashion-mnist",
        explicit: false,
      },
    ]);
  });
});

Deno.test("dataSearchPlaces() takes relative folders from the working directory", async () => {
  await withEnv("FASHION_MNIST_DIR", "", () => {
    const places = dataSearchPlaces({
      dataDir: "some/data",
      cacheDir: "cache",
      systemDir: "sys",
    });
    assert.equal(places[0].dir, `${Deno.cwd()}/some/data`);
    assert.equal(places[1].dir, null, "an empty variable counts as not set");
    assert.deepEqual(places[2], {
      kind: "project",
      label: "cacheDir option",
      dir: `${Deno.cwd()}/cache`,
      explicit: false,
    });
    assert.equal(places[3].dir, `${Deno.cwd()}/sys`);
  });
});

Deno.test({
  name: "dataSearchPlaces() treats the variable as not set, and says why, without --allow-env",
  permissions: { env: false },
  fn: () => {
    const place = dataSearchPlaces()[1];
    assert.deepEqual(place, {
      kind: "env",
      label: "environment variable FASHION_MNIST_DIR (unread: run with --allow-env)",
      dir: null,
      explicit: true,
    });
  },
});

Deno.test("describeDataSearch() numbers the places and the download", async () => {
  await withEnv("FASHION_MNIST_DIR", undefined, () => {
    assert.equal(
      describeDataSearch({ cacheDir: "/cache", systemDir: "/sys" }),
      [
        "1. --data-dir option: not set",
        "2. environment variable FASHION_MNIST_DIR: not set",
        "3. cacheDir option: /cache",
        "4. Debian package dataset-fashion-mnist: /sys",
        "5. download from http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ into /cache",
      ].join("\n"),
    );
    assert.match(
      describeDataSearch({ download: false }),
      /\n5\. download: turned off$/,
    );
  });
});

Deno.test("describeDataSource() names the place a folder belongs to", async () => {
  await withEnv("FASHION_MNIST_DIR", undefined, () => {
    assert.equal(
      describeDataSource("/usr/share/datasets/fashion-mnist"),
      "Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)",
    );
    assert.equal(
      describeDataSource(REPO_DATA_DIR),
      `project copy (${REPO_DATA_DIR})`,
    );
    assert.equal(describeDataSource("/elsewhere"), "/elsewhere");
  });
});
