"""Shared helpers for the stats oracle scripts: versions and JSON writing.

Run with Debian's Python (/usr/bin/python3) which has python3-scipy, python3-sklearn,
python3-numpy and python3-statsmodels from apt.
"""
import json
import math
import os

import mpmath
import numpy
import scipy
from scipy import stats

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "stats")


def t_ppf_mpmath(p, df):
    """The t quantile to ~40 digits: scipy 1.10's t.ppf (cdflib cdft) is only good to ~1e-8."""
    with mpmath.workdps(50):
        q = min(p, 1 - p)
        a, b = mpmath.mpf(df) / 2, mpmath.mpf(1) / 2
        g = lambda t: mpmath.betainc(a, b, 0, df / (df + t * t), regularized=True) / 2 - q
        r = mpmath.findroot(g, mpmath.mpf(abs(float(stats.t.ppf(p, df)))), tol=mpmath.mpf(10) ** -40)
        return float(r if p > 0.5 else -r)


def versions():
    v = {"numpy": numpy.__version__, "scipy": scipy.__version__}
    try:
        import sklearn
        v["sklearn"] = sklearn.__version__
    except ImportError:
        pass
    try:
        import statsmodels
        v["statsmodels"] = statsmodels.__version__
    except ImportError:
        pass
    return v


def clean(x):
    """JSON cannot hold NaN/Infinity: encode them as strings the tests decode."""
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if hasattr(x, "tolist"):
        return clean(x.tolist())
    if isinstance(x, float):
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"
    return x


def write(name, cases, generator):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump({"generator": generator, "versions": versions(), "cases": clean(cases)}, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(cases)} cases")
