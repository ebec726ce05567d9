using static TorchSharp.torch;

namespace Workflows.Torch.Tests;

/// <summary>Whole-tensor comparisons (TorchSharp's <c>equal</c> is element-wise).</summary>
internal static class TensorAssert
{
    public static bool Identical(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
}
