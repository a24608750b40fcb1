/**
 * Claim 5, dead output units: a unit whose pre-activation is ≤ 0 on every
 * training image of its class gets no gradient through a ReLU, and its
 * class never wins. Measured per run: the units dead at the end, the epoch
 * from which each stayed dead, the gradient it receives, its class's test
 * accuracy, and the loss floor it sets. Across runs: how often units die by
 * initial bias sign and by study block.
 *
 * @module
 */

import { CLASS_NAMES } from "../data/types.ts";
import type { Cell } from "../notebook/display.ts";
import { inBlock } from "../study/ensure_study.ts";
import type { StudyBlock } from "../study/profiles.ts";
import type { RunRecord } from "../train/types.ts";
import { type ClaimHeads, type ClaimResult, CLAIMS, notTested, verdictSentence } from "./claim_result.ts";
import { ofSeeds, percent, signed } from "./_format.ts";
import { meanOf } from "./_paired.ts";
import { epochDiagnostics, finalDiagnostics, initialDiagnostics } from "./stored_diagnostics.ts";

/** One unit dead at the end of one run, with what it cost. */
export interface DeadUnitEvent {
  /** Head of the run. */
  head: string;
  /** Seed of the run. */
  seed: number;
  /** The unit, which is also its class. */
  unit: number;
  /** Fashion-MNIST name of the unit's class. */
  className: string;
  /**
   * First stored epoch from which the unit is dead on the training sample in
   * every later stored epoch; 0 means dead from initialisation. `null` when
   * the sample never shows it dead (it was alive on some sampled image).
   */
  diedAtEpoch: number | null;
  /** Output-layer bias of the unit before training; `null` without initial diagnostics. */
  initialBias: number | null;
  /**
   * max over inputs of |∂L/∂w| from its own class's training images after the last epoch; `null` if not measured
   * or not finite.
   */
  ownClassKernelMaxAbs: number | null;
  /** ∂L/∂b from the same images; `null` if not measured or not finite. */
  ownClassBiasGradient: number | null;
  /** ∂L/∂b over an all-class training batch; > 0 means SGD lowers the bias further. */
  batchBiasGradient: number | null;
  /** Final test accuracy of the class in this run, in [0, 1]. */
  testAccuracy: number;
  /** Final test accuracy of the class in the baseline head's run of the same seed; `null` without one. */
  baselineTestAccuracy: number | null;
  /** Mean training NLL of the class's sampled images, nats; at least ln K while the unit is dead. */
  classNll: number | null;
}

/** Returns the first stored epoch from which `unit` is in `train.deadUnits` through the last stored epoch. */
function diedAt(record: RunRecord, unit: number): number | null {
  let since: number | null = null;
  for (const entry of epochDiagnostics(record)) {
    if (!entry.train.deadUnits.includes(unit)) since = null;
    else since ??= entry.epoch;
  }
  return since;
}

/**
 * Lists every unit in `record.deadUnits` (dead on the whole training subset
 * at the end) of every complete run, with when it died and what it cost.
 *
 * @param records runs of one or more study blocks.
 * @param baseline head whose same-seed run gives the class's accuracy without the dead unit; default `"linear"`.
 */
export function deadUnitEvents(records: readonly RunRecord[], baseline = "linear"): DeadUnitEvent[] {
  const events: DeadUnitEvent[] = [];
  for (const record of records) {
    if (record.status !== "complete") continue;
    const final = finalDiagnostics(record);
    const initial = initialDiagnostics(record);
    const baselineRun = records.find((r) =>
      r.config.head === baseline && r.config.seed === record.config.seed && r.status === "complete" &&
      r.config.init === record.config.init && r.config.optimizer === record.config.optimizer &&
      r.config.epochs === record.config.epochs && r.config.trainSubset === record.config.trainSubset
    );
    for (const unit of record.deadUnits) {
      const gradient = final?.deadUnitGradients.find((g) => g.unit === unit);
      const trainCost = final?.train.detail?.deadUnitCost;
      events.push({
        head: record.config.head,
        seed: record.config.seed,
        unit,
        className: CLASS_NAMES[unit],
        diedAtEpoch: diedAt(record, unit),
        initialBias: initial?.outputBias?.[unit] ?? null,
        ownClassKernelMaxAbs: gradient?.ownClassKernelMaxAbs ?? null,
        ownClassBiasGradient: gradient?.ownClassBiasGradient ?? null,
        batchBiasGradient: gradient?.batchBiasGradient ?? null,
        testAccuracy: record.epochs.at(-1)!.perClassAccuracy[unit],
        baselineTestAccuracy: baselineRun?.epochs.at(-1)?.perClassAccuracy[unit] ?? null,
        // deadClassNll averages over every dead class of the run, so it is this class's only when it is alone.
        classNll: record.deadUnits.length === 1 ? trainCost?.deadClassNll ?? null : null,
      });
    }
  }
  return events;
}

function cell(value: number | null, format: (v: number) => string): Cell {
  return value === null ? "—" : format(value);
}

/** Formats a gradient: exactly 0 as "0", so that exact zeros stand out, else two significant digits. */
function gradient(value: number): string {
  return value === 0 ? "0" : value.toPrecision(2).replace("-", "−");
}

/** {@link deadUnitEvents} as table rows with readable headers, for `markdownTable()`. */
export function deadUnitTable(records: readonly RunRecord[], baseline = "linear"): Record<string, Cell>[] {
  return deadUnitEvents(records, baseline).map((e) => ({
    head: e.head,
    seed: e.seed,
    class: e.className,
    "dead since epoch": e.diedAtEpoch ?? "— (alive on the sample)",
    "initial bias": cell(e.initialBias, (v) => signed(v, 4)),
    "own-class max |∂L/∂w|": cell(e.ownClassKernelMaxAbs, gradient),
    "own-class ∂L/∂b": cell(e.ownClassBiasGradient, gradient),
    "all-class ∂L/∂b": cell(e.batchBiasGradient, gradient),
    "class test accuracy": percent(e.testAccuracy),
    [`same seed, ${baseline}`]: cell(e.baselineTestAccuracy, percent),
    "class training NLL (nats)": cell(e.classNll, (v) => v.toFixed(3)),
  }));
}

/** How often units died in one study block and head. A type alias, so rows go to `markdownTable()` as they are. */
export type DeadUnitRate = {
  block: string;
  head: string;
  /** Complete runs. */
  runs: number;
  /** Runs with at least one dead unit at the end. */
  runsWithDeadUnit: number;
  /** Dead units over all runs. */
  deadUnits: number;
  /** Dead units per run, deadUnits / runs. */
  perRun: number;
};

/**
 * Counts dead units per study block and head, to compare initialisations
 * and optimisers (the secondary blocks of the full profile).
 */
export function deadUnitRates(records: readonly RunRecord[], blocks: readonly StudyBlock[]): DeadUnitRate[] {
  const rates: DeadUnitRate[] = [];
  for (const block of blocks) {
    for (const head of block.heads) {
      const runs = records.filter((r) => r.config.head === head && r.status === "complete" && inBlock(r, block));
      if (runs.length === 0) continue;
      const dead = runs.reduce((sum, r) => sum + r.deadUnits.length, 0);
      rates.push({
        block: block.name,
        head,
        runs: runs.length,
        runsWithDeadUnit: runs.filter((r) => r.deadUnits.length > 0).length,
        deadUnits: dead,
        perRun: dead / runs.length,
      });
    }
  }
  return rates;
}

/** {@link deadUnitRates} as table rows with readable headers, for `markdownTable()`. */
export function deadUnitRateTable(
  records: readonly RunRecord[],
  blocks: readonly StudyBlock[],
): Record<string, Cell>[] {
  return deadUnitRates(records, blocks).map((rate) => ({
    block: rate.block,
    head: rate.head,
    runs: rate.runs,
    "runs with a dead unit": rate.runsWithDeadUnit,
    "dead units": rate.deadUnits,
    "dead units per run": rate.perRun.toFixed(2),
  }));
}

/** Units of one initial bias sign and how many of them were dead at the end; a type alias for `markdownTable()`. */
export type DeadUnitsByBias = {
  /** Sign of the unit's output-layer bias before training. */
  sign: "negative" | "zero" | "positive";
  /** Units with that sign, over all runs with initial diagnostics. */
  units: number;
  /** Of those, the units dead at the end of their run. */
  dead: number;
  /** dead / units; `null` when there are no such units. */
  rate: number | null;
};

/**
 * Splits the output units of a head's runs by the sign of their initial
 * bias and counts how many of each ended dead. A ReLU unit starting with a
 * negative bias starts closer to being ≤ 0 on every image.
 */
export function deadUnitsByInitialBias(records: readonly RunRecord[], head = "relu"): DeadUnitsByBias[] {
  const counts = { negative: { units: 0, dead: 0 }, zero: { units: 0, dead: 0 }, positive: { units: 0, dead: 0 } };
  for (const record of records) {
    const bias = record.config.head === head && record.status === "complete"
      ? initialDiagnostics(record)?.outputBias
      : undefined;
    if (!bias) continue;
    bias.forEach((value, unit) => {
      if (value === null) return;
      let sign: DeadUnitsByBias["sign"] = "zero";
      if (value < 0) sign = "negative";
      else if (value > 0) sign = "positive";
      counts[sign].units++;
      if (record.deadUnits.includes(unit)) counts[sign].dead++;
    });
  }
  return (["negative", "zero", "positive"] as const).map((sign) => ({
    sign,
    ...counts[sign],
    rate: counts[sign].units === 0 ? null : counts[sign].dead / counts[sign].units,
  }));
}

/**
 * Tests claim 5 on the head's runs and states the result. Deciding
 * measurements: the gradient each dead unit receives from its own class's
 * training images (the claim needs it exactly 0) and its class's test
 * accuracy (the claim needs 0). When no unit died there is nothing to
 * measure, and the result is "not tested" with the count of runs.
 *
 * @param records runs of one study block, with diagnostics.
 */
export function deadUnitsClaim(records: readonly RunRecord[], heads: ClaimHeads = {}): ClaimResult {
  const head = heads.head ?? "relu";
  const baseline = heads.baseline ?? "linear";
  const claim = CLAIMS.deadUnits;
  const runs = records.filter((r) => r.config.head === head && r.status === "complete");
  const events = deadUnitEvents(runs.concat(records.filter((r) => r.config.head === baseline)), baseline)
    .filter((e) => e.head === head);
  const runsWithDead = new Set(events.map((e) => e.seed)).size;
  if (events.length === 0) {
    return notTested(
      claim,
      `no output unit of the ${runs.length} ${head} runs died, so there is no dead unit to measure.`,
    );
  }

  const classes = [...new Set(events.map((e) => e.className))].join(", ");
  const measured = events.filter((e) => e.ownClassKernelMaxAbs !== null && e.ownClassBiasGradient !== null);
  const zeroGradient = measured.filter((e) => e.ownClassKernelMaxAbs === 0 && e.ownClassBiasGradient === 0).length;
  const neverWins = events.filter((e) => e.testAccuracy === 0).length;
  const cost = meanOf(
    events.map((e) => e.baselineTestAccuracy === null ? null : e.baselineTestAccuracy - e.testAccuracy),
  );
  const classNll = meanOf(events.map((e) => e.classNll));
  const deadRuns = runs.filter((r) => r.deadUnits.length > 0);
  const lossFloor = meanOf(deadRuns.map((r) => finalDiagnostics(r)?.train.detail?.deadUnitCost.lossFloor));
  const trainNll = meanOf(deadRuns.map((r) => finalDiagnostics(r)?.train.nll));
  const lnK = Math.log(CLASS_NAMES.length);

  // Test classes are balanced (1,000 images each), so a class's accuracy counts one tenth in the overall accuracy.
  const costText = Number.isNaN(cost) ? "" : `; each ${cost >= 0 ? "costs" : "gains"} on average ` +
    `${Math.abs(cost * 10).toFixed(1)} points of overall test accuracy (its class's accuracy in the same seed's ` +
    `${baseline} run, over ten classes)`;
  const nllText = Number.isNaN(classNll)
    ? ""
    : `. A lone dead class's training images average ${classNll.toFixed(3)} nats, against the floor ln 10 = ${
      lnK.toFixed(3)
    }`;
  const floorText = Number.isNaN(lossFloor) || Number.isNaN(trainNll)
    ? "."
    : `. The dead classes put a floor of ${lossFloor.toFixed(3)} nats under the mean training loss ` +
      `(their share of images × ln 10), which measures ${trainNll.toFixed(3)} in those runs.`;
  const evidence = `${ofSeeds(runsWithDead, runs.length)} of the ${head} head ended with a dead unit (${classes}). ` +
    `${zeroGradient} of the ${measured.length} dead units measured got exactly zero gradient from their own class's ` +
    `training images, and ${neverWins} of ${events.length} dead classes scored 0% on the test images` +
    `${costText}${nllText}${floorText}`;

  if (zeroGradient < measured.length) {
    return { claim, verdict: "does not hold", sentence: verdictSentence("does not hold", evidence) };
  }
  if (neverWins < events.length) {
    // A unit is dead on the training images by definition; a test image can still push its pre-activation above 0.
    const condition = "deadness is judged on the training images, where it is defined: " +
      "on a test image a dead unit's pre-activation can still be above 0, and its class can win";
    return {
      claim,
      verdict: "holds only when",
      condition,
      sentence: verdictSentence("holds only when", evidence, condition),
    };
  }
  return { claim, verdict: "holds", sentence: verdictSentence("holds", evidence) };
}

/** {@link deadUnitsByInitialBias} as table rows with readable headers, for `markdownTable()`. */
export function deadUnitsByInitialBiasTable(records: readonly RunRecord[], head = "relu"): Record<string, Cell>[] {
  return deadUnitsByInitialBias(records, head).map((row) => ({
    "initial bias": row.sign,
    "output units": row.units,
    "dead at the end": row.dead,
    "share dead": row.rate === null ? "—" : percent(row.rate),
  }));
}
