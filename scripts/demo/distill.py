"""Distil the demo model (the teacher, models/demo.gguf) into a 2-layer student of the same width,
tokenizer and context, on the teacher's soft targets (Hinton, Vinyals & Dean 2015).

The student is the draft model for speculative decoding, so what counts is how often its argmax
equals the teacher's; `--measure` reports exactly that on the held-out probe documents.
Usage: python3 distill.py --teacher ../../models/demo.gguf --corpus out/corpus.jsonl --probe out/probe.jsonl
         --out out/student.pt [--layers 0,5] [--steps N] [--stop-after N]
       python3 distill.py --teacher ... --probe out/probe.jsonl --trial-layers   (initial agreement of every pair)
       python3 distill.py --teacher ... --probe out/probe.jsonl --measure out/student.pt [--json out/agreement.json]"""
import argparse
import itertools
import json
import random
import time

import torch
import torch.nn.functional as F

from export_gguf import gguf_config, read_gguf, read_gguf_state
from model import Config, Llama
from train import batches, load_corpus, load_probe, lr_at, make_optimizer, probe_scores


def load_teacher(path):
    """The teacher as a frozen torch model, its config read from the GGUF's own metadata."""
    metadata, _ = read_gguf(path)
    cfg = Config(**gguf_config(metadata))
    teacher = Llama(cfg)
    teacher.load_state_dict(read_gguf_state(path, cfg.to_dict()))
    teacher.eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    return teacher


def student_from(teacher, layers):
    """A student with len(layers) blocks: the teacher's embeddings, output norm and output layer,
    and its blocks `layers` in order (DistilBERT initialises from teacher layers the same way)."""
    cfg = Config(**{**teacher.cfg.to_dict(), "n_layer": len(layers)})
    student = Llama(cfg)
    state = {k: v for k, v in teacher.state_dict().items() if not k.startswith("blocks.")}
    for new, old in enumerate(layers):
        prefix = f"blocks.{old}."
        state.update({f"blocks.{new}.{k[len(prefix):]}": v for k, v in teacher.state_dict().items() if k.startswith(prefix)})
    student.load_state_dict(state)
    return student


def distillation_loss(student_logits, teacher_logits, targets, weights, temperature, soft_weight):
    """Per position: soft_weight * KL(teacher_T || student_T) * T^2 + (1 - soft_weight) * the
    hard-label cross-entropy (Hinton et al. 2015, section 2: the T^2 keeps the soft term's
    gradients on the hard term's scale); averaged with train.py's position weights."""
    t = temperature
    log_student = F.log_softmax(student_logits / t, -1)
    log_teacher = F.log_softmax(teacher_logits / t, -1)
    kl = (log_teacher.exp() * (log_teacher - log_student)).sum(-1) * (t * t)
    hard = F.cross_entropy(student_logits.reshape(-1, student_logits.shape[-1]), targets.reshape(-1),
                           reduction="none").view_as(kl)
    per_position = soft_weight * kl + (1 - soft_weight) * hard
    return (per_position * weights).sum() / weights.sum()


@torch.no_grad()
def agreement(student, teacher, probe):
    """Teacher-forced argmax agreement on the probe documents: per label and overall, over the
    answer tokens (the final answer span, what greedy decoding must write) and over all tokens
    after BOS. Overall, answer tokens are summed over the labels (judge/line and judge/verdict
    share their documents, so the verdict word counts twice) and all-token positions count
    each distinct document once."""
    student.eval()
    per_label, seen = {}, set()
    totals = {"answer": [0, 0], "all": [0, 0]}
    for label, docs in probe.items():
        width = max(len(t) for t, _ in docs)
        tokens = torch.zeros(len(docs), width, dtype=torch.long)
        answer = torch.zeros(len(docs), width, dtype=torch.bool)
        real = torch.zeros(len(docs), width, dtype=torch.bool)
        for row, (t, w) in enumerate(docs):
            tokens[row, :len(t)] = torch.tensor(t)
            answer[row, :len(w)] = torch.tensor(w) > 0
            real[row, :len(t)] = True
        same = student(tokens[:, :-1]).argmax(-1) == teacher(tokens[:, :-1]).argmax(-1)
        answer, real = answer[:, 1:], real[:, 1:]
        row = {"answer": [int((same & answer).sum()), int(answer.sum())], "all": [int((same & real).sum()), int(real.sum())]}
        per_label[label] = row
        for i, (t, _) in enumerate(docs):
            key = tuple(t)
            if key not in seen:
                seen.add(key)
                totals["all"][0] += int((same[i] & real[i]).sum())
                totals["all"][1] += int(real[i].sum())
            totals["answer"][0] += int((same[i] & answer[i]).sum())
            totals["answer"][1] += int(answer[i].sum())
    student.train()
    return {"labels": per_label, "answer": totals["answer"], "all": totals["all"]}


def share(pair):
    return pair[0] / pair[1] if pair[1] else float("nan")


def print_agreement(result, prefix=""):
    print(f"{prefix}teacher agreement: answer tokens {share(result['answer']):.4f} ({result['answer'][0]}/{result['answer'][1]}), "
          f"all tokens {share(result['all']):.4f} ({result['all'][0]}/{result['all'][1]})", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--teacher", required=True, help="the teacher GGUF (F32, export_gguf.py's layout)")
    p.add_argument("--corpus")
    p.add_argument("--probe", required=True)
    p.add_argument("--out")
    p.add_argument("--layers", default="0,5", help="teacher blocks the student starts from, in order")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--tokens-per-batch", type=int, default=4096)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--temperature", type=float, default=2.0)
    p.add_argument("--soft-weight", type=float, default=0.9, help="weight of the soft (KL) term; the hard label gets the rest")
    p.add_argument("--prompt-weight", type=float, default=0.1, help="as train.py: positions outside the answers weigh this")
    p.add_argument("--seed", type=int, default=20240501)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--probe-every", type=int, default=250)
    p.add_argument("--save-every", type=int, default=100)
    p.add_argument("--stop-after", type=int, default=None,
                   help="stop (and save) after this step; the learning-rate schedule still spans --steps")
    p.add_argument("--trial-layers", action="store_true", help="print every layer pair's agreement before training, then exit")
    p.add_argument("--measure", default=None, help="a student checkpoint: print its agreement and probe scores, then exit")
    p.add_argument("--json", default=None, help="with --measure: also write the agreement here")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    teacher = load_teacher(args.teacher)
    probe = load_probe(args.probe)

    if args.trial_layers:
        rows = []
        for pair in itertools.combinations(range(teacher.cfg.n_layer), 2):
            result = agreement(student_from(teacher, pair), teacher, probe)
            rows.append((share(result["answer"]), share(result["all"]), pair))
        for a, b, pair in sorted(rows, reverse=True):
            print(f"layers {pair[0]},{pair[1]}: answer {a:.4f} all {b:.4f}", flush=True)
        return
    if args.measure:
        ckpt = torch.load(args.measure, map_location="cpu")
        student = Llama(Config(**ckpt["config"]))
        student.load_state_dict(ckpt["state"])
        result = agreement(student, teacher, probe)
        for label, row in result["labels"].items():
            print(f"  {label:22} answer {share(row['answer']):.4f} ({row['answer'][0]}/{row['answer'][1]})  "
                  f"all {share(row['all']):.4f} ({row['all'][0]}/{row['all'][1]})")
        print_agreement(result)
        scores = probe_scores(student, probe)
        print("student probe (greedy exact answer): " + "  ".join(f"{k} {v:.2f}" for k, v in scores.items()))
        print(f"student: {ckpt['config']['n_layer']} layers, {student.param_count():,} parameters "
              f"(teacher {teacher.param_count():,}), {ckpt['step']} steps, {ckpt['tokens']:,} tokens, "
              f"{ckpt['seconds'] / 60:.1f} min")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({**result, "params": student.param_count(), "teacher_params": teacher.param_count(),
                           "step": ckpt["step"], "tokens": ckpt["tokens"], "seconds": ckpt["seconds"]}, f, indent=1)
        return

    layers = [int(x) for x in args.layers.split(",")]
    student = student_from(teacher, layers)
    rng = random.Random(args.seed)
    docs = load_corpus(args.corpus, args.prompt_weight)
    print(f"student: teacher layers {layers}, {student.param_count():,} parameters (teacher {teacher.param_count():,}), "
          f"{len(docs):,} documents, T={args.temperature}, soft weight {args.soft_weight}", flush=True)
    print_agreement(agreement(student, teacher, probe), "step 0 ")
    opt = make_optimizer(student, args.lr)
    stream = batches(docs, args.tokens_per_batch, rng)
    seen, smooth, start = 0, None, time.time()

    def save(step):
        torch.save({"config": student.cfg.to_dict(), "state": student.state_dict(), "step": step, "tokens": seen,
                    "seconds": time.time() - start, "seed": args.seed, "teacher_layers": layers,
                    "temperature": args.temperature, "soft_weight": args.soft_weight}, args.out)

    last = min(args.steps, args.stop_after or args.steps)
    for step in range(1, last + 1):
        lr = lr_at(step, args.lr, args.warmup, args.steps)
        for group in opt.param_groups:
            group["lr"] = lr
        tokens, weights = next(stream)
        with torch.no_grad():
            teacher_logits = teacher(tokens[:, :-1])
        loss = distillation_loss(student(tokens[:, :-1]), teacher_logits, tokens[:, 1:], weights[:, 1:],
                                 args.temperature, args.soft_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
        opt.step()
        seen += int(tokens.numel())
        smooth = loss.item() if smooth is None else 0.98 * smooth + 0.02 * loss.item()
        if step % 50 == 0 or step == last:
            elapsed = time.time() - start
            print(f"step {step} loss {smooth:.4f} lr {lr:.2e} tokens {seen:,} {seen / elapsed:.0f} tok/s {elapsed / 60:.1f} min", flush=True)
        if step % args.probe_every == 0 or step == last:
            print_agreement(agreement(student, teacher, probe), f"step {step} ")
        if step % args.save_every == 0:
            save(step)
    save(last)
    print(f"done: {seen:,} tokens in {(time.time() - start) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
