using static TorchSharp.torch;

namespace Workflows.Torch.Merging;

/// <summary>One layer's LoRA update as factors: A (r × in), B (out × r) and the scale s, so the
/// update is <c>s · B A</c> (see <see cref="Adapters.DeltaWeight"/>).</summary>
public sealed record LowRankFactors(Tensor A, Tensor B, double Scaling)
{
    /// <summary>The rank r.</summary>
    public long Rank => A.shape[0];
}
