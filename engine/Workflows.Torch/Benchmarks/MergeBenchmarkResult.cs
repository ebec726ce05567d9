namespace Workflows.Torch.Benchmarks;

/// <summary>One row of <see cref="MergeBenchmark"/>.</summary>
/// <param name="Model">Which model.</param>
/// <param name="Method">Combination method, or <c>lora</c>/<c>dora</c> for one adapter merged as is.</param>
/// <param name="Layers">Adapted layers.</param>
/// <param name="Rank">Rank of the adapter that is folded into the base.</param>
/// <param name="CombineMilliseconds">Combining the two adapters' factors, all layers (0 for a single adapter).</param>
/// <param name="FoldMilliseconds">Folding the (combined) adapter into a copy of the base, NaN/Inf check included.</param>
public sealed record MergeBenchmarkResult(string Model, string Method, int Layers, long Rank, double CombineMilliseconds, double FoldMilliseconds)
{
    /// <summary>Combine plus fold.</summary>
    public double TotalMilliseconds => CombineMilliseconds + FoldMilliseconds;
}
