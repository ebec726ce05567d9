using TorchSharp;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Torch.Generation;

/// <summary>Autoregressive decoding of a prompt with a Llama model.</summary>
public static class TextGenerator
{
    /// <summary>
    /// Continues <paramref name="prompt"/>. Stops at an end-of-sequence id (any of the tokenizer's,
    /// or <see cref="GenerationOptions.StopTokenIds"/>), a BOS after the first
    /// token (llama2.c models end a story by starting the next), a stop string, the token limit or
    /// the model's context. Greedy decoding (temperature 0) is deterministic; sampling is
    /// reproducible from <see cref="GenerationOptions.Seed"/>.
    /// </summary>
    public static GenerationResult Generate(LlamaForCausalLM model, TextTokenizer tokenizer, string prompt,
        GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        options = (options ?? new GenerationOptions()).Validate();
        var promptTokens = tokenizer.Encode(prompt, options.AddBos);
        if (promptTokens.Count == 0)
        {
            throw new ArgumentException("the prompt is empty and no BOS token is configured; give a prompt");
        }

        var capacity = model.Config.MaxPositionEmbeddings;
        if (promptTokens.Count >= capacity)
        {
            throw new ArgumentException($"the prompt has {promptTokens.Count} tokens; the model's context is {capacity}");
        }

        return Run(model, new GenerationRow(prompt, promptTokens, tokenizer, options, capacity), options, cancellationToken);
    }

    /// <summary>Continues one row on its own, with a cache for one sequence (or none).</summary>
    internal static GenerationResult Run(LlamaForCausalLM model, GenerationRow row, GenerationOptions options, CancellationToken cancellationToken)
    {
        var device = model.Device;
        var (capacity, promptTokens) = (model.Config.MaxPositionEmbeddings, row.PromptTokens);
        // Sized for this prompt and answer, not the whole context: Llama 3.x declares 131072
        // positions, a cache that large would take gigabytes per layer stack before one token.
        using var cache = options.UseKvCache
            ? new KvCache(model.Config, 1, Math.Min(capacity, promptTokens.Count + (long)options.MaxTokens), device, model.Dtype)
            : null;
        using var noGrad = no_grad();
        using var head = model.HeadWeight();                                                      // built once, not per token
        while (row.CheckRoom())
        {
            cancellationToken.ThrowIfCancellationRequested();
            row.Accept(row.Sampler.Next(NextTokenLogits(model, row.Tokens, cache, device, head)));
        }

        return row.Result();
    }

    private static float[] NextTokenLogits(LlamaForCausalLM model, List<int> tokens, KvCache? cache, Device device, Tensor? head)
    {
        using var scope = NewDisposeScope();
        // With a cache only the tokens it has not seen are fed; without, the whole sequence.
        var fresh = tokens.Skip((int)(cache?.Length ?? 0)).Select(t => (long)t).ToArray();
        var input = tensor(fresh, [1, fresh.Length], device: device);                             // (1, T)
        var logits = model.forward(input, cache, head);                                           // (1, T, vocab)
        return logits[0, -1].to_type(ScalarType.Float32).cpu().data<float>().ToArray();
    }

    /// <summary>The text after the prompt. SentencePiece decoding of the whole sequence keeps spacing
    /// right; the prompt's own decoding is a prefix of it except when the prompt ends inside a
    /// multi-byte character or decoding merges across the boundary. Then the completion starts where
    /// the two texts first differ, so the prompt never leaks into what is scored or reported.</summary>
    internal static string Completion(string fullText, string promptText)
    {
        if (fullText.StartsWith(promptText, StringComparison.Ordinal)) return fullText[promptText.Length..];
        var common = 0;
        while (common < fullText.Length && common < promptText.Length && fullText[common] == promptText[common]) common++;
        return fullText[common..];
    }
}
