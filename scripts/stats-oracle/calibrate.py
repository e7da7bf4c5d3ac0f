"""Expected values for src/score/autorater/calibrate.ts (`assay calibrate`): a judge's agreement
with human ratings, and the humans' agreement with each other, from sklearn cohen_kappa_score and
confusion_matrix, scipy spearmanr and kendalltau (tau-b), and the `krippendorff` package (git
checkout of pln-fing-udelar/fast-krippendorff, commit b1eb616, the newest when this was written,
extracted to /tmp/kripp and put on sys.path via KRIPPENDORFF_PATH; PyPI is not reachable here).

The pairs are built here independently from the rules calibrate.ts documents:
- judge vs humans: one pair (judge, human score) per human rating of a unit the judge scored;
  a unit the judge left unscored (None) is left out and counted;
- categorical figures (agreement, kappa, confusion, alpha) use the judge's score snapped to the
  nearest scale point (an exact half between two integer points goes to the even one, as Python's
  round; between non-integer points, to the higher); rank figures use it as it is;
- humans vs humans: every pair of two raters' ratings of one unit, the rater first in code-point
  order on the left; units with one rating give none;
- kappa and the confusion matrix use the scale's points as labels (`labels=`); without points,
  the sorted values seen; alpha is ordinal over the pairs as two-coder units.
"""
import itertools
import os
import sys

import numpy as np
from scipy import stats
from sklearn.metrics import cohen_kappa_score, confusion_matrix

from common import write

sys.path.insert(0, os.environ.get("KRIPPENDORFF_PATH", "/tmp/kripp"))
import krippendorff  # noqa: E402

rng = np.random.default_rng(10)


def snap(x, points):
    if points is None:
        return x
    best = min(points, key=lambda p: abs(p - x))
    ties = [p for p in points if abs(p - x) == abs(best - x)]
    if len(ties) == 1:
        return best
    lo, hi = min(ties), max(ties)
    if float(lo).is_integer() and float(hi).is_integer():
        return lo if lo % 2 == 0 else hi
    return hi


def figures(a_raw, a_cat, b, points):
    labels = points if points is not None else sorted(set(a_cat) | set(b))
    n = len(b)
    out = {"n": n}
    out["agreement"] = sum(x == y for x, y in zip(a_cat, b)) / n
    # sklearn refuses fractional labels ("continuous"); kappa and the matrix depend only on the
    # labels' positions, so the positions stand in for them.
    pos = {v: i for i, v in enumerate(labels)}
    a_pos, b_pos, all_pos = [pos[x] for x in a_cat], [pos[y] for y in b], list(range(len(labels)))
    kappa = {}
    with np.errstate(all="ignore"):
        for name, w in [("unweighted", None), ("linear", "linear"), ("quadratic", "quadratic")]:
            kappa[name] = float(cohen_kappa_score(a_pos, b_pos, weights=w, labels=all_pos))
    out["kappa"] = kappa
    try:
        out["alpha"] = float(krippendorff.alpha(reliability_data=[a_cat, b], level_of_measurement="ordinal"))
    except ValueError:  # one value only: alpha is undefined
        out["alpha"] = float("nan")
    with np.errstate(all="ignore"):
        out["spearman"] = float(stats.spearmanr(a_raw, b).statistic)
        out["kendall"] = float(stats.kendalltau(a_raw, b).statistic)
    out["confusion"] = {"labels": labels, "matrix": confusion_matrix(a_pos, b_pos, labels=all_pos).tolist()}
    return out


def expected(units, points):
    judge_raw, judge_cat, human = [], [], []
    unscored = 0
    for u in units:
        if u["judge"] is None:
            unscored += 1
            continue
        for h in u["humans"]:
            judge_raw.append(u["judge"])
            judge_cat.append(snap(u["judge"], points))
            human.append(h["score"])
    out = figures(judge_raw, judge_cat, human, points)
    out["unscored"] = unscored
    left, right = [], []
    for u in units:
        ratings = sorted(u["humans"], key=lambda h: h["rater"])
        for x, y in itertools.combinations(ratings, 2):
            left.append(x["score"])
            right.append(y["score"])
    out["human_ceiling"] = figures(left, left, right, points) if left else None
    out["judge_categorical"] = judge_cat
    return out


def unit(i, judge, scores, model="m", raters=None, item=None):
    raters = raters or [f"r{j}" for j in range(len(scores))]
    return {"task": "s/t", "item": str(i if item is None else item), "model": model, "strategy": "zero-shot",
            "judge": judge, "humans": [{"rater": r, "score": s} for r, s in zip(raters, scores)]}


def noisy(truth, lo, hi, p=0.4):
    return int(np.clip(truth + rng.integers(-1, 2) * (rng.random() < p), lo, hi))


cases = []
scale5 = [1, 2, 3, 4, 5]

# An ordinal 1-5 judge with one human rating per unit, mostly close to the human.
units = []
for i in range(60):
    h = int(rng.integers(1, 6))
    units.append(unit(i, noisy(h, 1, 5), [h]))
cases.append({"name": "1-5 scale, one rating each", "points": scale5, "units": units})

# Judge means over 2 or 3 samples (halves, thirds: ties at .5), repeated human ratings, unscored units,
# and two models on the same items (units of one item move together in the bootstrap).
units = []
for i in range(80):
    truth = int(rng.integers(1, 6))
    k = int(rng.integers(2, 4))
    samples = [noisy(truth, 1, 5, 0.5) for _ in range(k)]
    judge = None if rng.random() < 0.08 else sum(samples) / k
    m = int(rng.integers(1, 4))
    raters = sorted(rng.choice(["ana", "bo", "chen", "dee"], size=m, replace=False).tolist(), key=lambda _: rng.random())
    units.append(unit(i, judge, [noisy(truth, 1, 5, 0.3) for _ in range(m)], model="m" if i % 2 == 0 else "m2", raters=raters, item=i // 2))
units.append(unit(200, 2.5, [2, 3], raters=["zed", "amy"]))
units.append(unit(201, 3.5, [4, 4], raters=["amy", "zed"]))
cases.append({"name": "fractional judge means, repeated ratings, unscored", "points": scale5, "units": units})

# Binary (pass/fail, e.g. exact-match as the judge) with disagreement.
units = []
for i in range(40):
    h = int(rng.random() < 0.5)
    units.append(unit(i, h if rng.random() < 0.75 else 1 - h, [h]))
cases.append({"name": "binary", "points": [0, 1], "units": units})

# Heavy ties and a judge that disagrees: mostly 3s against spread human ratings, anti-correlated tail.
units = [unit(i, 3, [int(rng.integers(1, 6))]) for i in range(20)]
units += [unit(20 + i, 6 - h, [h]) for i, h in enumerate([1, 2, 4, 5, 5, 1, 2])]
cases.append({"name": "ties and disagreement", "points": scale5, "units": units})

# Choice scores that are not integers (0, 0.5, 1): judge means at 0.25 / 0.75 tie upward.
units = []
for i in range(30):
    h = float(rng.choice([0, 0.5, 1]))
    j = float(rng.choice([0, 0.25, 0.5, 0.75, 1]))
    units.append(unit(i, j, [h, float(rng.choice([0, 0.5, 1]))]))
cases.append({"name": "choices 0 / 0.5 / 1", "points": [0, 0.5, 1], "units": units})

# No scale (a metric such as F1 as the "judge"): categories are the values as given.
units = []
for i in range(25):
    h = int(rng.random() < 0.6)
    units.append(unit(i, float(rng.choice([0, 0.4, 0.5, 1])), [h]))
cases.append({"name": "no scale, values as given", "points": None, "units": units})

# A judge that gives one score to everything: kappa 0, correlations undefined (NaN).
units = [unit(i, 4, [int(x)]) for i, x in enumerate([3, 4, 4, 5, 4, 2])]
cases.append({"name": "constant judge", "points": scale5, "units": units})

for c in cases:
    c["expected"] = expected(c["units"], c["points"])

write("calibrate.json", cases, "scripts/stats-oracle/calibrate.py; krippendorff from github.com/pln-fing-udelar/fast-krippendorff at b1eb616")
