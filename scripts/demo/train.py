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


def load_corpus(path):
    docs = []
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            data = row["text"].encode("ascii")
            tokens = [BOS] + list(data)
            weight = [0] * len(tokens)
            for start, end in row["train"]:
                for i in range(start, end):
                    weight[i + 1] = 1  # token i+1 is character i (BOS first)
            docs.append((tokens, weight))
    return docs


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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--corpus", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, default=1500)
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
    p.add_argument("--save-every", type=int, default=100)
    p.add_argument("--stop-after", type=int, default=None,
                   help="stop (and save) after this step; the learning-rate schedule still spans --steps")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    cfg = Config(n_embd=args.n_embd, n_layer=args.n_layer, n_head=args.n_head,
                 n_kv_head=args.n_kv_head, n_ff=args.n_ff)
    model = Llama(cfg)
    docs = load_corpus(args.corpus)
    print(f"{model.param_count():,} parameters, {len(docs):,} documents", flush=True)

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    other = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": other, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98), eps=1e-8)
    stream = batches(docs, args.tokens_per_batch, rng)
    seen = 0
    start = time.time()
    smooth = None

    def save(step):
        torch.save({"config": cfg.to_dict(), "state": model.state_dict(), "step": step, "tokens": seen,
                    "seconds": time.time() - start, "seed": args.seed}, args.out)

    last = min(args.steps, args.stop_after or args.steps)
    for step in range(1, last + 1):
        if step <= args.warmup:
            lr = args.lr * step / args.warmup
        else:
            progress = (step - args.warmup) / max(1, args.steps - args.warmup)
            lr = args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))
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
        if step % args.save_every == 0:
            save(step)
    save(last)
    print(f"done: {seen:,} tokens in {(time.time() - start) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
