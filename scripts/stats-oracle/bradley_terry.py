"""Expected values for src/stats/bradley-terry.ts: an independent fit of the same likelihood
(ties = half a win each) with scipy.optimize.minimize (trust-exact, analytic gradient and Hessian),
then polished with scipy.optimize.root on the score equations."""
import math

import numpy as np
from scipy import optimize
from scipy.special import expit, log_expit

from common import write

ELO = 400 / math.log(10)


def fit(judgments, prior=0.0, anchor=None, anchor_rating=1000.0):
    models = sorted({m for j in judgments for m in (j["a"], j["b"])})
    idx = {m: i for i, m in enumerate(models)}
    k = len(models)
    w = np.full((k, k), prior / 2)
    np.fill_diagonal(w, 0)
    for j in judgments:
        a, b = idx[j["a"]], idx[j["b"]]
        if j["winner"] == "a":
            w[a, b] += 1
        elif j["winner"] == "b":
            w[b, a] += 1
        else:
            w[a, b] += 0.5
            w[b, a] += 0.5

    def full(x):
        return np.concatenate([[0.0], x])

    def nll(x):
        t = full(x)
        return -np.sum(w * log_expit(t[:, None] - t[None, :]))

    def grad_full(t):
        p = expit(t[:, None] - t[None, :])
        games = w + w.T
        return (w - games * p).sum(axis=1)

    def jac(x):
        return -grad_full(full(x))[1:]

    def hess(x):
        t = full(x)
        p = expit(t[:, None] - t[None, :])
        c = (w + w.T) * p * (1 - p)
        h = -c
        np.fill_diagonal(h, c.sum(axis=1))
        return h[1:, 1:]

    res = optimize.minimize(nll, np.zeros(k - 1), jac=jac, hess=hess, method="trust-exact", options={"gtol": 1e-12})
    root = optimize.root(lambda x: jac(x), res.x, jac=hess, method="hybr", options={"xtol": 1e-15})
    theta = full(root.x)
    ref = theta[idx[anchor]] if anchor else theta.mean()
    return {
        "models": models,
        "ratings": {m: anchor_rating + ELO * (theta[i] - ref) for i, m in enumerate(models)},
        "logStrengths": {m: theta[i] - ref for i, m in enumerate(models)},
        "logLikelihood": -nll(root.x),
    }


rng = np.random.default_rng(1952)
cases = []
small = [{"a": "x", "b": "y", "winner": "a"}, {"a": "y", "b": "z", "winner": "a"}, {"a": "z", "b": "x", "winner": "a"},
         {"a": "x", "b": "y", "winner": "tie"}, {"a": "x", "b": "z", "winner": "a"}, {"a": "y", "b": "x", "winner": "b"}]
cases.append({"name": "three models, a cycle and a tie", "args": [small, {}], "expected": fit(small)})
cases.append({"name": "anchored", "args": [small, {"anchor": "z", "anchorRating": 1200}], "expected": fit(small, anchor="z", anchor_rating=1200)})
swept = [{"a": "top", "b": "mid", "winner": "a"}, {"a": "top", "b": "low", "winner": "a"}, {"a": "mid", "b": "low", "winner": "a"}, {"a": "low", "b": "mid", "winner": "tie"}]
cases.append({"name": "a sweep needs the prior", "args": [swept, {"prior": 1}], "expected": fit(swept, prior=1)})
for n_models, n_judgments, tie_rate in [(4, 60, 0.1), (8, 2000, 0.2), (12, 900, 0.05)]:
    strength = rng.normal(0, 1.2, n_models)
    names = [f"model-{chr(97 + i)}" for i in range(n_models)]
    judgments = []
    for _ in range(n_judgments):
        a, b = rng.choice(n_models, 2, replace=False)
        u = rng.random()
        if u < tie_rate:
            winner = "tie"
        else:
            winner = "a" if rng.random() < expit(strength[a] - strength[b]) else "b"
        judgments.append({"a": names[a], "b": names[b], "winner": winner})
    cases.append({"name": f"{n_models} models, {n_judgments} judgments", "args": [judgments, {}], "expected": fit(judgments)})
    cases.append({"name": f"{n_models} models, {n_judgments} judgments, prior 0.5", "args": [judgments, {"prior": 0.5}], "expected": fit(judgments, prior=0.5)})

write("bradley-terry.json", cases, "scripts/stats-oracle/bradley_terry.py")
