using TorchSharp;
using Workflows.Torch.Engine;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Torch.Generation;

/// <summary>
/// Continues many prompts at once: prompts of similar length are padded on the left into batches
/// that share one forward per new token, each row with its own positions, its own slice of the KV
/// cache and its own stopping. A row that ends (end of sequence, stop string, token limit, full
/// context) leaves the batch, so it neither costs nor changes anything for the rows still going.
/// Each result is what <see cref="TextGenerator.Generate"/> gives for that prompt alone.
/// </summary>
public static class BatchGenerator
{
    /// <summary>
    /// Continues every prompt, <paramref name="batchSize"/> at a time (1 runs them one by one through
    /// <see cref="TextGenerator"/>); results are in the order of <paramref name="prompts"/>. Sampling
    /// starts each prompt's sampler from <see cref="GenerationOptions.Seed"/>, as alone. <paramref name="progress"/>,
    /// when given, hears the number of prompts done after each batch.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range, or a prompt (named by its index) is
    /// empty without a BOS token or fills the model's context.</exception>
    public static IReadOnlyList<GenerationResult> Generate(LlamaForCausalLM model, TextTokenizer tokenizer, IReadOnlyList<string> prompts,
        GenerationOptions? options = null, int batchSize = 16, CancellationToken cancellationToken = default, Action<int>? progress = null, int? workers = null)
    {
        options = (options ?? new GenerationOptions()).Validate();
        if (batchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {batchSize}");
        var capacity = model.Config.MaxPositionEmbeddings;
        var rows = prompts.Select((prompt, i) => GenerationRow.Create(prompt, $"prompt {i}", tokenizer, options, capacity)).ToList();
        return Run(model, rows, options, batchSize, cancellationToken, progress, workers);
    }

    /// <summary>Continues the rows in batches of similar prompt length, the batches side by side on <paramref name="workers"/>
    /// CPU threads (default <see cref="InferenceWorkers.For"/>; each batch decodes as it would alone, so the count changes
    /// nothing generated); results in the rows' order.</summary>
    internal static IReadOnlyList<GenerationResult> Run(LlamaForCausalLM model, IReadOnlyList<GenerationRow> rows, GenerationOptions options,
        int batchSize, CancellationToken cancellationToken, Action<int>? progress = null, int? workers = null)
    {
        var done = 0;
        if (batchSize == 1 || !options.UseKvCache)
        {
            return [.. rows.Select(r =>
            {
                var result = TextGenerator.Run(model, r, options, cancellationToken);
                progress?.Invoke(++done);
                return result;
            })];
        }

        // Sorting by length keeps padding small; a stable order keeps batches the same in every process.
        var chunks = Enumerable.Range(0, rows.Count).OrderBy(i => rows[i].PromptTokens.Count).ThenBy(i => i).Chunk(batchSize).ToArray();
        var gate = new object();
        InferenceWorkers.Run(chunks.Length, workers ?? InferenceWorkers.For(model.Device), k =>
        {
            Decode(model, [.. chunks[k].Select(i => rows[i])], options, cancellationToken);
            lock (gate) progress?.Invoke(done += chunks[k].Length);
        }, cancellationToken);

        return [.. rows.Select(r => r.Result())];
    }

    private static void Decode(LlamaForCausalLM model, GenerationRow[] rows, GenerationOptions options, CancellationToken cancellationToken)
    {
        var device = model.Device;
        var width = rows.Max(r => r.PromptTokens.Count);
        // Room for the longest prompt's padding plus every answer; never more than the context needs.
        var room = Math.Min(options.MaxTokens, model.Config.MaxPositionEmbeddings);
        using var cache = new KvCache(model.Config, rows.Length, width + (long)room, device, model.Dtype);
        cache.PadLeft([.. rows.Select(r => (long)(width - r.PromptTokens.Count))]);
        using var noGrad = no_grad();
        using var head = model.HeadWeight();                                                      // built once, not per token
        var logits = Prefill(model, rows, cache, width, head, cancellationToken);
        var active = rows.ToList();
        while (true)
        {
            var vocabulary = logits.Length / active.Count;
            var keep = new bool[active.Count];
            for (var i = 0; i < active.Count; i++)
            {
                var row = active[i];
                row.Accept(row.Sampler.Next(logits.AsSpan(i * vocabulary, vocabulary).ToArray()));
                keep[i] = row.CheckRoom();                                      // ended, or full before the next forward
            }

            if (keep.Contains(false))
            {
                // Finished rows leave: their cache rows go, and nothing of theirs reaches a later forward.
                cache.KeepRows([.. Enumerable.Range(0, keep.Length).Where(i => keep[i]).Select(i => (long)i)]);
                active = [.. active.Where((_, i) => keep[i])];
                if (active.Count == 0) return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            logits = TextGenerator.NextTokenLogits(model, [.. active.Select(r => (long)r.Tokens[^1])], active.Count, 1, cache, head);
        }
    }

    // Each prompt runs alone, as TextGenerator runs it (no padding, causal attention over its own tokens),
    // and its keys and values are placed after its row's padding: a batch's prompts would cost rows x
    // width tokens with a full mask, and prompts dominate when they are longer than the answers.
    private static float[] Prefill(LlamaForCausalLM model, GenerationRow[] rows, KvCache cache, int width, Tensor? head, CancellationToken cancellationToken)
    {
        var logits = new List<float>();
        for (var i = 0; i < rows.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var prompt = rows[i].PromptTokens;
            using var alone = new KvCache(model.Config, 1, prompt.Count, model.Device, model.Dtype);
            logits.AddRange(TextGenerator.NextTokenLogits(model, [.. prompt.Select(t => (long)t)], 1, prompt.Count, alone, head));
            cache.WriteRow(i, width - prompt.Count, alone);
        }

        cache.Advance(width);
        return [.. logits];
    }
}
