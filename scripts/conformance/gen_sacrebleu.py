# Generates tests/fixtures/conformance/{bleu,chrf}.json by running sacrebleu itself.
# Usage (sacrebleu checked out outside the repo, see tests/fixtures/conformance/README.md):
#   PYTHONPATH=/tmp/ref/sacrebleu:/tmp/ref/stubs:scripts/conformance \
#     /usr/bin/python3 scripts/conformance/gen_sacrebleu.py tests/fixtures/conformance
import json
import os
import sys

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International
from sacrebleu.tokenizers.tokenizer_char import TokenizerChar

from corpus import corpus

out_dir = sys.argv[1]
hyps, r1, r2, r3 = corpus()
ref_sets = {"1": [r1], "2": [r1, r2], "3": [r1, r2, r3]}


def bleu_record(score):
    return {
        "score": score.score,
        "counts": list(score.counts),
        "totals": list(score.totals),
        "precisions": list(score.precisions),
        "bp": score.bp,
        "sys_len": score.sys_len,
        "ref_len": score.ref_len,
    }


bleu_cases = []
configs = []
for tok in ["13a", "none", "intl", "char"]:
    for smooth, value in [("exp", None), ("floor", None), ("floor", 0.5), ("add-k", None), ("add-k", 2), ("none", None)]:
        for lowercase in [False, True]:
            for eff in [False, True]:
                configs.append(dict(tokenize=tok, smooth_method=smooth, smooth_value=value, lowercase=lowercase, effective_order=eff))
for cfg in configs:
    for nrefs in (["1", "2", "3"] if cfg["smooth_method"] == "exp" and not cfg["lowercase"] else ["2"]):
        metric = BLEU(**cfg)
        score = metric.corpus_score(hyps, ref_sets[nrefs])
        sig = str(metric.get_signature())
        rec = {"options": cfg, "nrefs": int(nrefs), "corpus": bleu_record(score), "signature": sig,
               "line": score.format(width=2, signature=sig), "line_w1": score.format(width=1, signature=sig)}
        if cfg["effective_order"] and nrefs == "2":
            rec["sentences"] = [metric.sentence_score(h, [a, b]).score for h, a, b in zip(hyps, r1, r2)]
        bleu_cases.append(rec)

# sacrebleu.sentence_bleu (compat API: effective order on) for every segment, one and three refs
sentence = [
    {"hyp": h, "refs": [a], "score": sacrebleu.sentence_bleu(h, [a]).score} for h, a in zip(hyps, r1)
] + [
    {"hyp": h, "refs": [a, b, c], "score": sacrebleu.sentence_bleu(h, [a, b, c]).score} for h, a, b, c in zip(hyps, r1, r2, r3)
]

t13a, tintl, tchar = Tokenizer13a(), TokenizerV14International(), TokenizerChar()
tokenizers = [{"line": s, "13a": t13a(s), "intl": tintl(s), "char": tchar(s)} for s in hyps + r1 + r2]

with open(os.path.join(out_dir, "bleu.json"), "w", encoding="utf-8") as f:
    json.dump({"reference": f"sacrebleu {sacrebleu.__version__}", "hyps": hyps, "refs": [r1, r2, r3],
               "cases": bleu_cases, "sentence": sentence, "tokenizers": tokenizers}, f, ensure_ascii=False, indent=0)

chrf_cases = []
for word_order in [0, 1, 2]:
    for char_order in [6, 4]:
        for lowercase in [False, True]:
            for whitespace in [False, True]:
                for eps in [False, True]:
                    if char_order == 4 and (lowercase or eps):
                        continue
                    cfg = dict(char_order=char_order, word_order=word_order, lowercase=lowercase, whitespace=whitespace, eps_smoothing=eps)
                    for nrefs in (["1", "2", "3"] if not lowercase and not eps else ["2"]):
                        metric = CHRF(**cfg)
                        score = metric.corpus_score(hyps, ref_sets[nrefs])
                        sig = str(metric.get_signature())
                        rec = {"options": cfg, "nrefs": int(nrefs), "score": score.score, "signature": sig,
                               "line": score.format(width=2, signature=sig)}
                        if nrefs == "2":
                            rec["sentences"] = [metric.sentence_score(h, [a, b]).score for h, a, b in zip(hyps, r1, r2)]
                        chrf_cases.append(rec)
with open(os.path.join(out_dir, "chrf.json"), "w", encoding="utf-8") as f:
    json.dump({"reference": f"sacrebleu {sacrebleu.__version__}", "hyps": hyps, "refs": [r1, r2, r3], "cases": chrf_cases},
              f, ensure_ascii=False, indent=0)
print(len(bleu_cases), "bleu cases,", len(sentence), "sentence cases,", len(tokenizers), "tokenizer lines,", len(chrf_cases), "chrf cases")
