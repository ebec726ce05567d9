using TorchSharp;
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
        GenerationOptions? options = null, int batchSize = 16, CancellationToken cancellationToken = default, Action<int>? progress = null)
    {
        options = (options ?? new GenerationOptions()).Validate();
        if (batchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {batchSize}");
        var capacity = model.Config.MaxPositionEmbeddings;
        var rows = prompts.Select((prompt, i) => GenerationRow.Create(prompt, $"prompt {i}", tokenizer, options, capacity)).ToList();
        return Run(model, rows, options, batchSize, cancellationToken, progress);
    }

    /// <summary>Continues the rows in batches of similar prompt length; results in the rows' order. <paramref name="prefillTokens"/>:
    /// most padded prompt tokens per prefill forward (default: <see cref="PrefillElements"/> over the MLP's width).</summary>
    internal static IReadOnlyList<GenerationResult> Run(LlamaForCausalLM model, IReadOnlyList<GenerationRow> rows, GenerationOptions options,
        int batchSize, CancellationToken cancellationToken, Action<int>? progress = null, long? prefillTokens = null)
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
        var order = Enumerable.Range(0, rows.Count).OrderBy(i => rows[i].PromptTokens.Count).ThenBy(i => i).ToArray();
        foreach (var chunk in order.Chunk(batchSize))
        {
            Decode(model, [.. chunk.Select(i => rows[i])], options, prefillTokens, cancellationToken);
            progress?.Invoke(done += chunk.Length);
        }

        return [.. rows.Select(r => r.Result())];
    }

    private static void Decode(LlamaForCausalLM model, GenerationRow[] rows, GenerationOptions options, long? prefillTokens, CancellationToken cancellationToken)
    {
        var device = model.Device;
        var width = rows.Max(r => r.PromptTokens.Count);
        // Room for the longest prompt's padding plus every answer; never more than the context needs.
        var room = Math.Min(options.MaxTokens, model.Config.MaxPositionEmbeddings);
        using var cache = new KvCache(model.Config, rows.Length, width + (long)room, device, model.Dtype);
        cache.PadLeft([.. rows.Select(r => (long)(width - r.PromptTokens.Count))]);
        using var noGrad = no_grad();
        using var head = model.HeadWeight();                                                      // built once, not per token
        var budget = prefillTokens ?? Math.Max(1, PrefillElements / Math.Max(model.Config.IntermediateSize, model.Config.HiddenSize));
        var logits = Prefill(model, rows, cache, width, head, budget, cancellationToken);
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

    // Activation elements (padded tokens x the MLP's width) one prefill forward may hold: 128 MiB in float32. A batch of
    // long prompts on a large model is prefilled in several groups rather than all at once.
    private const long PrefillElements = 1L << 25;

    // The prompts (sorted by length) go through one forward per group, left-padded to the group's longest: every op of
    // the forward runs once for the group, except attention, which runs row by row on each prompt's own tokens exactly
    // as for the prompt alone (CausalAttention.PrefillRows), so each prompt's keys, values and logits are its own.
    // One forward per prompt would pay every op's fixed cost once per prompt, and that dominates at small model sizes.
    private static float[] Prefill(LlamaForCausalLM model, GenerationRow[] rows, KvCache cache, int width, Tensor? head, long budget,
        CancellationToken cancellationToken)
    {
        var logits = new List<float>();
        for (var first = 0; first < rows.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (count, groupWidth, tokens) = (1, rows[first].PromptTokens.Count, (long)rows[first].PromptTokens.Count);
            while (first + count < rows.Length)
            {
                // A group grows while it fits the budget and its padding stays under a sixteenth of its tokens: at this
                // model size a prompt's forward is mostly arithmetic, and padding costs as much as real tokens.
                var (next, wider) = (rows[first + count].PromptTokens.Count, Math.Max(groupWidth, rows[first + count].PromptTokens.Count));
                var padded = (count + 1L) * wider;
                if (padded > budget || (padded - tokens - next) * 16 > tokens + next) break;
                (count, groupWidth, tokens) = (count + 1, wider, tokens + next);
            }

            var group = rows[first..(first + count)];
            if (count == rows.Length) return Forward(model, group, width, cache, head);           // the whole batch: straight into its cache

            using var part = new KvCache(model.Config, count, groupWidth, model.Device, model.Dtype);
            part.PadLeft([.. group.Select(r => (long)(groupWidth - r.PromptTokens.Count))]);
            logits.AddRange(Forward(model, group, groupWidth, part, head));
            for (var i = 0; i < count; i++)
            {
                var length = group[i].PromptTokens.Count;
                cache.WriteRow(first + i, width - length, part, i, groupWidth - length);
            }

            first += count;
        }

        cache.Advance(width);
        return [.. logits];
    }

    // The last position's logits of each row, prompts left-padded to width in a cache declaring that padding.
    private static float[] Forward(LlamaForCausalLM model, GenerationRow[] rows, int width, KvCache cache, Tensor? head)
    {
        var ids = new long[rows.Length * width];
        for (var i = 0; i < rows.Length; i++)
        {
            var prompt = rows[i].PromptTokens;
            var padding = width - prompt.Count;
            for (var t = 0; t < width; t++) ids[(i * width) + t] = prompt[Math.Max(0, t - padding)];   // padding repeats the first token; nothing reads it
        }

        return TextGenerator.NextTokenLogits(model, ids, rows.Length, width, cache, head);
    }
}
