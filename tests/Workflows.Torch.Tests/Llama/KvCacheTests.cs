using NUnit.Framework;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Llama;

public class KvCacheTests
{
    [TestCase("mistral")]   // sliding window 8: rows of 11 and 14 tokens cross it
    [TestCase("qwen3")]
    [TestCase("llama32")]
    public void Forward_LeftPaddedRowsThenOneToken_EqualsEachRowAlone(string family)
    {
        using var model = FamilyFixtures.Model(family);
        using var noGrad = no_grad();
        long[][] rows = [[5, 9, 13, 2, 7, 30, 31, 8, 4, 11, 12], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [20, 21]];
        var width = rows.Max(r => r.Length);
        using var cache = new KvCache(model.Config, rows.Length, width + 1, CPU, ScalarType.Float32);
        cache.PadLeft([.. rows.Select(r => (long)(width - r.Length))]);
        using var input = tensor(rows.SelectMany(r => Enumerable.Repeat(0L, width - r.Length).Concat(r)).ToArray(), [rows.Length, width]);
        using var logits = model.forward(input, cache);                                              // (B, T, vocab)
        using var next = tensor(new long[] { 17, 18, 19 }, [3, 1]);
        using var step = model.forward(next, cache);                                                 // (B, 1, vocab)
        for (var b = 0; b < rows.Length; b++)
        {
            using var alone = model.forward(tensor(rows[b].Append(17 + b).ToArray(), [1, rows[b].Length + 1]));   // (1, T + 1, vocab)
            using var padded = logits[b].narrow(0, width - rows[b].Length, rows[b].Length);
            Assert.That(padded.allclose(alone[0].narrow(0, 0, rows[b].Length), rtol: 1e-4, atol: 1e-5), $"{family} row {b}: prompt logits");
            Assert.That(step[b, 0].allclose(alone[0, -1], rtol: 1e-4, atol: 1e-5), $"{family} row {b}: next-token logits");
        }
    }

    [TestCase("mistral")]
    [TestCase("qwen3")]
    public void CopyRows_SharedPrefixesThenContinuations_EqualEachWholeSequenceAlone(string family)
    {
        using var model = FamilyFixtures.Model(family);
        using var noGrad = no_grad();
        long[][] prefixes = [[5, 9, 13, 2, 7, 30, 31, 8, 4], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]];
        var width = prefixes.Max(r => r.Length);
        using var cache = new KvCache(model.Config, prefixes.Length, width + 3, CPU, ScalarType.Float32);
        cache.PadLeft([.. prefixes.Select(r => (long)(width - r.Length))]);
        using var input = tensor(prefixes.SelectMany(r => Enumerable.Repeat(0L, width - r.Length).Concat(r)).ToArray(), [prefixes.Length, width]);
        model.forward(input, cache).Dispose();
        // Row 1 twice and row 0 once, each continued by its own three tokens.
        long[] source = [1, 0, 1];
        long[][] continuations = [[17, 18, 19], [20, 21, 22], [23, 24, 25]];
        using var copy = cache.CopyRows(source);
        Assert.That((copy.Batch, copy.Length, copy.LeftPadding), Is.EqualTo((3L, (long)width, (long[]?)[0, 2, 0])));
        using var logits = model.forward(tensor(continuations.SelectMany(c => c).ToArray(), [3, 3]), copy);   // (3, 3, vocab)
        for (var b = 0; b < source.Length; b++)
        {
            var whole = prefixes[source[b]].Concat(continuations[b]).ToArray();
            using var alone = model.forward(tensor(whole, [1, whole.Length]));                        // (1, T, vocab)
            Assert.That(logits[b].allclose(alone[0].narrow(0, whole.Length - 3, 3), rtol: 1e-4, atol: 1e-5), $"{family} row {b}");
        }

        Assert.That(cache.Length, Is.EqualTo(width), "the source cache is not extended");
    }

    [Test]
    public void KeepRows_DropsRowsAndTheirPadding()
    {
        using var model = FamilyFixtures.Model("llama32");
        using var cache = new KvCache(model.Config, 3, 4, CPU, ScalarType.Float32);
        cache.PadLeft([2, 0, 1]);
        cache.KeepRows([0, 2]);
        Assert.That(cache.Batch, Is.EqualTo(2));
        Assert.That(cache.LeftPadding, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(() => cache.PadLeft([1]), Throws.ArgumentException.With.Message.Contain("one non-negative count per row (2)"));
    }
}
