#!/usr/bin/python3
"""Print the reference values that tests/stats_test.ts compares lib/stats with.

Run with Debian's interpreter, which has SciPy (python3-scipy 1.10.1):

    /usr/bin/python3 tools/reference/stats_reference.py

The output is TypeScript literals to paste into tests/stats_test.ts. Holm's
adjustment is computed here from its definition, because statsmodels is not
installed on the machines this project was built on.
"""

import numpy as np
import scipy
from scipy import stats

# The same fixed samples as in tests/stats_test.ts: test accuracies of two
# heads over ten seeds, one pair with a clear difference and one without.
RELU = [0.8412, 0.8437, 0.8398, 0.8461, 0.8425, 0.8389, 0.8450, 0.8418, 0.8403, 0.8441]
LINEAR = [0.8455, 0.8449, 0.8430, 0.8472, 0.8460, 0.8421, 0.8466, 0.8439, 0.8447, 0.8452]
NOISY_A = [0.52, 0.61, 0.47, 0.58, 0.55, 0.49, 0.63, 0.51, 0.57, 0.54]
NOISY_B = [0.50, 0.64, 0.49, 0.53, 0.56, 0.52, 0.58, 0.50, 0.59, 0.51]
# Right-skewed differences, one outlier: BCa and percentile intervals differ clearly.
SKEWED = [0.10, 0.20, 0.15, 0.12, 0.90, 0.11, 0.13, 0.16, 0.14, 0.18]

QUANTILE_PROBABILITIES = [1e-9, 0.001, 0.025, 0.3, 0.9, 0.975, 0.999]
CDF_POINTS = [-50.0, -4.0, -2.262157, -0.5, 0.0, 0.25, 1.8, 7.5]
DEGREES_OF_FREEDOM = [1, 2, 3, 4.5, 9, 29, 1000]

HOLM_P_VALUES = [0.01, 0.04, 0.03, 0.005, 0.2, 0.04, 0.9, 0.0001]


def ts_number(value: float) -> str:
    return repr(float(value))


def ts_array(values) -> str:
    return "[" + ", ".join(ts_number(v) for v in values) + "]"


def holm_by_definition(p_values):
    """Holm step-down: with p sorted ascending, adjusted p_(i) = max_{j<=i} min(1, (m-j+1) p_(j))."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    for rank, index in enumerate(order):
        adjusted[index] = max(min(1.0, (m - j) * p_values[order[j]]) for j in range(rank + 1))
    return adjusted


def summary(values):
    values = np.asarray(values)
    n = len(values)
    mean = values.mean()
    sd = values.std(ddof=1)
    lo, hi = stats.t.interval(0.95, n - 1, loc=mean, scale=sd / np.sqrt(n))
    return mean, sd, lo, hi


def paired(a, b, name):
    a = np.asarray(a)
    b = np.asarray(b)
    d = a - b
    test = stats.ttest_rel(a, b)
    mean, sd, lo, hi = summary(d)
    print(f"const {name} = {{")
    print(f"  meanDifference: {ts_number(mean)},")
    print(f"  sdDifference: {ts_number(sd)},")
    print(f"  ci95: [{ts_number(lo)}, {ts_number(hi)}],")
    print(f"  t: {ts_number(test.statistic)},")
    print(f"  pValue: {ts_number(test.pvalue)},")
    print(f"  effectSizeDz: {ts_number(mean / sd)},")
    print_bootstrap(d)
    print("};")


def print_bootstrap(values):
    # Monte Carlo intervals from SciPy's own generator: loose references only.
    for method in ("percentile", "BCa"):
        result = stats.bootstrap((np.asarray(values),), np.mean, n_resamples=10000, method=method, random_state=0)
        interval = result.confidence_interval
        print(f"  scipyBootstrap{method.capitalize()}: [{ts_number(interval.low)}, {ts_number(interval.high)}],")


def main():
    print(f"// Printed by tools/reference/stats_reference.py, SciPy {scipy.__version__}, NumPy {np.__version__}.")
    print("const T_QUANTILES: [p: number, df: number, quantile: number][] = [")
    for df in DEGREES_OF_FREEDOM:
        for p in QUANTILE_PROBABILITIES:
            print(f"  [{ts_number(p)}, {ts_number(df)}, {ts_number(stats.t.ppf(p, df))}],")
    print("];")
    print("const T_CDFS: [t: number, df: number, probability: number][] = [")
    for df in DEGREES_OF_FREEDOM:
        for t in CDF_POINTS:
            print(f"  [{ts_number(t)}, {ts_number(df)}, {ts_number(stats.t.cdf(t, df))}],")
    print("];")

    mean, sd, lo, hi = summary(RELU)
    print(f"const RELU_SUMMARY = {{ mean: {ts_number(mean)}, sd: {ts_number(sd)}, "
          f"ci95: [{ts_number(lo)}, {ts_number(hi)}] }};")
    paired(RELU, LINEAR, "RELU_VS_LINEAR")
    paired(NOISY_A, NOISY_B, "NOISY_A_VS_B")
    print("const SKEWED_BOOTSTRAP = {")
    print_bootstrap(SKEWED)
    print("};")
    print(f"const HOLM_ADJUSTED = {ts_array(holm_by_definition(HOLM_P_VALUES))};")


if __name__ == "__main__":
    main()
