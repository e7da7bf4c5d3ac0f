# Generates tests/fixtures/conformance/metric-jsonl/: multi-sentence summaries as JSON lines for
# `assay metric --format jsonl`, with rouge-score 0.1.2's scores (score_multi over each line's
# references, mean over lines; rouge1/2/L/Lsum, with and without the stemmer), and sacrebleu
# 2.6.0's corpus BLEU on the same hypotheses for several max_ngram_order values.
# Usage (reference checkouts as in tests/fixtures/conformance/README.md):
#   PYTHONPATH=/tmp/ref/sacrebleu:/tmp/ref/stubs:/tmp/ref/rouge:scripts/conformance \
#     /usr/bin/python3 scripts/conformance/gen_metric_jsonl.py tests/fixtures/conformance
import json
import os
import random
import sys

from rouge_score import rouge_scorer
from sacrebleu.metrics import BLEU

from corpus import corpus

out_dir = os.path.join(sys.argv[1], "metric-jsonl")
os.makedirs(out_dir, exist_ok=True)
hyps, r1, r2, r3 = corpus()
rng = random.Random(2024)

# Summaries of 1-6 sentences joined by newlines (some blank and space-only lines, a trailing
# newline now and then); each has 1-3 references drawn from the aligned reference sentences.
rows = []
for _ in range(120):
    k = rng.randint(1, 6)
    idx = [rng.randrange(len(hyps)) for _ in range(k)]
    hyp_lines = [hyps[j] for j in idx]
    if rng.random() < 0.2:
        hyp_lines.insert(rng.randint(0, len(hyp_lines)), "")
    hyp = "\n".join(hyp_lines) + ("\n" if rng.random() < 0.15 else "")
    refs = []
    for stream in rng.sample([r1, r2, r3], rng.randint(1, 3)):
        lines = [stream[j] for j in idx]
        rng.shuffle(lines)
        if rng.random() < 0.25:
            lines.append(" ")
        refs.append("\n".join(lines))
    rows.append({"hyp": hyp, "refs": refs})
rows.append({"hyp": "The cats were running.\nDogs bark loudly!", "refs": ["A cat runs.\nThe dog barked loudly.", "Cats ran\n\nand dogs barked"]})
rows.append({"hyp": "", "refs": ["nothing\nat all"]})

with open(os.path.join(out_dir, "summaries.jsonl"), "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")

TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
rouge = {}
for stem in (False, True):
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=stem)
    scores = [scorer.score_multi(r["refs"], r["hyp"]) for r in rows]
    rouge["stem" if stem else "plain"] = {
        t: {k: sum(getattr(s[t], k) for s in scores) / len(scores) for k in ("precision", "recall", "fmeasure")} for t in TYPES}
    rouge["segments_" + ("stem" if stem else "plain")] = [{t: list(s[t]) for t in TYPES} for s in scores]

# sacrebleu's API for max_ngram_order (its command line has no flag for it): hypotheses with
# exactly one reference each, as one reference stream; corpus and sentence-level scores.
single = [r for r in rows if len(r["refs"]) == 1]
with open(os.path.join(out_dir, "single-ref.jsonl"), "w", encoding="utf-8") as f:
    for r in single:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
bleu = []
for order in (1, 2, 3, 4, 5, 6):
    metric = BLEU(max_ngram_order=order)
    score = metric.corpus_score([r["hyp"] for r in single], [[r["refs"][0] for r in single]])
    sentence = BLEU(max_ngram_order=order, effective_order=True)
    bleu.append({"max_ngram_order": order, "score": score.score, "counts": list(score.counts), "totals": list(score.totals),
                 "bp": score.bp, "sys_len": score.sys_len, "ref_len": score.ref_len,
                 "sentences": [sentence.sentence_score(r["hyp"], [r["refs"][0]]).score for r in single]})

with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as f:
    json.dump({"reference": "rouge-score 0.1.2 (score_multi, mean over lines) with NLTK 3.8 PorterStemmer; sacrebleu 2.6.0 BLEU(max_ngram_order=N)",
               "rows": len(rows), "single_ref_rows": len(single), "rouge": rouge, "bleu": bleu}, f, ensure_ascii=False, indent=0)
print(len(rows), "summaries,", len(single), "with one reference")
