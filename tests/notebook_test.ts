/**
 * Tests of the Jupyter bridge, run outside a kernel: display bundles, the HTML helpers,
 * and the live progress display against a recording stand-in for `Deno.jupyter.broadcast`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  display,
  formatDuration,
  html,
  HtmlDisplay,
  JUPYTER_DISPLAY,
  jupyterKernel,
  liveProgress,
  markdownTable,
  runFraction,
  runLabel,
  type RunProgressEvent,
  show,
} from "../lib/notebook/mod.ts";

Deno.test("show() returns a text/html bundle for a figure", () => {
  const output = show({ html: "<figure><svg></svg></figure>" });
  const bundle = output[JUPYTER_DISPLAY]();
  assert.equal(bundle["text/html"], "<figure><svg></svg></figure>");
  assert.equal(typeof bundle["text/plain"], "string");
  assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
});

Deno.test("show() wraps an svg element so it goes out as text/html", () => {
  const bundle = show({ outerHTML: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' }).bundle();
  assert.equal(bundle["text/html"], '<div><svg xmlns="http://www.w3.org/2000/svg"></svg></div>');
  assert.equal(show({ outerHTML: "<figure></figure>" }).html, "<figure></figure>");
  assert.equal(show("<b>x</b>").html, "<b>x</b>");
});

Deno.test("show() rejects values it cannot display", () => {
  assert.throws(() => show(42 as never), {
    name: "TypeError",
    message: "show(): expected a Figure ({ html }), an HtmlDisplay, an HTML string or an element with outerHTML, " +
      "got [object Number].",
  });
});

Deno.test("display() does nothing outside a kernel", async () => {
  assert.equal(jupyterKernel(), undefined);
  assert.equal(await display({ html: "<p>x</p>" }), undefined);
});

Deno.test("html() escapes text and keeps figures as markup", () => {
  const figure = { html: "<figure>chart</figure>" };
  const output = html`<h3>${"a < b & c"}</h3>${figure}${[1, 2]}${null}${show("<i>x</i>")}`;
  assert.ok(output instanceof HtmlDisplay);
  assert.equal(output.html, "<h3>a &lt; b &amp; c</h3><figure>chart</figure>12<i>x</i>");
});

Deno.test("markdownTable() gives HTML and Markdown renderings", () => {
  const table = markdownTable([
    { head: "relu", accuracy: 0.81234, runs: 5 },
    { head: "linear | plain", accuracy: 0.8, runs: 5, note: "<b>" },
  ]);
  const bundle = table.bundle();
  assert.equal(
    bundle["text/html"],
    "<table><thead><tr><th>head</th><th>accuracy</th><th>runs</th><th>note</th></tr></thead><tbody>" +
      '<tr><td>relu</td><td style="text-align: right">0.812</td><td style="text-align: right">5</td><td></td></tr>' +
      '<tr><td>linear | plain</td><td style="text-align: right">0.800</td><td style="text-align: right">5</td>' +
      "<td>&lt;b&gt;</td></tr></tbody></table>",
  );
  const markdown = [
    "| head | accuracy | runs | note |",
    "| --- | ---: | ---: | --- |",
    "| relu | 0.812 | 5 |  |",
    "| linear \\| plain | 0.800 | 5 | <b> |",
  ].join("\n");
  assert.equal(bundle["text/markdown"], markdown);
  assert.equal(bundle["text/plain"], markdown);
});

Deno.test("markdownTable() honours columns and digits, and rejects no rows", () => {
  const table = markdownTable([{ a: 1.23456, b: "x" }], { columns: ["b", "a"], digits: 1 });
  assert.equal(table.bundle()["text/markdown"], "| b | a |\n| --- | ---: |\n| x | 1.2 |");
  assert.throws(() => markdownTable([]), {
    name: "RangeError",
    message: "markdownTable(): rows is empty; pass at least one row to tabulate.",
  });
});

Deno.test("formatDuration() writes hours, minutes and seconds", () => {
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(44.6), "45s");
  assert.equal(formatDuration(80), "1m20s");
  assert.equal(formatDuration(3723), "1h02m03s");
  assert.equal(formatDuration(36000), "10h00m00s");
  assert.equal(formatDuration(-5), "0s");
  assert.equal(formatDuration(NaN), "?");
  assert.equal(formatDuration(Infinity), "?");
});

function step(overrides: Partial<RunProgressEvent> = {}): RunProgressEvent {
  return {
    kind: "step",
    epoch: 2,
    epochs: 3,
    step: 35,
    stepsPerEpoch: 100,
    trainLoss: 0.512,
    elapsedSeconds: 65,
    etaSeconds: 80,
    ...overrides,
  };
}

Deno.test("runFraction() counts finished epochs and steps", () => {
  assert.equal(runFraction(step()), 135 / 300);
  assert.equal(runFraction(step({ epoch: 1, step: 0 })), 0);
  assert.equal(runFraction(step({ epoch: 3, step: 100 })), 1);
});

Deno.test("runLabel() combines run number and label", () => {
  assert.equal(runLabel(step({ run: 3, runs: 20 }), "relu seed 2"), "run 3/20 relu seed 2");
  assert.equal(runLabel(step({ run: 3, label: "linear seed 0" }), "relu"), "run 3 linear seed 0");
  assert.equal(runLabel(step()), "");
});

interface Message {
  type: string;
  content: { data: Record<string, string>; metadata: object; transient: { display_id: string } };
}

function recorder() {
  const messages: Message[] = [];
  let clock = 0;
  return {
    messages,
    advance(ms: number) {
      clock += ms;
    },
    options: {
      broadcast: (type: string, content: Record<string, unknown>) => {
        messages.push({ type, content: content as unknown as Message["content"] });
        return Promise.resolve();
      },
      now: () => clock,
    },
  };
}

Deno.test("liveProgress() shows one display and updates it in place", async () => {
  const record = recorder();
  const progress = liveProgress({ title: "relu <seed 0>", minIntervalMs: 500, ...record.options });
  for (let i = 1; i <= 100; i++) {
    progress.onProgress(step({ epoch: 1, step: i, trainLoss: 2 / i, etaSeconds: 200 - i }));
    record.advance(20);
  }
  await progress.done();

  // 100 steps over 2 s with at most one update per 0.5 s: the first display, 3 updates, done.
  assert.deepEqual(record.messages.map((message) => message.type), [
    "display_data",
    "update_display_data",
    "update_display_data",
    "update_display_data",
    "update_display_data",
  ]);
  const ids = new Set(record.messages.map((message) => message.content.transient.display_id));
  assert.equal(ids.size, 1);
  assert.match([...ids][0], /^relu-lab-progress-/);

  const last = record.messages.at(-1)!.content.data;
  assert.equal(last["text/plain"], "relu <seed 0>: epoch 1/3, step 100/100, loss 0.020, done in 1m05s");
  assert.match(last["text/html"], /<b>relu &lt;seed 0&gt;<\/b> — epoch 1\/3 · step 100\/100/);
  assert.match(last["text/html"], /33% · loss 0\.020 · elapsed 1m05s · done/);
  assert.match(last["text/html"], /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*><polyline points="/);
});

Deno.test("liveProgress() always draws epoch ends with test accuracy", async () => {
  const record = recorder();
  const progress = liveProgress({ title: "t", minIntervalMs: 500, ...record.options });
  progress.onProgress(step({ run: 2, runs: 4, label: "relu seed 1" }));
  const metrics = {
    epoch: 2,
    trainLoss: 0.5,
    testLoss: 0.6,
    testAccuracy: 0.8123,
    perClassAccuracy: [],
    elapsedSeconds: 70,
  };
  progress.onProgress(step({ kind: "epoch", step: 100, metrics, run: 2, runs: 4, label: "relu seed 1" }));
  await progress.done();
  // The epoch end is drawn at once, 0 ms after the first event; done() draws once more.
  assert.equal(record.messages.length, 3);
  const html = record.messages[1].content.data["text/html"];
  assert.match(html, /run 2\/4 relu seed 1 · epoch 2\/3 · step 100\/100/);
  assert.match(html, /test accuracy 81\.2% \(epoch 2\)/);
  assert.match(html, /ETA 1m20s/);
});

Deno.test("liveProgress() works with onProgress passed on its own", async () => {
  const record = recorder();
  const { onProgress, done } = liveProgress({ title: "t", ...record.options });
  onProgress(step());
  await done();
  assert.deepEqual(record.messages.map((message) => message.type), ["display_data", "update_display_data"]);
});

Deno.test("liveProgress() reports a failed message from done()", async () => {
  const progress = liveProgress({
    title: "t",
    broadcast: () => Promise.reject(new Error("IOPub closed")),
    now: () => 0,
  });
  progress.onProgress(step());
  await assert.rejects(progress.done(), { message: "IOPub closed" });
});

Deno.test("liveProgress() does nothing outside a kernel", async () => {
  const progress = liveProgress({ title: "t" });
  progress.onProgress(step());
  await progress.done();
});
