namespace Workflows.Torch.Benchmarks;

/// <summary>What <see cref="ModelBenchmark.Run"/> measures.</summary>
public sealed record ModelBenchmarkOptions
{
    /// <summary>The pretrained stories260K model folder; null skips it.</summary>
    public string? Stories260KPath { get; init; }

    /// <summary>Whether to include a random-initialised Llama of stories15M's shape. Default true.</summary>
    public bool IncludeStories15MShape { get; init; } = true;

    /// <summary>Torch intra-op thread counts to measure. Default 1 and 2.</summary>
    public IReadOnlyList<int> Threads { get; init; } = [1, 2];

    /// <summary>Tokens per forward pass (one sequence, capped at the model's context). Default 256.</summary>
    public int ForwardTokens { get; init; } = 256;

    /// <summary>Timed forward passes after one warm-up pass. Default 5.</summary>
    public int ForwardIterations { get; init; } = 5;

    /// <summary>
    /// Each measurement is repeated this many times and the fastest kept, so a burst of other work
    /// on a shared machine does not set the number. Default 3.
    /// </summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Tokens decoded one by one with the KV cache, after a one-token prompt. Default 128.</summary>
    public int GeneratedTokens { get; init; } = 128;
}
