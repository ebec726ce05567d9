using TorchSharp;
using TorchSharp.Modules;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Adapters;

/// <summary>
/// Puts <see cref="TrainableTokens"/> on a model's <c>embed_tokens</c> (and, when the head is untied,
/// its <c>lm_head</c>), growing the vocabulary first when the ids lie beyond it, and folds them back
/// into plain weights for a merge. The map of module name to ids is PEFT's <c>trainable_token_indices</c>:
/// a tied head follows <c>embed_tokens</c>, as PEFT ties it.
/// </summary>
public static class TrainableTokenRows
{
    /// <summary>The input embedding's module name in <c>trainable_token_indices</c>.</summary>
    public const string Embedding = "embed_tokens";

    /// <summary>The output head's module name in <c>trainable_token_indices</c>.</summary>
    public const string Head = "lm_head";

    /// <summary>The <c>trainable_token_indices</c> that train <paramref name="ids"/> on <paramref name="model"/>:
    /// the embedding, and the head as well when it is untied.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<int>> For(LlamaForCausalLM model, IReadOnlyList<int> ids) =>
        model.lm_head is null ? new SortedDictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal) { [Embedding] = ids }
            : new SortedDictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal) { [Embedding] = ids, [Head] = ids };

    /// <summary>Resizes <paramref name="model"/> to cover every id in <paramref name="indices"/> (new rows are
    /// the mean of the old) and attaches trainable rows; call after the LoRA layers are injected (that freezes everything).</summary>
    /// <exception cref="AdapterConfigException">An unknown module name, or ids that do not fit.</exception>
    public static void Attach(LlamaForCausalLM model, IReadOnlyDictionary<string, IReadOnlyList<int>> indices)
    {
        var unknown = indices.Keys.FirstOrDefault(k => k is not (Embedding or Head));
        if (unknown is not null) throw new AdapterConfigException($"trainable_token_indices: '{unknown}' is not a module trainable tokens can train here; use {Embedding} or {Head}");
        if (indices.ContainsKey(Head) && model.lm_head is not Linear)
            throw new AdapterConfigException($"trainable_token_indices: {Head} is {(model.lm_head is null ? "tied to embed_tokens (train embed_tokens alone)" : "wrapped by another adapter")}");
        var size = indices.Values.SelectMany(i => i).DefaultIfEmpty(-1).Max() + 1;
        if (size > model.Config.VocabSize) model.ResizeTokenEmbeddings(size);
        if (indices.TryGetValue(Embedding, out var rows))
        {
            model.model.embed_tokens_rows = new TrainableTokens(model.model.embed_tokens.weight!, rows);
            model.model.register_module(nameof(LlamaModel.embed_tokens_rows), model.model.embed_tokens_rows);
        }

        if (indices.TryGetValue(Head, out var headRows))
        {
            model.lm_head_rows = new TrainableTokens(((Linear)model.lm_head!).weight!, headRows);
            model.register_module(nameof(LlamaForCausalLM.lm_head_rows), model.lm_head_rows);
        }
    }

    /// <summary>The trainable rows attached to <paramref name="model"/> (none, one or two).</summary>
    public static IEnumerable<TrainableTokens> All(LlamaForCausalLM model) =>
        new[] { model.model.embed_tokens_rows, model.lm_head_rows }.OfType<TrainableTokens>();

    /// <summary>The attached rows under their PEFT keys (below <c>base_model.model.</c>).</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> Tensors(LlamaForCausalLM model)
    {
        if (model.model.embed_tokens_rows is { } embedding) yield return new("model.embed_tokens.token_adapter.trainable_tokens_delta", embedding.trainable_tokens_delta);
        if (model.lm_head_rows is { } head) yield return new("lm_head.token_adapter.trainable_tokens_delta", head.trainable_tokens_delta);
    }

    /// <summary>Throws when a trained row holds NaN or Inf, so a merge can refuse before it changes anything.</summary>
    /// <exception cref="InvalidOperationException">A row holds NaN or Inf.</exception>
    public static void EnsureFinite(LlamaForCausalLM model)
    {
        if (Tensors(model).Any(t => !t.Value.isfinite().all().item<bool>()))
            throw new InvalidOperationException("merging would put NaN or Inf into the embedding rows of added tokens; nothing was merged");
    }

    /// <summary>Writes the trained rows into the weights and removes the trainable rows; returns the paths of the matrices changed.</summary>
    /// <exception cref="InvalidOperationException">A row holds NaN or Inf; nothing is changed.</exception>
    public static IReadOnlyList<string> Merge(LlamaForCausalLM model)
    {
        using var noGrad = no_grad();
        EnsureFinite(model);
        var merged = new List<string>();
        if (model.model.embed_tokens_rows is { } embedding)
        {
            var weight = model.model.embed_tokens.weight!;
            weight.copy_(embedding.Apply(weight));
            model.model.embed_tokens_rows = null;
            model.model.register_module(nameof(LlamaModel.embed_tokens_rows), null!);
            merged.Add("model.embed_tokens");
        }

        if (model.lm_head_rows is { } head && model.lm_head is Linear linear)
        {
            var weight = linear.weight!;
            weight.copy_(head.Apply(weight));
            model.lm_head_rows = null;
            model.register_module(nameof(LlamaForCausalLM.lm_head_rows), null!);
            merged.Add("lm_head");
        }

        return merged;
    }
}
