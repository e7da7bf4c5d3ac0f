"""The demo model: a tiny Llama (RMSNorm, rotary positions in llama.cpp's adjacent-pair
layout, SwiGLU, grouped-query attention) over a byte vocabulary plus BOS and EOS."""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F

BOS, EOS, VOCAB = 256, 257, 258


@dataclass
class Config:
    n_embd: int = 128
    n_layer: int = 6
    n_head: int = 4
    n_kv_head: int = 2
    n_ff: int = 352
    context: int = 512
    rope_base: float = 10000.0
    norm_eps: float = 1e-5
    vocab: int = VOCAB

    @property
    def head_dim(self) -> int:
        return self.n_embd // self.n_head

    def to_dict(self) -> dict:
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(cfg: Config, positions):
    """cos/sin of shape positions.shape + (head_dim/2,) for the given integer positions."""
    half = cfg.head_dim // 2
    inv = cfg.rope_base ** (-torch.arange(0, half, dtype=torch.float32) * 2 / cfg.head_dim)
    angles = positions.float().unsqueeze(-1) * inv
    return angles.cos(), angles.sin()


def apply_rope(x, cos, sin):
    """Rotate adjacent pairs (x[2i], x[2i+1]) as llama.cpp does for LLAMA_ROPE_TYPE_NORM.
    x: (B, T, heads, hd); cos/sin: (1 or B, T, hd/2)."""
    x0, x1 = x[..., 0::2], x[..., 1::2]
    c, s = cos.unsqueeze(2), sin.unsqueeze(2)
    return torch.stack((x0 * c - x1 * s, x0 * s + x1 * c), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        hd = cfg.head_dim
        self.attn_norm = RMSNorm(cfg.n_embd, cfg.norm_eps)
        self.wq = nn.Linear(cfg.n_embd, cfg.n_head * hd, bias=False)
        self.wk = nn.Linear(cfg.n_embd, cfg.n_kv_head * hd, bias=False)
        self.wv = nn.Linear(cfg.n_embd, cfg.n_kv_head * hd, bias=False)
        self.wo = nn.Linear(cfg.n_head * hd, cfg.n_embd, bias=False)
        self.ffn_norm = RMSNorm(cfg.n_embd, cfg.norm_eps)
        self.w_gate = nn.Linear(cfg.n_embd, cfg.n_ff, bias=False)
        self.w_up = nn.Linear(cfg.n_embd, cfg.n_ff, bias=False)
        self.w_down = nn.Linear(cfg.n_ff, cfg.n_embd, bias=False)

    def forward(self, x, cos, sin, mask_bias):
        cfg = self.cfg
        B, T, _ = x.shape
        hd = cfg.head_dim
        h = self.attn_norm(x)
        q = apply_rope(self.wq(h).view(B, T, cfg.n_head, hd) * (1.0 / math.sqrt(hd)), cos, sin)
        k = apply_rope(self.wk(h).view(B, T, cfg.n_kv_head, hd), cos, sin)
        v = self.wv(h).view(B, T, cfg.n_kv_head, hd)
        rep = cfg.n_head // cfg.n_kv_head  # query head h reads kv head h // rep
        q = q.transpose(1, 2)
        k, v = (t.transpose(1, 2).unsqueeze(2).expand(B, cfg.n_kv_head, rep, T, hd).reshape(B, cfg.n_head, T, hd) for t in (k, v))
        att = q @ k.transpose(-1, -2) + mask_bias
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, cfg.n_head * hd)
        x = x + self.wo(y)
        h = self.ffn_norm(x)
        return x + self.w_down(F.silu(self.w_gate(h)) * self.w_up(h))


class Llama(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab, cfg.n_embd)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.norm = RMSNorm(cfg.n_embd, cfg.norm_eps)
        # Untied on purpose: with a tied output and a small init, this model did not learn to
        # copy (a plain copy task stayed at loss 2.3 after 300 steps; untied: 0.02 after 150).
        self.output = nn.Linear(cfg.n_embd, cfg.vocab, bias=False)
        self.apply(self._init)
        for b in self.blocks:  # scaled residual projections (GPT-2 style)
            nn.init.normal_(b.wo.weight, std=0.02 / math.sqrt(2 * cfg.n_layer))
            nn.init.normal_(b.w_down.weight, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, tokens):
        """tokens: (B, T), one document per row from position 0 (padding only at the end)."""
        T = tokens.shape[1]
        mask_bias = torch.full((T, T), float("-inf")).triu(1)
        cos, sin = rope_tables(self.cfg, torch.arange(T).unsqueeze(0))
        x = self.embed(tokens)
        for b in self.blocks:
            x = b(x, cos, sin, mask_bias)
        return self.output(self.norm(x))

    def param_count(self) -> int:
        return sum(p.numel() for p in self.parameters())
