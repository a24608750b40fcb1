import assert from "node:assert/strict";
import { join } from "node:path";
import { type DataLoadEvent, loadFashionMnist } from "../lib/data/fashion_mnist.ts";
import { DEBIAN_DATA_DIR } from "../lib/data/locate.ts";
import { datasetErrorMessage, listDir, md5Hex, withEnv, withTempDir, writeFashionDir } from "./fixtures_idx.ts";
import { fileRoute, withServer } from "./fixtures_server.ts";

const ENV = "FASHION_MNIST_DIR";

/**
 * Four folders that each hold a valid copy with a different training count, so
 * the count identifies which one was loaded: option 1, variable 2, cache 3, system 4.
 */
async function withFourCopies(
  fn: (
    dirs: {
      option: string;
      env: string;
      cache: string;
      system: string;
      root: string;
    },
  ) => Promise<void>,
) {
  await withTempDir(async (root) => {
    const dirs = {
      option: join(root, "option"),
      env: join(root, "env"),
      cache: join(root, "cache"),
      system: join(root, "system"),
      root,
    };
    await writeFashionDir(dirs.option, { train: 1 });
    await writeFashionDir(dirs.env, { train: 2 });
    await writeFashionDir(dirs.cache, { train: 3 });
    await writeFashionDir(dirs.system, { train: 4 });
    await fn(dirs);
  });
}

Deno.test("loadFashionMnist() takes the dataDir option before every other place", async () => {
  await withFourCopies(async ({ option, env, cache, system }) => {
    await withEnv(ENV, env, async () => {
      const data = await loadFashionMnist({
        dataDir: option,
        cacheDir: cache,
        systemDir: system,
      });
      assert.equal(data.train.count, 1);
      assert.equal(data.source, option);
    });
  });
});

Deno.test("loadFashionMnist() takes FASHION_MNIST_DIR when no dataDir is given", async () => {
  await withFourCopies(async ({ env, cache, system }) => {
    await withEnv(ENV, env, async () => {
      const data = await loadFashionMnist({
        cacheDir: cache,
        systemDir: system,
        download: false,
      });
      assert.equal(data.train.count, 2);
      assert.equal(data.source, env);
    });
  });
});

Deno.test("loadFashionMnist() takes the project copy before Debian's copy", async () => {
  await withFourCopies(async ({ cache, system }) => {
    await withEnv(ENV, undefined, async () => {
      const events: DataLoadEvent[] = [];
      const data = await loadFashionMnist({
        cacheDir: cache,
        systemDir: system,
        onProgress: (e) => events.push(e),
      });
      assert.equal(data.train.count, 3);
      assert.deepEqual(events, [
        {
          type: "search",
          label: "cacheDir option",
          dir: cache,
          outcome: "used",
          reason: undefined,
        },
      ]);
    });
  });
});

Deno.test("loadFashionMnist() skips places that do not exist and reaches Debian's copy", async () => {
  await withFourCopies(async ({ root, system }) => {
    await withEnv(ENV, undefined, async () => {
      const events: DataLoadEvent[] = [];
      const missing = join(root, "nothing-here");
      const data = await loadFashionMnist({
        cacheDir: missing,
        systemDir: system,
        onProgress: (e) => events.push(e),
      });
      assert.equal(data.train.count, 4);
      assert.equal(data.source, system);
      assert.deepEqual(
        events.map((e) => e.type === "search" && [e.dir, e.outcome]),
        [
          [missing, "skipped"],
          [system, "used"],
        ],
      );
    });
  });
});

Deno.test("loadFashionMnist() moves past a broken project copy to Debian's copy", async () => {
  await withFourCopies(async ({ cache, system }) => {
    await withEnv(ENV, undefined, async () => {
      await Deno.remove(join(cache, "t10k-labels-idx1-ubyte.gz"));
      const data = await loadFashionMnist({
        cacheDir: cache,
        systemDir: system,
        download: false,
      });
      assert.equal(data.source, system);
    });
  });
});

Deno.test("loadFashionMnist() stops at a broken dataDir instead of looking further", async () => {
  await withFourCopies(async ({ option, cache, system }) => {
    await withEnv(ENV, undefined, async () => {
      const broken = join(option, "train-images-idx3-ubyte.gz");
      await Deno.writeFile(broken, new Uint8Array([1, 2, 3]));
      await datasetErrorMessage(
        () =>
          loadFashionMnist({
            dataDir: option,
            cacheDir: cache,
            systemDir: system,
          }),
        [
          "The folder given by the --data-dir option cannot be " +
          `used: ${broken} is neither gzip nor IDX`,
          "Point it at a folder containing the four Fashion-MNIST files.",
        ],
      );
    });
  });
});

Deno.test("loadFashionMnist() stops at a dataDir that does not exist", async () => {
  await withFourCopies(async ({ root, cache, system }) => {
    await withEnv(ENV, undefined, async () => {
      const missing = join(root, "typo");
      await datasetErrorMessage(
        () =>
          loadFashionMnist({
            dataDir: missing,
            cacheDir: cache,
            systemDir: system,
          }),
        [
          `The folder given by the --data-dir option cannot be used: ${missing} does ` +
          "not exist. Point it at a folder containing the four Fashion-MNIST files.",
        ],
      );
    });
  });
});

Deno.test("loadFashionMnist() stops at a broken FASHION_MNIST_DIR and says how to unset it", async () => {
  await withFourCopies(async ({ env, cache, system }) => {
    await Deno.remove(join(env, "train-labels-idx1-ubyte.gz"));
    await withEnv(ENV, env, async () => {
      await datasetErrorMessage(
        () => loadFashionMnist({ cacheDir: cache, systemDir: system }),
        [
          "The folder given by the environment variable FASHION_MNIST_DIR cannot be used: " +
          `${env} contains only some of the Fashion-MNIST files`,
          "missing train-labels-idx1-ubyte.gz.",
          "or unset FASHION_MNIST_DIR to search the usual places.",
        ],
      );
    });
  });
});

Deno.test("loadFashionMnist() lists every place tried and how to get the data when nothing works", async () => {
  await withTempDir(async (root) => {
    const cache = join(root, "cache");
    const system = join(root, "system");
    await writeFashionDir(cache, { omit: ["t10k-images-idx3-ubyte.gz"] });
    await withEnv(ENV, undefined, async () => {
      const message = await datasetErrorMessage(
        () =>
          loadFashionMnist({
            cacheDir: cache,
            systemDir: system,
            download: false,
          }),
        [],
      );
      assert.equal(
        message,
        [
          "Fashion-MNIST was not found. Places tried, in order:",
          "  1. --data-dir option: not set",
          "  2. environment variable FASHION_MNIST_DIR: not set",
          `  3. cacheDir option ${cache}: ${cache} contains only some of the Fashion-MNIST files: ` +
          "found train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-labels-idx1-ubyte.gz; " +
          "missing t10k-images-idx3-ubyte.gz. Add the missing ones (published at " +
          "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/), or install Debian's copy " +
          "with `sudo apt-get install dataset-fashion-mnist`.",
          `  4. Debian package dataset-fashion-mnist ${system}: does not exist`,
          "  5. download: turned off",
          "To get the data, do one of these:",
          "  - install Debian's copy: sudo apt-get install dataset-fashion-mnist " +
          "(into /usr/share/datasets/fashion-mnist)",
          "  - allow network access to http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ " +
          `and rerun (the files are saved in ${cache})`,
          "  - pass --data-dir DIR, or set FASHION_MNIST_DIR=DIR, for a folder containing " +
          "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, " +
          "t10k-labels-idx1-ubyte.gz",
        ].join("\n"),
      );
    });
  });
});

Deno.test("loadFashionMnist() includes a failed download in its list of places tried", async () => {
  await withTempDir(async (root) => {
    await withEnv(ENV, undefined, async () => {
      await withServer({}, async (server) => {
        const cache = join(root, "cache");
        await datasetErrorMessage(
          () =>
            loadFashionMnist({
              cacheDir: cache,
              systemDir: join(root, "none"),
              baseUrl: server.url,
            }),
          [
            `  5. download from ${server.url} into ${cache}: Could not download ` +
            `${server.url}train-images-idx3-ubyte.gz: expected status 200 OK, found 404 Not Found.`,
            `  - allow network access to ${server.url} and rerun`,
          ],
        );
        await assert.rejects(
          Deno.stat(cache),
          Deno.errors.NotFound,
          "a failed download creates nothing",
        );
      });
    });
  });
});

Deno.test("loadFashionMnist() downloads into the cache folder when no folder works, then reuses it", async () => {
  await withTempDir(async (root) => {
    const files = await writeFashionDir(join(root, "server"), {
      train: 5,
      test: 3,
    });
    const checksums = Object.fromEntries(
      Object.entries(files).map(([n, b]) => [n, md5Hex(b)]),
    );
    const routes = Object.fromEntries(
      Object.entries(files).map(([n, b]) => [`/${n}`, fileRoute(b)]),
    );
    const cache = join(root, "cache");
    await withEnv(ENV, undefined, async () => {
      await withServer(routes, async (server) => {
        const options = {
          cacheDir: cache,
          systemDir: join(root, "none"),
          baseUrl: server.url,
          checksums,
        };
        const events: DataLoadEvent[] = [];
        const data = await loadFashionMnist({
          ...options,
          onProgress: (e) => events.push(e),
        });
        assert.equal(data.train.count, 5);
        assert.equal(data.test.count, 3);
        assert.equal(data.source, cache);
        assert.deepEqual(
          events.filter((e) => e.type === "download" && e.done).map((e) => e.type === "download" && e.file),
          Object.keys(files),
        );
        assert.deepEqual(await listDir(cache), Object.keys(files).sort());

        const again = await loadFashionMnist(options);
        assert.equal(again.source, cache);
        assert.equal(
          server.requests.length,
          4,
          "the second load downloads nothing",
        );
      });
    });
  });
});

const hasDebianCopy = await Deno.stat(DEBIAN_DATA_DIR).then(
  () => true,
  () => false,
);

Deno.test({
  name: "loadFashionMnist() reads Debian's copy: 60000 + 10000 images, pixels in [0, 1], balanced labels",
  ignore: !hasDebianCopy,
  fn: async () => {
    const data = await loadFashionMnist({
      dataDir: DEBIAN_DATA_DIR,
      download: false,
    });
    assert.equal(data.source, DEBIAN_DATA_DIR);
    assert.equal(data.train.count, 60000);
    assert.equal(data.test.count, 10000);
    assert.equal(data.train.images.length, 60000 * 28 * 28);
    assert.equal(data.test.images.length, 10000 * 28 * 28);
    for (const split of [data.train, data.test]) {
      let min = Infinity, max = -Infinity;
      for (const v of split.images) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      assert.equal(min, 0);
      assert.equal(max, 1);
    }
    const histogram = (labels: Uint8Array) => {
      const counts = new Array(10).fill(0);
      for (const label of labels) counts[label]++;
      return counts;
    };
    assert.deepEqual(histogram(data.train.labels), new Array(10).fill(6000));
    assert.deepEqual(histogram(data.test.labels), new Array(10).fill(1000));
    // First test image is an ankle boot (label 9) in every copy of the dataset.
    assert.equal(data.test.labels[0], 9);
  },
});
