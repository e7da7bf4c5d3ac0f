"""Expected values for src/stats/agreement.ts: sklearn cohen_kappa_score, scipy spearmanr and
kendalltau, and the `krippendorff` package (git checkout of pln-fing-udelar/fast-krippendorff,
version 0.8.3.dev0, commit b1eb616, put on sys.path via KRIPPENDORFF_PATH; PyPI is not reachable here)."""
import os
import sys

import numpy as np
from scipy import stats
from sklearn.metrics import cohen_kappa_score

from common import write

sys.path.insert(0, os.environ.get("KRIPPENDORFF_PATH", "/tmp/kripp"))
import krippendorff  # noqa: E402

rng = np.random.default_rng(2024)
cases = []

pairs = [
    ([1, 2, 3, 1, 2, 3, 1, 2], [1, 2, 3, 1, 2, 3, 1, 2]),
    ([0, 1, 1, 0, 1, 0, 0, 1, 1, 1], [0, 1, 0, 0, 1, 1, 0, 1, 1, 0]),
    (["cat", "dog", "cat", "bird", "dog"], ["cat", "cat", "cat", "bird", "dog"]),
    (["pass", "fail", "pass", "pass"], ["fail", "pass", "fail", "fail"]),
    (["b", "a", "é", "Z", "a"], ["a", "a", "é", "Z", "b"]),
]
for _ in range(4):
    n = int(rng.integers(20, 200))
    truth = rng.integers(1, 6, n)
    noisy = np.clip(truth + rng.integers(-1, 2, n) * (rng.random(n) < 0.4), 1, 5)
    pairs.append((truth.tolist(), noisy.tolist()))
pairs.append((rng.integers(0, 4, 50).tolist(), rng.integers(0, 4, 50).tolist()))
for a, b in pairs:
    same = sum(x == y for x, y in zip(a, b)) / len(a)
    cases.append({"fn": "percentAgreement", "args": [a, b], "expected": same})
    for w in [None, "linear", "quadratic"]:
        if w is not None and isinstance(a[0], str):
            continue
        k = cohen_kappa_score(a, b, weights=w)
        cases.append({"fn": "cohenKappa", "args": [a, b, {"weights": w or "none"}], "expected": float(k)})
# An explicit label set that includes an unused category changes weighted kappa.
cases.append({"fn": "cohenKappa", "args": [[1, 2, 2, 3], [1, 2, 3, 3], {"weights": "linear", "labels": [1, 2, 3, 4, 5]}],
              "expected": float(cohen_kappa_score([1, 2, 2, 3], [1, 2, 3, 3], weights="linear", labels=[1, 2, 3, 4, 5]))})

nan = np.nan
kripp_data = {
    "package docstring example": [[nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
                                  [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
                                  [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4]],
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units.
    # The paper reports nominal .743, ordinal .815, interval .849, ratio .797.
    "Krippendorff 2011 worked example": [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
                                          [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
                                          [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
                                          [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]],
}
for _ in range(3):
    raters, units = int(rng.integers(2, 6)), int(rng.integers(10, 60))
    truth = rng.integers(1, 6, units)
    data = np.array([np.clip(truth + rng.integers(-1, 2, units), 0, 6) for _ in range(raters)], dtype=float)
    data[rng.random(data.shape) < 0.2] = nan
    kripp_data[f"random {raters}x{units}"] = data.tolist()
kripp_data["non-integer interval values"] = [[0.5, 1.25, 3.0, nan, 2.5], [0.75, 1.25, 2.0, 4.5, 2.5], [nan, 1.0, 3.5, 4.0, nan]]
for name, data in kripp_data.items():
    for level in ["nominal", "ordinal", "interval", "ratio"]:
        a = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        cases.append({"fn": "krippendorffAlpha", "name": name, "args": [data, level], "expected": float(a)})
cases.append({"fn": "krippendorffAlpha", "name": "strings, nominal", "args": [[["a", "b", "a", None], ["a", "b", "b", "c"], ["a", None, "a", "c"]], "nominal"],
              "expected": float(krippendorff.alpha(reliability_data=[["a", "b", "a", "nan"], ["a", "b", "b", "c"], ["a", "nan", "a", "c"]], level_of_measurement="nominal"))})

corr_inputs = [
    ([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 1, 4, 3, 6, 5, 8, 7, 10, 9]),
    ([1, 1, 2, 2, 3, 3, 4], [1, 2, 2, 3, 3, 4, 4]),
    ([3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8]),
    (list(range(20)), list(range(20))),
    (list(range(40)), list(range(40))[::-1]),
    ([1, 2, 3], [1, 3, 2]),
]
for n in [12, 33, 34, 80, 300]:
    x = rng.normal(size=n)
    corr_inputs.append((x.tolist(), (x + rng.normal(size=n)).tolist()))
    corr_inputs.append((rng.integers(1, 6, n).tolist(), rng.integers(1, 6, n).tolist()))
xs = list(range(50))
ys = list(range(50)); ys[10], ys[11] = ys[11], ys[10]
corr_inputs.append((xs, ys))  # no ties, n > 33, one discordant pair: exact branch
for x, y in corr_inputs:
    s = stats.spearmanr(x, y)
    k = stats.kendalltau(x, y)
    cases.append({"fn": "spearman", "args": [x, y], "expected": {"statistic": float(s.statistic), "pValue": float(s.pvalue)}})
    cases.append({"fn": "kendallTau", "args": [x, y], "expected": {"statistic": float(k.statistic), "pValue": float(k.pvalue)}})

write("agreement.json", cases, "scripts/stats-oracle/agreement.py")
