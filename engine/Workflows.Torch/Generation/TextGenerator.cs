using System.Runtime.InteropServices;
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
        var row = GenerationRow.Create(prompt, "the prompt", tokenizer, options, model.Config.MaxPositionEmbeddings);
        return Run(model, row, options, cancellationToken);
    }

    /// <summary>Continues one row on its own, with a cache for one sequence (or none).</summary>
    internal static GenerationResult Run(LlamaForCausalLM model, GenerationRow row, GenerationOptions options, CancellationToken cancellationToken)
    {
        var (capacity, promptTokens) = (model.Config.MaxPositionEmbeddings, row.PromptTokens);
        // Sized for this prompt and answer, not the whole context: Llama 3.x declares 131072
        // positions, a cache that large would take gigabytes per layer stack before one token.
        using var cache = options.UseKvCache
            ? new KvCache(model.Config, 1, Math.Min(capacity, promptTokens.Count + (long)options.MaxTokens), model.Device, model.Dtype)
            : null;
        using var noGrad = no_grad();
        using var head = model.HeadWeight();                                                      // built once, not per token
        while (row.CheckRoom())
        {
            cancellationToken.ThrowIfCancellationRequested();
            // With a cache only the tokens it has not seen are fed; without, the whole sequence.
            var fresh = row.Tokens.Skip((int)(cache?.Length ?? 0)).Select(t => (long)t).ToArray();
            row.Accept(row.Sampler.Next(NextTokenLogits(model, fresh, 1, fresh.Length, cache, head)));
        }

        return row.Result();
    }

    /// <summary>The logits of each row's last position, (B * vocab) float32 on the CPU, for input ids (B, T)
    /// continuing <paramref name="cache"/> (or alone without one). Only the last position goes through the head:
    /// a prompt is T positions (a batch's, rows × T), and their logits would be unused.</summary>
    internal static float[] NextTokenLogits(LlamaForCausalLM model, long[] input, int batch, int length, KvCache? cache, Tensor? head = null)
    {
        using var scope = NewDisposeScope();
        var hidden = model.model.forward(tensor(input, [batch, length], device: model.Device), cache);   // (B, T, C)
        var logits = model.Head(hidden.narrow(1, length - 1, 1), head);                                       // (B, 1, vocab)
        var rows = logits.select(1, 0).to_type(ScalarType.Float32).cpu().contiguous();
        return MemoryMarshal.Cast<byte, float>(rows.bytes).ToArray();                              // one copy; data<float>() walks element by element
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
