using NUnit.Framework;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Llama;

public class CausalAttentionTests
{
    // Prompts of 11, 3, 14 and 1 tokens, left-padded to 14: the shortest rows are mostly padding.
    private static readonly long[] Lengths = [11, 3, 14, 1];

    [TestCase(null)]
    [TestCase(5)]   // a sliding window the longer prompts cross
    public void PrefillRows_LeftPaddedPrompts_GiveTheBitsOfEachPromptAloneAndZeroPadding(int? window)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (heads, headDim, width) = (4L, 8L, Lengths.Max());
        var generator = manual_seed(11);
        var (q, k, v) = (randn([Lengths.Length, heads, width, headDim], generator: generator), randn([Lengths.Length, heads, width, headDim], generator: generator),
            randn([Lengths.Length, heads, width, headDim], generator: generator));   // padding columns hold noise no row may see
        var together = CausalAttention.PrefillRows(q, k, v, [.. Lengths.Select(l => width - l)], window);
        for (var b = 0; b < Lengths.Length; b++)
        {
            var (pad, length) = (width - Lengths[b], Lengths[b]);
            Tensor Row(Tensor t) => t.narrow(0, b, 1).narrow(2, pad, length).contiguous();        // the prompt alone, in its own tensor
            var alone = CausalAttention.Compute(Row(q), Row(k), Row(v), 0, window);
            Assert.That(together.narrow(0, b, 1).narrow(2, pad, length).eq(alone).all().item<bool>(), Is.True, $"row {b}: batched and alone differ in some bit");
            Assert.That(together.narrow(0, b, 1).narrow(2, 0, pad).eq(0).all().item<bool>(), Is.True, $"row {b}: padding is not zero");
            Assert.That(alone.allclose(Reference(Row(q), Row(k), Row(v), window), rtol: 1e-5, atol: 1e-6), Is.True, $"row {b}: not causal attention");
        }
    }

    // softmax(q·kᵀ / sqrt(hs)) over keys at or before each query (and within the window), times v.
    private static Tensor Reference(Tensor q, Tensor k, Tensor v, int? window)
    {
        var length = q.shape[2];
        var positions = arange(length);
        var allowed = positions.unsqueeze(0) <= positions.unsqueeze(1);                          // (T, S): key <= query
        if (window is int w) allowed = allowed & (positions.unsqueeze(0) > positions.unsqueeze(1) - w);
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(q.shape[3]);
        return scores.masked_fill(allowed.logical_not(), double.NegativeInfinity).softmax(-1).matmul(v);
    }
}
