using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Torch.Llama;

/// <summary>
/// Which <c>config.json</c> keys the decoder understands. A key it binds is read; a key that only
/// describes bookkeeping (dtype, generation defaults, labels) cannot change the computation and is
/// allowed; any other key might (a new attention variant, soft-capping, quantised weights), so it
/// is refused by name rather than silently ignored.
/// </summary>
public static class LlamaConfigKeys
{
    /// <summary>Keys <see cref="LlamaConfig"/> binds.</summary>
    public static readonly IReadOnlySet<string> Bound = typeof(LlamaConfig).GetProperties()
        .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
        .OfType<string>()
        .ToHashSet(StringComparer.Ordinal);

    // transformers' PretrainedConfig bookkeeping plus the families' keys that do not change the
    // forward pass (pretraining_tp only splits the same matmul; max_window_layers matters only
    // with use_sliding_window, which Validate checks).
    private static readonly HashSet<string> Harmless = new(StringComparer.Ordinal)
    {
        "architectures", "torch_dtype", "dtype", "transformers_version", "_name_or_path", "use_cache",
        "initializer_range", "pretraining_tp", "pad_token_id", "sep_token_id", "decoder_start_token_id",
        "tokenizer_class", "id2label", "label2id", "num_labels", "problem_type", "finetuning_task", "prefix",
        "task_specific_params", "return_dict", "output_attentions", "output_hidden_states", "torchscript",
        "use_bfloat16", "tf_legacy_loss", "is_decoder", "is_encoder_decoder", "add_cross_attention",
        "cross_attention_hidden_size", "tie_encoder_decoder", "chunk_size_feed_forward", "_attn_implementation",
        "_attn_implementation_autoset", "max_length", "min_length", "do_sample", "early_stopping", "num_beams",
        "num_beam_groups", "diversity_penalty", "temperature", "top_k", "top_p", "typical_p", "repetition_penalty",
        "length_penalty", "no_repeat_ngram_size", "encoder_no_repeat_ngram_size", "bad_words_ids",
        "num_return_sequences", "output_scores", "return_dict_in_generate", "forced_bos_token_id",
        "forced_eos_token_id", "remove_invalid_values", "exponential_decay_length_penalty", "suppress_tokens",
        "begin_suppress_tokens",
    };

    /// <summary>Throws when <paramref name="config"/> holds a key that could change the model's computation.</summary>
    /// <exception cref="ModelLoadException">Names each such key and what to do.</exception>
    public static void Check(JsonElement config, string source)
    {
        var refused = new List<string>();
        foreach (var property in config.EnumerateObject())
        {
            var name = property.Name;
            if (Bound.Contains(name) || Harmless.Contains(name)) continue;
            if (name == "layer_types" && AllFullAttention(property.Value)) continue;
            if (name == "pruned_heads" && property.Value.ValueKind == JsonValueKind.Object && !property.Value.EnumerateObject().Any()) continue;
            refused.Add(name);
        }

        if (refused.Count > 0)
        {
            throw new ModelLoadException(
                $"{source}: config key(s) {string.Join(", ", refused.Select(k => $"'{k}'"))} are not understood and may change the model's computation " +
                $"(supported model types: {string.Join(", ", LlamaConfig.SupportedModelTypes)}); use a supported architecture, or remove a key only if it is known not to affect the model");
        }
    }

    private static bool AllFullAttention(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array
        && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && e.GetString() == "full_attention");
}
