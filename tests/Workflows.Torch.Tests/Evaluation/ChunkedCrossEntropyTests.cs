using NUnit.Framework;
using TorchSharp;
using Workflows.Torch.Adapters;
using Workflows.Torch.Engine;
using Workflows.Torch.Evaluation;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Evaluation;

public class ChunkedCrossEntropyTests
{
    // A chunk's float32 logits (plus the allocator's few bytes of alignment) must stay below the compact
    // heap's fixed mmap threshold, or every chunk is mapped and zeroed afresh: the measured cost is ~10 %.
    [Test]
    public void ChunkLogits_Float32Chunk_StaysBelowTheCompactHeapsMmapThreshold()
    {
        var threshold = long.Parse(CompactHeap.Tunables.Split(':').Single(t => t.StartsWith("glibc.malloc.mmap_threshold=", StringComparison.Ordinal)).Split('=')[1]);
        Assert.That((ChunkedCrossEntropy.ChunkLogits * sizeof(float)) + 4096, Is.LessThan(threshold));
        Assert.That(ChunkedCrossEntropy.ChunkLogits * sizeof(float), Is.GreaterThan(threshold * 0.9), "chunks well below the threshold read the head's weights more often than needed");
    }

    [TestCase(true, false, 5)]                              // full fine-tuning, tied head: the embedding gets gradients from both ends
    [TestCase(false, false, 7)]                             // full fine-tuning, separate lm_head
    [TestCase(true, true, 4)]                               // LoRA: only the adapters train, the head is frozen
    [TestCase(false, true, 1000)]                           // one chunk holds every row
    public void Of_Mean_EqualsUnchunkedLossAndGradients(bool tied, bool lora, int rowsPerChunk)
    {
        var model = GradientCase.Model(tied, lora);
        var (inputs, targets) = GradientCase.Batch(model.Config.VocabSize);
        var expected = GradientCase.Backward(model, LanguageModelLoss.CrossEntropy(model.forward(inputs), targets));
        var actual = GradientCase.Backward(model, ChunkedCrossEntropy.Of(model, model.model.forward(inputs, null), targets, rowsPerChunk: rowsPerChunk));

        Assert.That(actual.Loss, Is.EqualTo(expected.Loss).Within(1e-5));
        Assert.That(actual.Grads.Select(g => g.Name), Is.EqualTo(expected.Grads.Select(g => g.Name)));
        for (var i = 0; i < expected.Grads.Count; i++)
        {
            var scale = expected.Grads[i].Grad.abs().max().item<float>();
            Assert.That(scale, Is.GreaterThan(0), $"{expected.Grads[i].Name}: the case must train it");
            var difference = (actual.Grads[i].Grad - expected.Grads[i].Grad).abs().max().item<float>();
            Assert.That(difference, Is.LessThanOrEqualTo((1e-5 * scale) + 1e-7), expected.Grads[i].Name);
        }
    }

    [Test]
    public void Of_LoraOnTheHead_TrainsTheHeadAdapterAsTheUnchunkedPathDoes()
    {
        var model = GradientCase.Model(tied: false, lora: true, adaptHead: true);
        var (inputs, targets) = GradientCase.Batch(model.Config.VocabSize);
        var expected = GradientCase.Backward(model, LanguageModelLoss.CrossEntropy(model.forward(inputs), targets));
        var actual = GradientCase.Backward(model, ChunkedCrossEntropy.Of(model, model.model.forward(inputs, null), targets, rowsPerChunk: 4));

        Assert.That(expected.Grads.Select(g => g.Name), Has.Some.StartsWith("lm_head.lora_"));
        Assert.That(actual.Grads.Select(g => g.Name), Is.EqualTo(expected.Grads.Select(g => g.Name)));
        for (var i = 0; i < expected.Grads.Count; i++)
        {
            Assert.That(allclose(actual.Grads[i].Grad, expected.Grads[i].Grad, rtol: 1e-4, atol: 1e-7), expected.Grads[i].Name);
        }
    }

    [TestCase(true)]                                        // tied: the rows get gradients through the embedding and the head
    [TestCase(false)]                                       // untied: lm_head has rows of its own
    public void Of_AddedTokenRows_TrainsTheRowsAsTheUnchunkedPathDoes(bool tied)
    {
        var model = GradientCase.Model(tied, lora: true);
        TrainableTokenRows.Attach(model, TrainableTokenRows.For(model, [97, 98]));   // two tokens beyond the vocabulary of 97
        var (inputs, targets) = GradientCase.Batch(model.Config.VocabSize);
        var expected = GradientCase.Backward(model, LanguageModelLoss.CrossEntropy(model.forward(inputs), targets));
        var actual = GradientCase.Backward(model, ChunkedCrossEntropy.Of(model, model.model.forward(inputs, null), targets, rowsPerChunk: 4));

        Assert.That(expected.Grads.Select(g => g.Name), Has.Some.EndsWith("trainable_tokens_delta"));
        Assert.That(actual.Grads.Select(g => g.Name), Is.EqualTo(expected.Grads.Select(g => g.Name)));
        for (var i = 0; i < expected.Grads.Count; i++)
        {
            Assert.That(allclose(actual.Grads[i].Grad, expected.Grads[i].Grad, rtol: 1e-4, atol: 1e-7), expected.Grads[i].Name);
        }
    }

    [Test]
    public void Of_SumScaledAsTheTrainerDoes_EqualsUnchunkedGradients()
    {
        var model = GradientCase.Model(tied: true, lora: true);
        var (inputs, targets) = GradientCase.Batch(model.Config.VocabSize);
        var expected = GradientCase.Backward(model, LanguageModelLoss.CrossEntropy(model.forward(inputs), targets, nn.Reduction.Sum) / 29.0);
        var actual = GradientCase.Backward(model, ChunkedCrossEntropy.ForInputs(model, inputs, targets, nn.Reduction.Sum, sumDivisor: 29));

        Assert.That(actual.Loss, Is.EqualTo(expected.Loss).Within(1e-5));
        for (var i = 0; i < expected.Grads.Count; i++)
        {
            Assert.That(allclose(actual.Grads[i].Grad, expected.Grads[i].Grad, rtol: 1e-4, atol: 1e-7), expected.Grads[i].Name);
        }
    }

    [Test]
    public void Of_WithoutGrad_EqualsUnchunkedLossAndBuildsNoGraph()
    {
        var model = GradientCase.Model(tied: true, lora: false);
        model.eval();
        var (inputs, targets) = GradientCase.Batch(model.Config.VocabSize);
        using var noGrad = no_grad();
        var expected = LanguageModelLoss.CrossEntropy(model.forward(inputs), targets, nn.Reduction.Sum);
        var actual = ChunkedCrossEntropy.ForInputs(model, inputs, targets, nn.Reduction.Sum);

        Assert.That(actual.item<float>(), Is.EqualTo(expected.item<float>()).Within(1e-4));
        Assert.That(actual.requires_grad, Is.False);
    }

    [Test]
    public void Of_Bfloat16Model_MatchesUnchunkedLoss()
    {
        var model = GradientCase.Model(tied: true, lora: true, dtype: ScalarType.BFloat16);
        var (inputs, targets) = GradientCase.Batch(model.Config.VocabSize);
        var expected = GradientCase.Backward(model, LanguageModelLoss.CrossEntropy(model.forward(inputs), targets));
        var actual = GradientCase.Backward(model, ChunkedCrossEntropy.Of(model, model.model.forward(inputs, null), targets, rowsPerChunk: 6));

        Assert.That(actual.Loss, Is.EqualTo(expected.Loss).Within(1e-5));
        // bfloat16 keeps 8 bits of mantissa: the chunked and unchunked sums round differently, and the
        // difference passes back through every layer. Compare against each gradient's own size.
        for (var i = 0; i < expected.Grads.Count; i++)
        {
            var scale = expected.Grads[i].Grad.abs().max().item<float>();
            var difference = (actual.Grads[i].Grad - expected.Grads[i].Grad).abs().max().item<float>();
            Assert.That(difference, Is.LessThanOrEqualTo(1e-2 * scale), expected.Grads[i].Name);
        }
    }

    [Test]
    public void Of_ReductionNone_IsRefused() =>
        Assert.Throws<ArgumentException>(() => ChunkedCrossEntropy.Of(GradientCase.Model(true, true), zeros(1, 2, 32), zeros(1, 2, ScalarType.Int64), nn.Reduction.None));
}
