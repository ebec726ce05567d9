using NUnit.Framework;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Llama;

public class DecodeAttentionTests
{
    // Rows of 11, 3 and 14 cached tokens plus the new one; heads of 6 (no full vector), 8, 16 and 20 (a tail).
    private static readonly long[] Lengths = [11, 3, 14];

    [TestCase(6, null)]
    [TestCase(8, null)]
    [TestCase(16, null)]
    [TestCase(20, null)]
    [TestCase(8, 5)]
    public void Compute_RowInLeftPaddedBatch_GivesTheBitsOfTheRowAloneAndSdpaWithinRounding(int headDim, int? window)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var config = Config() with { HeadDimOverride = headDim };                                // 4 query heads share 2 kv heads
        var (heads, kvHeads, width) = (config.NumAttentionHeads, config.KeyValueHeads, Lengths.Max());
        var generator = manual_seed(7);
        var q = randn([Lengths.Length, heads, 1, headDim], generator: generator);
        var keys = randn([Lengths.Length, kvHeads, width + 1, headDim], generator: generator);
        var values = randn([Lengths.Length, kvHeads, width + 1, headDim], generator: generator);
        using var batch = new KvCache(config, Lengths.Length, width + 1, CPU, ScalarType.Float32);
        batch.PadLeft([.. Lengths.Select(l => width - l)]);
        batch.Append(0, keys, values);                                       // padding columns hold noise the rows must never see
        var together = DecodeAttention.Compute(q, batch, 0, width + 1, window);
        for (var b = 0; b < Lengths.Length; b++)
        {
            var (k, v) = (keys.narrow(0, b, 1).narrow(2, width - Lengths[b], Lengths[b] + 1), values.narrow(0, b, 1).narrow(2, width - Lengths[b], Lengths[b] + 1));
            using var alone = new KvCache(config, 1, Lengths[b] + 1, CPU, ScalarType.Float32);
            alone.Append(0, k, v);
            var single = DecodeAttention.Compute(q.narrow(0, b, 1), alone, 0, Lengths[b] + 1, window);
            Assert.That(together.narrow(0, b, 1).eq(single).all().item<bool>(), Is.True, $"row {b}: batched and alone differ in some bit");

            var seen = window is int w && Lengths[b] + 1 > w ? w : Lengths[b] + 1;
            var (ks, vs) = (k.narrow(2, Lengths[b] + 1 - seen, seen).repeat_interleave(heads / kvHeads, dim: 1), v.narrow(2, Lengths[b] + 1 - seen, seen).repeat_interleave(heads / kvHeads, dim: 1));
            var reference = nn.functional.scaled_dot_product_attention(q.narrow(0, b, 1), ks, vs);
            Assert.That(single.allclose(reference, rtol: 1e-5, atol: 1e-6), Is.True, $"row {b}: differs from scaled_dot_product_attention");
        }
    }

    // Prompts of 11, 3 and 14 tokens (not multiples of the four-query block) in one left-padded call.
    [TestCase(6, null)]
    [TestCase(8, null)]
    [TestCase(16, null)]
    [TestCase(20, null)]
    [TestCase(8, 5)]
    [TestCase(16, 4)]
    public void Compute_PromptInLeftPaddedBatch_GivesTheBitsOfThePromptAloneAndCausalSdpaWithinRounding(int headDim, int? window)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var config = Config() with { HeadDimOverride = headDim };                                // 4 query heads share 2 kv heads
        var (heads, kvHeads, width) = (config.NumAttentionHeads, config.KeyValueHeads, Lengths.Max());
        var generator = manual_seed(11);
        var q = randn([Lengths.Length, heads, width, headDim], generator: generator);
        var keys = randn([Lengths.Length, kvHeads, width, headDim], generator: generator);
        var values = randn([Lengths.Length, kvHeads, width, headDim], generator: generator);
        using var batch = new KvCache(config, Lengths.Length, width, CPU, ScalarType.Float32);
        batch.PadLeft([.. Lengths.Select(l => width - l)]);
        batch.Append(0, keys, values);                                       // padding columns hold noise the rows must never see
        var together = DecodeAttention.Compute(q, batch, 0, width, window);
        Assert.That(together.isfinite().all().item<bool>(), Is.True, "a padding query must see itself, not nothing (NaN)");
        for (var b = 0; b < Lengths.Length; b++)
        {
            var length = Lengths[b];
            var (k, v) = (keys.narrow(0, b, 1).narrow(2, width - length, length), values.narrow(0, b, 1).narrow(2, width - length, length));
            var prompt = q.narrow(0, b, 1).narrow(2, width - length, length);
            using var alone = new KvCache(config, 1, length, CPU, ScalarType.Float32);
            alone.Append(0, k, v);
            var single = DecodeAttention.Compute(prompt, alone, 0, length, window);
            Assert.That(together.narrow(0, b, 1).narrow(2, width - length, length).eq(single).all().item<bool>(), Is.True, $"row {b}: batched and alone differ in some bit");

            var columns = arange(length).unsqueeze(0);
            var rows = arange(length).unsqueeze(1);
            var mask = columns <= rows;
            if (window is int w) mask = mask & (columns > rows - w);
            var reference = nn.functional.scaled_dot_product_attention(prompt, k.repeat_interleave(heads / kvHeads, dim: 1), v.repeat_interleave(heads / kvHeads, dim: 1), attn_mask: mask);
            Assert.That(single.allclose(reference, rtol: 1e-5, atol: 1e-6), Is.True, $"row {b}: differs from scaled_dot_product_attention");
        }
    }

    [Test]
    public void Supports_Float32OnCpuOnly()
    {
        var config = Config();
        using var cache = new KvCache(config, 1, 4, CPU, ScalarType.Float32);
        using var q32 = zeros(1, 4, 1, config.HeadDim);
        using var q16 = zeros([1, 4, 1, config.HeadDim], ScalarType.BFloat16);
        Assert.That(DecodeAttention.Supports(q32, cache, 4), Is.True);
        Assert.That(DecodeAttention.Supports(q16, cache, 4), Is.False);
    }

    [TestCase(1, 64, 4096, true)]                 // one new token: always
    [TestCase(8, 8, 4096, true)]                  // a prompt at a small head size: any length
    [TestCase(8, 64, 1024, true)]
    [TestCase(8, 64, 1025, false)]                // a long prompt at a large head size: the flash kernel
    [TestCase(8, 20, 16, false)]                  // a head size that does not fill whole vectors
    public void Supports_PromptTokens_ByHeadSizeAndLength(int tokens, int headDim, long total, bool expected)
    {
        var config = Config() with { HeadDimOverride = headDim };
        using var cache = new KvCache(config, 1, 4, CPU, ScalarType.Float32);
        using var q = zeros(1, config.NumAttentionHeads, tokens, headDim);
        Assert.That(DecodeAttention.Supports(q, cache, total), Is.EqualTo(expected));
    }

    private static LlamaConfig Config()
    {
        using var model = FamilyFixtures.Model("llama32");
        return model.Config;
    }
}
