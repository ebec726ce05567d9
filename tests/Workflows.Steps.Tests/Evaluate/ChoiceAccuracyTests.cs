using Workflows.Steps.Evaluate.Metrics;
using Workflows.Steps.Evaluate.Scoring;

namespace Workflows.Steps.Tests.Evaluate;

[TestFixture]
public sealed class ChoiceAccuracyTests
{
    // lls −6 ("no", 2 chars) and −9 ("certainly", 9 chars): acc picks "no" (−6 > −9);
    // acc_norm compares −3 with −1 and picks "certainly".
    private static readonly object[] Cases =
    [
        new object[] { new[] { -6.0, -9.0 }, new[] { "no", "certainly" }, 0, 1.0, 0.0 },
        new object[] { new[] { -6.0, -9.0 }, new[] { "no", "certainly" }, 1, 0.0, 1.0 },
        new object[] { new[] { -2.0, -2.0 }, new[] { "ab", "ab" }, 0, 1.0, 1.0 },      // ties go to the first choice
        new object[] { new[] { -3.0, -4.0, -6.0 }, new[] { "a", "bbbb", "cccccc" }, 1, 0.0, 1.0 }, // per char −3, −1, −1: the tie goes to 1
    ];

    [TestCaseSource(nameof(Cases))]
    public void AccAndAccNorm_HandComputedLikelihoods_MatchLmEvalHarness(double[] lls, string[] choices, int gold, double acc, double accNorm)
    {
        Assert.That(ChoiceAccuracy.Acc(lls, gold), Is.EqualTo(acc));
        Assert.That(ChoiceAccuracy.AccNorm(lls, choices, gold), Is.EqualTo(accNorm));
    }

    private static readonly object[] GoldCases =
    [
        new object?[] { "1", new[] { "negative", "positive" }, 1 },
        new object?[] { "Positive", new[] { "negative", "positive" }, 1 },
        new object?[] { "2", new[] { "negative", "positive" }, null },
        new object?[] { "neutral", new[] { "negative", "positive" }, null },
        new object?[] { null, new[] { "negative", "positive" }, null },
    ];

    [TestCaseSource(nameof(GoldCases))]
    public void Gold_LabelIndexOrText_FindsTheChoice(string? label, string[] choices, int? expected) =>
        Assert.That(ChoiceScorer.Gold(label, choices), Is.EqualTo(expected));
}
