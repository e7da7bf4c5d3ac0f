"""Write a trained checkpoint as a GGUF file llama.cpp loads (general.architecture "llama",
a "gpt2" byte-level tokenizer with no merges: token i is byte i, then <s> and </s>).
Layout per /work/shared/notes/llama-cpp.md: version 3, 32-byte aligned tensor data, a
row-major (rows, cols) tensor written with dims [cols, rows].
Usage: python3 export_gguf.py --checkpoint out/model.pt --out ../../models/demo.gguf [--type f32|f16] [--name N]
The layer count and shapes come from the checkpoint's config (the student has 2 layers)."""
import argparse
import struct

import numpy as np
import torch

from model import BOS, EOS

ALIGN = 32
U32, I32, F32, BOOL, STRING, ARRAY = 4, 5, 6, 7, 8, 9
GGML_F32, GGML_F16 = 0, 1


def byte_to_unicode():
    """GPT-2's reversible byte -> printable character table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def gguf_string(s: str) -> bytes:
    data = s.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def gguf_value(kind, value) -> bytes:
    if kind == U32:
        return struct.pack("<I", value)
    if kind == I32:
        return struct.pack("<i", value)
    if kind == F32:
        return struct.pack("<f", value)
    if kind == BOOL:
        return struct.pack("<?", value)
    if kind == STRING:
        return gguf_string(value)
    raise ValueError(kind)


def gguf_kv(key, kind, value, elem=None) -> bytes:
    out = gguf_string(key) + struct.pack("<I", kind)
    if kind == ARRAY:
        out += struct.pack("<IQ", elem, len(value)) + b"".join(gguf_value(elem, v) for v in value)
    else:
        out += gguf_value(kind, value)
    return out


def tensors_of(state, cfg):
    """(name, numpy array) pairs in llama.cpp's naming; norms always F32."""
    yield "token_embd.weight", state["embed.weight"]
    for i in range(cfg["n_layer"]):
        p = f"blocks.{i}."
        yield f"blk.{i}.attn_norm.weight", state[p + "attn_norm.weight"]
        yield f"blk.{i}.attn_q.weight", state[p + "wq.weight"]
        yield f"blk.{i}.attn_k.weight", state[p + "wk.weight"]
        yield f"blk.{i}.attn_v.weight", state[p + "wv.weight"]
        yield f"blk.{i}.attn_output.weight", state[p + "wo.weight"]
        yield f"blk.{i}.ffn_norm.weight", state[p + "ffn_norm.weight"]
        yield f"blk.{i}.ffn_gate.weight", state[p + "w_gate.weight"]
        yield f"blk.{i}.ffn_up.weight", state[p + "w_up.weight"]
        yield f"blk.{i}.ffn_down.weight", state[p + "w_down.weight"]
    yield "output_norm.weight", state["norm.weight"]
    yield "output.weight", state["output.weight"]


def export(checkpoint_path, out_path, dtype="f32", name="assay-demo"):
    ckpt = torch.load(checkpoint_path, map_location="cpu")
    cfg, state = ckpt["config"], ckpt["state"]
    table = byte_to_unicode()
    tokens = [table[b] for b in range(256)] + ["<s>", "</s>"]
    assert len(tokens) == cfg["vocab"] and tokens.index("<s>") == BOS and tokens.index("</s>") == EOS
    head_dim = cfg["n_embd"] // cfg["n_head"]
    kvs = [
        gguf_kv("general.architecture", STRING, "llama"),
        gguf_kv("general.name", STRING, name),
        gguf_kv("general.file_type", U32, 0 if dtype == "f32" else 1),
        gguf_kv("llama.vocab_size", U32, cfg["vocab"]),
        gguf_kv("llama.context_length", U32, cfg["context"]),
        gguf_kv("llama.embedding_length", U32, cfg["n_embd"]),
        gguf_kv("llama.block_count", U32, cfg["n_layer"]),
        gguf_kv("llama.feed_forward_length", U32, cfg["n_ff"]),
        gguf_kv("llama.attention.head_count", U32, cfg["n_head"]),
        gguf_kv("llama.attention.head_count_kv", U32, cfg["n_kv_head"]),
        gguf_kv("llama.attention.layer_norm_rms_epsilon", F32, cfg["norm_eps"]),
        gguf_kv("llama.rope.dimension_count", U32, head_dim),
        gguf_kv("llama.rope.freq_base", F32, cfg["rope_base"]),
        gguf_kv("tokenizer.ggml.model", STRING, "gpt2"),
        gguf_kv("tokenizer.ggml.pre", STRING, "default"),
        gguf_kv("tokenizer.ggml.tokens", ARRAY, tokens, STRING),
        gguf_kv("tokenizer.ggml.token_type", ARRAY, [1] * 256 + [3, 3], I32),
        gguf_kv("tokenizer.ggml.merges", ARRAY, [], STRING),
        gguf_kv("tokenizer.ggml.bos_token_id", U32, BOS),
        gguf_kv("tokenizer.ggml.eos_token_id", U32, EOS),
        gguf_kv("tokenizer.ggml.add_bos_token", BOOL, True),
        gguf_kv("tokenizer.ggml.add_eos_token", BOOL, False),
    ]
    infos, blobs, offset = [], [], 0
    for name, tensor in tensors_of(state, cfg):
        array = tensor.detach().float().numpy()
        is_norm = array.ndim == 1
        kind = GGML_F32 if dtype == "f32" or is_norm else GGML_F16
        data = np.ascontiguousarray(array, dtype=np.float32 if kind == GGML_F32 else np.float16).tobytes()
        dims = list(reversed(array.shape))
        infos.append(gguf_string(name) + struct.pack("<I", len(dims)) + struct.pack(f"<{len(dims)}Q", *dims)
                     + struct.pack("<IQ", kind, offset))
        padded = data + b"\0" * (-len(data) % ALIGN)
        blobs.append(padded)
        offset += len(padded)
    header = b"GGUF" + struct.pack("<IQQ", 3, len(infos), len(kvs)) + b"".join(kvs) + b"".join(infos)
    header += b"\0" * (-len(header) % ALIGN)
    with open(out_path, "wb") as f:
        f.write(header)
        for blob in blobs:
            f.write(blob)
    return len(header) + offset


def read_gguf(path):
    """(metadata, tensors by GGUF name) of an F32 GGUF this module wrote; metadata values are
    parsed (arrays as lists), tensors are torch tensors in torch's (rows, cols) order."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"GGUF", path
    _, n_tensors, n_kv = struct.unpack_from("<IQQ", data, 4)
    pos = 24

    def string():
        nonlocal pos
        (n,) = struct.unpack_from("<Q", data, pos)
        pos += 8 + n
        return data[pos - n:pos].decode("utf-8")

    formats = {U32: "<I", I32: "<i", F32: "<f", BOOL: "<?"}

    def value(kind):
        nonlocal pos
        if kind == STRING:
            return string()
        if kind == ARRAY:
            elem, count = struct.unpack_from("<IQ", data, pos)
            pos += 12
            return [value(elem) for _ in range(count)]
        (v,) = struct.unpack_from(formats[kind], data, pos)
        pos += struct.calcsize(formats[kind])
        return v

    metadata = {}
    for _ in range(n_kv):
        key = string()
        (kind,) = struct.unpack_from("<I", data, pos)
        pos += 4
        metadata[key] = value(kind)
    infos = []
    for _ in range(n_tensors):
        name = string()
        (ndim,) = struct.unpack_from("<I", data, pos)
        dims = struct.unpack_from(f"<{ndim}Q", data, pos + 4)
        kind, offset = struct.unpack_from("<IQ", data, pos + 4 + 8 * ndim)
        pos += 4 + 8 * ndim + 12
        assert kind == GGML_F32, f"{name}: only F32 files can be read back"
        infos.append((name, tuple(reversed(dims)), offset))
    start = pos + (-pos % ALIGN)
    by_name = {}
    for name, shape, offset in infos:
        count = int(np.prod(shape))
        by_name[name] = torch.from_numpy(np.frombuffer(data, np.float32, count, start + offset).reshape(shape).copy())
    return metadata, by_name


def gguf_config(metadata):
    """The model.Config fields of a GGUF's llama.* metadata (the inverse of export's keys)."""
    return {
        "n_embd": metadata["llama.embedding_length"], "n_layer": metadata["llama.block_count"],
        "n_head": metadata["llama.attention.head_count"], "n_kv_head": metadata["llama.attention.head_count_kv"],
        "n_ff": metadata["llama.feed_forward_length"], "context": metadata["llama.context_length"],
        "rope_base": metadata["llama.rope.freq_base"], "norm_eps": metadata["llama.attention.layer_norm_rms_epsilon"],
        "vocab": metadata["llama.vocab_size"],
    }


def read_gguf_state(path, cfg):
    """The model state (torch names) of an F32 GGUF this module wrote: the inverse of
    tensors_of, for warm-starting training from a shipped model."""
    _, by_name = read_gguf(path)
    torch_names = {}
    torch_names["token_embd.weight"] = "embed.weight"
    for i in range(cfg["n_layer"]):
        for ours, theirs in [("attn_norm", "attn_norm"), ("attn_q", "wq"), ("attn_k", "wk"), ("attn_v", "wv"),
                             ("attn_output", "wo"), ("ffn_norm", "ffn_norm"), ("ffn_gate", "w_gate"),
                             ("ffn_up", "w_up"), ("ffn_down", "w_down")]:
            torch_names[f"blk.{i}.{ours}.weight"] = f"blocks.{i}.{theirs}.weight"
    torch_names["output_norm.weight"] = "norm.weight"
    torch_names["output.weight"] = "output.weight"
    return {torch_names[name]: tensor for name, tensor in by_name.items()}


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--type", choices=["f32", "f16"], default="f32")
    p.add_argument("--name", default="assay-demo", help="general.name (the student: assay-demo-student)")
    a = p.parse_args()
    size = export(a.checkpoint, a.out, a.type, a.name)
    print(f"wrote {a.out} ({size / 1e6:.1f} MB)")
