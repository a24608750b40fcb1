/**
 * Tests of lib/claims on hand-made run records whose stored diagnostics
 * have known results: reading, curves, pooled histograms, each claim's
 * verdict and sentence, and the dead-unit tables.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  bestAndWorstRuns,
  clampedLogitsClaim,
  deadUnitEvents,
  deadUnitRates,
  deadUnitsByInitialBias,
  deadUnitsClaim,
  diagnosticCurves,
  epochDiagnostics,
  initialDiagnostics,
  negativeRateRows,
  pooledReliability,
  positiveInputsClaim,
  probabilityFloorClaim,
  regulariserClaim,
  storedHistogram,
} from "../lib/claims/mod.ts";
import type { EpochDiagnostics, SplitDiagnostics } from "../lib/study/diagnose.ts";
import type { StudyBlock } from "../lib/study/profiles.ts";
import type { RunRecord } from "../lib/train/types.ts";

type DeepPartial<T> = { [K in keyof T]?: NonNullable<T[K]> extends object ? DeepPartial<NonNullable<T[K]>> : T[K] };

/** Builds a split whose every measurement is neutral, with the given fields replaced. */
function split(overrides: DeepPartial<SplitDiagnostics> = {}): SplitDiagnostics {
  const base: SplitDiagnostics = {
    images: 100,
    accuracy: 0.8,
    nll: 0.5,
    ece: 0.02,
    meanConfidence: 0.8,
    meanConfidenceOnErrors: 0.6,
    medians: { minProbabilityLog10: -2, maxProbability: 0.9, trueLogit: 3, otherLogit: 0 },
    zeroFraction: { trueClass: 0, otherClasses: 0 },
    negativeFraction: { trueClass: 0, otherClasses: 0 },
    preActivationNegativeRate: 0.3,
    deadUnits: [],
  };
  return {
    ...base,
    ...overrides,
    medians: { ...base.medians, ...overrides.medians },
    zeroFraction: { ...base.zeroFraction, ...overrides.zeroFraction },
    negativeFraction: { ...base.negativeFraction, ...overrides.negativeFraction },
  } as SplitDiagnostics;
}

function entry(epoch: number, parts: Partial<EpochDiagnostics> = {}): EpochDiagnostics {
  return { version: 1, epoch, train: split(), test: split(), deadUnitGradients: [], ...parts };
}

function run(
  head: string,
  seed: number,
  entries: EpochDiagnostics[],
  extra: { deadUnits?: number[]; accuracy?: number; perClass?: number[]; init?: "pytorch" | "tfjs" } = {},
): RunRecord {
  const diagnostics: Record<string, unknown> = { note: "not an epoch" };
  for (const e of entries) diagnostics[`epoch${e.epoch}`] = e;
  return {
    schema: 1,
    config: {
      head,
      seed,
      init: extra.init ?? "pytorch",
      optimizer: "sgd",
      learningRate: 0.001,
      batchSize: 20,
      epochs: 2,
      trainSubset: 6000,
      testSubset: null,
    },
    key: `${head}-${seed}`,
    status: "complete",
    epochs: [{
      epoch: 2,
      trainLoss: 0.5,
      testLoss: 0.5,
      testAccuracy: extra.accuracy ?? 0.8,
      perClassAccuracy: extra.perClass ?? new Array(10).fill(0.8),
      elapsedSeconds: 1,
    }],
    confusion: [],
    deadUnits: extra.deadUnits ?? [],
    diagnostics,
    backend: "cpu",
    versions: {},
    wallSeconds: 1,
    finishedAt: "2025-01-01T00:00:00Z",
  };
}

/** Runs of relu and linear over two seeds whose test split differs only in `relu` and `linear` at each epoch. */
function pairOfHeads(
  relu: (seed: number, epoch: number) => DeepPartial<SplitDiagnostics>,
  linear: (seed: number, epoch: number) => DeepPartial<SplitDiagnostics>,
): RunRecord[] {
  return [0, 1].flatMap((seed) => [
    run("linear", seed, [0, 2].map((e) => entry(e, { test: split(linear(seed, e)) }))),
    run("relu", seed, [0, 2].map((e) => entry(e, { test: split(relu(seed, e)) }))),
  ]);
}

Deno.test("epochDiagnostics() sorts epochs and skips other keys", () => {
  const record = run("relu", 0, [entry(2), entry(0), entry(1)]);
  assert.deepEqual(epochDiagnostics(record).map((e) => e.epoch), [0, 1, 2]);
  assert.equal(initialDiagnostics(run("relu", 0, [entry(1)])), undefined);
  assert.deepEqual(epochDiagnostics({ ...record, diagnostics: {} }), []);
});

Deno.test("epochDiagnostics() rejects an unknown layout", () => {
  const record = run("relu", 4, []);
  record.diagnostics.epoch1 = { version: 2 };
  assert.throws(() => epochDiagnostics(record), {
    name: "TypeError",
    message: "run relu-4 (relu, seed 4) has diagnostics.epoch1 in an unknown layout (version 2); expected version 1 " +
      "from lib/study/diagnose.ts. Delete the run's file from the run store to retrain it.",
  });
});

Deno.test("diagnosticCurves() averages over seeds with a t band", () => {
  const records = [0.2, 0.4].map((zero, seed) =>
    run("relu", seed, [entry(0), entry(1, { test: split({ zeroFraction: { otherClasses: zero } }) })])
  );
  const points = diagnosticCurves(records, "zeroFractionOtherClasses");
  assert.deepEqual(points.map((p) => [p.variant, p.epoch]), [["relu", 0], ["relu", 1]]);
  assert.ok(Math.abs(points[1].value - 0.3) < 1e-12);
  // Half-width t(0.975, 1)·sd/√2 with sd = 0.1·√2: 12.7062·0.1, so 0.3 ± 1.27, clipped to [0, 1] for a fraction.
  assert.equal(points[1].lo, 0);
  assert.equal(points[1].hi, 1);
  const counts = [1, 3].map((count, seed) =>
    run("relu", seed, [entry(0), entry(1, { test: split({ deadUnits: Array.from({ length: count }, (_, i) => i) }) })])
  );
  // A count is not a fraction, so its band is not clipped: 2 ± 12.7062.
  assert.ok(Math.abs(diagnosticCurves(counts, "deadUnitCount")[1].hi! - (2 + 12.706205)) < 1e-5);
  assert.equal(diagnosticCurves(records, "deadUnitCount", { band: false })[1].lo, undefined);
});

Deno.test("diagnosticCurves() rejects an unknown metric", () => {
  assert.throws(() => diagnosticCurves([run("relu", 0, [entry(0)])], "loss" as "nll"), {
    name: "RangeError",
    message: /^lib\/claims readMetric\(\): unknown metric "loss"; expected one of accuracy, nll, /,
  });
});

Deno.test("storedHistogram() expands pooled counts at bin midpoints", () => {
  const distributions = (first: number, counts: number[], below: number) => ({
    minProbabilityLog10: { first: 0, counts: [], below: 0, above: 0, nonFinite: 0 },
    maxProbability: { first: 0, counts: [], below: 0, above: 0, nonFinite: 0 },
    trueLogit: { first: 0, counts: [], below: 0, above: 0, nonFinite: 0 },
    otherLogit: { first, counts, below, above: 0, nonFinite: 3 },
    reliability: { confidence: [], accuracy: [], count: [] },
  });
  const detail = (first: number, counts: number[], below: number) =>
    split({ detail: { distributions: distributions(first, counts, below) } } as DeepPartial<SplitDiagnostics>);
  const records = [
    run("relu", 0, [entry(2, { test: detail(25, [2, 1], 0) })]),
    run("relu", 1, [entry(2, { test: detail(26, [1], 1) })]),
  ];
  // LOGIT_EDGES are −25, −24, …, 25: bin 25 is [0, 1), and values below −25 go to bin 0.
  const [series] = storedHistogram(records, "otherLogit");
  assert.equal(series.variant, "relu");
  assert.deepEqual([...series.values], [-24.5, 0.5, 0.5, 1.5, 1.5]);
  assert.deepEqual(storedHistogram(records, "otherLogit", { epoch: 0 }), []);
});

Deno.test("pooledReliability() weights bins by their counts", () => {
  const detail = (confidence: number, accuracy: number, count: number) =>
    split({
      detail: {
        distributions: {
          reliability: { confidence: [null, confidence], accuracy: [null, accuracy], count: [0, count] },
        },
      },
    } as DeepPartial<SplitDiagnostics>);
  const records = [
    run("linear", 0, [entry(1, { test: detail(0.9, 0.6, 30) })]),
    run("linear", 1, [entry(1, { test: detail(0.8, 1, 10) })]),
  ];
  const [bin, ...rest] = pooledReliability(records);
  assert.equal(rest.length, 0);
  assert.equal(bin.count, 40);
  assert.ok(Math.abs(bin.confidence - 0.875) < 1e-12);
  assert.ok(Math.abs(bin.accuracy - 0.7) < 1e-12);
});

Deno.test("probabilityFloorClaim() holds when relu's floor stays higher", () => {
  const records = pairOfHeads(
    (seed, epoch) => ({ medians: { minProbabilityLog10: epoch === 0 ? -1.1 + seed * 0.01 : -5 - seed } }),
    (seed, epoch) => ({ medians: { minProbabilityLog10: epoch === 0 ? -1.3 : -9 - seed } }),
  );
  const result = probabilityFloorClaim(records);
  assert.equal(result.verdict, "holds");
  assert.equal(
    result.sentence,
    "The claim holds: the median test image's smallest probability is 0.080 with relu against 0.050 with linear " +
      "(higher in 2 of 2 seeds) at initialisation, and 3.2e−6 with relu against 3.2e−10 with linear " +
      "(higher in 2 of 2 seeds) after 2 epochs.",
  );
});

Deno.test("probabilityFloorClaim() decides at initialisation", () => {
  // relu's floor is higher at initialisation only: the claim is about the start, so it holds.
  const flips = pairOfHeads(
    (seed, epoch) => ({ medians: { minProbabilityLog10: epoch === 0 ? -1.1 - seed * 0.01 : -12 - seed } }),
    (seed, epoch) => ({ medians: { minProbabilityLog10: epoch === 0 ? -1.3 : -9 - seed * 0.1 } }),
  );
  assert.equal(probabilityFloorClaim(flips).verdict, "holds");
  assert.match(
    probabilityFloorClaim(flips).sentence,
    /against 8\.9e−10 with linear \(higher in 0 of 2 seeds\) after 2 epochs\.$/,
  );

  const lower = pairOfHeads(
    (seed) => ({ medians: { minProbabilityLog10: -1.5 - seed * 0.01 } }),
    () => ({ medians: { minProbabilityLog10: -1.3 } }),
  );
  assert.equal(probabilityFloorClaim(lower).verdict, "does not hold");
  assert.match(probabilityFloorClaim(lower).sentence, /^The claim does not hold: /);
});

Deno.test("probabilityFloorClaim() is not tested without initial diagnostics", () => {
  const records = [run("relu", 0, [entry(1)]), run("linear", 0, [entry(1)])];
  const result = probabilityFloorClaim(records);
  assert.equal(result.verdict, "not tested");
  assert.equal(
    result.sentence,
    "Not tested: the runs of relu and linear store no initial diagnostics for the same seeds, " +
      "so the smallest probabilities cannot be compared.",
  );
});

Deno.test("clampedLogitsClaim() needs the right class above 0", () => {
  const records = pairOfHeads(
    (_, epoch) => ({ zeroFraction: { trueClass: epoch === 0 ? 0.5 : 0.02, otherClasses: epoch === 0 ? 0.5 : 0.7 } }),
    () => ({ negativeFraction: { otherClasses: 0.8 }, medians: { otherLogit: -3, trueLogit: 4 } }),
  );
  const result = clampedLogitsClaim(records);
  assert.equal(result.verdict, "holds only when");
  assert.equal(
    result.sentence,
    "The claim holds only when the right class's pre-activation is above 0: no relu logit is below 0 in any stored " +
      "epoch, and after 2 epochs 70.0% of wrong-class logits sit at exactly 0 (50.0% at initialisation), but so do " +
      "2.0% of right-class logits, and those get no gradient to rise. The linear head gets its margin the other way: " +
      "80.0% of its wrong-class logits are below 0 (median −3.00 against 4.00 for the right class, where relu's right " +
      "class has median 3.00), and softmax only sees the differences.",
  );
});

Deno.test("clampedLogitsClaim() does not hold with a negative relu logit", () => {
  const records = pairOfHeads(() => ({ negativeFraction: { otherClasses: 0.01 } }), () => ({}));
  assert.equal(clampedLogitsClaim(records).verdict, "does not hold");
});

Deno.test("regulariserClaim() holds only by the gap when test NLL rises", () => {
  const records = [0, 1].flatMap((seed) => [
    run("linear", seed, [entry(2, { train: split({ nll: 0.3 }), test: split({ nll: 0.5 + seed * 0.01 }) })]),
    run("relu", seed, [entry(2, { train: split({ nll: 0.6 }), test: split({ nll: 0.7 + seed * 0.02 }) })]),
  ]);
  const result = regulariserClaim(records);
  assert.equal(result.verdict, "holds only when");
  assert.equal(result.condition, "judged by the train–test gap alone");
  assert.match(
    result.sentence,
    /loss gap is 0\.110 nats with relu against 0\.205 with linear \(difference −0\.095 nats, 95% CI −0\.159 nats to −0\.031 nats, 2 seeds\)/,
  );
  assert.match(result.sentence, /the test NLL 0\.710 against 0\.505 nats \(difference \+0\.205 nats, /);
  assert.match(
    result.sentence,
    /Clipping at 0 does not measurably change the confidence on misclassified test images: 60\.0%/,
  );
});

Deno.test("regulariserClaim() does not hold when the gap is unchanged", () => {
  const records = [0, 1].flatMap((seed) => [
    run("linear", seed, [entry(2, { test: split({ nll: 0.6 + seed * 0.01 }) })]),
    run("relu", seed, [entry(2, { test: split({ nll: 0.6 + seed * 0.02 }) })]),
  ]);
  assert.equal(regulariserClaim(records).verdict, "does not hold");
});

Deno.test("positiveInputsClaim() does not hold with negative pre-activations", () => {
  const records = pairOfHeads(
    (_, epoch) => ({ preActivationNegativeRate: epoch === 0 ? 0.5 : 0.25 }),
    () => ({ preActivationNegativeRate: 0.6 }),
  );
  const result = positiveInputsClaim(records);
  assert.equal(result.verdict, "does not hold");
  assert.equal(
    result.sentence,
    "The claim does not hold: fc1's inputs are ≥ 0 because they come out of a ReLU and a max-pool, but its weights " +
      "and biases can be negative: 25.0% of its test outputs are below 0 after 2 epochs with the relu head " +
      "(50.0% at initialisation), and 60.0% with the linear head. The ReLU sets every one of those to 0.",
  );
});

Deno.test("positiveInputsClaim() holds when almost nothing is negative", () => {
  const records = pairOfHeads(() => ({ preActivationNegativeRate: 0.0005 }), () => ({}));
  assert.equal(positiveInputsClaim(records).verdict, "holds");
});

Deno.test("negativeRateRows() averages each unit over runs", () => {
  const detail = (rates: number[]) =>
    split({ detail: { preActivations: { negativeRate: rates } } } as DeepPartial<SplitDiagnostics>);
  const records = [
    run("relu", 0, [entry(2, { test: detail([0.1, 0.2, 0, 0, 0, 0, 0, 0, 0, 0]) })]),
    run("relu", 1, [entry(2, { test: detail([0.3, 0.2, 0, 0, 0, 0, 0, 0, 0, 0]) })]),
  ];
  const rows = negativeRateRows(records);
  assert.equal(rows.length, 10);
  assert.equal(rows[0].className, "T-shirt/top");
  assert.ok(Math.abs(rows[0].accuracy - 0.2) < 1e-12);
  assert.equal(rows[0].lo, 0, "the interval is clamped at 0");
  assert.equal(rows[1].lo, 0.2);
});

/** Builds a relu run whose unit 3 died at epoch 1, and the linear run of the same seed. */
function deadUnitRuns(ownGradient: number, classAccuracy: number): RunRecord[] {
  const dead = (units: number[]) => split({ deadUnits: units });
  const perClass = new Array(10).fill(0.8);
  perClass[3] = classAccuracy;
  const relu = run("relu", 0, [
    entry(0, { train: dead([]), outputBias: [0.01, 0.02, 0, -0.03, 0.01, 0.01, 0.01, 0.01, 0.01, -0.01] }),
    entry(1, { train: dead([3]) }),
    entry(2, {
      train: split({
        deadUnits: [3],
        detail: { deadUnitCost: { deadClassNll: 2.5, lossFloor: 0.2303 } },
      } as DeepPartial<SplitDiagnostics>),
      deadUnitGradients: [{
        unit: 3,
        ownClassImages: 600,
        ownClassKernelMaxAbs: ownGradient,
        ownClassBiasGradient: 0,
        batchImages: 1000,
        batchBiasGradient: 0.004,
      }],
    }),
  ], { deadUnits: [3], perClass, accuracy: 0.72 });
  const linearPerClass = new Array(10).fill(0.8);
  linearPerClass[3] = 0.85;
  return [relu, run("linear", 0, [entry(0), entry(2)], { perClass: linearPerClass })];
}

Deno.test("deadUnitEvents() reports when the unit died and its cost", () => {
  const [event] = deadUnitEvents(deadUnitRuns(0, 0));
  assert.deepEqual(event, {
    head: "relu",
    seed: 0,
    unit: 3,
    className: "Dress",
    diedAtEpoch: 1,
    initialBias: -0.03,
    ownClassKernelMaxAbs: 0,
    ownClassBiasGradient: 0,
    batchBiasGradient: 0.004,
    testAccuracy: 0,
    baselineTestAccuracy: 0.85,
    classNll: 2.5,
  });
});

Deno.test("deadUnitsClaim() holds with zero gradient and 0% accuracy", () => {
  const result = deadUnitsClaim(deadUnitRuns(0, 0));
  assert.equal(result.verdict, "holds");
  assert.equal(
    result.sentence,
    "The claim holds: 1 of 1 seed of the relu head ended with a dead unit (Dress). 1 of the 1 dead units measured " +
      "got exactly zero gradient from their own class's training images, and 1 of 1 dead classes scored 0% on the " +
      "test images; each costs on average 8.5 points of overall test accuracy (its class's accuracy in the same " +
      "seed's linear run, over ten classes). A lone dead class's training images average 2.500 nats, against the " +
      "floor ln 10 = 2.303. The dead classes put a floor of 0.230 nats under the mean training loss (their share of " +
      "images × ln 10), which measures 0.500 in those runs.",
  );
});

Deno.test("deadUnitsClaim() does not hold with a nonzero own-class gradient", () => {
  assert.equal(deadUnitsClaim(deadUnitRuns(1e-3, 0)).verdict, "does not hold");
  assert.equal(deadUnitsClaim(deadUnitRuns(0, 0.01)).verdict, "holds only when");
});

Deno.test("deadUnitsClaim() is not tested without a dead unit", () => {
  const result = deadUnitsClaim([run("relu", 0, [entry(0)]), run("relu", 1, [entry(0)])]);
  assert.equal(result.verdict, "not tested");
  assert.equal(
    result.sentence,
    "Not tested: no output unit of the 2 relu runs died, so there is no dead unit to measure.",
  );
});

Deno.test("deadUnitsByInitialBias() splits units by bias sign", () => {
  const rows = deadUnitsByInitialBias(deadUnitRuns(0, 0));
  assert.deepEqual(rows, [
    { sign: "negative", units: 2, dead: 1, rate: 0.5 },
    { sign: "zero", units: 1, dead: 0, rate: 0 },
    { sign: "positive", units: 7, dead: 0, rate: 0 },
  ]);
});

Deno.test("deadUnitRates() counts per block and head", () => {
  const block: StudyBlock = {
    name: "main",
    description: "test block",
    heads: ["linear", "relu"],
    seeds: [0],
    init: "pytorch",
    optimizer: "sgd",
    learningRate: 0.001,
    epochs: 2,
    trainSubset: 6000,
  };
  assert.deepEqual(deadUnitRates(deadUnitRuns(0, 0), [block, { ...block, name: "tfjs", init: "tfjs" }]), [
    { block: "main", head: "linear", runs: 1, runsWithDeadUnit: 0, deadUnits: 0, perRun: 0 },
    { block: "main", head: "relu", runs: 1, runsWithDeadUnit: 1, deadUnits: 1, perRun: 1 },
  ]);
});

Deno.test("bestAndWorstRuns() picks by final test accuracy", () => {
  const records = [0.81, 0.85, 0.79].map((accuracy, seed) => run("relu", seed, [], { accuracy }));
  const [extremes] = bestAndWorstRuns(records);
  assert.equal(extremes.head, "relu");
  assert.equal(extremes.best.config.seed, 1);
  assert.equal(extremes.worst.config.seed, 2);
});
