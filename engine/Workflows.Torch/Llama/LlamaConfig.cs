using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Torch.Llama;

/// <summary>
/// The architecture of a Llama model, bound directly from a Hugging Face <c>config.json</c>
/// (property names are the JSON keys). Defaults are those of <c>transformers.LlamaConfig</c>.
/// </summary>
public sealed record LlamaConfig
{
    /// <summary>Must be <c>llama</c>.</summary>
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

    /// <summary>Per-head width; defaults to hidden_size / num_attention_heads.</summary>
    [JsonPropertyName("head_dim")]
    public int? HeadDimOverride { get; init; }

    /// <summary>Vocabulary size.</summary>
    [JsonPropertyName("vocab_size")]
    public int VocabSize { get; init; }

    /// <summary>Longest sequence the model was trained for; the KV cache is sized by it.</summary>
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

    /// <summary>Bias on q/k/v/o projections; not supported.</summary>
    [JsonPropertyName("attention_bias")]
    public bool AttentionBias { get; init; }

    /// <summary>Bias on MLP projections; not supported.</summary>
    [JsonPropertyName("mlp_bias")]
    public bool MlpBias { get; init; }

    /// <summary>RoPE scaling settings; only absent (no scaling) is supported.</summary>
    [JsonPropertyName("rope_scaling")]
    public JsonElement? RopeScaling { get; init; }

    /// <summary>Beginning-of-sequence token id.</summary>
    [JsonPropertyName("bos_token_id")]
    public int? BosTokenId { get; init; } = 1;

    /// <summary>End-of-sequence token id(s); HF allows a number or a list.</summary>
    [JsonPropertyName("eos_token_id")]
    public JsonElement? EosTokenIdValue { get; init; }

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
        try
        {
            config = JsonSerializer.Deserialize<LlamaConfig>(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path}: not a valid config.json ({e.Message.Split('\n')[0]})", e);
        }

        return (config ?? throw new ModelLoadException($"{path}: config.json is empty")).Validate(path);
    }

    /// <summary>Checks the settings this implementation supports; returns this config.</summary>
    public LlamaConfig Validate(string source)
    {
        if (ModelType != "llama")
        {
            throw new ModelLoadException($"{source}: unsupported model_type '{ModelType}'; only 'llama' (LlamaForCausalLM) is supported");
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
        Require(!AttentionBias && !MlpBias, "attention_bias and mlp_bias are not supported");
        Require(RopeScaling is null || RopeScaling.Value.ValueKind == JsonValueKind.Null,
            "rope_scaling is not supported; only plain RoPE with rope_theta");
        return this;
    }
}
