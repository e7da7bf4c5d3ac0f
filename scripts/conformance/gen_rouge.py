# Generates tests/fixtures/conformance/rouge.json by running rouge-score (0.1.2 sources from
# google-research/google-research rouge/, installed outside the repo as package rouge_score).
# Usage: PYTHONPATH=/tmp/ref/rouge:scripts/conformance /usr/bin/python3 scripts/conformance/gen_rouge.py tests/fixtures/conformance
import json
import os
import random
import sys

from rouge_score import rouge_scorer
from corpus import corpus

out_dir = sys.argv[1]
hyps, r1, r2, r3 = corpus()
rng = random.Random(99)
TYPES = ["rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum"]

cases = []
for i, h in enumerate(hyps):
    cases.append((h, [r1[i]]))
    cases.append((h, [r1[i], r2[i], r3[i]]))
# multi-sentence summaries for rougeLsum (newline separated, with blank and space-only lines)
for _ in range(60):
    k = rng.randint(1, 6)
    idx = [rng.randrange(len(hyps)) for _ in range(k)]
    pred = "\n".join(hyps[j] for j in idx)
    ref_lines = [r1[j] for j in idx]
    rng.shuffle(ref_lines)
    if rng.random() < 0.3:
        ref_lines.insert(rng.randint(0, len(ref_lines)), "")
    if rng.random() < 0.2:
        ref_lines.append(" ")
    cases.append((pred, ["\n".join(ref_lines)]))
cases += [
    ("The quick brown fox jumps over the lazy dog", ["The quick brown dog jumps on the log."]),
    ("running runs ran runner generously dying skies", ["run running runners generous die sky"]),
    ("", [""]),
    ("", ["a b c"]),
    ("a b c", [""]),
    ("İstanbul Kelvin \u212a café 東京 1,000.5", ["istanbul k cafe 1000 5"]),
    ("a a a a b", ["a b b a"]),
]

records = []
for stem in (False, True):
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=stem)
    for pred, refs in cases:
        result = scorer.score_multi(refs, pred)
        records.append({"prediction": pred, "references": refs, "stem": stem,
                        "scores": {k: list(v) for k, v in result.items()}})
# the scorer computing only rougeLsum takes a separate code path
lsum = rouge_scorer.RougeScorer(["rougeLsum"], use_stemmer=True)
lsum_records = [{"prediction": p, "references": r, "rougeLsum": list(lsum.score_multi(r, p)["rougeLsum"])} for p, r in cases[-80:]]
with open(os.path.join(out_dir, "rouge.json"), "w", encoding="utf-8") as f:
    json.dump({"reference": "rouge-score 0.1.2 (google-research rouge/ sources) with NLTK PorterStemmer",
               "types": TYPES, "cases": records, "lsumOnly": lsum_records}, f, ensure_ascii=False, indent=0)
print(len(records), "rouge cases")
