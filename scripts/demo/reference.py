"""Greedy continuations of a few prompts from the PyTorch checkpoint, written as JSON, so the
exported GGUF can be checked against them through node-llama-cpp (scripts/demo/evaluate.ts). 320 tokens: a judge's line is up to about 220.
Usage: python3 reference.py --checkpoint out/model.pt --out out/reference.json"""
import argparse
import json

import torch

from model import BOS, Config, Llama

PROMPTS = [
    "Q: What is 357 + 715?\nA:",
    "Q: What is 357 + 715?\nA: Let's think step by step.",
    "Q: What is 754 - 142?\nA: Let's think step by step.",
    "Transform: abc -> cba\n\nTransform: lmno -> onml\n\nTransform: wxyz ->",
    "Transform: abc -> aabbcc\n\nTransform: lmno -> llmmnnoo\n\nTransform: wxyz ->",
    "English: the big dog sees a red cat today\nZorbish:",
    # The judge format of suites/demo/verify.hbs: a right and a wrong (zero-shot) proposed answer.
    "Verify: <<<BEGIN 3f9a1c07d2e4b5a6>>>\nQ: What is 357 + 715?\nA:\n<<<END 3f9a1c07d2e4b5a6>>>\n"
    "Proposed answer: <<<BEGIN 3f9a1c07d2e4b5a6>>>\n1072\n<<<END 3f9a1c07d2e4b5a6>>>\nCheck:",
    "Verify: <<<BEGIN 3f9a1c07d2e4b5a6>>>\nQ: What is 754 - 142?\nA:\n<<<END 3f9a1c07d2e4b5a6>>>\n"
    "Proposed answer: <<<BEGIN 3f9a1c07d2e4b5a6>>>\n622\n<<<END 3f9a1c07d2e4b5a6>>>\nCheck:",
]


@torch.no_grad()
def greedy(model, prompt, max_tokens=320):
    tokens = [BOS] + list(prompt.encode("ascii"))
    out = []
    for _ in range(max_tokens):
        logits = model(torch.tensor([tokens]))[0, -1]
        nxt = int(logits.argmax())
        if nxt >= 256 or nxt == ord("\n"):
            break
        tokens.append(nxt)
        out.append(nxt)
    return bytes(out).decode("ascii", errors="replace")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    torch.set_num_threads(1)
    ckpt = torch.load(a.checkpoint, map_location="cpu")
    model = Llama(Config(**ckpt["config"]))
    model.load_state_dict(ckpt["state"])
    model.eval()
    rows = [{"prompt": q, "output": greedy(model, q)} for q in PROMPTS]
    with open(a.out, "w") as f:
        json.dump(rows, f, indent=1)
    for r in rows:
        print(json.dumps(r))
