/**
 * Tests of lib/stats against reference values from SciPy 1.10.1 (Debian's
 * python3-scipy, NumPy 1.24.2): scipy.stats.t.ppf, t.cdf, t.interval and
 * ttest_rel. Holm's adjustment is computed from its definition in the same
 * script, because statsmodels is not installed. The literals below are the
 * output of `/usr/bin/python3 tools/reference/stats_reference.py`.
 *
 * Tolerance: relative 1e-6 for every reference value. SciPy's t.ppf is itself
 * accurate to only about 1e-9 relative (checked against mpmath at 40 digits),
 * so a tighter tolerance would test SciPy rather than this code. The SciPy
 * bootstrap intervals (scipy.stats.bootstrap) are the exception: they come
 * from SciPy's own random generator, so each end is compared within 5% or
 * 15% of the interval's width, as each test states.
 *
 * @module
 */

import assert from "node:assert/strict";
import { seededRandom } from "../lib/random.ts";
import {
  bootstrapMeanCi,
  holm,
  pairedComparison,
  pairedDifferences,
  summarize,
  tCdf,
  tQuantile,
} from "../lib/stats/mod.ts";

const RELATIVE_TOLERANCE = 1e-6;

/** Asserts |actual − expected| ≤ tolerance · |expected|, naming the case on failure. */
function assertClose(
  actual: number,
  expected: number,
  label: string,
  tolerance = RELATIVE_TOLERANCE,
): void {
  const error = Math.abs(actual - expected);
  assert.ok(
    error <= tolerance * Math.abs(expected),
    `${label}: got ${actual}, expected ${expected} (relative error ${
      error / Math.abs(expected)
    }, tolerance ${tolerance})`,
  );
}

// The same samples as in tools/reference/stats_reference.py.
const RELU = [
  0.8412,
  0.8437,
  0.8398,
  0.8461,
  0.8425,
  0.8389,
  0.8450,
  0.8418,
  0.8403,
  0.8441,
];
const LINEAR = [
  0.8455,
  0.8449,
  0.8430,
  0.8472,
  0.8460,
  0.8421,
  0.8466,
  0.8439,
  0.8447,
  0.8452,
];
const NOISY_A = [0.52, 0.61, 0.47, 0.58, 0.55, 0.49, 0.63, 0.51, 0.57, 0.54];
const NOISY_B = [0.50, 0.64, 0.49, 0.53, 0.56, 0.52, 0.58, 0.50, 0.59, 0.51];
const SKEWED = [0.10, 0.20, 0.15, 0.12, 0.90, 0.11, 0.13, 0.16, 0.14, 0.18];
const HOLM_P_VALUES = [0.01, 0.04, 0.03, 0.005, 0.2, 0.04, 0.9, 0.0001];

// Printed by tools/reference/stats_reference.py, SciPy 1.10.1, NumPy 1.24.2.
const T_QUANTILES: [p: number, df: number, quantile: number][] = [
  [1e-09, 1.0, -318309886.1837907],
  [0.001, 1.0, -318.3088389855422],
  [0.025, 1.0, -12.706204736432102],
  [0.3, 1.0, -0.7265425280172028],
  [0.9, 1.0, 3.0776835372078066],
  [0.975, 1.0, 12.706204736432095],
  [0.999, 1.0, 318.3088389855419],
  [1e-09, 2.0, -22360.679741406886],
  [0.001, 2.0, -22.32712476997543],
  [0.025, 2.0, -4.3026527299112765],
  [0.3, 2.0, -0.6172133998483679],
  [0.9, 2.0, 1.8856180831641507],
  [0.975, 2.0, 4.302652729911275],
  [0.999, 2.0, 22.32712476997542],
  [1e-09, 3.0, -1033.1096745041743],
  [0.001, 3.0, -10.214531852405337],
  [0.025, 3.0, -3.1824463052842638],
  [0.3, 3.0, -0.5843897272635452],
  [0.9, 3.0, 1.637744357215907],
  [0.975, 3.0, 3.182446305284263],
  [0.999, 3.0, 10.214531852405331],
  [1e-09, 4.5, -144.5376634601935],
  [0.001, 4.5, -6.4212428909417945],
  [0.025, 4.5, -2.6589123472044043],
  [0.3, 4.5, -0.5635058039358407],
  [0.9, 4.5, 1.5008853173934673],
  [0.975, 4.5, 2.6589123472044034],
  [0.999, 4.5, 6.421242890941794],
  [1e-09, 9.0, -23.72991981928279],
  [0.001, 9.0, -4.296805662730113],
  [0.025, 9.0, -2.262157162740992],
  [0.3, 9.0, -0.5434802414542934],
  [0.9, 9.0, 1.3830287383964925],
  [0.975, 9.0, 2.2621571627409915],
  [0.999, 9.0, 4.296805662730113],
  [1e-09, 29.0, -8.55642730827812],
  [0.001, 29.0, -3.3962402883415166],
  [0.025, 29.0, -2.0452296421327034],
  [0.3, 29.0, -0.5302143944705565],
  [0.9, 29.0, 1.311433643950529],
  [0.975, 29.0, 2.045229642132703],
  [0.999, 29.0, 3.396240288341516],
  [1e-09, 1000.0, -6.053690272043357],
  [0.001, 1000.0, -3.098402163912876],
  [0.025, 1000.0, -1.9623390808264078],
  [0.3, 1000.0, -0.5245677073092269],
  [0.9, 1000.0, 1.2823987214609247],
  [0.975, 1000.0, 1.9623390808264074],
  [0.999, 1000.0, 3.0984021639128754],
];
const T_CDFS: [t: number, df: number, probability: number][] = [
  [-50.0, 1.0, 0.006365349100972797],
  [-4.0, 1.0, 0.07797913037736932],
  [-2.262157, 1.0, 0.13248950666298723],
  [-0.5, 1.0, 0.3524163823495668],
  [0.0, 1.0, 0.5],
  [0.25, 1.0, 0.5779791303773694],
  [1.8, 1.0, 0.8385855327829048],
  [7.5, 1.0, 0.9578075368411587],
  [-50.0, 2.0, 0.00019988007994404026],
  [-4.0, 2.0, 0.028595479208968315],
  [-2.262157, 2.0, 0.07603163263271683],
  [-0.5, 2.0, 0.33333333333333337],
  [0.0, 2.0, 0.5],
  [0.25, 2.0, 0.5870388279778489],
  [1.8, 2.0, 0.8931668254974671],
  [7.5, 2.0, 0.9913413365603138],
  [-50.0, 3.0, 8.808576020635976e-06],
  [-4.0, 3.0, 0.014004228005073078],
  [-2.262157, 3.0, 0.054354569493004615],
  [-0.5, 3.0, 0.3257239824240755],
  [0.0, 3.0, 0.5],
  [0.25, 3.0, 0.5906353887855852],
  [1.8, 3.0, 0.915160035549371],
  [7.5, 3.0, 0.9975445125370058],
  [-50.0, 4.5, 1.1836973977841915e-07],
  [-4.0, 4.5, 0.00638224473281202],
  [-2.262157, 4.5, 0.039530885839942374],
  [-0.5, 4.5, 0.3202747510370236],
  [0.0, 4.5, 0.5],
  [0.25, 4.5, 0.5932035084878169],
  [1.8, 4.5, 0.9308854475244417],
  [7.5, 4.5, 0.9994768884174328],
  [-50.0, 9.0, 1.284476455437399e-12],
  [-4.0, 9.0, 0.0015552141551929267],
  [-2.262157, 9.0, 0.0250000066522158],
  [-0.5, 9.0, 0.3145356499130132],
  [0.0, 9.0, 0.5],
  [0.25, 9.0, 0.5958998151475485],
  [1.8, 9.0, 0.9473046642067956],
  [7.5, 9.0, 0.9999815362936917],
  [-50.0, 29.0, 5.374311992786225e-30],
  [-4.0, 29.0, 0.00020003197282624573],
  [-2.262157, 29.0, 0.01567808248007679],
  [-0.5, 29.0, 0.3104240420968907],
  [0.0, 29.0, 0.5],
  [0.25, 29.0, 0.5978250584594413],
  [1.8, 29.0, 0.9588637017881396],
  [7.5, 29.0, 0.9999999855790542],
  [-50.0, 1000.0, 1.3793362061624403e-274],
  [-4.0, 1000.0, 3.4004959604390776e-05],
  [-2.262157, 1000.0, 0.011950826332991115],
  [-0.5, 1000.0, 0.3085925404169375],
  [0.0, 1000.0, 0.5],
  [0.25, 1000.0, 0.5986806518694199],
  [1.8, 1000.0, 0.9639190302648053],
  [7.5, 1000.0, 0.9999999999999297],
];
const RELU_SUMMARY = {
  mean: 0.8423399999999999,
  sd: 0.0023622964344985156,
  ci95: [0.8406501149316742, 0.8440298850683255],
};
const RELU_VS_LINEAR = {
  meanDifference: -0.0025699999999999946,
  sdDifference: 0.0013064370546558225,
  ci95: [-0.003504568769240375, -0.001635431230759614],
  t: -6.220777003889995,
  pValue: 0.00015495657871294837,
  effectSizeDz: -1.9671824148290515,
  scipyBootstrapPercentile: [-0.0033499999999999975, -0.0018099999999999894],
  scipyBootstrapBca: [-0.003379999999999983, -0.0018299999999999983],
};
const NOISY_A_VS_B = {
  meanDifference: 0.004999999999999993,
  sdDifference: 0.03135814620371131,
  ci95: [-0.017432266444695324, 0.027432266444695312],
  t: 0.5042194840896098,
  pValue: 0.6262191815060341,
  effectSizeDz: 0.1594482010358199,
  scipyBootstrapPercentile: [-0.013000000000000012, 0.023999999999999987],
  scipyBootstrapBca: [-0.012000000000000021, 0.02400000000000002],
};
const SKEWED_BOOTSTRAP = {
  scipyBootstrapPercentile: [0.12900000000000003, 0.378],
  scipyBootstrapBca: [0.13600000000000004, 0.5173829623398979],
};
const HOLM_ADJUSTED = [0.06, 0.16, 0.15, 0.035, 0.4, 0.16, 0.9, 0.0008];

Deno.test("tQuantile() matches SciPy t.ppf", () => {
  for (const [p, df, quantile] of T_QUANTILES) {
    assertClose(tQuantile(p, df), quantile, `tQuantile(${p}, ${df})`);
  }
});

Deno.test("tCdf() matches SciPy t.cdf", () => {
  for (const [t, df, probability] of T_CDFS) {
    assertClose(tCdf(t, df), probability, `tCdf(${t}, ${df})`);
  }
});

Deno.test("tQuantile() inverts tCdf()", () => {
  for (const df of [0.3, 1, 2, 3, 7.5, 19, 1e5]) {
    for (const p of [1e-15, 1e-6, 0.01, 0.2, 0.4999, 0.6, 0.975, 0.999999]) {
      assertClose(
        tCdf(tQuantile(p, df), df),
        p,
        `tCdf(tQuantile(${p}, ${df}))`,
        1e-12,
      );
    }
  }
});

Deno.test("tQuantile() handles p of 0, 1/2 and 1", () => {
  assert.equal(tQuantile(0, 4), -Infinity);
  assert.equal(tQuantile(0.5, 4), 0);
  assert.equal(tQuantile(1, 4), Infinity);
});

Deno.test("tCdf() handles infinite and NaN t", () => {
  assert.equal(tCdf(-Infinity, 4), 0);
  assert.equal(tCdf(Infinity, 4), 1);
  assert.ok(Number.isNaN(tCdf(NaN, 4)));
});

Deno.test("tQuantile() rejects p outside [0, 1]", () => {
  assert.throws(() => tQuantile(1.5, 9), {
    name: "RangeError",
    message: "tQuantile(): invalid probability 1.5: expected a number in [0, 1].",
  });
  assert.throws(() => tQuantile(NaN, 9), {
    name: "RangeError",
    message: "tQuantile(): invalid probability NaN: expected a number in [0, 1].",
  });
});

Deno.test("tCdf() rejects invalid degrees of freedom", () => {
  const expected = (df: number) =>
    `tCdf(): invalid degrees of freedom ${df}: expected a finite number > 0, such as n − 1 for n paired values.`;
  for (const df of [0, -3, Infinity, NaN]) {
    assert.throws(() => tCdf(1, df), {
      name: "RangeError",
      message: expected(df),
    });
  }
});

Deno.test("summarize() matches SciPy mean, sd and t interval", () => {
  const summary = summarize(RELU);
  assert.equal(summary.n, 10);
  assertClose(summary.mean, RELU_SUMMARY.mean, "mean");
  assertClose(summary.sd, RELU_SUMMARY.sd, "sd");
  assertClose(summary.ci95[0], RELU_SUMMARY.ci95[0], "ci95 lower");
  assertClose(summary.ci95[1], RELU_SUMMARY.ci95[1], "ci95 upper");
  assert.equal(summary.min, 0.8389);
  assert.equal(summary.max, 0.8461);
});

Deno.test("summarize() of one value has no sd or interval", () => {
  const summary = summarize([0.85]);
  assert.equal(summary.n, 1);
  assert.equal(summary.mean, 0.85);
  assert.ok(Number.isNaN(summary.sd));
  assert.ok(Number.isNaN(summary.ci95[0]));
  assert.ok(Number.isNaN(summary.ci95[1]));
  assert.equal(summary.min, 0.85);
  assert.equal(summary.max, 0.85);
});

Deno.test("summarize() accepts a Float64Array", () => {
  assertClose(summarize(Float64Array.from(RELU)).sd, RELU_SUMMARY.sd, "sd");
});

Deno.test("summarize() rejects empty and non-finite samples", () => {
  assert.throws(() => summarize([]), {
    name: "RangeError",
    message: "summarize(): values has 0 values: expected at least 1.",
  });
  assert.throws(() => summarize([0.8, NaN, 0.9]), {
    name: "RangeError",
    message:
      "summarize(): values[1] is NaN: expected a finite number. Leave diverged runs out before computing statistics.",
  });
  assert.throws(() => summarize("0.8" as unknown as number[]), {
    name: "TypeError",
    message: "summarize(): values is string: expected an array of numbers.",
  });
  assert.throws(() => summarize([0.8, "0.9" as unknown as number]), {
    name: "TypeError",
    message: 'summarize(): values[1] is "0.9": expected a number.',
  });
});

for (
  const [name, a, b, reference] of [
    ["a clear difference", RELU, LINEAR, RELU_VS_LINEAR],
    ["no clear difference", NOISY_A, NOISY_B, NOISY_A_VS_B],
  ] as const
) {
  Deno.test(`pairedComparison() matches SciPy ttest_rel: ${name}`, () => {
    const result = pairedComparison(a, b);
    assert.equal(result.n, 10);
    assert.equal(result.df, 9);
    assertClose(
      result.meanDifference,
      reference.meanDifference,
      "meanDifference",
    );
    assertClose(result.sdDifference, reference.sdDifference, "sdDifference");
    assertClose(result.ci95[0], reference.ci95[0], "ci95 lower");
    assertClose(result.ci95[1], reference.ci95[1], "ci95 upper");
    assertClose(result.t, reference.t, "t");
    assertClose(result.pValue, reference.pValue, "pValue");
    assertClose(result.effectSizeDz, reference.effectSizeDz, "effectSizeDz");
  });

  Deno.test(`bootstrapMeanCi() agrees with SciPy's bootstrap: ${name}`, () => {
    // SciPy draws from its own generator, so only Monte Carlo agreement is
    // expected: each end within 15% of the interval's width.
    const differences = pairedDifferences(a, b);
    for (
      const [method, expected] of [
        ["percentile", reference.scipyBootstrapPercentile],
        ["bca", reference.scipyBootstrapBca],
      ] as const
    ) {
      const interval = bootstrapMeanCi(differences, { method, seed: 3 });
      const width = expected[1] - expected[0];
      for (const end of [0, 1]) {
        assert.ok(
          Math.abs(interval[end] - expected[end]) <= 0.15 * width,
          `${method} end ${end}: got ${interval[end]}, SciPy ${expected[end]}, width ${width}`,
        );
      }
    }
  });
}

Deno.test("pairedComparison() rejects samples of different lengths", () => {
  assert.throws(() => pairedComparison(RELU, LINEAR.slice(0, 9)), {
    name: "RangeError",
    message: "Paired samples differ in length: a has 10 values, b has 9. " +
      "Pair each run of one variant with the run of the other variant that has the same seed.",
  });
});

Deno.test("pairedComparison() rejects a single pair", () => {
  assert.throws(() => pairedComparison([0.8], [0.7]), {
    name: "RangeError",
    message: "pairedComparison() needs at least 2 pairs to estimate a spread, got 1.",
  });
});

Deno.test("pairedComparison() of constant differences", () => {
  const result = pairedComparison([3, 4, 5], [1, 2, 3], {
    bootstrapSamples: 100,
  });
  assert.equal(result.meanDifference, 2);
  assert.equal(result.sdDifference, 0);
  assert.equal(result.t, Infinity);
  assert.equal(result.pValue, 0);
  assert.equal(result.effectSizeDz, Infinity);
  assert.deepEqual(result.ci95, [2, 2]);
  assert.deepEqual(result.bootstrapCi95, [2, 2]);

  const none = pairedComparison([1, 2, 3], [1, 2, 3], {
    bootstrapSamples: 100,
  });
  assert.ok(Number.isNaN(none.t));
  assert.ok(Number.isNaN(none.pValue));
});

Deno.test("bootstrapMeanCi() is deterministic for a seed", () => {
  const differences = pairedDifferences(NOISY_A, NOISY_B);
  for (const method of ["percentile", "bca"] as const) {
    const first = bootstrapMeanCi(differences, { seed: 11, method });
    const second = bootstrapMeanCi(differences, { seed: 11, method });
    const otherSeed = bootstrapMeanCi(differences, { seed: 12, method });
    assert.deepEqual(first, second);
    assert.notDeepEqual(first, otherSeed);
  }
});

Deno.test("bootstrapMeanCi() is close to the t interval on normal data", () => {
  // 40 standard normal values by the Box–Muller transform.
  const rng = seededRandom(7, "test-normal-sample");
  const sample = Array.from(
    { length: 40 },
    () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()),
  );
  const { mean, ci95 } = summarize(sample);
  const width = ci95[1] - ci95[0];
  for (const method of ["percentile", "bca"] as const) {
    const [lower, upper] = bootstrapMeanCi(sample, { method });
    assert.ok(
      lower < mean && mean < upper,
      `${method}: [${lower}, ${upper}] does not cover the mean ${mean}`,
    );
    // The bootstrap uses normal rather than t quantiles and Monte Carlo
    // percentiles, so it is a few percent narrower and noisy.
    assert.ok(
      Math.abs(lower - ci95[0]) <= 0.1 * width,
      `${method}: lower ${lower}, t interval ${ci95[0]}`,
    );
    assert.ok(
      Math.abs(upper - ci95[1]) <= 0.1 * width,
      `${method}: upper ${upper}, t interval ${ci95[1]}`,
    );
  }
});

Deno.test("bootstrapMeanCi() rejects invalid options", () => {
  assert.throws(() => bootstrapMeanCi([1, 2, 3], { samples: 10 }), {
    name: "RangeError",
    message: "bootstrapMeanCi(): invalid samples 10: expected an integer ≥ 100; 10,000 is usual for a 95% interval.",
  });
  assert.throws(
    () => bootstrapMeanCi([1, 2, 3], { method: "basic" as "bca" }),
    {
      name: "TypeError",
      message: 'bootstrapMeanCi(): unknown method "basic": expected "percentile" or "bca".',
    },
  );
  assert.throws(() => bootstrapMeanCi([1]), {
    name: "RangeError",
    message: "bootstrapMeanCi(): values has 1 value: expected at least 2.",
  });
});

Deno.test("bootstrapMeanCi() BCa follows SciPy on skewed data", () => {
  // The outlier makes BCa's upper end about a third of the width above the
  // percentile one, so a 5% tolerance distinguishes the methods.
  for (
    const [method, expected] of [
      ["percentile", SKEWED_BOOTSTRAP.scipyBootstrapPercentile],
      ["bca", SKEWED_BOOTSTRAP.scipyBootstrapBca],
    ] as const
  ) {
    const interval = bootstrapMeanCi(SKEWED, { method });
    const width = expected[1] - expected[0];
    for (const end of [0, 1]) {
      assert.ok(
        Math.abs(interval[end] - expected[end]) <= 0.05 * width,
        `${method} end ${end}: got ${interval[end]}, SciPy ${expected[end]}, width ${width}`,
      );
    }
  }
});

Deno.test("holm() matches the adjustment by definition", () => {
  const adjusted = holm(HOLM_P_VALUES);
  assert.equal(adjusted.length, HOLM_P_VALUES.length);
  for (let i = 0; i < adjusted.length; i++) {
    assertClose(adjusted[i], HOLM_ADJUSTED[i], `adjusted[${i}]`);
  }
});

Deno.test("holm() is monotone, capped at 1 and never below p", () => {
  const pValues = [0.3, 0.02, 0.6, 0.02, 0.5];
  const adjusted = holm(pValues);
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i] - pValues[j]);
  for (let rank = 1; rank < order.length; rank++) {
    assert.ok(
      adjusted[order[rank]] >= adjusted[order[rank - 1]],
      `rank ${rank} is below rank ${rank - 1}`,
    );
  }
  for (let i = 0; i < pValues.length; i++) {
    assert.ok(
      adjusted[i] >= pValues[i],
      `adjusted[${i}] = ${adjusted[i]} is below p = ${pValues[i]}`,
    );
    assert.ok(adjusted[i] <= 1, `adjusted[${i}] = ${adjusted[i]} is above 1`);
  }
  assert.equal(adjusted[2], 1);
});

Deno.test("holm() leaves NaN out of the count", () => {
  const adjusted = holm([0.01, NaN, 0.04]);
  assert.equal(adjusted[0], 0.02);
  assert.ok(Number.isNaN(adjusted[1]));
  assert.equal(adjusted[2], 0.04);
});

Deno.test("holm() of no p-values", () => {
  assert.deepEqual(holm([]), []);
});

Deno.test("holm() rejects a p-value outside [0, 1]", () => {
  assert.throws(() => holm([0.01, 1.2]), {
    name: "RangeError",
    message: "holm(): pValues[1] is 1.2: expected a p-value in [0, 1].",
  });
});
