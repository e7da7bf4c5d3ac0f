"""Expected values for src/stats/paired.ts: statsmodels mcnemar, scipy ttest_rel, and the
bootstrap p-value / percentile formulas (sacrebleu's _paired_bs_test, numpy.percentile) applied
to replicate vectors given as input."""
import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

from common import write

Z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
cases = []
for n, only_a, only_b in [(10, 0, 0), (10, 1, 0), (20, 3, 7), (50, 0, 12), (100, 12, 12), (100, 5, 19), (200, 10, 30), (300, 40, 60), (1000, 120, 80), (60, 13, 11)]:
    table = [[n - only_a - only_b, only_a], [only_b, 0]]
    ex = mcnemar(table, exact=True)
    ch = mcnemar(table, exact=False, correction=True)
    d = (only_b - only_a) / n
    se = np.sqrt(max(0.0, only_a + only_b - (only_b - only_a) ** 2 / n)) / n
    z = stats.norm.ppf(0.975)
    base = {"difference": d, "interval": [d - z * se, d + z * se], "standardError": se, "minimumDetectableEffect": Z * se, "onlyA": only_a, "onlyB": only_b}
    cases.append({"fn": "mcnemarFromCounts", "args": [n, only_a, only_b, {"method": "exact"}], "expected": {**base, "statistic": float(ex.statistic), "pValue": float(ex.pvalue)}})
    if only_a + only_b > 0:
        cases.append({"fn": "mcnemarFromCounts", "args": [n, only_a, only_b, {"method": "chi2"}], "expected": {**base, "statistic": float(ch.statistic), "pValue": float(ch.pvalue)}})
    auto = ex if only_a + only_b < 25 else ch
    if only_a + only_b > 0 or auto is ex:
        cases.append({"fn": "mcnemarFromCounts", "args": [n, only_a, only_b, {}], "expected": {**base, "statistic": float(auto.statistic), "pValue": float(auto.pvalue)}})

rng = np.random.default_rng(11)
pairs = [
    (rng.normal(0.5, 0.2, 30), None),
    (rng.uniform(0, 1, 200), None),
    (np.array([1.0, 2, 3, 4, 5]), np.array([2.0, 2, 4, 4, 7])),
    (rng.integers(0, 2, 80).astype(float), rng.integers(0, 2, 80).astype(float)),
]
for a, b in pairs:
    if b is None:
        b = a + rng.normal(0.03, 0.1, len(a))
    for conf in [0.9, 0.95]:
        res = stats.ttest_rel(b, a)
        d = b - a
        se = d.std(ddof=1) / np.sqrt(len(d))
        tq = stats.t.ppf(1 - (1 - conf) / 2, len(d) - 1)
        cases.append({"fn": "pairedTTest", "args": [a.tolist(), b.tolist(), {"confidence": conf}], "expected": {
            "difference": d.mean(), "statistic": float(res.statistic), "pValue": float(res.pvalue), "standardError": se,
            "minimumDetectableEffect": Z * se, "interval": [d.mean() - tq * se, d.mean() + tq * se]}, "tolerance": {"interval": 1e-7}})

for reps, obs in [(rng.normal(0.02, 0.03, 1000), 0.02), (rng.normal(-0.5, 1, 999), -0.4), (np.round(rng.normal(0, 1, 101), 1), 0.3)]:
    sample_diffs = np.abs(reps)
    st = sample_diffs - sample_diffs.mean()
    p = (np.sum(st > abs(obs)) + 1) / (len(st) + 1)
    cases.append({"fn": "bootstrapPValue", "args": [reps.tolist(), obs], "expected": float(p)})
    for conf in [0.9, 0.95, 0.99]:
        a = (1 - conf) / 2
        cases.append({"fn": "percentileInterval", "args": [reps.tolist(), conf], "expected": [float(np.percentile(reps, 100 * a)), float(np.percentile(reps, 100 * (1 - a)))], "sd": float(reps.std(ddof=1))})

write("paired.json", cases, "scripts/stats-oracle/paired.py")
