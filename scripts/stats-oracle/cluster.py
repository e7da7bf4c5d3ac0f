"""Expected values for src/stats/cluster.ts: statsmodels OLS(y, ones).fit(cov_type="cluster"),
default use_correction=True; normal interval (default) and use_t=True (G - 1 df)."""
import numpy as np
import statsmodels.api as sm
from scipy import stats

from common import write

rng = np.random.default_rng(77)
cases = []
datasets = []
for g, per in [(2, 3), (5, 4), (12, 1), (30, 7), (8, 25)]:
    effects = rng.normal(0, 0.3, g)
    values, clusters = [], []
    for c in range(g):
        m = per if g != 8 else int(rng.integers(1, 40))
        values += list(0.6 + effects[c] + rng.normal(0, 0.2, m))
        clusters += [f"passage-{c}"] * m
    datasets.append((values, clusters))
bern = (rng.random(60) < 0.7).astype(float).tolist()
datasets.append((bern, [i // 4 for i in range(60)]))
for values, clusters in datasets:
    y = np.array(values)
    groups = np.unique(np.array([str(c) for c in clusters]), return_inverse=True)[1]
    for dist in ["normal", "t"]:
        for conf in [0.9, 0.95]:
            fit = sm.OLS(y, np.ones_like(y)).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=(dist == "t"))
            lo, hi = fit.conf_int(alpha=1 - conf)[0]
            se = float(fit.bse[0])
            g = len(set(groups))
            expected = {"mean": float(fit.params[0]), "standardError": se, "interval": [float(lo), float(hi)], "clusters": g, "n": len(y)}
            case = {"fn": "clusteredMean", "args": [[{"value": v, "cluster": c} for v, c in zip(values, clusters)], {"distribution": dist, "confidence": conf}], "expected": expected}
            if dist == "t":
                # statsmodels' t interval goes through scipy 1.10's t.ppf, accurate to ~1e-8 only.
                case["intervalTolerance"] = 1e-7
            cases.append(case)

write("cluster.json", cases, "scripts/stats-oracle/cluster.py")
