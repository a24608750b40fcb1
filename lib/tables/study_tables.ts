/**
 * HTML tables of the study notebook: the blocks of a profile, paired
 * comparisons, lost classes per seed, and the secondary factors.
 *
 * @module
 */

import { CLASS_NAMES } from "../data/types.ts";
import { compareWithBaseline, type HeadComparison, neverPredicted, summarizeHeads } from "../study/aggregate.ts";
import { inBlock } from "../study/ensure_study.ts";
import type { StudyBlock } from "../study/profiles.ts";
import { percent, points } from "../study/verdict.ts";
import type { RunRecord } from "../train/types.ts";
import { escapeHtml } from "../notebook/display.ts";
import { htmlTable } from "./html_table.ts";

/** Renders one row per study block: what it varies, heads, seeds, epochs, training images. */
export function blockTable(blocks: StudyBlock[]): string {
  return htmlTable(blocks, {
    block: (b) => b.name,
    setting: (b) => b.description,
    heads: (b) => b.heads.join(", "),
    seeds: (b) => `${b.seeds.length} (${b.seeds[0]}–${b.seeds.at(-1)})`,
    epochs: (b) => b.epochs,
    "training images": (b) => (b.trainSubset ?? 60000).toLocaleString("en-US"),
    "runs": (b) => b.heads.length * b.seeds.length,
  });
}

function formatDifference(c: HeadComparison, value: number): string {
  return c.metric === "testAccuracy" ? points(value) : `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(4)} nats`;
}

/** Renders one row per comparison: mean paired difference, t and bootstrap intervals, d_z, p and Holm p. */
export function comparisonTable(comparisons: HeadComparison[]): string {
  return htmlTable(comparisons, {
    metric: (c) => (c.metric === "testAccuracy" ? "test accuracy" : "test loss"),
    comparison: (c) => `${c.head} − ${c.baseline}`,
    "paired seeds": (c) => c.comparison.n,
    "mean difference": (c) => formatDifference(c, c.comparison.meanDifference),
    "95% CI (t)": (c) => `${formatDifference(c, c.comparison.ci95[0])} to ${formatDifference(c, c.comparison.ci95[1])}`,
    "95% CI (bootstrap)": (c) =>
      `${formatDifference(c, c.comparison.bootstrapCi95[0])} to ${formatDifference(c, c.comparison.bootstrapCi95[1])}`,
    "d_z": (c) => c.comparison.effectSizeDz.toFixed(2).replace("-", "−"),
    "p (paired t)": (c) => c.comparison.pValue.toPrecision(2),
    "p (Holm)": (c) => c.holmP.toPrecision(2),
  });
}

/** Rows for a forest plot of accuracy differences, in percentage points. */
export function forestRows(
  comparisons: HeadComparison[],
): { label: string; estimate: number; lo: number; hi: number }[] {
  return comparisons.map((c) => ({
    label: `${c.head} − ${c.baseline}`,
    estimate: c.comparison.meanDifference * 100,
    lo: c.comparison.ci95[0] * 100,
    hi: c.comparison.ci95[1] * 100,
  }));
}

/** Renders one row per run that never predicted some class or ended with a dead unit, or a sentence saying none did. */
export function lostClassTable(records: RunRecord[]): string {
  const rows = records.filter((r) =>
    r.status === "complete" && (neverPredicted(r).length > 0 || r.deadUnits.length > 0)
  );
  if (rows.length === 0) {
    return paragraph(
      `In all ${records.length} runs every class was predicted at least once and no output unit was dead.`,
    );
  }
  return htmlTable(rows, {
    head: (r) => r.config.head,
    seed: (r) => r.config.seed,
    "never predicted": (r) => neverPredicted(r).map((c) => CLASS_NAMES[c]).join(", ") || "none",
    "dead units": (r) => r.deadUnits.map((c) => CLASS_NAMES[c]).join(", ") || "none",
    "test accuracy": (r) => percent(r.epochs.at(-1)!.testAccuracy),
  });
}

/** For each secondary block: mean accuracy per head and the relu − linear paired difference. */
export function secondaryTable(records: RunRecord[], blocks: StudyBlock[]): string {
  const rows = blocks.slice(1).map((block) => {
    const inThisBlock = records.filter((r) => inBlock(r, block));
    const summaries = summarizeHeads(inThisBlock);
    const comparison = inThisBlock.length
      ? compareWithBaseline(inThisBlock, "linear", "testAccuracy").find((c) => c.head === "relu")
      : undefined;
    return { block, summaries, comparison };
  });
  if (rows.length === 0) return paragraph("This profile has no secondary blocks; the full profile has them.");
  return htmlTable(rows, {
    block: (r) => r.block.description,
    seeds: (r) => r.block.seeds.length,
    epochs: (r) => r.block.epochs,
    "linear accuracy": (r) => percentOf(r.summaries.find((s) => s.head === "linear")?.accuracy.mean),
    "relu accuracy": (r) => percentOf(r.summaries.find((s) => s.head === "relu")?.accuracy.mean),
    "relu − linear (95% CI)": (r) =>
      r.comparison
        ? `${points(r.comparison.comparison.meanDifference)} (${points(r.comparison.comparison.ci95[0])} to ${
          points(r.comparison.comparison.ci95[1])
        })`
        : "—",
    "relu seeds with a never-predicted class": (r) => {
      const s = r.summaries.find((x) => x.head === "relu");
      return s ? `${s.seedsWithLostClass} of ${s.runs}` : "—";
    },
  });
}

function percentOf(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? "—" : percent(value);
}

/** Wraps text, escaped, in an HTML paragraph. */
export function paragraph(text: string): string {
  return `<p class="relu-lab-finding">${escapeHtml(text)}</p>`;
}
