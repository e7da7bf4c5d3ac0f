# Generates tests/fixtures/conformance/edit-distance.json with NLTK's edit_distance
# (substitution_cost=1, transpositions=False) over Python str (code points).
# Usage: PYTHONPATH=scripts/conformance /usr/bin/python3 scripts/conformance/gen_edit_distance.py tests/fixtures/conformance
import json
import os
import sys

import nltk
from nltk.metrics.distance import edit_distance
from corpus import corpus

hyps, r1, r2, r3 = corpus()
pairs = [(h, r) for h, r in zip(hyps[:120], r1[:120])] + [
    ("kitten", "sitting"), ("", ""), ("", "abc"), ("😀😀", "😀"), ("naïve", "naive"), ("東京", "京都"), ("🇫🇷", "🇯🇵"),
]
cases = [{"a": a, "b": b, "distance": edit_distance(a, b)} for a, b in pairs]
with open(os.path.join(sys.argv[1], "edit-distance.json"), "w", encoding="utf-8") as f:
    json.dump({"reference": f"NLTK {nltk.__version__} nltk.metrics.distance.edit_distance", "cases": cases}, f, ensure_ascii=False, indent=0)
print(len(cases), "edit-distance cases")
