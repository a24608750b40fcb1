/**
 * Additions to `reports/index.html` from other parts of the project, such as
 * headline numbers read from the run store. `deno task report` passes the
 * page through each contributor in order before it writes the index.
 *
 * @module
 */

import type { IndexPage, ReportEntry } from "./index_page.ts";
import { openRunStore } from "../../lib/study/ensure_run.ts";
import { getProfile } from "../../lib/study/profiles.ts";
import { inBlock } from "../../lib/study/ensure_study.ts";
import { compareWithBaseline, finalEpoch, summarizeHeads } from "../../lib/study/aggregate.ts";
import { percent, points } from "../../lib/study/verdict.ts";
import type { RunRecord } from "../../lib/train/types.ts";

/**
 * Returns the page with columns, rows or notes added. It may fill
 * `entry.extra` of the rows and add an `IndexColumn` that reads it.
 */
export type IndexContributor = (page: IndexPage) => IndexPage | Promise<IndexPage>;

/** Computes the headline of one report from the runs of its profile's store. */
function headlineFor(entry: ReportEntry, records: RunRecord[]): string | null {
  const profile = getProfile(entry.profile);
  if (entry.name.startsWith("01-")) {
    const firstRuns = records.filter((r) =>
      r.config.seed === 0 && r.config.epochs === profile.firstRun.epochs &&
      r.config.trainSubset === profile.firstRun.trainSubset && r.config.optimizer === profile.firstRun.optimizer &&
      r.config.init === profile.firstRun.init && (r.config.head === "linear" || r.config.head === "relu") &&
      r.status === "complete"
    );
    if (firstRuns.length === 0) return null;
    return firstRuns.map((r) => `${r.config.head} ${percent(finalEpoch(r).testAccuracy)}`).join(", ") +
      " test accuracy (seed 0)";
  }
  if (entry.name.startsWith("03-")) {
    const main = records.filter((r) =>
      inBlock(r, profile.study[0]) && r.config.head === "relu" && r.status === "complete"
    );
    if (main.length === 0) return null;
    const dead = main.filter((r) => r.deadUnits.length > 0).length;
    return `relu ended with a dead output unit in ${dead} of ${main.length} seeds`;
  }
  if (entry.name.startsWith("02-")) {
    const main = records.filter((r) => inBlock(r, profile.study[0]));
    const relu = main.length
      ? compareWithBaseline(main, "linear", "testAccuracy").find((c) => c.head === "relu")
      : undefined;
    const reluSummary = summarizeHeads(main).find((s) => s.head === "relu");
    if (!relu || !reluSummary) return null;
    return `relu − linear: ${points(relu.comparison.meanDifference)} test accuracy ` +
      `(95% CI ${points(relu.comparison.ci95[0])} to ${
        points(relu.comparison.ci95[1])
      }, ${relu.comparison.n} seeds); ` +
      `relu never predicted a class in ${reluSummary.seedsWithLostClass} of ${reluSummary.runs} seeds`;
  }
  return null;
}

/** Adds a "Headline" column and a note naming the backends and library versions of the runs. */
export const headlineContributor: IndexContributor = async (page) => {
  const recordsByProfile = new Map<string, RunRecord[]>();
  for (const entry of page.entries) {
    if (recordsByProfile.has(entry.profile)) continue;
    try {
      recordsByProfile.set(entry.profile, await openRunStore(entry.profile).list());
    } catch {
      recordsByProfile.set(entry.profile, []);
    }
  }

  const entries = page.entries.map((entry) => {
    let headline: string | null = null;
    try {
      headline = headlineFor(entry, recordsByProfile.get(entry.profile) ?? []);
    } catch {
      // An unknown profile or too few runs for a paired test: the row shows a dash.
    }
    return headline === null ? entry : { ...entry, extra: { ...entry.extra, headline } };
  });

  const notes = [...page.notes];
  for (const [profile, records] of recordsByProfile) {
    if (records.length === 0) continue;
    const backends = [...new Set(records.map((r) => r.backend))].join(", ");
    const versions = records[0].versions;
    notes.push(
      `Profile ${profile}: ${records.length} stored runs, trained on the ${backends} backend with ` +
        Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(", ") + ".",
    );
  }

  return {
    ...page,
    entries,
    columns: [...page.columns, { header: "Headline", value: (entry) => entry.extra?.headline ?? null }],
    notes,
  };
};

/** The contributors `deno task report` applies, in order. */
export const INDEX_CONTRIBUTORS: IndexContributor[] = [headlineContributor];
