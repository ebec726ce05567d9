#!/usr/bin/python3
"""Reference logits of stories260K, computed with plain PyTorch, for LlamaForCausalLMTests.

Implements the Hugging Face Llama forward pass (RMSNorm, rotate_half RoPE, grouped-query
attention, SwiGLU, tied head) directly from model.safetensors and config.json, reading the
safetensors header with json + struct so no extra package is needed. Writes
reference_logits.json: the token ids and the logits at a few positions over the full vocabulary;
and reference_packed_logits.json: two documents packed into one row, each attending only to itself
with positions restarting at its start (transformers' position_ids and a block-diagonal causal mask).

Run from the repository root with Debian's torch (apt-get install python3-torch):
    /usr/bin/python3 tests/Workflows.Torch.Tests/Fixtures/make_reference_logits.py
"""
import json
import math
import os
import struct

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
MODEL = os.path.join(ROOT, "..", "shared", "models", "stories260K")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference_logits.json")
PACKED_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference_packed_logits.json")

# BOS + "Once upon a time, there was a little girl named Lily." in the model's SentencePiece
# vocabulary (the C# test encodes the same text and checks it gets these ids).
TOKENS = [1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426]
POSITIONS = [0, 1, 7, 15]

# "Once upon a time," and BOS + " there was a little girl named Lily." packed into one row of 17 tokens.
PACKED_TOKENS = TOKENS[:6] + [1] + TOKENS[6:]
PACKED_DOCUMENTS = [0] * 6 + [1] * 11
PACKED_POSITIONS = [0, 5, 6, 7, 16]


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", info["dtype"]
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[base + begin:base + end], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def rms_norm(x, weight, eps):
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def forward(w, cfg, ids, documents=None):
    dim, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    kv_heads, eps = cfg["num_key_value_heads"], cfg["rms_norm_eps"]
    hs = dim // heads
    t = len(ids)
    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hs, 2, dtype=torch.int64).float() / hs))
    positions = torch.arange(t, dtype=torch.float32)
    mask = torch.full((t, t), float("-inf")).triu(1)
    if documents is not None:
        # position_ids restart at each document; a token sees only its own document's earlier tokens.
        doc = torch.tensor(documents)
        first = {d: documents.index(d) for d in set(documents)}
        positions = torch.tensor([i - first[d] for i, d in enumerate(documents)], dtype=torch.float32)
        mask = mask.masked_fill(doc.unsqueeze(0) != doc.unsqueeze(1), float("-inf"))
    angles = torch.outer(positions, inv_freq)
    emb = torch.cat((angles, angles), dim=-1)
    cos, sin = emb.cos(), emb.sin()

    x = w["model.embed_tokens.weight"][torch.tensor(ids)]                      # (T, C)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = (h @ w[p + "self_attn.q_proj.weight"].T).view(t, heads, hs).transpose(0, 1)     # (nh, T, hs)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).view(t, kv_heads, hs).transpose(0, 1)  # (nkv, T, hs)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(t, kv_heads, hs).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(heads // kv_heads, dim=0)
        v = v.repeat_interleave(heads // kv_heads, dim=0)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hs) + mask, dim=-1)
        y = (att @ v).transpose(0, 1).reshape(t, dim)
        x = x + y @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = h @ w[p + "mlp.gate_proj.weight"].T
        up = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    return x @ head.T                                                          # (T, vocab)


def main():
    with open(os.path.join(MODEL, "config.json")) as f:
        cfg = json.load(f)
    weights = load_safetensors(os.path.join(MODEL, "model.safetensors"))
    with torch.no_grad():
        logits = forward(weights, cfg, TOKENS)
        packed = forward(weights, cfg, PACKED_TOKENS, PACKED_DOCUMENTS)
    write(OUT, TOKENS, None, POSITIONS, logits)
    write(PACKED_OUT, PACKED_TOKENS, PACKED_DOCUMENTS, PACKED_POSITIONS, packed)


def write(path, tokens, documents, positions, logits):
    fixture = {"model": "stories260K/model.safetensors", "torch": torch.__version__, "tokens": tokens}
    if documents is not None:
        fixture["documents"] = documents
    fixture["positions"] = positions
    fixture["logits"] = [[round(float(v), 6) for v in logits[p]] for p in positions]
    with open(path, "w") as f:
        json.dump(fixture, f)
    print(f"wrote {path}: {len(positions)} positions x {logits.shape[1]} logits")


if __name__ == "__main__":
    main()
