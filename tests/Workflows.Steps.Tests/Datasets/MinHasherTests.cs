using Workflows.Steps.Datasets;

namespace Workflows.Steps.Tests.Datasets;

[TestFixture]
public sealed class MinHasherTests
{
    private const string Text = "the quick brown fox jumps over the lazy dog while the cat sleeps in the warm afternoon sun";

    private static IEnumerable<TestCaseData> Similarities()
    {
        yield return new TestCaseData(Text, Text, 1.0, 0.0).SetName("Similarity_SameText_IsOne");
        yield return new TestCaseData(Text, Text.ToUpperInvariant().Replace(" ", "  , "), 1.0, 0.0).SetName("Similarity_CaseAndPunctuation_AreIgnored");
        // 18 shingles shared of 19 in the union.
        yield return new TestCaseData(Text, Text + " today", 18 / 19.0, 0.1).SetName("Similarity_OneWordAdded_IsNearTrueJaccard");
        yield return new TestCaseData(Text, "completely unrelated words about maths and numbers", 0.0, 0.05).SetName("Similarity_UnrelatedTexts_IsNearZero");
    }

    [TestCaseSource(nameof(Similarities))]
    public void Similarity_TextPair_EstimatesShingleJaccard(string a, string b, double expected, double tolerance)
    {
        var hasher = new MinHasher();

        var similarity = MinHasher.Similarity(hasher.Signature(a), hasher.Signature(b));

        Assert.That(similarity, Is.EqualTo(expected).Within(tolerance));
    }

    [Test]
    public void NearPairs_MixedTexts_FindsOnlyTheSimilarPairAndHonoursTheFilter()
    {
        var hasher = new MinHasher();
        var signatures = new[] { Text, "something else entirely with other words in it", Text + " today" }.Select(hasher.Signature).ToList();

        Assert.That(hasher.NearPairs(signatures, 0.8), Is.EqualTo(new[] { (0, 2) }));
        Assert.That(hasher.NearPairs(signatures, 0.8, (a, b) => b != 2), Is.Empty);
    }
}
