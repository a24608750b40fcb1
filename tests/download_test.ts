import assert from "node:assert/strict";
import { join } from "node:path";
import { downloadFashionMnist, downloadFile, type DownloadProgress } from "../lib/data/download.ts";
import { datasetErrorMessage, listDir, md5Hex, patternBytes, withTempDir, writeFashionDir } from "./fixtures_idx.ts";
import { cutOffRoute, fileRoute, stallRoute, withServer } from "./fixtures_server.ts";

/** 200 kB that start like a gzip file, enough for the body to arrive in several chunks. */
const BODY = Uint8Array.from(
  patternBytes(200_000),
  (b, i) => (i === 0 ? 0x1f : i === 1 ? 0x8b : b),
);
const BODY_MD5 = md5Hex(BODY);

Deno.test("downloadFile() saves the body, returns its MD5 and reports progress", async () => {
  await withTempDir(async (dir) => {
    await withServer({ "/f.gz": fileRoute(BODY) }, async (server) => {
      const events: DownloadProgress[] = [];
      const dest = join(dir, "sub", "f.gz");
      const result = await downloadFile(`${server.url}f.gz`, dest, {
        md5: BODY_MD5,
        onProgress: (p) => events.push(p),
      });
      assert.deepEqual(result, { bytes: BODY.length, md5: BODY_MD5 });
      assert.deepEqual(await Deno.readFile(dest), BODY);
      assert.deepEqual(await listDir(join(dir, "sub")), ["f.gz"]);
      assert.equal(((await Deno.stat(dest)).mode ?? 0) & 0o777, 0o644);

      assert.ok(events.length >= 2, `${events.length} events`);
      const last = events.at(-1)!;
      assert.deepEqual(last, {
        file: "f.gz",
        url: `${server.url}f.gz`,
        receivedBytes: BODY.length,
        totalBytes: BODY.length,
        done: true,
      });
      for (let i = 1; i < events.length; i++) {
        assert.ok(events[i].receivedBytes >= events[i - 1].receivedBytes);
      }
      assert.equal(events.filter((e) => e.done).length, 1);
    });
  });
});

Deno.test("downloadFile() rejects a body cut off before its announced length, leaving no file", async () => {
  await withTempDir(async (dir) => {
    await withServer({ "/f.gz": cutOffRoute(BODY, 5000) }, async (server) => {
      await datasetErrorMessage(
        () => downloadFile(`${server.url}f.gz`, join(dir, "f.gz")),
        [
          `The download of ${server.url}f.gz was cut off: expected 200000 bytes, found `,
          "Rerun to try again.",
        ],
      );
      assert.deepEqual(await listDir(dir), []);
    });
  });
});

Deno.test("downloadFile() rejects a short HTML error page sent with status 200", async () => {
  await withTempDir(async (dir) => {
    const page = "<!DOCTYPE html><html><body><h1>Proxy login required</h1></body></html>\n";
    const route = () => new Response(page, { headers: { "content-type": "text/html" } });
    await withServer({ "/f.gz": route }, async (server) => {
      await datasetErrorMessage(
        () => downloadFile(`${server.url}f.gz`, join(dir, "f.gz")),
        [
          `${server.url}f.gz did not send the gzip file f.gz: expected bytes 1f 8b, found ` +
          `${page.length} bytes of text/html starting with bytes 3c 21 44 4f 43 54 59 50 45 20 68 ` +
          '74 6d 6c 3e 3c ("<!DOCTYPE html><"), probably an error page.',
        ],
      );
      assert.deepEqual(await listDir(dir), []);
    });
  });
});

Deno.test("downloadFile() rejects a status other than 200", async () => {
  await withTempDir(async (dir) => {
    await withServer({}, async (server) => {
      await datasetErrorMessage(
        () => downloadFile(`${server.url}f.gz`, join(dir, "f.gz")),
        [
          `Could not download ${server.url}f.gz: expected status 200 OK, found 404 Not Found. ` +
          "Check the address (baseUrl) and rerun.",
        ],
      );
      assert.deepEqual(await listDir(dir), []);
    });
  });
});

Deno.test("downloadFile() rejects a body whose MD5 differs, leaving no file", async () => {
  await withTempDir(async (dir) => {
    const expected = "0123456789abcdef0123456789abcdef";
    await withServer({ "/f.gz": fileRoute(BODY) }, async (server) => {
      await datasetErrorMessage(
        () =>
          downloadFile(`${server.url}f.gz`, join(dir, "f.gz"), {
            md5: expected,
          }),
        [
          `The download of ${server.url}f.gz has the wrong checksum: expected MD5 ${expected}, ` +
          `found ${BODY_MD5} (200000 bytes).`,
        ],
      );
      assert.deepEqual(await listDir(dir), []);
    });
  });
});

Deno.test("downloadFile() gives up on a server that stops sending", async () => {
  await withTempDir(async (dir) => {
    await withServer({ "/f.gz": stallRoute(BODY, 1000) }, async (server) => {
      await datasetErrorMessage(
        () =>
          downloadFile(`${server.url}f.gz`, join(dir, "f.gz"), {
            timeoutMs: 300,
          }),
        [
          `The download of ${server.url}f.gz stalled: no data for 0.3 s after 1000 bytes. ` +
          "Check network access to the address and rerun.",
        ],
      );
      assert.deepEqual(await listDir(dir), []);
    });
  });
});

Deno.test("downloadFile() stops with the signal's reason when cancelled", async () => {
  await withTempDir(async (dir) => {
    await withServer({ "/f.gz": stallRoute(BODY, 1000) }, async (server) => {
      const controller = new AbortController();
      const reason = new Error("user pressed Ctrl-C");
      const download = downloadFile(`${server.url}f.gz`, join(dir, "f.gz"), {
        signal: controller.signal,
        onProgress: () => controller.abort(reason),
      });
      await assert.rejects(download, (error) => error === reason);
      assert.deepEqual(await listDir(dir), []);
    });
  });
});

Deno.test("downloadFile() explains a server that cannot be reached", async () => {
  // A port just freed by a closed listener refuses connections.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${listener.addr.port}/f.gz`;
  listener.close();
  await withTempDir(async (dir) => {
    await datasetErrorMessage(() => downloadFile(url, join(dir, "f.gz")), [
      `Could not download ${url}: `,
      "Check network access to the address.",
    ]);
    assert.deepEqual(await listDir(dir), []);
  });
});

Deno.test("downloadFashionMnist() fetches only the missing files and checks each MD5", async () => {
  await withTempDir(async (dir) => {
    const files = await writeFashionDir(join(dir, "server"));
    const checksums = Object.fromEntries(
      Object.entries(files).map(([n, b]) => [n, md5Hex(b)]),
    );
    const routes = Object.fromEntries(
      Object.entries(files).map(([n, b]) => [`/fm/${n}`, fileRoute(b)]),
    );
    const target = join(dir, "data");
    await Deno.mkdir(target);
    await Deno.writeFile(
      join(target, "train-labels-idx1-ubyte.gz"),
      files["train-labels-idx1-ubyte.gz"],
    );

    await withServer(routes, async (server) => {
      const done: string[] = [];
      const downloaded = await downloadFashionMnist(target, {
        baseUrl: `${server.url}fm`,
        checksums,
        onProgress: (p) => p.done && done.push(p.file),
      });
      const expected = [
        "train-images-idx3-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
      ];
      assert.deepEqual(downloaded, expected);
      assert.deepEqual(done, expected);
      assert.deepEqual(server.requests, expected.map((n) => `/fm/${n}`));
      for (const name of Object.keys(files)) {
        assert.deepEqual(await Deno.readFile(join(target, name)), files[name]);
      }
      assert.deepEqual(
        await downloadFashionMnist(target, { baseUrl: server.url, checksums }),
        [],
      );
    });
  });
});

Deno.test("downloadFashionMnist() checks the published MD5s unless told otherwise", async () => {
  await withTempDir(async (dir) => {
    const files = await writeFashionDir(join(dir, "server"));
    const routes = Object.fromEntries(
      Object.entries(files).map(([n, b]) => [`/${n}`, fileRoute(b)]),
    );
    await withServer(routes, async (server) => {
      await datasetErrorMessage(
        () => downloadFashionMnist(join(dir, "data"), { baseUrl: server.url }),
        [
          "has the wrong checksum: expected MD5 8d4fb7e6c68d591d4c3dfef9ec88bf0d, found " +
          md5Hex(files["train-images-idx3-ubyte.gz"]),
        ],
      );
      assert.deepEqual(await listDir(join(dir, "data")), []);
    });
  });
});

Deno.test("downloadFashionMnist() rejects a baseUrl that is not an absolute address", async () => {
  await assert.rejects(
    () => downloadFashionMnist("/tmp/unused", { baseUrl: "fashion-mnist/" }),
    {
      name: "TypeError",
      message: 'Invalid baseUrl "fashion-mnist/": expected an absolute address such as ' +
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/.",
    },
  );
});
