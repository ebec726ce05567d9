using Workflows.Steps.Augment;
using Workflows.Steps.Datasets;

namespace Workflows.Steps.Tests.Augment;

[TestFixture]
public sealed class NoiseAugmenterTests
{
    private static IEnumerable<TestCaseData> Operations()
    {
        yield return new TestCaseData(NoiseOperation.Swap, "ab", new[] { "ba" });
        yield return new TestCaseData(NoiseOperation.Delete, "ab", new[] { "a", "b" });
        yield return new TestCaseData(NoiseOperation.Case, "word", new[] { "Word" });
        yield return new TestCaseData(NoiseOperation.Case, "Word", new[] { "word" });
        yield return new TestCaseData(NoiseOperation.Typo, "s", new[] { "a", "d" });
    }

    [TestCaseSource(nameof(Operations))]
    public void Noisy_SingleOperation_MakesThatEdit(NoiseOperation operation, string word, string[] possible)
    {
        var augmenter = new NoiseAugmenter(new NoiseOptions { Operations = [operation], Rate = 1 }, seed: 1);

        var noisy = augmenter.Noisy(word, new StableRandom(42));

        Assert.That(possible, Does.Contain(noisy));
    }

    [Test]
    public void Noisy_RateZero_StillEditsExactlyOneWord()
    {
        var augmenter = new NoiseAugmenter(new NoiseOptions { Operations = [NoiseOperation.Case], Rate = 0 }, seed: 1);

        var noisy = augmenter.Noisy("one two three four", new StableRandom(3));

        Assert.That(noisy.Split(' ').Zip("one two three four".Split(' ')).Count(p => p.First != p.Second), Is.EqualTo(1));
    }
}
