"""Expected values for src/stats/paired.ts: statsmodels mcnemar, scipy ttest_rel, Tango's score
interval for a paired difference of proportions (written here from the paper and checked against
a numerical restricted maximum likelihood), the McNemar minimum detectable effect from Connor's
sample-size formula, the exact paired randomization p-value by enumeration, and the bootstrap
p-value / percentile formulas (sacrebleu's _paired_bs_test, numpy.percentile) applied to replicate
vectors given as input."""
import itertools
import math

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.contingency_tables import mcnemar

from common import t_ppf_mpmath, write

ZA = stats.norm.ppf(0.975)
ZB = stats.norm.ppf(0.8)


def tango_p21(n12, n21, N, d):
    """Tango (1998) eq. for the restricted MLE of p21 given p12 - p21 = d, as the stable quadratic root."""
    A = 2 * N
    B = -n12 - n21 + (2 * N - n12 + n21) * d
    C = -n21 * d * (1 - d)
    disc = max(0.0, B * B - 4 * A * C)
    return (math.sqrt(disc) - B) / (2 * A) if B <= 0 else (-2 * C) / (B + math.sqrt(disc))


def tango_p21_numeric(n12, n21, N, d):
    """The same MLE by maximising the multinomial likelihood numerically (independent of the closed form)."""
    n_other = N - n12 - n21
    lo, hi = max(0.0, -d), (1 - d) / 2

    def nll(p21):
        p12 = p21 + d
        rest = 1 - p12 - p21
        out = 0.0
        for count, prob in ((n12, p12), (n21, p21), (n_other, rest)):
            if count:
                out -= count * math.log(max(prob, 1e-300))
        return out

    if hi - lo < 1e-15:
        return lo
    r = optimize.minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-13})
    return r.x


def tango_statistic(n12, n21, N, d):
    p21 = tango_p21(n12, n21, N, d)
    var = N * (2 * p21 + d * (1 - d))
    return (n12 - n21 - N * d) / math.sqrt(var) if var > 0 else 0.0


def tango_interval(n12, n21, N, conf):
    """Tango (1998), Stat Med 17:891-908: {d : |T(d)| <= z}, T decreasing in d."""
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    est = (n12 - n21) / N
    eps = 1e-15
    lower = -1.0 if est == -1 else optimize.brentq(lambda d: tango_statistic(n12, n21, N, d) - z, -1 + eps, est, xtol=1e-15, rtol=8.9e-16, maxiter=500)
    upper = 1.0 if est == 1 else optimize.brentq(lambda d: tango_statistic(n12, n21, N, d) + z, est, 1 - eps, xtol=1e-15, rtol=8.9e-16, maxiter=500)
    # The closed-form MLE agrees with the numerical one at both limits.
    for d in (lower, upper):
        if -1 < d < 1:
            assert abs(tango_p21(n12, n21, N, d) - tango_p21_numeric(n12, n21, N, d)) < 1e-7, (n12, n21, N, d)
    return [lower, upper]


def mcnemar_mde(n, discordant, exact):
    """Smallest d with Connor (1987) power 0.8 at alpha 0.05: sqrt(n) d = za sqrt(psi) + zb sqrt(psi - d^2),
    psi = max(observed discordance, d); infinite when no table of n pairs can reach alpha."""
    if exact and 2 * 0.5 ** n > 0.05:
        return math.inf
    psi_hat = discordant / n

    def g(d):
        psi = max(psi_hat, d)
        return ZA * math.sqrt(psi) + ZB * math.sqrt(max(0.0, psi - d * d)) - math.sqrt(n) * d

    if g(1.0) > 0:
        return math.inf
    d = optimize.brentq(g, 1e-15, 1.0, xtol=1e-15, rtol=8.9e-16, maxiter=500)
    psi = max(psi_hat, d)
    connor_n = ((ZA * math.sqrt(psi) + ZB * math.sqrt(max(0.0, psi - d * d))) / d) ** 2
    assert abs(connor_n - n) < 1e-6 * n, (n, discordant, d, connor_n)
    return d


cases = []
tables = [(10, 0, 0), (10, 1, 0), (20, 3, 7), (50, 0, 12), (100, 12, 12), (100, 5, 19), (200, 10, 30), (300, 40, 60), (1000, 120, 80), (60, 13, 11),
          # degenerate: all pairs discordant one way, none discordant, tiny n
          (4, 0, 4), (4, 4, 0), (2, 0, 2), (2, 0, 0), (2, 1, 1), (1, 0, 1), (5, 0, 5), (6, 0, 6), (30, 0, 0), (30, 0, 30), (40, 1, 39), (24, 0, 24), (25, 0, 25), (100, 0, 100)]
for n, only_a, only_b in tables:
    table = [[n - only_a - only_b, only_a], [only_b, 0]]
    ex = mcnemar(table, exact=True)
    ch = mcnemar(table, exact=False, correction=True)
    d = (only_b - only_a) / n
    se = np.sqrt(max(0.0, only_a + only_b - (only_b - only_a) ** 2 / n)) / n
    disc = only_a + only_b
    for method, res in (("exact", ex), ("chi2", ch), ("auto", ex if disc < 25 else ch)):
        if res is ch and disc == 0:
            continue  # chi-square is undefined without discordant pairs
        exact_test = method == "exact" or (method == "auto" and n < 25)
        args = [n, only_a, only_b, {} if method == "auto" else {"method": method}]
        expected = {"difference": d, "interval": tango_interval(only_b, only_a, n, 0.95), "standardError": se,
                    "minimumDetectableEffect": mcnemar_mde(n, disc, exact_test), "onlyA": only_a, "onlyB": only_b,
                    "statistic": float(res.statistic), "pValue": float(res.pvalue)}
        cases.append({"fn": "mcnemarFromCounts", "args": args, "expected": expected})
    for conf in (0.9, 0.99):
        cases.append({"fn": "tangoInterval", "args": [n, only_a, only_b, conf], "expected": tango_interval(only_b, only_a, n, conf)})

# The two worked examples of Fagerland, Lydersen & Laake (2014), "Recommended tests and confidence
# intervals for paired binomial proportions", Stat Med 33:2850-2875 (Bentur et al. 2009: 1, 1 / 7, 12;
# Cavo et al. 2012: 59, 6 / 16, 80), as onlyA = n21, onlyB = n12 so that b - a = (n12 - n21) / N.
for n11, n12, n21, n22 in [(1, 1, 7, 12), (59, 6, 16, 80)]:
    N = n11 + n12 + n21 + n22
    cases.append({"fn": "tangoInterval", "args": [N, n21, n12, 0.95], "expected": tango_interval(n12, n21, N, 0.95), "example": f"{n11},{n12},{n21},{n22}"})

rng = np.random.default_rng(11)
pairs = [
    (rng.normal(0.5, 0.2, 30), None),
    (rng.uniform(0, 1, 200), None),
    (np.array([1.0, 2, 3, 4, 5]), np.array([2.0, 2, 4, 4, 7])),
    (rng.integers(0, 2, 80).astype(float), rng.integers(0, 2, 80).astype(float)),
    (np.array([0.2, 0.4]), np.array([0.5, 0.9])),
]
for a, b in pairs:
    if b is None:
        b = a + rng.normal(0.03, 0.1, len(a))
    for conf in [0.9, 0.95]:
        res = stats.ttest_rel(b, a)
        d = b - a
        df = len(d) - 1
        se = d.std(ddof=1) / np.sqrt(len(d))
        tq = stats.t.ppf(1 - (1 - conf) / 2, df)
        mde = (t_ppf_mpmath(0.975, df) + t_ppf_mpmath(0.8, df)) * se
        cases.append({"fn": "pairedTTest", "args": [a.tolist(), b.tolist(), {"confidence": conf}], "expected": {
            "difference": d.mean(), "statistic": float(res.statistic), "pValue": float(res.pvalue), "standardError": se,
            "minimumDetectableEffect": mde, "interval": [d.mean() - tq * se, d.mean() + tq * se]}, "tolerance": {"interval": 1e-7}})

for reps, obs in [(rng.normal(0.02, 0.03, 1000), 0.02), (rng.normal(-0.5, 1, 999), -0.4), (np.round(rng.normal(0, 1, 101), 1), 0.3)]:
    sample_diffs = np.abs(reps)
    st = sample_diffs - sample_diffs.mean()
    p = (np.sum(st > abs(obs)) + 1) / (len(st) + 1)
    cases.append({"fn": "bootstrapPValue", "args": [reps.tolist(), obs], "expected": float(p)})
    for conf in [0.9, 0.95, 0.99]:
        a = (1 - conf) / 2
        cases.append({"fn": "percentileInterval", "args": [reps.tolist(), conf], "expected": [float(np.percentile(reps, 100 * a)), float(np.percentile(reps, 100 * (1 - a)))], "sd": float(reps.std(ddof=1))})

# Exact paired randomization: every one of the 2^n ways of swapping A and B within items.
def randomization_p(stats_a, stats_b, aggregate):
    observed = aggregate(np.sum(stats_b, axis=0)) - aggregate(np.sum(stats_a, axis=0))
    count = 0
    total = 0
    for flips in itertools.product((False, True), repeat=len(stats_a)):
        sa = np.sum([b if f else a for a, b, f in zip(stats_a, stats_b, flips)], axis=0)
        sb = np.sum([a if f else b for a, b, f in zip(stats_a, stats_b, flips)], axis=0)
        total += 1
        if abs(aggregate(sb) - aggregate(sa)) >= abs(observed) - 1e-12 * max(1.0, abs(observed)):
            count += 1
    return count / total


for a, b in [([0.2, 0.4], [0.5, 0.9]), ([0.1, 0.1, 0.1, 0.1], [0.6, 0.6, 0.6, 0.6]), ([0.3, 0.5, 0.2, 0.9, 0.4, 0.7], [0.4, 0.5, 0.6, 0.8, 0.9, 0.9]),
             (list(rng.uniform(0, 1, 12)), list(rng.uniform(0, 1, 12))), ([0.5] * 5, [0.5] * 5)]:
    sa = [[x, 1.0] for x in a]
    sb = [[x, 1.0] for x in b]
    cases.append({"fn": "pairedRandomizationMean", "args": [a, b], "expected": randomization_p(sa, sb, lambda s: s[0] / s[1])})
ratio_a = [[3, 5], [1, 5], [5, 5], [0, 5], [2, 4], [4, 6], [1, 3]]
ratio_b = [[4, 5], [2, 5], [5, 5], [1, 5], [4, 4], [5, 6], [2, 3]]
cases.append({"fn": "pairedRandomizationRatio", "args": [ratio_a, ratio_b], "expected": randomization_p(np.array(ratio_a, float), np.array(ratio_b, float), lambda s: s[0] / s[1])})

write("paired.json", cases, "scripts/stats-oracle/paired.py")
