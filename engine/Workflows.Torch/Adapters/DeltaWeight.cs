using static TorchSharp.torch;

namespace Workflows.Torch.Adapters;

/// <summary>The low-rank update <c>s · B A</c> (out × in) that forward, merge and unmerge all share.</summary>
public static class DeltaWeight
{
    /// <summary><c>scaling · B A</c> for A (r × in) and B (out × r).</summary>
    public static Tensor Of(Tensor loraA, Tensor loraB, double scaling) => loraB.matmul(loraA) * Scalars.Of(scaling);   // (out, in)

    /// <summary>DoRA's row norm <c>‖W + ΔW‖</c> per output row (out), detached as in PEFT: the
    /// magnitude vector learns the scale, the norm is treated as a constant by the gradient.</summary>
    public static Tensor RowNorm(Tensor weight, Tensor delta) => weight.Plus(delta).norm(1, keepdim: false).detach();
}
