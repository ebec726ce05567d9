using Workflows.Torch.Adapters;
using static TorchSharp.torch;

namespace Workflows.Torch.Merging;

/// <summary>
/// Combines several adapters' factors for one layer into one pair, as PEFT's
/// <c>add_weighted_adapter</c> does. Every result has scale 1 (PEFT sets the new adapter's
/// <c>lora_alpha</c> to its rank), so each source's scale is folded into the factors.
/// </summary>
public static class LowRankCombiner
{
    /// <summary>
    /// <c>cat</c>: stacks the A rows and the weighted B columns, so ranks add and
    /// <c>B A = Σ wᵢ sᵢ Bᵢ Aᵢ</c> exactly.
    /// </summary>
    public static LowRankFactors Cat(IReadOnlyList<LowRankFactors> sources, IReadOnlyList<double> weights)
    {
        using var scope = NewDisposeScope();
        var a = cat(sources.Select(s => s.A).ToArray(), 0);                                               // (Σr, in)
        var b = cat(sources.Select((s, i) => s.B * (weights[i] * s.Scaling)).ToArray(), 1);              // (out, Σr)
        return new LowRankFactors(scope.MoveToOuter(a), scope.MoveToOuter(b), 1.0);
    }

    /// <summary>
    /// <c>svd</c>: the weighted sum of the deltas <c>Σ wᵢ sᵢ Bᵢ Aᵢ</c>, truncated to its top
    /// <paramref name="rank"/> singular directions (B = U·diag(S), A = Vᴴ). At a rank no smaller than
    /// the sum's own rank it reproduces the sum up to rounding.
    /// </summary>
    public static LowRankFactors Svd(IReadOnlyList<LowRankFactors> sources, IReadOnlyList<double> weights, long rank)
    {
        using var scope = NewDisposeScope();
        var delta = sources.Select((s, i) => DeltaWeight.Of(s.A, s.B, s.Scaling * weights[i])).Aggregate((x, y) => x + y); // (out, in)
        var dtype = delta.dtype;
        var (u, singular, vh) = linalg.svd(delta.to_type(ScalarType.Float32), fullMatrices: false);     // (out, k), (k), (k, in)
        var r = Math.Min(rank, singular.shape[0]);
        var b = (u[.., ..(int)r] * singular[..(int)r].unsqueeze(0)).to_type(dtype);                        // (out, r)
        var a = vh[..(int)r, ..].to_type(dtype);                                                           // (r, in)
        return new LowRankFactors(scope.MoveToOuter(a.contiguous()), scope.MoveToOuter(b.contiguous()), 1.0);
    }

    /// <summary>
    /// <c>linear</c>, <c>ties</c>, <c>dare_linear</c>, <c>dare_ties</c>: the method is applied to the A
    /// matrices and to the B matrices separately, each source weighted by <c>√(wᵢ sᵢ)</c> (PEFT's rule),
    /// so the ranks must be equal. For one source at weight 1 the update is unchanged; for several,
    /// <c>B A</c> is NOT the weighted sum of the deltas (it has cross terms <c>Bᵢ Aⱼ</c>).
    /// </summary>
    public static LowRankFactors TaskArithmeticOnFactors(IReadOnlyList<LowRankFactors> sources, IReadOnlyList<double> weights,
        Func<Tensor, Tensor, Tensor> combine)
    {
        if (sources.Select(s => s.Rank).Distinct().Count() != 1) throw new ArgumentException("task arithmetic on factors needs equal ranks");
        if (weights.Any(w => w < 0)) throw new ArgumentException("task arithmetic on factors needs non-negative weights");
        using var scope = NewDisposeScope();
        var factorWeights = tensor(sources.Select((s, i) => Math.Sqrt(weights[i] * s.Scaling)).ToArray(), device: sources[0].A.device);
        var a = combine(stack(sources.Select(s => s.A).ToArray()), factorWeights);                        // (r, in)
        var b = combine(stack(sources.Select(s => s.B).ToArray()), factorWeights);                        // (out, r)
        return new LowRankFactors(scope.MoveToOuter(a), scope.MoveToOuter(b), 1.0);
    }
}
