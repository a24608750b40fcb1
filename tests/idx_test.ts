import assert from "node:assert/strict";
import { join } from "node:path";
import { parseIdx, readIdxFile } from "../lib/data/idx.ts";
import {
  datasetErrorMessage,
  gzip,
  idxBytes,
  imagesIdx,
  IS_ROOT,
  labelsIdx,
  patternBytes,
  withTempDir,
} from "./fixtures_idx.ts";

Deno.test("parseIdx() reads the magic number, dimensions and data of an image file", () => {
  const idx = parseIdx(imagesIdx(3), "images");
  assert.equal(idx.magic, 2051);
  assert.deepEqual(idx.dims, [3, 28, 28]);
  assert.deepEqual(idx.data, patternBytes(3 * 28 * 28));
});

Deno.test("parseIdx() reads a label file", () => {
  const idx = parseIdx(labelsIdx(4, (i) => 9 - i), "labels");
  assert.equal(idx.magic, 2049);
  assert.deepEqual(idx.dims, [4]);
  assert.deepEqual([...idx.data], [9, 8, 7, 6]);
});

Deno.test("parseIdx() reads a file that is a view into a larger buffer", () => {
  const file = labelsIdx(2);
  const buffer = new Uint8Array(file.length + 10);
  buffer.set(file, 5);
  assert.deepEqual([
    ...parseIdx(buffer.subarray(5, 5 + file.length), "labels").data,
  ], [0, 1]);
});

Deno.test("parseIdx() rejects an empty file", () => {
  assert.throws(
    () => parseIdx(new Uint8Array(0), "train-labels-idx1-ubyte.gz"),
    {
      name: "DatasetError",
      message: "train-labels-idx1-ubyte.gz is empty: expected an IDX file (a header of at least " +
        "8 bytes, then the data), found 0 bytes.",
    },
  );
});

Deno.test("parseIdx() rejects bytes that are neither gzip nor IDX and shows how they start", () => {
  const page = new TextEncoder().encode(
    "<html><body>Access denied</body></html>",
  );
  assert.throws(() => parseIdx(page, "t10k-images-idx3-ubyte.gz"), {
    name: "DatasetError",
    message: "t10k-images-idx3-ubyte.gz is neither gzip nor IDX: expected it to start with " +
      '1f 8b (gzip) or 00 00 08 (IDX), found bytes 3c 68 74 6d 6c 3e 3c 62 ("<html><b"). ' +
      "It looks like text, perhaps an HTML error page saved in place of the data.",
  });
  assert.throws(
    () => parseIdx(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1), "photo"),
    {
      message: "photo is neither gzip nor IDX: expected it to start with 1f 8b (gzip) or " +
        "00 00 08 (IDX), found bytes ff d8 ff e0 01.",
    },
  );
});

Deno.test("parseIdx() rejects IDX data of a type other than unsigned byte", () => {
  const floats = idxBytes(0x00000d01, [2], new Uint8Array(8));
  assert.throws(() => parseIdx(floats, "weights"), {
    message: "weights stores IDX type 0x0d (float32): expected type 0x08 (unsigned byte), the " +
      "type of every Fashion-MNIST file.",
  });
});

Deno.test("parseIdx() rejects a file that ends inside its header", () => {
  assert.throws(() => parseIdx(imagesIdx(1).subarray(0, 10), "short"), {
    message: "short ends inside its IDX header: expected 16 header bytes for 3 dimension(s), " +
      "found 10 bytes in all.",
  });
});

Deno.test("parseIdx() rejects an image count that disagrees with the data's size", () => {
  const claimsFive = idxBytes(2051, [5, 28, 28], patternBytes(3 * 784));
  assert.throws(() => parseIdx(claimsFive, "train-images"), {
    message: "train-images does not contain the data its header describes: the header says 5 " +
      "images of 28×28 pixels, so expected 3920 data bytes after the 16-byte header, found " +
      "2352: that is 3 whole images of 28×28, but the header counts 5.",
  });
});

Deno.test("parseIdx() rejects a header that claims 28×28 pixels over images of another size", () => {
  const bigger = idxBytes(2051, [2, 28, 28], patternBytes(2 * 32 * 32));
  assert.throws(() => parseIdx(bigger, "train-images"), {
    message: "train-images does not contain the data its header describes: the header says 2 " +
      "images of 28×28 pixels, so expected 1568 data bytes after the 16-byte header, found " +
      "2048: that is 2 images of 32×32 each, not 28×28 as the header claims.",
  });
});

Deno.test("parseIdx() rejects a label count that disagrees with the data's size", () => {
  const cut = labelsIdx(10).subarray(0, 8 + 7);
  assert.throws(() => parseIdx(cut, "t10k-labels"), {
    message: "t10k-labels does not contain the data its header describes: the header says 10 " +
      "labels, so expected 10 data bytes after the 8-byte header, found 7: that is 7 labels, " +
      "but the header counts 10.",
  });
});

Deno.test("parseIdx() calls a partial last image a cut-off file", () => {
  const cut = imagesIdx(3).subarray(0, 16 + 2 * 784 + 100);
  assert.throws(() => parseIdx(cut, "train-images"), {
    message: /expected 2352 data bytes after the 16-byte header, found 1668: the file is cut off or damaged\.$/,
  });
});

Deno.test("readIdxFile() reads gzip and raw files alike", async () => {
  await withTempDir(async (dir) => {
    const raw = imagesIdx(2);
    await Deno.writeFile(join(dir, "a.gz"), await gzip(raw));
    await Deno.writeFile(join(dir, "b"), raw);
    const fromGzip = await readIdxFile(join(dir, "a.gz"));
    const fromRaw = await readIdxFile(join(dir, "b"));
    assert.deepEqual(fromGzip, fromRaw);
    assert.deepEqual(fromRaw.dims, [2, 28, 28]);
  });
});

Deno.test("readIdxFile() detects gzip by content, not by file name", async () => {
  await withTempDir(async (dir) => {
    const raw = labelsIdx(5);
    // A server that decompressed the file but kept the .gz name, and the reverse.
    await Deno.writeFile(join(dir, "labels.gz"), raw);
    await Deno.writeFile(join(dir, "labels"), await gzip(raw));
    assert.deepEqual(
      (await readIdxFile(join(dir, "labels.gz"))).data,
      raw.subarray(8),
    );
    assert.deepEqual(
      (await readIdxFile(join(dir, "labels"))).data,
      raw.subarray(8),
    );
  });
});

Deno.test("readIdxFile() rejects a gzip file that is cut off", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "train-images-idx3-ubyte.gz");
    const compressed = await gzip(imagesIdx(20));
    const kept = compressed.length - 30;
    await Deno.writeFile(path, compressed.subarray(0, kept));
    await datasetErrorMessage(() => readIdxFile(path), [
      `${path} is a gzip file that does not decompress: it is cut off or ` +
      "damaged. ",
      `Expected a complete gzip stream, found ${kept} bytes that fail (`,
    ]);
  });
});

Deno.test("readIdxFile() rejects a gzip file that decompresses to nothing", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "train-labels-idx1-ubyte.gz");
    await Deno.writeFile(path, await gzip(new Uint8Array(0)));
    await datasetErrorMessage(() => readIdxFile(path), [
      `${path} is a gzip file that decompresses to nothing: expected an IDX ` +
      "file inside, found 0 bytes.",
    ]);
  });
});

Deno.test("readIdxFile() rejects a gzip file that contains garbage", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "garbage.gz");
    await Deno.writeFile(
      path,
      await gzip(new TextEncoder().encode("not a dataset")),
    );
    await datasetErrorMessage(() => readIdxFile(path), [
      `${path} is neither gzip nor IDX`,
      'found bytes 6e 6f 74 20 61 20 64 61 ("not a da")',
    ]);
  });
});

Deno.test("readIdxFile() rejects an empty file", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "t10k-labels-idx1-ubyte.gz");
    await Deno.writeFile(path, new Uint8Array(0));
    await datasetErrorMessage(() => readIdxFile(path), [
      `${path} is empty`,
      "found 0 bytes",
    ]);
  });
});

Deno.test("readIdxFile() names a file that does not exist", async () => {
  await datasetErrorMessage(() => readIdxFile("/nonexistent/labels.gz"), [
    "/nonexistent/labels.gz does not exist.",
  ]);
});

Deno.test({
  name: "readIdxFile() says to run with --allow-read when Deno may not read the file",
  permissions: { read: false },
  fn: async () => {
    await datasetErrorMessage(() => readIdxFile("/some/where/labels.gz"), [
      "cannot read the file /some/where/labels.gz: Deno was not given read access to it; " +
      "run with --allow-read (or -A).",
    ]);
  },
});

Deno.test({
  name: "readIdxFile() reports a file the operating system does not let it read",
  ignore: IS_ROOT,
  fn: async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "labels.gz");
      await Deno.writeFile(path, labelsIdx(3), { mode: 0o000 });
      await datasetErrorMessage(() => readIdxFile(path), [
        `cannot read the file ${path}: permission denied by the operating system; ` +
        "make it readable (chmod a+r)",
      ]);
    });
  },
});
