/**
 * Tests of the terminal progress bar: the line formats, redrawing on a terminal and
 * plain lines elsewhere, against a recording stream and a fake clock.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { RunProgressEvent } from "../lib/notebook/progress_text.ts";
import { createProgressBar, formatEpochLine, formatProgress, type ProgressStream } from "../tools/progress_bar.ts";

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

const metrics = {
  epoch: 2,
  trainLoss: 0.5,
  testLoss: 0.498,
  testAccuracy: 0.8214,
  perClassAccuracy: [],
  elapsedSeconds: 65,
};

Deno.test("formatProgress() writes run, epoch, bar, loss and ETA", () => {
  assert.equal(
    formatProgress(step({ run: 3, runs: 20 }), { label: "relu seed 2", barWidth: 10 }),
    "run 3/20 relu seed 2 | epoch 2/3 | ████░░░░░░ 45% | loss 0.512 | ETA 1m20s",
  );
});

Deno.test("formatProgress() leaves out a missing run and label", () => {
  assert.equal(
    formatProgress(step({ epoch: 1, step: 0, etaSeconds: NaN }), { barWidth: 4 }),
    "epoch 1/3 | ░░░░ 0% | loss 0.512 | ETA ?",
  );
  assert.equal(
    formatProgress(step({ epoch: 3, step: 100, etaSeconds: 3723, label: "linear seed 0" }), { barWidth: 4 }),
    "linear seed 0 | epoch 3/3 | ████ 100% | loss 0.512 | ETA 1h02m03s",
  );
});

Deno.test("formatProgress() rejects a bar width below 1", () => {
  assert.throws(() => formatProgress(step(), { barWidth: 0 }), {
    name: "RangeError",
    message: "formatProgress(): option barWidth is 0; expected an integer ≥ 1.",
  });
});

Deno.test("formatEpochLine() includes test metrics when present", () => {
  assert.equal(
    formatEpochLine(step({ kind: "epoch", step: 100, metrics, run: 1, runs: 2 }), { label: "relu seed 0" }),
    "run 1/2 relu seed 0 | epoch 2/3 done | train loss 0.500 | test loss 0.498 | test accuracy 82.1% | " +
      "elapsed 1m05s | ETA 1m20s",
  );
  assert.equal(
    formatEpochLine(step({ kind: "epoch" })),
    "epoch 2/3 done | train loss 0.512 | elapsed 1m05s | ETA 1m20s",
  );
});

/** Creates a stream that records what is written and accepts at most `chunk` bytes per call. */
function recordingStream(terminal: boolean, chunk = 7) {
  const bytes: number[] = [];
  const stream: ProgressStream = {
    writeSync(data) {
      const written = Math.min(chunk, data.length);
      bytes.push(...data.subarray(0, written));
      return written;
    },
    isTerminal: () => terminal,
  };
  return { stream, text: () => new TextDecoder().decode(new Uint8Array(bytes)) };
}

Deno.test("createProgressBar() redraws one line on a terminal", () => {
  const output = recordingStream(true);
  let clock = 0;
  const bar = createProgressBar({ label: "relu", stream: output.stream, minIntervalMs: 100, now: () => clock });
  for (let i = 1; i <= 10; i++) {
    bar.update(step({ epoch: 1, step: i * 10, etaSeconds: 10 - i }));
    clock += 40;
  }
  bar.update(step({ kind: "epoch", epoch: 1, step: 100, metrics: { ...metrics, epoch: 1 }, etaSeconds: 0 }));
  bar.done();

  const text = output.text();
  // Steps at 0, 120, 240 and 360 ms are drawn (100 ms apart at least); the epoch end is kept.
  const redraws = text.split("\r\x1b[K");
  assert.equal(redraws.length, 1 + 4 + 1);
  assert.equal(redraws[1], "relu | epoch 1/3 | ░░░░░░░░░░░░░░░░░░░░ 3% | loss 0.512 | ETA 9s");
  assert.equal(
    redraws.at(-1),
    "relu | epoch 1/3 done | train loss 0.500 | test loss 0.498 | test accuracy 82.1% | elapsed 1m05s | ETA 0s\n",
  );
});

Deno.test("createProgressBar() ends a partial line on done()", () => {
  const output = recordingStream(true);
  const bar = createProgressBar({ stream: output.stream, now: () => 0 });
  bar.update(step());
  bar.done();
  bar.done();
  assert.ok(output.text().endsWith("ETA 1m20s\n"));
  assert.equal(output.text().split("\n").length, 2);
});

Deno.test("createProgressBar() writes plain lines off a terminal", () => {
  const output = recordingStream(false);
  let clock = 0;
  const bar = createProgressBar({ label: "relu", stream: output.stream, heartbeatSeconds: 60, now: () => clock });
  for (let i = 1; i <= 100; i++) {
    bar.update(step({ epoch: 1, step: i }));
    clock += 1000;
  }
  bar.update(step({ kind: "epoch", epoch: 1, step: 100, metrics: { ...metrics, epoch: 1 } }));
  bar.done();

  const lines = output.text().split("\n");
  assert.ok(!output.text().includes("\r"));
  // The first step, one line 60 s later, the epoch end, and the empty string after the last newline.
  assert.equal(lines.length, 4);
  assert.match(lines[0], /^relu \| epoch 1\/3 \| .* 0% \| loss 0\.512/);
  assert.match(lines[1], /^relu \| epoch 1\/3 \| .* 20% \|/);
  assert.match(lines[2], /^relu \| epoch 1\/3 done \| train loss 0\.500/);
  assert.equal(lines[3], "");
});
