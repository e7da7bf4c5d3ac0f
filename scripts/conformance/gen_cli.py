# Generates tests/fixtures/conformance/cli/{hyp,ref1,ref2}.txt and cli.json: the outputs of
# the sacrebleu command line (text and JSON) and rouge-score's averaged scores on these files.
# Usage: PYTHONPATH=/tmp/ref/sacrebleu:/tmp/ref/stubs:/tmp/ref/rouge:/tmp/ref/squad:scripts/conformance \
#   /usr/bin/python3 scripts/conformance/gen_cli.py tests/fixtures/conformance
import json
import os
import subprocess
import sys

from corpus import corpus
from rouge_score import rouge_scorer
import evaluate_v11 as squad

out_dir = sys.argv[1]
cli_dir = os.path.join(out_dir, "cli")
os.makedirs(cli_dir, exist_ok=True)
hyps, r1, r2, _ = corpus()
keep = [i for i in range(len(hyps)) if "\n" not in hyps[i] + r1[i] + r2[i] and "\r" not in hyps[i] + r1[i] + r2[i]]
files = {"hyp.txt": [hyps[i] for i in keep], "ref1.txt": [r1[i] for i in keep], "ref2.txt": [r2[i] for i in keep]}
for name, lines in files.items():
    with open(os.path.join(cli_dir, name), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")

def sacrebleu(*args):
    cmd = [sys.executable, "-m", "sacrebleu", *args]
    return subprocess.run(cmd, cwd=cli_dir, capture_output=True, text=True, check=True).stdout.strip()

runs = []
for args in [
    ["ref1.txt", "-i", "hyp.txt", "-m", "bleu", "-w", "2"],
    ["ref1.txt", "ref2.txt", "-i", "hyp.txt", "-m", "bleu", "-w", "2"],
    ["ref1.txt", "-i", "hyp.txt", "-m", "bleu", "-w", "2", "--tokenize", "intl", "--smooth-method", "floor", "-lc"],
    ["ref1.txt", "-i", "hyp.txt", "-m", "bleu", "-w", "1", "--tokenize", "char", "--smooth-method", "add-k", "--smooth-value", "2"],
    ["ref1.txt", "-i", "hyp.txt", "-m", "chrf", "-w", "2"],
    ["ref1.txt", "ref2.txt", "-i", "hyp.txt", "-m", "chrf", "-w", "2", "--chrf-word-order", "2"],
    ["ref1.txt", "-i", "hyp.txt", "-m", "chrf", "-w", "2", "--chrf-whitespace", "--chrf-lowercase", "--chrf-char-order", "4"],
]:
    runs.append({"args": args, "text": sacrebleu(*args, "-f", "text"), "json": json.loads(sacrebleu(*args, "-f", "json"))})

hl, a, b = files["hyp.txt"], files["ref1.txt"], files["ref2.txt"]
rouge = {}
for stem in (False, True):
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=stem)
    scores = [scorer.score_multi([x, y], h) for h, x, y in zip(hl, a, b)]
    rouge["stem" if stem else "plain"] = {
        t: {k: sum(getattr(s[t], k) for s in scores) / len(scores) for k in ("precision", "recall", "fmeasure")}
        for t in ["rouge1", "rouge2", "rougeL", "rougeLsum"]}
em = 100.0 * sum(squad.metric_max_over_ground_truths(squad.exact_match_score, h, [x, y]) for h, x, y in zip(hl, a, b)) / len(hl)
f1 = 100.0 * sum(squad.metric_max_over_ground_truths(squad.f1_score, h, [x, y]) for h, x, y in zip(hl, a, b)) / len(hl)
with open(os.path.join(out_dir, "cli.json"), "w", encoding="utf-8") as f:
    json.dump({"segments": len(hl), "sacrebleu": runs, "rouge_two_refs": rouge, "squad_two_refs": {"exact_match": em, "f1": f1}},
              f, ensure_ascii=False, indent=1)
print(len(hl), "segments,", len(runs), "sacrebleu runs")
