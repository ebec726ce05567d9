namespace Workflows.Torch.Benchmarks;

/// <summary>What <see cref="GenerationBenchmark"/> measured.</summary>
/// <param name="Items">Prompts generated from, each way.</param>
/// <param name="GeneratedTokens">Tokens generated over all items (one way).</param>
/// <param name="BatchSize">Rows per batch of the batched way.</param>
/// <param name="SingleSeconds">Seconds one prompt at a time.</param>
/// <param name="BatchedSeconds">Seconds in batches.</param>
/// <param name="SingleCpuSeconds">CPU seconds of the process (all threads) one prompt at a time: on a
/// shared machine less sensitive to other processes than the wall clock.</param>
/// <param name="BatchedCpuSeconds">CPU seconds of the process in batches.</param>
/// <param name="Mismatched">Items whose token ids differ between the two ways (0 expected).</param>
public sealed record GenerationBenchmarkResult(int Items, long GeneratedTokens, int BatchSize, double SingleSeconds, double BatchedSeconds,
    double SingleCpuSeconds, double BatchedCpuSeconds, int Mismatched)
{
    /// <summary>Items/s one prompt at a time.</summary>
    public double SingleItemsPerSecond => Items / SingleSeconds;

    /// <summary>Items/s in batches.</summary>
    public double BatchedItemsPerSecond => Items / BatchedSeconds;

    /// <summary>How many times faster batches are (wall clock).</summary>
    public double Speedup => SingleSeconds / BatchedSeconds;

    /// <summary>How many times less CPU time batches take.</summary>
    public double CpuSpeedup => SingleCpuSeconds / BatchedCpuSeconds;
}
