using NUnit.Framework;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Llama;

/// <summary>The one-pass rotary kernel gives libtorch's bits, for shared and per-row (left-padded) tables.</summary>
public class RotaryKernelTests
{
    [TestCase(8, false)]    // stories260K's head size: one vector per half
    [TestCase(6, false)]    // halves of 3: the scalar tail
    [TestCase(20, true)]    // halves of 10: vectors and a tail, a table per row
    [TestCase(64, true)]
    public void Apply_RandomQueries_SameBitsAsLibtorchsRotation(int headDim, bool perRow)
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(11);
        var (batch, length, heads) = (3, 7, 4);
        var x = randn([batch, length, heads, headDim], generator: generator) * Scalars.Of(3.0);       // (B, T, nh, hs), as a projection writes it
        var angles = randn(perRow ? [batch, 1, length, headDim] : [length, headDim], generator: generator) * Scalars.Of(20.0);
        var (cos, sin) = (angles.cos(), angles.sin());
        Assert.That(RotaryKernel.Supports(x, cos, sin), Is.True);

        var fused = RotaryKernel.Apply(x, cos, sin);                                                  // (B, nh, T, hs)
        var reference = LlamaRotaryEmbedding.Apply(x.transpose(1, 2), cos, sin).contiguous();
        Assert.That(fused.shape, Is.EqualTo(reference.shape));
        Assert.That(fused.data<float>().ToArray(), Is.EqualTo(reference.data<float>().ToArray()), "bit for bit");
    }

    [Test]
    public void Supports_GradientOrOtherDtypeOrOddHead_LeavesItToLibtorch()
    {
        using var scope = NewDisposeScope();
        var table = ones([5, 8]);
        Assert.That(RotaryKernel.Supports(ones([1, 5, 2, 8]).requires_grad_(true), table, table), Is.False, "a gradient flows");
        Assert.That(RotaryKernel.Supports(ones([1, 5, 2, 8], ScalarType.BFloat16), table, table), Is.False);
        Assert.That(RotaryKernel.Supports(ones([1, 5, 2, 7]), ones([5, 7]), ones([5, 7])), Is.False, "odd head size");
        Assert.That(RotaryKernel.Supports(ones([1, 2, 5, 8]).transpose(1, 2), table, table), Is.False, "not contiguous");
        Assert.That(RotaryKernel.Supports(ones([1, 5, 2, 8]), table, table), Is.True);
    }
}
