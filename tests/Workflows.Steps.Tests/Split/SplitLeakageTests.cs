using Workflows.Steps.Split;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Split;

[TestFixture]
public sealed class SplitLeakageTests
{
    private const string Story = "the quick brown fox jumps over the lazy dog while the cat sleeps in the warm afternoon sun";

    [Test]
    public async Task RunAsync_RandomSplitOfDuplicates_CountsExactPairsAcrossSplits()
    {
        using var context = new TestStepContext();
        var rows = Enumerable.Range(1, 40).Select(n => Rows.Text($"unique text number {n} with words {n * 7}", n))
            .Concat(Enumerable.Range(41, 10).Select(n => Rows.Text("the same sentence", n)));
        var dataset = await Rows.WriteDatasetAsync(context, rows);
        var options = new SplitOptions { Dataset = dataset, Method = SplitMethod.Random, Ratios = new SplitRatios { Train = 0.5, Validation = 0.5, Test = 0 } };

        var result = await new SplitStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Success, Is.True);
        var train = (int)result.Metrics["rows_train"];
        var duplicatesInTrain = (await Workflows.Steps.Datasets.DatasetFile.ReadAllAsync(context.Outputs["train"])).Count(r => r.Text == "the same sentence");
        Assert.That(result.Metrics["leakage_exact_pairs"], Is.EqualTo(duplicatesInTrain * (10 - duplicatesInTrain)).And.GreaterThan(0));
        Assert.That(train, Is.GreaterThan(0));
    }

    [Test]
    public async Task RunAsync_NearDuplicatesAcrossSplits_CountsThemAndFailsWhenGated()
    {
        using var context = new TestStepContext();
        var rows = new[] { Rows.Text(Story, 1), Rows.Text(Story + " today", 2) };
        var dataset = await Rows.WriteDatasetAsync(context, rows);
        // With two distinct groups and a 50/50 split each side gets one row.
        var options = new SplitOptions { Dataset = dataset, Ratios = new SplitRatios { Train = 0.5, Validation = 0.5, Test = 0 }, FailOnLeakage = true };

        var result = await new SplitStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Success, Is.False);
        Assert.That(result.Metrics["leakage_near_pairs"], Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("fail_on_leakage").And.Contain("t.jsonl:1").And.Contain("near duplicate"));
    }

    [Test]
    public async Task RunAsync_NoLeaks_SucceedsWithGateOn()
    {
        using var context = new TestStepContext();
        var dataset = await Rows.WriteDatasetAsync(context, [Rows.Text(Story, 1), Rows.Text("completely unrelated words about maths and numbers and geometry", 2)]);
        var options = new SplitOptions { Dataset = dataset, Ratios = new SplitRatios { Train = 0.5, Validation = 0.5, Test = 0 }, FailOnLeakage = true };

        var result = await new SplitStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(result.Metrics["leakage_near_pairs"] + result.Metrics["leakage_exact_pairs"], Is.Zero);
    }

    private static IEnumerable<TestCaseData> InvalidOptions()
    {
        yield return new TestCaseData(new SplitOptions { Dataset = "", Ratios = new SplitRatios { Train = 0.8, Validation = 0.3, Test = 0.1 } }, "ratios: must add up to 1")
            .SetName("RunAsync_RatiosNotSummingToOne_Fails");
        yield return new TestCaseData(new SplitOptions { Dataset = "", GroupBy = "speaker" }, "group_by: unknown column 'speaker'")
            .SetName("RunAsync_UnknownGroupColumn_Fails");
        yield return new TestCaseData(new SplitOptions { Dataset = "", Method = SplitMethod.Stratified }, "column 'label' is empty in every row")
            .SetName("RunAsync_StratifyOnEmptyColumn_Fails");
        yield return new TestCaseData(new SplitOptions { Dataset = "", KFold = new KFoldOptions { Folds = 3, Fold = 3 } }, "k_fold.fold: must be below")
            .SetName("RunAsync_FoldOutOfRange_Fails");
    }

    [TestCaseSource(nameof(InvalidOptions))]
    public async Task RunAsync_InvalidOptions_FailsNamingTheProblem(SplitOptions options, string error)
    {
        using var context = new TestStepContext();
        var dataset = await Rows.WriteDatasetAsync(context, [Rows.Text("a", 1), Rows.Text("b", 2)]);

        var result = await new SplitStep().RunAsync(options with { Dataset = dataset }, context, CancellationToken.None);

        Assert.That(result.Error, Does.Contain(error));
    }
}
