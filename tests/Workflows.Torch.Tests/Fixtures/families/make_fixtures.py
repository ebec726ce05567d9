#!/usr/bin/python3
"""Tiny random checkpoints of the supported model families, with reference logits from plain PyTorch.

For each family this takes the real config.json in ../shared/tokenizers/families/, shrinks its
shape (hidden 32, 2 layers, vocab 96) and keeps what makes the family different: Llama 3.2's
llama3 rope scaling, explicit head_dim and list of eos ids; Qwen2.5's q/k/v biases; Qwen3's q/k
RMSNorm and explicit head_dim; Mistral's sliding window (shrunk to 8 so the sequence goes past
it). TinyLlama (plain Llama, untied head) also gets attention/MLP biases and linear rope scaling,
and a third Llama variant dynamic NTK with a context of 16 and a 24-token sequence, so every
config feature the decoder reads is exercised. Weights are random (seeded), stored as F16 so each
fixture stays small; the forward pass below runs in float32 on the F16-rounded values.

The forward pass is written directly from transformers' modeling_llama / modeling_qwen2 /
modeling_qwen3 / modeling_mistral (eager attention) and modeling_rope_utils, with no transformers
import. Writes <family>/config.json, model.safetensors and reference.json (tokens, logits at every
position, the rope inverse frequencies, and 12 greedy tokens decoded by full forwards).

Run from the repository root with Debian's torch (apt-get install python3-torch):
    /usr/bin/python3 tests/Workflows.Torch.Tests/Fixtures/families/make_fixtures.py
"""
import json
import math
import os
import struct

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
REAL = os.path.join(ROOT, "..", "shared", "tokenizers", "families")

SHAPE = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 96}

# name: (real config folder, overrides keeping the family's features at the tiny scale, sequence length)
FAMILIES = {
    "llama32": ("llama-3.2-1b-instruct", {
        "head_dim": 16, "max_position_embeddings": 2048, "bos_token_id": 90, "eos_token_id": [91, 92, 93],
        "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                         "original_max_position_embeddings": 16, "rope_type": "llama3"}}, 20),
    "tinyllama": ("tinyllama-1.1b-chat", {
        "attention_bias": True, "mlp_bias": True, "bos_token_id": 1, "eos_token_id": 2,
        "rope_scaling": {"type": "linear", "factor": 4.0}}, 20),
    "llama-dynamic": ("tinyllama-1.1b-chat", {
        "max_position_embeddings": 16, "bos_token_id": 1, "eos_token_id": 2,
        "rope_scaling": {"rope_type": "dynamic", "factor": 2.0}}, 24),
    "qwen25": ("qwen2.5-0.5b-instruct", {
        "bos_token_id": 90, "eos_token_id": 91, "sliding_window": 4, "max_window_layers": 1}, 20),
    "qwen3": ("qwen3-0.6b", {"head_dim": 16, "bos_token_id": 90, "eos_token_id": 91}, 20),
    "mistral": ("mistral-7b-instruct-v0.3", {"sliding_window": 8, "bos_token_id": 1, "eos_token_id": 2}, 20),
}


# ---- the reference forward pass (transformers' maths, eager attention) -------------------------

def head_dim(cfg):
    default = 128 if cfg["model_type"] == "qwen3" else cfg["hidden_size"] // cfg["num_attention_heads"]
    return cfg.get("head_dim") or default


def rope_inv_freq(cfg, seq_len):
    """modeling_rope_utils: default, linear, dynamic and llama3 (attention_factor is 1.0 for all four)."""
    base, dim = cfg.get("rope_theta", 10000.0), head_dim(cfg)
    scaling = cfg.get("rope_scaling") or {}
    rope_type = scaling.get("rope_type", scaling.get("type", "default"))
    if rope_type == "dynamic":
        max_pos, factor = cfg["max_position_embeddings"], scaling["factor"]
        seq_len = max(seq_len, max_pos)
        base = base * ((factor * seq_len / max_pos) - (factor - 1)) ** (dim / (dim - 2))
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    if rope_type == "linear":
        inv_freq /= scaling["factor"]
    elif rope_type == "llama3":
        factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
        old = scaling["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / inv_freq
        inv_freq_llama = torch.where(wavelen > low_wavelen, inv_freq / factor, inv_freq)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * inv_freq_llama / factor + smooth * inv_freq_llama
        is_medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        inv_freq = torch.where(is_medium, smoothed, inv_freq_llama)
    return inv_freq


def rms_norm(x, weight, eps):
    x32 = x.to(torch.float32)
    return weight * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def linear(x, w, p):
    return torch.nn.functional.linear(x, w[p + ".weight"], w.get(p + ".bias"))


def forward(w, cfg, ids):
    mt = cfg["model_type"]
    heads, kv_heads, eps = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["rms_norm_eps"]
    hd, t = head_dim(cfg), len(ids)
    angles = torch.outer(torch.arange(t, dtype=torch.float32), rope_inv_freq(cfg, t))
    emb = torch.cat((angles, angles), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    q_pos, k_pos = torch.arange(t).unsqueeze(1), torch.arange(t).unsqueeze(0)
    masked = k_pos > q_pos
    if mt == "mistral" and cfg.get("sliding_window"):
        masked = masked | (k_pos <= q_pos - cfg["sliding_window"])     # MistralModel: keys within the window only
    mask = torch.zeros(t, t).masked_fill(masked, float("-inf"))

    x = w["model.embed_tokens.weight"][torch.tensor(ids)]                                  # (T, C)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(h, w, p + "self_attn.q_proj").view(t, heads, hd)
        k = linear(h, w, p + "self_attn.k_proj").view(t, kv_heads, hd)
        v = linear(h, w, p + "self_attn.v_proj").view(t, kv_heads, hd).transpose(0, 1)
        if mt == "qwen3":                                                                  # Qwen3Attention: norm per head, before RoPE
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q, k = q.transpose(0, 1), k.transpose(0, 1)                                        # (heads, T, hd)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(heads // kv_heads, dim=0)
        v = v.repeat_interleave(heads // kv_heads, dim=0)
        scores = q @ k.transpose(-1, -2) * hd ** -0.5 + mask
        att = torch.softmax(scores, dim=-1, dtype=torch.float32)
        y = (att @ v).transpose(0, 1).reshape(t, heads * hd)
        x = x + linear(y, w, p + "self_attn.o_proj")
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = linear(h, w, p + "mlp.gate_proj")
        up = linear(h, w, p + "mlp.up_proj")
        x = x + linear(torch.nn.functional.silu(gate) * up, w, p + "mlp.down_proj")
    x = rms_norm(x, w["model.norm.weight"], eps)
    return x @ w.get("lm_head.weight", w["model.embed_tokens.weight"]).T                 # (T, vocab)


# ---- random checkpoints -------------------------------------------------------------------------

def biases(cfg):
    """Which projections carry a bias, per family (as the transformers modules are built)."""
    mt = cfg["model_type"]
    attn = cfg.get("attention_bias", False)
    return {
        "q": mt == "qwen2" or (mt in ("llama", "qwen3") and attn),
        "o": mt in ("llama", "qwen3") and attn,
        "mlp": mt == "llama" and cfg.get("mlp_bias", False),
    }


def random_weights(cfg, generator):
    c, inter, vocab = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    heads, kv_heads, hd = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    has = biases(cfg)

    def normal(*shape, std):
        return torch.randn(*shape, generator=generator) * std

    def norm_weight(n):
        return 1.0 + normal(n, std=0.1)

    w = {"model.embed_tokens.weight": normal(vocab, c, std=0.4)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        for name, out, inp in (("q_proj", heads * hd, c), ("k_proj", kv_heads * hd, c), ("v_proj", kv_heads * hd, c), ("o_proj", c, heads * hd)):
            w[p + "self_attn." + name + ".weight"] = normal(out, inp, std=inp ** -0.5)
            if (has["o"] if name == "o_proj" else has["q"]):
                w[p + "self_attn." + name + ".bias"] = normal(out, std=0.5)
        if cfg["model_type"] == "qwen3":
            w[p + "self_attn.q_norm.weight"] = norm_weight(hd)
            w[p + "self_attn.k_norm.weight"] = norm_weight(hd)
        for name, out, inp in (("gate_proj", inter, c), ("up_proj", inter, c), ("down_proj", c, inter)):
            w[p + "mlp." + name + ".weight"] = normal(out, inp, std=inp ** -0.5)
            if has["mlp"]:
                w[p + "mlp." + name + ".bias"] = normal(out, std=0.5)
        w[p + "input_layernorm.weight"] = norm_weight(c)
        w[p + "post_attention_layernorm.weight"] = norm_weight(c)
    w["model.norm.weight"] = norm_weight(c)
    if not cfg.get("tie_word_embeddings", False):
        w["lm_head.weight"] = normal(vocab, c, std=c ** -0.5)
    # Stored as F16: the reference computes with exactly the stored values.
    return {k: v.to(torch.float16).to(torch.float32) for k, v in w.items()}


def write_safetensors(path, tensors):
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name in sorted(tensors):
        data = tensors[name].to(torch.float16).numpy().astype("<f2").tobytes()
        header[name] = {"dtype": "F16", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def greedy(w, cfg, prompt, count):
    ids = list(prompt)
    for _ in range(count):
        ids.append(int(forward(w, cfg, ids)[-1].argmax()))
    return ids[len(prompt):]


def main():
    for index, (name, (source, overrides, length)) in enumerate(FAMILIES.items()):
        with open(os.path.join(REAL, source, "config.json")) as f:
            cfg = json.load(f)
        cfg.update(SHAPE)
        cfg.update(overrides)
        cfg["torch_dtype"] = "float16"
        generator = torch.Generator().manual_seed(1000 + index)
        weights = random_weights(cfg, generator)
        tokens = torch.randint(0, cfg["vocab_size"], (length,), generator=generator).tolist()
        with torch.no_grad():
            logits = forward(weights, cfg, tokens)
            decoded = greedy(weights, cfg, tokens[:4], 12)
        folder = os.path.join(HERE, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
            f.write("\n")
        write_safetensors(os.path.join(folder, "model.safetensors"), weights)
        reference = {
            "source": f"../shared/tokenizers/families/{source}/config.json, shrunk",
            "torch": torch.__version__,
            "tokens": tokens,
            "inv_freq": [float(v) for v in rope_inv_freq(cfg, length)],
            "logits": [[round(float(v), 6) for v in row] for row in logits],
            "greedy_prompt": tokens[:4],
            "greedy": decoded,
        }
        with open(os.path.join(folder, "reference.json"), "w") as f:
            json.dump(reference, f, separators=(",", ":"))
            f.write("\n")
        print(f"{name}: {length} tokens, |logits| max {logits.abs().max():.2f}, greedy {decoded}")


if __name__ == "__main__":
    main()
