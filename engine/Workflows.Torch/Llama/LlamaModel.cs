using TorchSharp;
using TorchSharp.Modules;
using Workflows.Torch.Engine;
using static TorchSharp.torch;

namespace Workflows.Torch.Llama;

// The whole Llama architecture in one file, smallest part first, so it reads in one sitting (this
// is the one place the house rule "one public type per file" gives way). Field names equal the
// Hugging Face checkpoint keys: model.layers.0.self_attn.q_proj.weight is literally
// model -> layers[0] -> self_attn -> q_proj -> weight. Shapes: B batch, T new tokens, S tokens
// attended to (cached + new), C hidden size, nh query heads, nkv key/value heads, hs head size.

/// <summary>Root-mean-square layer norm: <c>weight * x / sqrt(mean(x^2) + eps)</c>, computed in float32.</summary>
public sealed class LlamaRmsNorm : nn.Module<Tensor, Tensor>
{
    public Parameter weight;
    private readonly double _eps;

    public LlamaRmsNorm(long size, double eps)
        : base(nameof(LlamaRmsNorm))
    {
        weight = nn.Parameter(ones(size));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to_type(ScalarType.Float32);
        var normalised = x32 * rsqrt(x32.pow(Scalars.Of(2L)).mean([-1L], keepdim: true).Plus(Scalars.Of(_eps)));
        return scope.MoveToOuter(weight * normalised.to_type(x.dtype));
    }
}

/// <summary>
/// Rotary position embedding in the Hugging Face layout (rotate_half: the two halves of each head
/// pair up), with the config's rope scaling (see <see cref="RopeFrequencies"/>).
/// </summary>
public sealed class LlamaRotaryEmbedding
{
    private readonly LlamaConfig _config;
    private readonly Tensor _inverseFrequency;                                                    // (hs/2), float32, CPU

    public LlamaRotaryEmbedding(LlamaConfig config)
    {
        _config = config;
        _inverseFrequency = RopeFrequencies.Compute(config, config.MaxPositionEmbeddings).DetachFromDisposeScope();
    }

    /// <summary>cos and sin for columns <c>start .. start+length-1</c>: each (T, hs) without
    /// <paramref name="padding"/>; with it, (B, 1, T, hs) for left-padded rows, where row b's token at
    /// column <c>start + t</c> has position <c>start + t - padding[b]</c> (padding columns get position 0).</summary>
    public (Tensor Cos, Tensor Sin) For(long start, long length, long[]? padding, Device device, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        // Dynamic NTK raises the base once the sequence outgrows max_position_embeddings, as
        // transformers does from the largest position it is given.
        var end = start + length - (padding?.Min() ?? 0);                                         // one past the largest real position
        var inverseFrequency = (end > _config.MaxPositionEmbeddings && _config.Rope is { RopeType: "dynamic" }
            ? RopeFrequencies.Compute(_config, end)
            : _inverseFrequency).to(device);                                                      // (hs/2)
        var positions = Scalars.Range(start, start + length, device, ScalarType.Int64);                 // (T)
        if (padding is not null) positions = (positions.unsqueeze(0) - tensor(padding, device: device).unsqueeze(1)).clamp_min(Scalars.Of(0L));   // (B, T)
        var (cos, sin) = Angles(positions, inverseFrequency, dtype);
        return (scope.MoveToOuter(cos), scope.MoveToOuter(sin));
    }

    /// <summary>cos and sin, each (B, 1, T, hs), for tokens at <paramref name="positions"/> (B, T): any position per
    /// token, e.g. restarting at 0 with each document packed into a row.</summary>
    public (Tensor Cos, Tensor Sin) ForPositions(Tensor positions, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var end = positions.max().item<long>() + 1;
        var inverseFrequency = (end > _config.MaxPositionEmbeddings && _config.Rope is { RopeType: "dynamic" }
            ? RopeFrequencies.Compute(_config, end)
            : _inverseFrequency).to(positions.device);                                            // (hs/2)
        var (cos, sin) = Angles(positions, inverseFrequency, dtype);
        return (scope.MoveToOuter(cos), scope.MoveToOuter(sin));
    }

    // (T, hs) for positions (T); (B, 1, T, hs) for positions (B, T).
    private static (Tensor Cos, Tensor Sin) Angles(Tensor positions, Tensor inverseFrequency, ScalarType dtype)
    {
        var angles = positions.to_type(ScalarType.Float32).unsqueeze(-1) * inverseFrequency;      // (…, T, hs/2)
        var both = cat([angles, angles], -1);                                                     // (…, T, hs)
        if (positions.dim() == 2) both = both.unsqueeze(1);                                       // (B, 1, T, hs)
        return (both.cos().to_type(dtype), both.sin().to_type(dtype));
    }

    /// <summary>Applies the rotation to q or k of shape (B, heads, T, hs).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[^1] / 2;
        var rotated = cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], -1);                  // rotate_half
        return (x * cos).Plus(rotated * sin);
    }
}

/// <summary>
/// Grouped-query self-attention. The four projections are plain module fields so an adapter can
/// wrap or replace them (see <see cref="ModuleSurgery"/>). Per family: q/k/v (and o) biases,
/// Qwen3's per-head q/k RMSNorm before RoPE, and Mistral's sliding window.
/// </summary>
public sealed class LlamaAttention : nn.Module
{
    public nn.Module<Tensor, Tensor> q_proj;
    public nn.Module<Tensor, Tensor> k_proj;
    public nn.Module<Tensor, Tensor> v_proj;
    public nn.Module<Tensor, Tensor> o_proj;
    public LlamaRmsNorm? q_norm;
    public LlamaRmsNorm? k_norm;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly int? _window;

    public LlamaAttention(LlamaConfig config)
        : base(nameof(LlamaAttention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.HeadDim;
        _window = config.AttentionWindow;
        q_proj = nn.Linear(config.HiddenSize, _heads * _headDim, hasBias: config.QkvBias);
        k_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: config.QkvBias);
        v_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: config.QkvBias);
        o_proj = nn.Linear(_heads * _headDim, config.HiddenSize, hasBias: config.OutputBias);
        if (config.QkNorm)
        {
            q_norm = new LlamaRmsNorm(_headDim, config.RmsNormEps);
            k_norm = new LlamaRmsNorm(_headDim, config.RmsNormEps);
        }

        RegisterComponents();
    }

    /// <summary>Attention over <paramref name="x"/> (B, T, C). <paramref name="mask"/> (B, 1, T, T), true where a token may
    /// attend, replaces the causal mask (packed documents); only without a cache.</summary>
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, KvCache? cache, int layer, Tensor? mask = null)
    {
        var (batch, length) = (x.shape[0], x.shape[1]);
        var q = q_proj.forward(x).view(batch, length, _heads, _headDim);                           // (B, T, nh, hs)
        var k = k_proj.forward(x).view(batch, length, _kvHeads, _headDim);                         // (B, T, nkv, hs)
        if (q_norm is not null && k_norm is not null)
        {
            q = q_norm.forward(q);                                                                 // per head, before RoPE
            k = k_norm.forward(k);
        }

        var v = v_proj.forward(x).view(batch, length, _kvHeads, _headDim).transpose(1, 2);         // (B, nkv, T, hs)
        if (RotaryKernel.Supports(q, cos, sin) && RotaryKernel.Supports(k, cos, sin))
        {
            q = RotaryKernel.Apply(q, cos, sin);                                                   // (B, nh, T, hs), the same bits
            k = RotaryKernel.Apply(k, cos, sin);                                                   // (B, nkv, T, hs)
        }
        else
        {
            q = LlamaRotaryEmbedding.Apply(q.transpose(1, 2), cos, sin);                           // (B, nh, T, hs)
            k = LlamaRotaryEmbedding.Apply(k.transpose(1, 2), cos, sin);                           // (B, nkv, T, hs)
        }

        var start = cache?.Length ?? 0;
        if (cache is not null)
        {
            (k, v) = cache.Append(layer, k, v);                                                    // (B, nkv, S, hs)
        }

        var rowByRow = cache is not null && DecodeAttention.Supports(q, cache, start + length);
        if (_kvHeads != _heads && !rowByRow)
        {
            k = k.repeat_interleave(_heads / _kvHeads, dim: 1);                                    // (B, nh, S, hs)
            v = v.repeat_interleave(_heads / _kvHeads, dim: 1);                                    // (B, nh, S, hs)
        }

        var total = start + length;
        Tensor y;
        if (mask is not null)
        {
            y = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);               // each packed document alone
        }
        else if (rowByRow)
        {
            y = DecodeAttention.Compute(q, cache!, layer, total, _window);                          // prompt or new tokens, alone or batched
        }
        else if (cache?.LeftPadding is not null)
        {
            y = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: cache.PaddingMask(length, _window, x.device));
        }
        else if (_window is int w && length == 1 && total > w)
        {
            // One new token with a window: it sees exactly the last w keys.
            y = nn.functional.scaled_dot_product_attention(q, k.narrow(2, total - w, w), v.narrow(2, total - w, w));
        }
        else if (length == 1)
        {
            y = nn.functional.scaled_dot_product_attention(q, k, v);                               // one new token sees all
        }
        else if (start == 0 && (_window is null || total <= _window))
        {
            y = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
        }
        else
        {
            // Token at position p may see keys p-w+1 .. p (w = window, unbounded without one).
            var keys = Scalars.Range(0, total, x.device).unsqueeze(0);                              // (1, S)
            var queries = Scalars.Range(start, total, x.device).unsqueeze(1);                    // (T, 1)
            var visible = keys <= queries;
            if (_window is int window) visible = visible & (keys > queries - Scalars.Of((long)window));
            y = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: visible);
        }

        y = y.transpose(1, 2).contiguous().view(batch, length, _heads * _headDim);                 // (B, T, nh*hs)
        return o_proj.forward(y);
    }
}

/// <summary>SwiGLU feed-forward: <c>down(silu(gate(x)) * up(x))</c>; projections are replaceable fields.</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    public nn.Module<Tensor, Tensor> gate_proj;
    public nn.Module<Tensor, Tensor> up_proj;
    public nn.Module<Tensor, Tensor> down_proj;

    public LlamaMlp(LlamaConfig config)
        : base(nameof(LlamaMlp))
    {
        gate_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBiasUsed);
        up_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBiasUsed);
        down_proj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: config.MlpBiasUsed);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        down_proj.forward(nn.functional.silu(gate_proj.forward(x)) * up_proj.forward(x));
}

/// <summary>One pre-norm transformer block.</summary>
public sealed class LlamaDecoderLayer : nn.Module
{
    public LlamaAttention self_attn;
    public LlamaMlp mlp;
    public LlamaRmsNorm input_layernorm;
    public LlamaRmsNorm post_attention_layernorm;

    public LlamaDecoderLayer(LlamaConfig config)
        : base(nameof(LlamaDecoderLayer))
    {
        self_attn = new LlamaAttention(config);
        mlp = new LlamaMlp(config);
        input_layernorm = new LlamaRmsNorm(config.HiddenSize, config.RmsNormEps);
        post_attention_layernorm = new LlamaRmsNorm(config.HiddenSize, config.RmsNormEps);
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Tensor cos, Tensor sin, KvCache? cache, int layer, Tensor? mask = null)
    {
        var h = x.Plus(self_attn.forward(input_layernorm.forward(x), cos, sin, cache, layer, mask));
        return h.Plus(mlp.forward(post_attention_layernorm.forward(h)));
    }
}

/// <summary>The decoder stack: token embedding, layers, final norm (HF <c>LlamaModel</c>, <c>MistralModel</c>, <c>Qwen2Model</c>, <c>Qwen3Model</c>).</summary>
public sealed class LlamaModel : nn.Module
{
    public Embedding embed_tokens;
    /// <summary>Replacement rows of <see cref="embed_tokens"/> trained as an adapter (PEFT's trainable tokens); null when none.</summary>
    public Adapters.TrainableTokens? embed_tokens_rows;
    public ModuleList<LlamaDecoderLayer> layers;
    public LlamaRmsNorm norm;
    private readonly LlamaRotaryEmbedding _rotary;
    private readonly int? _window;

    public LlamaModel(LlamaConfig config)
        : base(nameof(LlamaModel))
    {
        _window = config.AttentionWindow;
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new LlamaDecoderLayer(config)).ToArray());
        norm = new LlamaRmsNorm(config.HiddenSize, config.RmsNormEps);
        _rotary = new LlamaRotaryEmbedding(config);
        RegisterComponents();
    }

    /// <summary>Recompute each layer's activations in backward instead of keeping them (see
    /// <see cref="LayerCheckpoint"/>); only while a graph is recorded and without a cache. Default false.</summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>NEFTune's alpha: while training (training mode, recording a graph), uniform noise in ±alpha/√(T·C) is added to
    /// the token embeddings (T the rows' padded length, C the hidden size), drawn from the thread's training generator (<see cref="TrainingRandomness"/>). 0: none (default).</summary>
    public double EmbeddingNoiseAlpha { get; set; }

    /// <summary>Hidden states (B, T, C) for token ids (B, T); appends to <paramref name="cache"/> when given.
    /// <paramref name="documents"/> (B, T), int64, numbers the documents packed into each row (non-decreasing along
    /// it): each token then attends only to the earlier tokens of its own document, and its position restarts at 0
    /// with the document, so every document is computed as it would be alone. Not with a cache.</summary>
    public Tensor forward(Tensor inputIds, KvCache? cache, Tensor? documents = null)
    {
        if (documents is not null && cache is not null) throw new ArgumentException("packed documents are computed without a cache", nameof(documents));
        var x = embed_tokens_rows is null
            ? embed_tokens.forward(inputIds)                                                      // (B, T, C)
            : embed_tokens_rows.Lookup(embed_tokens.weight!, inputIds).reshape(inputIds.shape[0], inputIds.shape[1], -1);
        if (EmbeddingNoiseAlpha > 0 && training && is_grad_enabled())
        {
            var magnitude = EmbeddingNoiseAlpha / Math.Sqrt((double)x.shape[1] * x.shape[2]);
            using var noise = TrainingRandomness.Uniform(x, -magnitude, magnitude);
            x = x.Plus(noise);
        }

        using var layout = documents is null ? null : DocumentLayout(documents);
        var (cos, sin) = layout is { } packed ? _rotary.ForPositions(packed.Positions, x.dtype)  // (B, 1, T, hs)
            : _rotary.For(cache?.Length ?? 0, inputIds.shape[1], cache?.LeftPadding, x.device, x.dtype);   // (T, hs), or (B, 1, T, hs) per padded row
        var mask = layout?.Mask;
        var checkpoint = GradientCheckpointing && cache is null && is_grad_enabled();
        for (var i = 0; i < layers.Count; i++)
        {
            // A scope per layer frees the intermediates autograd does not keep (it holds its own
            // references) when the layer ends, instead of when the caller's scope does.
            using var scope = NewDisposeScope();
            x = scope.MoveToOuter(checkpoint ? LayerCheckpoint.Apply(layers[i], i, x, cos, sin, mask) : layers[i].forward(x, cos, sin, cache, i, mask));
        }

        cache?.Advance(inputIds.shape[1]);
        return norm.forward(x);
    }

    // Each token's position within its document, and which keys it may attend to: its document's, up to itself
    // (and within the sliding window, where the model has one).
    private PackedLayout DocumentLayout(Tensor documents)
    {
        using var scope = NewDisposeScope();
        var length = documents.shape[1];
        var columns = Scalars.Range(0, length, documents.device).unsqueeze(0);                  // (1, T)
        var starts = ones([documents.shape[0], 1], ScalarType.Bool, documents.device);
        if (length > 1) starts = cat([starts, documents.narrow(1, 1, length - 1).ne(documents.narrow(1, 0, length - 1))], 1);   // (B, T): a document begins
        var firsts = where(starts, columns, zeros_like(columns)).cummax(1).values;              // (B, T): column of the document's first token
        var positions = columns - firsts;
        var keys = columns.unsqueeze(1);                                                         // (1, 1, T)
        var queries = columns.unsqueeze(2);                                                      // (1, T, 1)
        var allowed = documents.unsqueeze(2).eq(documents.unsqueeze(1)) & (keys <= queries);    // (B, T, T)
        if (_window is int window) allowed = allowed & (keys > queries - Scalars.Of((long)window));
        return new PackedLayout(scope.MoveToOuter(positions), scope.MoveToOuter(allowed.unsqueeze(1)));
    }

    private sealed record PackedLayout(Tensor Positions, Tensor Mask) : IDisposable
    {
        public void Dispose()
        {
            Positions.Dispose();
            Mask.Dispose();
        }
    }
}

/// <summary>
/// Llama with its language-model head (HF <c>LlamaForCausalLM</c>). With tied embeddings there is
/// no <c>lm_head</c> module: the head multiplies by <c>model.embed_tokens.weight</c> directly, so an
/// optimiser sees that matrix once.
/// </summary>
public sealed class LlamaForCausalLM : nn.Module<Tensor, Tensor>
{
    public LlamaModel model;
    public nn.Module<Tensor, Tensor>? lm_head;
    /// <summary>Replacement rows of an untied <see cref="lm_head"/> trained as an adapter; null when none.</summary>
    public Adapters.TrainableTokens? lm_head_rows;

    public LlamaForCausalLM(LlamaConfig config)
        : base(nameof(LlamaForCausalLM))
    {
        Config = config;
        model = new LlamaModel(config);
        lm_head = config.TieWordEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>The architecture this model was built from (its vocabulary grows with <see cref="ResizeTokenEmbeddings"/>).</summary>
    public LlamaConfig Config { get; private set; }

    /// <summary>
    /// Grows the vocabulary to <paramref name="size"/> ids, as transformers' <c>resize_token_embeddings</c>
    /// with mean resizing: each new row of <c>embed_tokens</c> (and of an untied <c>lm_head</c>) is the
    /// mean of the existing rows, so new tokens start as an average token and not as noise (transformers
    /// samples around that mean with a tiny covariance; the exact mean keeps every process byte-identical).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="size"/> is not larger than the vocabulary.</exception>
    public void ResizeTokenEmbeddings(int size)
    {
        if (size <= Config.VocabSize) throw new ArgumentException($"the vocabulary already has {Config.VocabSize} ids; cannot resize it to {size}");
        using (no_grad())
        {
            var embedding = model.embed_tokens.weight!;
            model.embed_tokens.weight = new Parameter(EmbeddingResize.WithMeanRows(embedding, size), embedding.requires_grad);
            if (lm_head is Linear head)
            {
                var weight = head.weight!;
                head.weight = new Parameter(EmbeddingResize.WithMeanRows(weight, size), weight.requires_grad);
            }
            else if (lm_head is not null)
            {
                throw new InvalidOperationException($"lm_head is a {lm_head.GetType().Name}; resize the vocabulary before adapters wrap it");
            }
        }

        Config = Config with { VocabSize = size };
    }

    /// <summary>Where the weights are.</summary>
    public Device Device
    {
        get
        {
            using var weight = model.embed_tokens.weight!;   // a fresh handle on every read; release it now
            return weight.device;
        }
    }

    /// <summary>The dtype of the weights.</summary>
    public ScalarType Dtype
    {
        get
        {
            using var weight = model.embed_tokens.weight!;
            return weight.dtype;
        }
    }

    /// <summary>The output matrix (vocab, C) the logits multiply by: the embedding when tied, else <c>lm_head</c>'s weight,
    /// with the trained rows of added tokens in place (a vocab × C copy); null when an adapter wraps <c>lm_head</c>. A run of
    /// <see cref="Head"/> calls (one batch's loss chunks, one generation call) builds it once and passes it in. Built under
    /// the caller's grad mode, so in training the rows get their gradients through it. The caller owns (disposes) it.</summary>
    public Tensor? HeadWeight()
    {
        using var scope = NewDisposeScope();
        var rows = lm_head is null ? model.embed_tokens_rows : lm_head_rows;
        var weight = lm_head switch { null => model.embed_tokens.weight!, Linear head => head.weight!, _ => null };
        return weight is null ? null : scope.MoveToOuter((rows?.Apply(weight) ?? weight).alias());   // (vocab, C)
    }

    /// <summary>Logits (B, T, vocab) for token ids (B, T), no cache.</summary>
    public override Tensor forward(Tensor inputIds) => forward(inputIds, null);

    /// <summary>
    /// Logits (B, T, vocab) for token ids (B, T). With a cache, the ids continue the cached
    /// sequence and their keys/values are appended to it.
    /// </summary>
    public Tensor forward(Tensor inputIds, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        var h = model.forward(inputIds, cache);                                                   // (B, T, C)
        return scope.MoveToOuter(Head(h));                                                        // (B, T, vocab)
    }

    /// <summary>The language-model head alone: logits (…, vocab) for final hidden states (…, C), with the
    /// trained rows of added tokens in place. For callers that need a few positions only (the last of each
    /// row when generating, the scored ones when computing log-likelihoods, one chunk of a loss).
    /// <paramref name="weight"/>: the <see cref="HeadWeight"/> built for a run of calls; null builds it here.</summary>
    public Tensor Head(Tensor hidden, Tensor? weight = null)
    {
        using var built = weight is null ? HeadWeight() : null;
        return (weight ?? built) is { } matrix ? nn.functional.linear(hidden, matrix) : lm_head!.forward(hidden);
    }

    /// <summary>The parameters <see cref="Head"/> multiplies by that an optimiser trains (requires_grad),
    /// the trained rows of added tokens included.</summary>
    public IReadOnlyList<Tensor> TrainableHeadParameters()
    {
        IEnumerable<Parameter> all = lm_head is null ? [model.embed_tokens.weight!] : lm_head.parameters();
        if ((lm_head is null ? model.embed_tokens_rows : lm_head_rows) is { } rows) all = all.Append(rows.trainable_tokens_delta);
        return all.Where(p => p.requires_grad).Cast<Tensor>().ToList();
    }
}
