"""Train the demo model on the generated corpus (scripts/demo/out/corpus.jsonl).

One document per row, batches of similar length, loss only on the answer spans the
generator marks. Deterministic for a given seed and thread count.
Usage: python3 train.py --corpus out/corpus.jsonl --out out/model.pt [--steps N]"""
import argparse
import json
import math
import random
import time

import torch
import torch.nn.functional as F

from model import BOS, Config, Llama


def encode(row, prompt_weight):
    """(tokens, weights): BOS then the bytes; answer spans weigh 1, the rest prompt_weight."""
    tokens = [BOS] + list(row["text"].encode("ascii"))
    weight = [prompt_weight] * len(tokens)
    weight[0] = 0.0  # BOS is never predicted
    for start, end in row["train"]:
        for i in range(start, end):
            weight[i + 1] = 1.0  # token i+1 is character i (BOS first)
    return tokens, weight


def load_corpus(path, prompt_weight):
    with open(path) as f:
        return [encode(json.loads(line), prompt_weight) for line in f]


def load_probe(path):
    """Probe documents by label: (tokens, answer mask) with only the final answer marked."""
    probe = {}
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            probe.setdefault(row["label"], []).append(encode(row, 0.0))
    return probe


@torch.no_grad()
def probe_scores(model, probe):
    """Per label, the share of documents whose every answer token is the model's argmax under
    teacher forcing: exactly the documents greedy decoding answers right."""
    model.eval()
    scores = {}
    for label, docs in probe.items():
        width = max(len(t) for t, _ in docs)
        tokens = torch.zeros(len(docs), width, dtype=torch.long)
        mask = torch.zeros(len(docs), width, dtype=torch.bool)
        for row, (t, w) in enumerate(docs):
            tokens[row, :len(t)] = torch.tensor(t)
            mask[row, :len(w)] = torch.tensor(w) > 0
        wrong = (model(tokens[:, :-1]).argmax(-1) != tokens[:, 1:]) & mask[:, 1:]
        scores[label] = 1.0 - wrong.any(-1).float().mean().item()
    model.train()
    return scores


def batches(docs, tokens_per_batch, rng):
    """An endless stream of (tokens, weights) batches: shuffled, bucketed by length."""
    while True:
        order = list(range(len(docs)))
        rng.shuffle(order)
        epoch = []
        for c in range(0, len(order), 4096):
            chunk = sorted(order[c:c + 4096], key=lambda i: len(docs[i][0]))
            batch = []
            for i in chunk:
                longest = max(len(docs[i][0]), max((len(docs[j][0]) for j in batch), default=0))
                if batch and longest * (len(batch) + 1) > tokens_per_batch:
                    epoch.append(batch)
                    batch = []
                batch.append(i)
            if batch:
                epoch.append(batch)
        rng.shuffle(epoch)
        for batch in epoch:
            width = max(len(docs[i][0]) for i in batch)
            tokens = torch.zeros(len(batch), width, dtype=torch.long)
            weights = torch.zeros(len(batch), width)
            for row, i in enumerate(batch):
                t, w = docs[i]
                tokens[row, :len(t)] = torch.tensor(t)
                weights[row, :len(w)] = torch.tensor(w, dtype=torch.float32)
            yield tokens, weights


def lr_at(step, peak, warmup, steps):
    """Linear warm-up to peak, then cosine down to 5% of it at the last step."""
    if step <= warmup:
        return peak * step / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))


def make_optimizer(model, lr):
    """AdamW with weight decay on matrices only (not norms)."""
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    other = [p for n, p in model.named_parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": other, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.98), eps=1e-8)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--corpus", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, default=4000)
    p.add_argument("--tokens-per-batch", type=int, default=4096)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--seed", type=int, default=20240501)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--n-embd", type=int, default=128)
    p.add_argument("--n-layer", type=int, default=6)
    p.add_argument("--n-head", type=int, default=4)
    p.add_argument("--n-kv-head", type=int, default=2)
    p.add_argument("--n-ff", type=int, default=352)
    p.add_argument("--prompt-weight", type=float, default=0.1,
                   help="loss weight of the tokens outside the answer spans (answers weigh 1)")
    p.add_argument("--probe", default=None, help="probe.jsonl from generate.ts: greedy exact match per layout")
    p.add_argument("--probe-every", type=int, default=250)
    p.add_argument("--save-every", type=int, default=100)
    p.add_argument("--init", default=None,
                   help="start from the weights of this F32 GGUF (export_gguf.py's layout) instead of a fresh model")
    p.add_argument("--stop-after", type=int, default=None,
                   help="stop (and save) after this step; the learning-rate schedule still spans --steps")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    cfg = Config(n_embd=args.n_embd, n_layer=args.n_layer, n_head=args.n_head,
                 n_kv_head=args.n_kv_head, n_ff=args.n_ff)
    model = Llama(cfg)
    if args.init:
        from export_gguf import read_gguf_state
        model.load_state_dict(read_gguf_state(args.init, cfg.to_dict()))
        print(f"initialised from {args.init}", flush=True)
    docs = load_corpus(args.corpus, args.prompt_weight)
    probe = load_probe(args.probe) if args.probe else None
    print(f"{model.param_count():,} parameters, {len(docs):,} documents", flush=True)

    opt = make_optimizer(model, args.lr)
    stream = batches(docs, args.tokens_per_batch, rng)
    seen = 0
    start = time.time()
    smooth = None

    def save(step):
        torch.save({"config": cfg.to_dict(), "state": model.state_dict(), "step": step, "tokens": seen,
                    "seconds": time.time() - start, "seed": args.seed}, args.out)

    last = min(args.steps, args.stop_after or args.steps)
    for step in range(1, last + 1):
        lr = lr_at(step, args.lr, args.warmup, args.steps)
        for group in opt.param_groups:
            group["lr"] = lr
        tokens, weights = next(stream)
        logits = model(tokens[:, :-1])
        losses = F.cross_entropy(logits.reshape(-1, cfg.vocab), tokens[:, 1:].reshape(-1), reduction="none")
        w = weights[:, 1:].reshape(-1)
        loss = (losses * w).sum() / w.sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        seen += int(tokens.numel())
        smooth = loss.item() if smooth is None else 0.98 * smooth + 0.02 * loss.item()
        if step % 50 == 0 or step == last:
            elapsed = time.time() - start
            print(f"step {step} loss {smooth:.4f} lr {lr:.2e} tokens {seen:,} {seen / elapsed:.0f} tok/s {elapsed / 60:.1f} min", flush=True)
        if probe and (step % args.probe_every == 0 or step == last):
            scores = probe_scores(model, probe)
            print(f"probe step {step}: " + "  ".join(f"{k} {v:.2f}" for k, v in scores.items()), flush=True)
        if step % args.save_every == 0:
            save(step)
    save(last)
    print(f"done: {seen:,} tokens in {(time.time() - start) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
