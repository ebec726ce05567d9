using System.Diagnostics;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Benchmarks;

/// <summary>
/// Items/s of greedy generation one prompt at a time (<see cref="TextGenerator"/>) and in left-padded
/// batches (<see cref="BatchGenerator"/>) over the same prompts, and whether both gave the same
/// token ids (<c>wf bench generate</c>; figures in BENCHMARKS.md). The prompts are timed in slices,
/// alternating the two ways slice by slice, so load from other processes on a shared machine falls on
/// both alike.
/// </summary>
public static class GenerationBenchmark
{
    /// <param name="model">The model (its weights decide where answers end, so a pretrained one gives realistic lengths).</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="prompts">The items.</param>
    /// <param name="options">Generation options of every item (greedy for the identity check).</param>
    /// <param name="batchSize">Rows per batch; at least 2.</param>
    /// <param name="slices">How many slices the prompts are cut into and alternated over; at least 1.</param>
    /// <param name="progress">Called after each timed slice with a line to show.</param>
    /// <param name="workers">CPU threads the batches run on side by side (<see cref="Engine.InferenceWorkers"/>); one prompt at a time always runs on one.</param>
    public static GenerationBenchmarkResult Run(LlamaForCausalLM model, TextTokenizer tokenizer, IReadOnlyList<string> prompts,
        GenerationOptions options, int batchSize, int slices, Action<string>? progress = null, int workers = 1)
    {
        if (batchSize < 2) throw new ArgumentException($"the batch size to compare must be at least 2, got {batchSize}");
        if (prompts.Count == 0) throw new ArgumentException("no prompts to generate from");
        BatchGenerator.Generate(model, tokenizer, prompts.Take(batchSize * workers).ToList(), options with { MaxTokens = 4 }, batchSize, workers: workers);   // warm-up
        TextGenerator.Generate(model, tokenizer, prompts[0], options with { MaxTokens = 4 });
        var size = (prompts.Count + Math.Max(1, slices) - 1) / Math.Max(1, slices);
        double single = 0, batched = 0, singleCpu = 0, batchedCpu = 0;
        using var process = Process.GetCurrentProcess();
        double Cpu()
        {
            process.Refresh();
            return process.TotalProcessorTime.TotalSeconds;
        }

        var mismatched = 0;
        long tokens = 0;
        foreach (var slice in prompts.Chunk(size))
        {
            var (clock, cpu) = (Stopwatch.StartNew(), Cpu());
            var alone = slice.Select(p => TextGenerator.Generate(model, tokenizer, p, options)).ToList();
            (single, singleCpu) = (single + clock.Elapsed.TotalSeconds, singleCpu + Cpu() - cpu);
            (clock, cpu) = (Stopwatch.StartNew(), Cpu());
            var together = BatchGenerator.Generate(model, tokenizer, slice, options, batchSize, workers: workers);
            (batched, batchedCpu) = (batched + clock.Elapsed.TotalSeconds, batchedCpu + Cpu() - cpu);
            mismatched += alone.Zip(together).Count(p => !p.First.GeneratedTokens.SequenceEqual(p.Second.GeneratedTokens));
            tokens += alone.Sum(r => r.GeneratedTokens.Count);
            progress?.Invoke($"{slice.Length} items: one at a time {single:0.0} s ({singleCpu:0.0} s CPU), batch {batchSize} {batched:0.0} s ({batchedCpu:0.0} s CPU) so far");
        }

        return new GenerationBenchmarkResult(prompts.Count, tokens, batchSize, single, batched, singleCpu, batchedCpu, mismatched);
    }
}
