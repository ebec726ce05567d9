using TorchSharp;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Checkpoints;

/// <summary>
/// A llama2.c <c>.bin</c> checkpoint (legacy format: 7 int32 header dim, hidden_dim, n_layers,
/// n_heads, n_kv_heads, vocab_size, seq_len, then float32 weights; a negative vocab_size means an
/// unshared classifier follows). Tensors are exposed under Hugging Face names, with q/k rows
/// permuted from llama2.c's interleaved rotary pairs to HF's rotate_half layout, so the same model
/// gives the same logits from either format.
/// </summary>
public sealed class Llama2cCheckpoint : ITensorSource
{
    private const int HeaderBytes = 7 * sizeof(int);
    private readonly Dictionary<string, Tensor> _tensors;

    private Llama2cCheckpoint(string path, LlamaConfig config, Dictionary<string, Tensor> tensors)
    {
        Path = path;
        Config = config;
        _tensors = tensors;
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <summary>The architecture read from the header (BOS 1, EOS 2, theta 10000, eps 1e-5 as llama2.c uses).</summary>
    public LlamaConfig Config { get; }

    /// <inheritdoc />
    public IEnumerable<string> Names => _tensors.Keys;

    /// <summary>Reads and converts <paramref name="path"/>.</summary>
    /// <exception cref="ModelLoadException">Missing file, bad header, size not matching the header.</exception>
    public static Llama2cCheckpoint Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"{path}: llama2.c checkpoint not found; check the model path");
        }

        using var stream = File.OpenRead(path);
        var header = new int[7];
        var headerBytes = new byte[HeaderBytes];
        if (stream.Read(headerBytes) != HeaderBytes)
        {
            throw new ModelLoadException($"{path}: truncated llama2.c checkpoint (shorter than its 28-byte header)");
        }

        Buffer.BlockCopy(headerBytes, 0, header, 0, HeaderBytes);
        if (header[0] == 0x616b3432)
        {
            throw new ModelLoadException($"{path}: llama2.c 'ak42' (version 1+) export is not supported; export with the legacy format (version 0)");
        }

        var (dim, hidden, layers, heads, kvHeads, signedVocab, seqLen) = (header[0], header[1], header[2], header[3], header[4], header[5], header[6]);
        var shared = signedVocab > 0;
        var vocab = Math.Abs(signedVocab);
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab == 0 || seqLen <= 0
            || dim % heads != 0 || heads % kvHeads != 0)
        {
            throw new ModelLoadException($"{path}: not a llama2.c checkpoint (header dim={dim} hidden_dim={hidden} n_layers={layers} n_heads={heads} n_kv_heads={kvHeads} vocab_size={signedVocab} seq_len={seqLen})");
        }

        var config = new LlamaConfig
        {
            HiddenSize = dim,
            IntermediateSize = hidden,
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            VocabSize = vocab,
            MaxPositionEmbeddings = seqLen,
            RmsNormEps = 1e-5,
            RopeTheta = 10000.0,
            TieWordEmbeddings = shared,
            BosTokenId = 1,
            EosTokenIdValue = System.Text.Json.JsonSerializer.SerializeToElement(2),
        }.Validate(path);

        var headSize = dim / heads;
        var kvDim = kvHeads * headSize;
        long L = layers;
        long floats = ((long)vocab * dim) + (L * dim) + (L * dim * dim) + (2 * L * kvDim * dim) + (L * dim * dim)
            + (L * dim) + (3 * L * hidden * dim) + dim + ((long)seqLen * headSize) + (shared ? 0 : (long)vocab * dim);
        if (stream.Length != HeaderBytes + (floats * sizeof(float)))
        {
            throw new ModelLoadException($"{path}: file has {stream.Length} bytes but its header describes {HeaderBytes + (floats * sizeof(float))}; truncated or not a legacy llama2.c checkpoint");
        }

        var reader = new Reader(stream);
        var t = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        t["model.embed_tokens.weight"] = reader.Next(vocab, dim);
        var attentionNorm = reader.Next(L, dim);
        var wq = reader.Next(L, dim, dim);
        var wk = reader.Next(L, kvDim, dim);
        var wv = reader.Next(L, kvDim, dim);
        var wo = reader.Next(L, dim, dim);
        var ffnNorm = reader.Next(L, dim);
        var w1 = reader.Next(L, hidden, dim);
        var w2 = reader.Next(L, dim, hidden);
        var w3 = reader.Next(L, hidden, dim);
        t["model.norm.weight"] = reader.Next(dim);
        reader.Skip((long)seqLen * headSize * sizeof(float));   // freq_cis_real/imag: recomputed from theta
        if (!shared)
        {
            t["lm_head.weight"] = reader.Next(vocab, dim);
        }

        for (var i = 0; i < layers; i++)
        {
            var prefix = $"model.layers.{i}.";
            t[prefix + "input_layernorm.weight"] = attentionNorm[i].clone();
            t[prefix + "self_attn.q_proj.weight"] = ToRotateHalf(wq[i], heads);
            t[prefix + "self_attn.k_proj.weight"] = ToRotateHalf(wk[i], kvHeads);
            t[prefix + "self_attn.v_proj.weight"] = wv[i].clone();
            t[prefix + "self_attn.o_proj.weight"] = wo[i].clone();
            t[prefix + "post_attention_layernorm.weight"] = ffnNorm[i].clone();
            t[prefix + "mlp.gate_proj.weight"] = w1[i].clone();
            t[prefix + "mlp.down_proj.weight"] = w2[i].clone();
            t[prefix + "mlp.up_proj.weight"] = w3[i].clone();
        }

        foreach (var stacked in new[] { attentionNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3 })
        {
            stacked.Dispose();
        }

        return new Llama2cCheckpoint(path, config, t);
    }

    /// <inheritdoc />
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <inheritdoc />
    public long[] GetShape(string name) => Get(name).shape;

    /// <inheritdoc />
    public Tensor Read(string name) => Get(name).clone();

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
        {
            tensor.Dispose();
        }
    }

    // llama2.c rotates interleaved pairs (x0, x1), (x2, x3), ...; HF rotates (x_i, x_{i+hs/2}).
    // Reordering each head's rows from [pair, 2] to [2, pair] maps one layout onto the other
    // (the same permutation HF's conversion script and llama2.c's export apply).
    private static Tensor ToRotateHalf(Tensor weight, int heads)
    {
        var (rows, columns) = (weight.shape[0], weight.shape[1]);
        return weight.view(heads, rows / heads / 2, 2, columns).transpose(1, 2).reshape(rows, columns).contiguous();
    }

    private Tensor Get(string name) =>
        _tensors.GetValueOrDefault(name) ?? throw new ModelLoadException($"{Path}: no tensor named '{name}'");

    private sealed class Reader(Stream stream)
    {
        public Tensor Next(params long[] shape)
        {
            var tensor = empty(shape, ScalarType.Float32);
            stream.ReadExactly(tensor.bytes);
            return tensor;
        }

        public void Skip(long bytes) => stream.Seek(bytes, SeekOrigin.Current);
    }
}
