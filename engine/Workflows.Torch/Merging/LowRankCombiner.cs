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
        var b = cat(sources.Select((s, i) => s.B * Scalars.Of(weights[i] * s.Scaling)).ToArray(), 1);             // (out, Σr)
        return new LowRankFactors(scope.MoveToOuter(a), scope.MoveToOuter(b), 1.0);
    }

    /// <summary>
    /// <c>svd</c>: the weighted sum of the deltas <c>Σ wᵢ sᵢ Bᵢ Aᵢ</c>, truncated to its top
    /// <paramref name="rank"/> singular directions (B = U·diag(S), A = Vᴴ). At a rank no smaller than
    /// the sum's own rank it reproduces the sum up to rounding.
    /// </summary>
    /// <remarks>The sum is never formed: it equals the <see cref="Cat"/> factors' product B A with
    /// B = Q_b R_b and Aᵀ = Q_a R_a, so its SVD is that of the small core R_b R_aᵀ (Σr × Σr) rotated by
    /// Q_b and Q_a. Same result as PEFT's SVD of the full (out × in) matrix, at a fraction of the cost.</remarks>
    public static LowRankFactors Svd(IReadOnlyList<LowRankFactors> sources, IReadOnlyList<double> weights, long rank)
    {
        using var scope = NewDisposeScope();
        var stacked = Cat(sources, weights);
        var dtype = stacked.A.dtype;
        var (qb, rb) = linalg.qr(stacked.B.to_type(ScalarType.Float32));                                  // (out, k), (k, Σr)
        var (qa, ra) = linalg.qr(stacked.A.to_type(ScalarType.Float32).t());                             // (in, k'), (k', Σr)
        var (u, singular, vh) = linalg.svd(rb.matmul(ra.t()), fullMatrices: false);                      // core (k, k')
        var r = (int)Math.Min(rank, singular.shape[0]);
        var b = qb.matmul(u[.., ..r] * singular[..r].unsqueeze(0)).to_type(dtype);                        // (out, r)
        var a = vh[..r, ..].matmul(qa.t()).to_type(dtype);                                                // (r, in)
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
