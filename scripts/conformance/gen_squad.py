# Generates tests/fixtures/conformance/squad.json by running the official SQuAD v1.1
# evaluation functions (evaluate-v1.1.py, saved outside the repo as evaluate_v11.py).
# Usage: PYTHONPATH=/tmp/ref/squad:scripts/conformance /usr/bin/python3 scripts/conformance/gen_squad.py tests/fixtures/conformance
import json
import os
import random
import sys

import evaluate_v11 as squad
from corpus import corpus

out_dir = sys.argv[1]
hyps, r1, r2, r3 = corpus()

EXTRA = [
    ("The Eiffel Tower", ["the eiffel tower", "Eiffel Tower!"]),
    ("an apple", ["Apple"]),
    ("théa the café", ["café"]),
    ("a_b the_c", ["a_b"]),
    ("the\u0301 end", ["end"]),
    ("ｔｈｅ ａ end", ["end"]),
    ("Ånthe anthem the5 5the", ["anthem"]),
    ("the—end a–b", ["end b"]),
    ("the's a.k.a. l'an", ["thes aka lan"]),
    ("1,000.5", ["10005", "1000.5"]),
    ("", [""]),
    ("", ["something"]),
    ("something", [""]),
    ("...", ["!!!"]),
    ("the a an", [""]),
    ("Ελληνικά the ΟΔΟΣ", ["ελληνικά οδος"]),
    ("İstanbul", ["i̇stanbul", "istanbul"]),
    ("北京 the 東京", ["北京東京", "北京 東京"]),
    ("😀 the 😀", ["😀 😀"]),
    ("a\u00a0the\u3000an\u2028end\x1cx", ["end x"]),
    ("the\ufeffend", ["end"]),
    ("une théorie", ["theorie"]),
    ("٣ the ٤ a", ["٣ ٤"]),
    ("Ⅻ the ² a ½", ["ⅻ ² ½"]),
    ("भारत the ि a", ["भारत ि"]),
    ("cat cat cat", ["cat", "cat cat dog"]),
    ("the cat the cat", ["cat cat cat cat"]),
]

rng = random.Random(7)
cases = []
for pred, refs in EXTRA:
    cases.append((pred, refs))
for i, h in enumerate(hyps):
    cases.append((h, [r1[i]]))
    cases.append((h, [r1[i], r2[i], r3[i]]))
    cases.append((r1[i], [h]))

records = []
for pred, refs in cases:
    records.append({
        "prediction": pred,
        "references": refs,
        "normalized": squad.normalize_answer(pred),
        "em": float(squad.metric_max_over_ground_truths(squad.exact_match_score, pred, refs)),
        "f1": float(squad.metric_max_over_ground_truths(squad.f1_score, pred, refs)),
    })
with open(os.path.join(out_dir, "squad.json"), "w", encoding="utf-8") as f:
    json.dump({"reference": "SQuAD v1.1 evaluate-v1.1.py (official functions), Python " + sys.version.split()[0],
               "cases": records}, f, ensure_ascii=False, indent=0)
print(len(records), "squad cases")
