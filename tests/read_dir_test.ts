import assert from "node:assert/strict";
import { join } from "node:path";
import { readFashionMnistDir } from "../lib/data/read_dir.ts";
import { CLASS_NAMES } from "../lib/data/types.ts";
import {
  datasetErrorMessage,
  gzip,
  imagesIdx,
  IS_ROOT,
  labelsIdx,
  withTempDir,
  writeFashionDir,
} from "./fixtures_idx.ts";

const REPAIR_HINT =
  "To fix it, replace the file with a good copy (a damaged file in data/fashion-mnist/ can simply be " +
  "deleted: the next run downloads it again), or install Debian's copy with " +
  "`sudo apt-get install dataset-fashion-mnist`.";

Deno.test("readFashionMnistDir() loads a folder of gzip files", async () => {
  await withTempDir(async (dir) => {
    await writeFashionDir(dir, { train: 6, test: 4 });
    const data = await readFashionMnistDir(dir);
    assert.equal(data.source, dir);
    assert.deepEqual(data.classNames, CLASS_NAMES);
    assert.equal(data.train.count, 6);
    assert.equal(data.test.count, 4);
    assert.equal(data.train.images.length, 6 * 28 * 28);
    assert.equal(data.test.images.length, 4 * 28 * 28);
    assert.deepEqual([...data.train.labels], [0, 1, 2, 3, 4, 5]);
    assert.deepEqual([...data.test.labels], [0, 1, 2, 3]);
    // Pixel i of the fixture is (i * 37) % 256; float32 of pixel / 255.
    assert.equal(data.train.images[0], 0);
    assert.equal(data.train.images[1], Math.fround(37 / 255));
    assert.equal(
      data.train.images[1 + 256 * 5],
      Math.fround(((1 + 256 * 5) * 37 % 256) / 255),
    );
    const max = data.train.images.reduce((a, b) => Math.max(a, b), 0);
    assert.equal(max, 1);
  });
});

Deno.test("readFashionMnistDir() loads into shared memory on request", async () => {
  await withTempDir(async (dir) => {
    await writeFashionDir(dir, { train: 6, test: 4 });
    const plain = await readFashionMnistDir(dir);
    const shared = await readFashionMnistDir(dir, { sharedMemory: true });
    for (const split of ["train", "test"] as const) {
      assert.ok(shared[split].images.buffer instanceof SharedArrayBuffer, `${split} images`);
      assert.ok(shared[split].labels.buffer instanceof SharedArrayBuffer, `${split} labels`);
      assert.deepEqual([...shared[split].images], [...plain[split].images]);
      assert.deepEqual([...shared[split].labels], [...plain[split].labels]);
    }
    assert.ok(!(plain.train.images.buffer instanceof SharedArrayBuffer));
  });
});

Deno.test("readFashionMnistDir() loads un-gzipped files named without .gz", async () => {
  await withTempDir(async (dir) => {
    await writeFashionDir(dir, { gzip: false, train: 3, test: 2 });
    const data = await readFashionMnistDir(dir);
    assert.equal(data.train.count, 3);
    assert.equal(data.test.count, 2);
  });
});

Deno.test("readFashionMnistDir() names the files missing from a folder that has some", async () => {
  await withTempDir(async (dir) => {
    await writeFashionDir(dir, {
      omit: ["t10k-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"],
    });
    await datasetErrorMessage(() => readFashionMnistDir(dir), [
      `${dir} contains only some of the Fashion-MNIST files: found train-images-idx3-ubyte.gz, ` +
      "t10k-labels-idx1-ubyte.gz; missing train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz. " +
      "Add the missing ones (published at http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/)",
    ]);
  });
});

Deno.test("readFashionMnistDir() says when a folder contains none of the files", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(join(dir, "README"), new Uint8Array(1));
    await datasetErrorMessage(() => readFashionMnistDir(dir), [
      `${dir} contains none of the four Fashion-MNIST files: expected train-images-idx3-ubyte.gz, ` +
      "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz " +
      "(or the same names without .gz), found none of them.",
    ]);
  });
});

Deno.test("readFashionMnistDir() rejects a label file where the images belong", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "train-images-idx3-ubyte.gz");
    await writeFashionDir(dir, {
      replace: { "train-images-idx3-ubyte.gz": await gzip(labelsIdx(6)) },
    });
    await datasetErrorMessage(() => readFashionMnistDir(dir), [
      `${path} is not an IDX image file: expected magic number 2051 (images, 3 dimensions), ` +
      `found 2049 (labels). ${REPAIR_HINT}`,
    ]);
  });
});

Deno.test("readFashionMnistDir() rejects an image file where the labels belong", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "t10k-labels-idx1-ubyte.gz");
    await writeFashionDir(dir, {
      replace: { "t10k-labels-idx1-ubyte.gz": await gzip(imagesIdx(4)) },
    });
    await datasetErrorMessage(() => readFashionMnistDir(dir), [
      `${path} is not an IDX label file: expected magic number 2049 (labels, 1 dimension), ` +
      "found 2051 (images).",
    ]);
  });
});

Deno.test("readFashionMnistDir() rejects images that are not 28×28", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "train-images-idx3-ubyte.gz");
    await writeFashionDir(dir, {
      replace: { "train-images-idx3-ubyte.gz": await gzip(imagesIdx(6, 32)) },
    });
    await datasetErrorMessage(() => readFashionMnistDir(dir), [
      `${path} contains images of 32×32 pixels: expected 28×28 (Fashion-MNIST), found 6×32×32 ` +
      `in its header. ${REPAIR_HINT}`,
    ]);
  });
});

Deno.test("readFashionMnistDir() rejects labels outside 0..9", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "t10k-labels-idx1-ubyte.gz");
    const bad = await gzip(labelsIdx(4, (i) => (i === 2 ? 10 : i)));
    await writeFashionDir(dir, {
      replace: { "t10k-labels-idx1-ubyte.gz": bad },
    });
    await datasetErrorMessage(() => readFashionMnistDir(dir), [
      `${path} contains a label outside the 10 classes: expected 0 to 9, found 10 at index 2. ` +
      REPAIR_HINT,
    ]);
  });
});

Deno.test("readFashionMnistDir() rejects image and label counts that differ", async () => {
  await withTempDir(async (dir) => {
    await writeFashionDir(dir, {
      replace: { "train-labels-idx1-ubyte.gz": await gzip(labelsIdx(5)) },
    });
    const images = join(dir, "train-images-idx3-ubyte.gz");
    const labels = join(dir, "train-labels-idx1-ubyte.gz");
    await datasetErrorMessage(() => readFashionMnistDir(dir), [
      `The train files disagree: ${images} contains 6 images but ${labels} ` +
      "contains 5 labels; expected one label per image.",
    ]);
  });
});

Deno.test("readFashionMnistDir() adds the repair hint to a damaged file's own message", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "t10k-images-idx3-ubyte.gz");
    await writeFashionDir(dir, {
      replace: { "t10k-images-idx3-ubyte.gz": new Uint8Array([1, 2, 3]) },
    });
    const message = await datasetErrorMessage(() => readFashionMnistDir(dir), [
      `${path} is neither gzip nor IDX`,
    ]);
    assert.ok(message.endsWith(REPAIR_HINT), message);
  });
});

Deno.test("readFashionMnistDir() names a folder that does not exist", async () => {
  await datasetErrorMessage(() => readFashionMnistDir("/nonexistent/fashion"), [
    "/nonexistent/fashion does not exist.",
  ]);
});

Deno.test("readFashionMnistDir() names a path that is a file, not a folder", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "file");
    await Deno.writeFile(path, new Uint8Array(1));
    await datasetErrorMessage(() => readFashionMnistDir(path), [
      `${path} is a file, not a folder.`,
    ]);
  });
});

Deno.test({
  name: "readFashionMnistDir() says to run with --allow-read when Deno may not read the folder",
  permissions: { read: false },
  fn: async () => {
    await datasetErrorMessage(() => readFashionMnistDir("/some/folder"), [
      "cannot read the folder /some/folder: Deno was not given read access to it; " +
      "run with --allow-read (or -A).",
    ]);
  },
});

Deno.test({
  name: "readFashionMnistDir() reports a folder the operating system does not let it read",
  ignore: IS_ROOT,
  fn: async () => {
    await withTempDir(async (dir) => {
      const data = join(dir, "fashion");
      await writeFashionDir(data);
      await Deno.chmod(data, 0o000);
      try {
        await datasetErrorMessage(() => readFashionMnistDir(data), [
          `cannot read the folder ${data}: permission denied by the operating system; ` +
          "make it readable (chmod a+rx)",
        ]);
      } finally {
        await Deno.chmod(data, 0o755);
      }
    });
  },
});

Deno.test({
  name: "readFashionMnistDir() reports a file in it that the operating system does not let it read",
  ignore: IS_ROOT,
  fn: async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "train-labels-idx1-ubyte.gz");
      await writeFashionDir(dir);
      await Deno.chmod(path, 0o000);
      const message = await datasetErrorMessage(
        () => readFashionMnistDir(dir),
        [
          `cannot read the file ${path}: permission denied by the operating system`,
        ],
      );
      assert.ok(!message.includes("delete the file"), message);
    });
  },
});
