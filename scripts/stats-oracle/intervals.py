"""Expected values for src/stats/intervals.ts from scipy.stats and statsmodels."""
import mpmath
import numpy as np
from scipy import special, stats
from statsmodels.stats.proportion import proportion_confint

from common import t_ppf_mpmath, write

mpmath.mp.dps = 50


cases = []
for p in [1e-300, 1e-20, 1e-10, 1e-6, 0.001, 0.01, 0.02425, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.6, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-9, 1 - 1e-12]:
    cases.append({"fn": "normalQuantile", "args": [p], "expected": float(stats.norm.ppf(p))})
for x in [-5, -2.5, -1, -0.3, 0, 1e-8, 0.1, 0.5, 1, 1.5, 2, 3, 5, 8, 12, 26]:
    cases.append({"fn": "erfc", "args": [x], "expected": float(special.erfc(x))})
for x, a, b in [(0.1, 0.5, 0.5), (0.5, 2, 3), (0.9, 2, 3), (0.3, 10, 0.5), (0.999, 50, 0.5), (0.5, 500, 500), (0.2, 1e4, 0.5), (0.9999, 5e5, 0.5), (0.01, 0.5, 30), (0.7, 1, 1), (0.4, 100, 3)]:
    cases.append({"fn": "regularizedBeta", "args": [x, a, b], "expected": float(special.betainc(a, b, x))})
dfs = [1, 2, 3, 4, 5, 7, 10, 19, 30, 99, 1000, 1e5, 1e7]
for df in dfs:
    for t in [-40, -6, -2.2, -1, -0.1, 0, 0.5, 1.96, 3, 10]:
        cases.append({"fn": "studentTCdf", "args": [t, df], "expected": float(stats.t.cdf(t, df))})
    for p in [1e-8, 0.0005, 0.005, 0.025, 0.05, 0.2, 0.5, 0.8, 0.9, 0.95, 0.975, 0.995, 0.9995]:
        cases.append({"fn": "studentTQuantile", "args": [p, df], "expected": t_ppf_mpmath(p, df), "scipy": float(stats.t.ppf(p, df))})
for s, n in [(0, 1), (1, 1), (0, 10), (10, 10), (3, 10), (50, 100), (1, 1000), (999, 1000), (7, 13), (123456, 1000000)]:
    for conf in [0.8, 0.9, 0.95, 0.99]:
        lo, hi = proportion_confint(s, n, alpha=1 - conf, method="wilson")
        cases.append({"fn": "wilsonInterval", "args": [s, n, conf], "expected": [float(lo), float(hi)]})
rng = np.random.default_rng(4)
samples = [[1.0, 2.0], [0.0, 1.0, 1.0, 0.0, 1.0], list(rng.normal(3, 2, 30)), list(rng.uniform(0, 1, 500)), [5.0, 5.0, 5.0], list(rng.normal(1e6, 1, 20))]
for vals in samples:
    vals = [float(v) for v in vals]
    for conf in [0.9, 0.95, 0.99]:
        a = np.array(vals)
        # scipy's t.interval calls t.ppf, which is off by ~1e-8; use the mpmath quantile with scipy's sem.
        tq = t_ppf_mpmath(1 - (1 - conf) / 2, len(a) - 1)
        lo, hi = a.mean() - tq * stats.sem(a), a.mean() + tq * stats.sem(a)
        if a.std() == 0:
            lo, hi = a.mean(), a.mean()
        cases.append({"fn": "tInterval", "args": [vals, conf], "expected": [float(lo), float(hi)]})

write("intervals.json", cases, "scripts/stats-oracle/intervals.py")
