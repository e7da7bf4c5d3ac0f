"""pass@k expected values: the Codex paper's numpy estimator, cross-checked against the
exact rational 1 - C(n-c, k) / C(n, k) (math.comb + fractions)."""
from fractions import Fraction
from math import comb

import numpy as np

from common import write


def pass_at_k_codex(n, c, k):
    # Chen et al. 2021, Figure 3.
    if n - c < k:
        return 1.0
    return 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))


cases = []
for n, c, k in [(1, 0, 1), (1, 1, 1), (5, 0, 1), (5, 2, 1), (5, 2, 3), (5, 2, 4), (10, 1, 10), (20, 3, 5), (100, 1, 1), (100, 13, 10), (200, 7, 100), (200, 150, 50), (1000, 1, 1000), (1000, 2, 999), (10, 10, 3)]:
    exact = 1 - Fraction(comb(n - c, k), comb(n, k))
    codex = float(pass_at_k_codex(n, c, k))
    assert abs(codex - float(exact)) < 1e-12, (n, c, k, codex, float(exact))
    cases.append({"fn": "passAtK", "args": [n, c, k], "expected": codex, "exact": float(exact)})

write("reducers.json", cases, "scripts/stats-oracle/reducers.py")
