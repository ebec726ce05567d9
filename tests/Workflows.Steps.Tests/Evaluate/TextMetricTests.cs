using Workflows.Steps.Evaluate.Metrics;

namespace Workflows.Steps.Tests.Evaluate;

[TestFixture]
public sealed class TextMetricTests
{
    private static readonly object[] ExactMatchCases =
    [
        new object[] { "The answer is 42.", "answer is 42", 1.0 },
        new object[] { "1,000", "1000", 1.0 },
        new object[] { "  Paris ", "paris", 1.0 },
        new object[] { "a cat", "the cat", 1.0 },
        new object[] { "42", "43", 0.0 },
        new object[] { "42 apples", "42", 0.0 },
    ];

    [TestCaseSource(nameof(ExactMatchCases))]
    public void ExactMatch_NormalisedPair_ScoresAsExpected(string prediction, string reference, double expected) =>
        Assert.That(ExactMatch.Score(prediction, reference), Is.EqualTo(expected));

    [Test]
    public void ExactMatch_NormalisationOff_ComparesTrimmedText()
    {
        Assert.That(ExactMatch.Score(" Paris ", "Paris", normalise: false), Is.EqualTo(1));
        Assert.That(ExactMatch.Score("paris", "Paris", normalise: false), Is.EqualTo(0));
    }

    private static readonly object[] ContainsCases =
    [
        new object[] { "so the total is 42 apples", "42", 1.0 },
        new object[] { "the total is 420", "42", 0.0 },
        new object[] { "New York City is big", "new york", 1.0 },
        new object[] { "anything", "", 0.0 },
    ];

    [TestCaseSource(nameof(ContainsCases))]
    public void Contains_ReferenceInPrediction_MatchesAtWordBoundaries(string prediction, string reference, double expected) =>
        Assert.That(ContainsMatch.Score(prediction, reference), Is.EqualTo(expected));

    [Test]
    public void Contains_NormalisationOff_ComparesExactWords()
    {
        Assert.That(ContainsMatch.Score("I am Sparky!", "Sparky!", normalise: false), Is.EqualTo(1));
        Assert.That(ContainsMatch.Score("I am sparky", "Sparky", normalise: false), Is.EqualTo(0));
        Assert.That(ContainsMatch.Score("I am Sparky.", "Sparky", normalise: false), Is.EqualTo(0));
        Assert.That(ContainsMatch.Score("I am sparky.", "Sparky", normalise: true), Is.EqualTo(1));
    }

    [Test]
    public void TokenF1_NormalisationOff_CountsExactWordsOnly()
    {
        Assert.That(TokenF1.Score("The Cat sat", "the cat sat", normalise: false), Is.EqualTo(1.0 / 3).Within(1e-12));   // only "sat" shared
        Assert.That(TokenF1.Score("The Cat sat", "the cat sat", normalise: true), Is.EqualTo(1.0).Within(1e-12));
    }

    // Hand-computed: common words counted with multiplicity; F1 = 2PR/(P+R).
    private static readonly object[] F1Cases =
    [
        new object[] { "the cat sat on the mat", "cat on mat", 6.0 / 7 },              // articles dropped: {cat,sat,on,mat} vs {cat,on,mat}: P=3/4 R=1
        new object[] { "red blue", "blue green yellow", 0.4 },                          // common 1: P=1/2 R=1/3 → 0.4
        new object[] { "a b c", "x y z", 0.0 },
        new object[] { "", "", 1.0 },
        new object[] { "", "answer", 0.0 },
        new object[] { "dog dog dog", "dog", 0.5 },                                     // common 1: P=1/3 R=1 → 0.5
    ];

    [TestCaseSource(nameof(F1Cases))]
    public void TokenF1_HandComputedPair_GivesExpectedScore(string prediction, string reference, double expected) =>
        Assert.That(TokenF1.Score(prediction, reference), Is.EqualTo(expected).Within(1e-12));

    // LCS over words: "police killed the gunman" vs "police kill the gunman": LCS = police, the, gunman = 3 → P=R=3/4 → 0.75.
    private static readonly object[] RougeCases =
    [
        new object[] { "police killed the gunman", "police kill the gunman", 0.75 },
        new object[] { "the gunman police killed", "police kill the gunman", 0.5 },     // LCS 2 (the gunman)
        new object[] { "A B C D", "a b c d", 1.0 },
        new object[] { "w x", "y z", 0.0 },
        new object[] { "one two three four five six", "two four six", 2 * 0.5 * 1.0 / 1.5 }, // LCS 3: P=3/6 R=1
    ];

    [TestCaseSource(nameof(RougeCases))]
    public void RougeL_HandComputedPair_GivesLcsFMeasure(string prediction, string reference, double expected) =>
        Assert.That(RougeL.Score(prediction, reference), Is.EqualTo(expected).Within(1e-12));

    private static readonly object[] ExtractionCases =
    [
        new object[] { "Natalia sold 48/2 = 24 clips.\n#### 72", @"#### (\-?[0-9\.\,]+)", "72" },
        new object[] { "#### 1,000", @"#### (\-?[0-9\.\,]+)", "1,000" },
        new object[] { "first #### 3 then #### 4", @"#### (\-?[0-9\.\,]+)", "4" },
        new object[] { "The answer is -5", @"-?\d+", "-5" },
        new object[] { "no number here", @"#### (\-?[0-9\.\,]+)", null! },
    ];

    [TestCaseSource(nameof(ExtractionCases))]
    public void AnswerExtractor_Pattern_TakesTheLastMatchsGroup(string text, string pattern, string? expected) =>
        Assert.That(new AnswerExtractor(pattern).Extract(text), Is.EqualTo(expected));

    [Test]
    public void AnswerExtractor_BadPattern_ReportsIt() =>
        Assert.That(AnswerExtractor.Check("(unclosed"), Does.Contain("not a valid regular expression"));
}
