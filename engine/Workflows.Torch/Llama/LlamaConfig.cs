using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Torch.Llama;

/// <summary>
/// The architecture of a Llama-family decoder, bound directly from a Hugging Face <c>config.json</c>
/// (property names are the JSON keys). One decoder serves every supported <c>model_type</c>; what
/// differs between families (biases, q/k norms, sliding window, rope scaling) is read from here.
/// Defaults are those of <c>transformers.LlamaConfig</c>; <see cref="Load"/> applies the other
/// families' defaults where they differ.
/// </summary>
public sealed record LlamaConfig
{
    /// <summary>The model types this decoder implements.</summary>
    public static readonly IReadOnlyList<string> SupportedModelTypes = ["llama", "mistral", "qwen2", "qwen3"];

    /// <summary>One of <see cref="SupportedModelTypes"/>: <c>llama</c>, <c>mistral</c>, <c>qwen2</c> or <c>qwen3</c>.</summary>
    [JsonPropertyName("model_type")]
    public string ModelType { get; init; } = "llama";

    /// <summary>Model width (embedding size).</summary>
    [JsonPropertyName("hidden_size")]
    public int HiddenSize { get; init; }

    /// <summary>Inner width of the SwiGLU MLP.</summary>
    [JsonPropertyName("intermediate_size")]
    public int IntermediateSize { get; init; }

    /// <summary>Number of decoder layers.</summary>
    [JsonPropertyName("num_hidden_layers")]
    public int NumHiddenLayers { get; init; }

    /// <summary>Number of query heads.</summary>
    [JsonPropertyName("num_attention_heads")]
    public int NumAttentionHeads { get; init; }

    /// <summary>Number of key/value heads (grouped-query attention); defaults to the query heads.</summary>
    [JsonPropertyName("num_key_value_heads")]
    public int? NumKeyValueHeads { get; init; }

    /// <summary>Per-head width; defaults to hidden_size / num_attention_heads (qwen3: 128). May differ from that ratio.</summary>
    [JsonPropertyName("head_dim")]
    public int? HeadDimOverride { get; init; }

    /// <summary>Vocabulary size.</summary>
    [JsonPropertyName("vocab_size")]
    public int VocabSize { get; init; }

    /// <summary>Longest sequence the model was trained for: generation stops there, and dynamic NTK rope scaling starts there.</summary>
    [JsonPropertyName("max_position_embeddings")]
    public int MaxPositionEmbeddings { get; init; } = 2048;

    /// <summary>RMSNorm epsilon.</summary>
    [JsonPropertyName("rms_norm_eps")]
    public double RmsNormEps { get; init; } = 1e-6;

    /// <summary>RoPE base frequency.</summary>
    [JsonPropertyName("rope_theta")]
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>Whether the output projection reuses the token embedding matrix.</summary>
    [JsonPropertyName("tie_word_embeddings")]
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Activation of the MLP gate; only <c>silu</c> is supported.</summary>
    [JsonPropertyName("hidden_act")]
    public string HiddenAct { get; init; } = "silu";

    /// <summary>Bias on the q/k/v/o projections (llama, qwen3); qwen2 always has q/k/v biases and mistral none.</summary>
    [JsonPropertyName("attention_bias")]
    public bool AttentionBias { get; init; }

    /// <summary>Bias on the MLP projections (llama only).</summary>
    [JsonPropertyName("mlp_bias")]
    public bool MlpBias { get; init; }

    /// <summary>RoPE scaling: absent/null, or <c>rope_type</c> <c>default</c>, <c>linear</c>, <c>dynamic</c> or <c>llama3</c> (see <see cref="RopeScaling"/>).</summary>
    [JsonPropertyName("rope_scaling")]
    public JsonElement? RopeScalingValue { get; init; }

    /// <summary>Mistral: each token attends to itself and the <c>sliding_window - 1</c> tokens before it; null for full attention.
    /// <see cref="Load"/> applies Mistral's default of 4096 when the key is absent.</summary>
    [JsonPropertyName("sliding_window")]
    public int? SlidingWindow { get; init; }

    /// <summary>Qwen2/Qwen3: whether <c>sliding_window</c> applies at all; only false is supported.</summary>
    [JsonPropertyName("use_sliding_window")]
    public bool? UseSlidingWindow { get; init; }

    /// <summary>Qwen2/Qwen3: the first layer with sliding attention when <c>use_sliding_window</c>; unused otherwise.</summary>
    [JsonPropertyName("max_window_layers")]
    public int? MaxWindowLayers { get; init; }

    /// <summary>Dropout on attention weights during training; only 0 (or absent) is supported.</summary>
    [JsonPropertyName("attention_dropout")]
    public double? AttentionDropout { get; init; }

    /// <summary>Beginning-of-sequence token id.</summary>
    [JsonPropertyName("bos_token_id")]
    public int? BosTokenId { get; init; } = 1;

    /// <summary>End-of-sequence token id(s); HF allows a number or a list.</summary>
    [JsonPropertyName("eos_token_id")]
    public JsonElement? EosTokenIdValue { get; init; }

    /// <summary>Whether q/k/v projections carry a bias (qwen2 always; llama and qwen3 per <c>attention_bias</c>).</summary>
    [JsonIgnore]
    public bool QkvBias => ModelType == "qwen2" || (ModelType != "mistral" && AttentionBias);

    /// <summary>Whether o_proj carries a bias (llama and qwen3 per <c>attention_bias</c>; never qwen2 or mistral).</summary>
    [JsonIgnore]
    public bool OutputBias => ModelType is "llama" or "qwen3" && AttentionBias;

    /// <summary>Whether the MLP projections carry a bias (llama per <c>mlp_bias</c>).</summary>
    [JsonIgnore]
    public bool MlpBiasUsed => ModelType == "llama" && MlpBias;

    /// <summary>Qwen3: a per-head RMSNorm on queries and keys before RoPE.</summary>
    [JsonIgnore]
    public bool QkNorm => ModelType == "qwen3";

    /// <summary>The attention window in tokens, or null for full causal attention (only mistral has one).</summary>
    [JsonIgnore]
    public int? AttentionWindow => ModelType == "mistral" ? SlidingWindow : null;

    /// <summary>The parsed <c>rope_scaling</c> (null for plain RoPE).</summary>
    /// <exception cref="ModelLoadException">An unsupported <c>rope_type</c> or a missing field.</exception>
    [JsonIgnore]
    public RopeScaling? Rope => RopeScaling.Parse(RopeScalingValue, "config.json");

    /// <summary>The Hugging Face class name written to <c>architectures</c>.</summary>
    [JsonIgnore]
    public string Architecture => ModelType switch
    {
        "mistral" => "MistralForCausalLM",
        "qwen2" => "Qwen2ForCausalLM",
        "qwen3" => "Qwen3ForCausalLM",
        _ => "LlamaForCausalLM",
    };

    /// <summary>Per-head width.</summary>
    [JsonIgnore]
    public int HeadDim => HeadDimOverride ?? (HiddenSize / NumAttentionHeads);

    /// <summary>Key/value heads, resolved.</summary>
    [JsonIgnore]
    public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;

    /// <summary>End-of-sequence ids (empty when the config names none).</summary>
    [JsonIgnore]
    public IReadOnlyList<int> EosTokenIds => EosTokenIdValue switch
    {
        { ValueKind: JsonValueKind.Number } e => [e.GetInt32()],
        { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(x => x.GetInt32()).ToArray(),
        _ => [],
    };

    /// <summary>Reads and validates a Hugging Face <c>config.json</c>.</summary>
    /// <exception cref="ModelLoadException">Missing file, bad JSON, unsupported model_type or settings.</exception>
    public static LlamaConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"{path}: config.json not found; a Hugging Face model folder needs one");
        }

        LlamaConfig? config;
        HashSet<string> keys;
        try
        {
            var bytes = File.ReadAllBytes(path);
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException($"{path}: config.json must hold a JSON object");
            }

            LlamaConfigKeys.Check(document.RootElement, path);
            keys = document.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            config = JsonSerializer.Deserialize<LlamaConfig>(bytes);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path}: not a valid config.json ({e.Message.Split('\n')[0]})", e);
        }

        config = config ?? throw new ModelLoadException($"{path}: config.json is empty");
        return config.WithFamilyDefaults(keys).Validate(path);
    }

    // transformers' per-family config classes differ from LlamaConfig in a few defaults; a key the
    // file leaves out takes its family's default, so the saved config states it explicitly.
    private LlamaConfig WithFamilyDefaults(IReadOnlySet<string> keys) => ModelType switch
    {
        "mistral" when !keys.Contains("sliding_window") => this with { SlidingWindow = 4096 },
        "qwen3" when !keys.Contains("head_dim") => this with { HeadDimOverride = 128 },
        _ => this,
    };

    /// <summary>Checks the settings this implementation supports; returns this config.</summary>
    public LlamaConfig Validate(string source)
    {
        if (!SupportedModelTypes.Contains(ModelType))
        {
            throw new ModelLoadException($"{source}: unsupported model_type '{ModelType}'; supported: {string.Join(", ", SupportedModelTypes)}");
        }

        void Require(bool ok, string what)
        {
            if (!ok)
            {
                throw new ModelLoadException($"{source}: {what}");
            }
        }

        Require(HiddenSize > 0 && IntermediateSize > 0 && NumHiddenLayers > 0 && NumAttentionHeads > 0 && VocabSize > 0,
            "hidden_size, intermediate_size, num_hidden_layers, num_attention_heads and vocab_size must all be positive");
        Require(HeadDimOverride is not null || HiddenSize % NumAttentionHeads == 0,
            $"hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}");
        Require(HeadDim % 2 == 0, $"head dimension {HeadDim} must be even for rotary embeddings");
        Require(KeyValueHeads > 0 && NumAttentionHeads % KeyValueHeads == 0,
            $"num_attention_heads {NumAttentionHeads} is not a multiple of num_key_value_heads {KeyValueHeads}");
        Require(HiddenAct == "silu", $"hidden_act '{HiddenAct}' is not supported; only 'silu'");
        Require(!MlpBias || ModelType == "llama", $"mlp_bias is not part of model_type '{ModelType}' (only llama has it); remove it");
        Require(UseSlidingWindow != true,
            "use_sliding_window: true (Qwen sliding attention on the upper layers) is not supported; set it to false for full attention");
        Require(SlidingWindow is null || SlidingWindow > 0, $"sliding_window must be positive or null, got {SlidingWindow}");
        Require(SlidingWindow is null || ModelType is "mistral" or "qwen2" or "qwen3",
            $"sliding_window is not part of model_type '{ModelType}'; use model_type mistral for sliding-window attention");
        Require(AttentionDropout is null or 0, $"attention_dropout {AttentionDropout} is not supported; only 0");
        _ = RopeScaling.Parse(RopeScalingValue, source);                                           // names a bad rope_type
        return this;
    }
}
