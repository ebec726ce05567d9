using NUnit.Framework;
using Workflows.Torch.Evaluation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Evaluation;

public class LanguageModelLossTests
{
    // Pinned from this implementation; the README of ../shared says "about 1.6", a uniform guess 6.24.
    private const double PinnedMeanLoss = 1.6884;

    [Test]
    public void Evaluate_Stories260KOnTinyStoriesValid_GivesPinnedMeanLoss()
    {
        var model = LlamaLoader.Load(SharedAssets.Stories260K);
        var tokenizer = TokenizerLoader.ForModel(SharedAssets.Stories260K, model.Config);
        var stories = File.ReadLines(Path.Combine(SharedAssets.Shared, "data", "tinystories", "TinyStories-valid.txt")).Where(l => l.Trim().Length > 0);
        var summary = LanguageModelLoss.Evaluate(model, tokenizer, stories);
        TestContext.Out.WriteLine($"stories260K on TinyStories-valid: mean loss {summary.MeanLoss:F4} nats/token over {summary.TokenCount} tokens (perplexity {summary.Perplexity:F3})");
        Assert.That(summary.MeanLoss, Is.EqualTo(PinnedMeanLoss).Within(1e-3));
    }

    [Test]
    public void CrossEntropy_IgnoredTargets_DoNotCount()
    {
        using var logits = tensor(new float[] { 0, 0, 10, 10, 0, 0 }, [1, 2, 3]);                // (B, T, vocab)
        using var allTargets = tensor(new long[] { 2, 1 }, [1, 2]);
        using var secondIgnored = tensor(new long[] { 2, LanguageModelLoss.IgnoreIndex }, [1, 2]);
        var both = LanguageModelLoss.CrossEntropy(logits, allTargets).item<float>();
        var first = LanguageModelLoss.CrossEntropy(logits, secondIgnored).item<float>();
        var confident = Math.Log(1 + (2 * Math.Exp(-10)));                                       // target has logit 10
        Assert.That(first, Is.EqualTo(confident).Within(1e-5));
        Assert.That(both, Is.EqualTo((confident + 10 + confident) / 2).Within(1e-4));
    }
}
