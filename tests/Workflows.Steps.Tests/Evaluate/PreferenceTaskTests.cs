using Workflows.Steps.Datasets;
using Workflows.Steps.Evaluate;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Evaluate;

/// <summary>The evaluate step's preference task on stories260K, whose greedy continuation of "Once upon a time"
/// is ", there was a little girl named Lily" (../shared/README.md).</summary>
[TestFixture]
public sealed class PreferenceTaskTests
{
    private static EvaluateOptions Options(string dataset) => new()
    {
        Model = TempWorkflow.Model,
        Tasks = new() { ["pref"] = new() { Type = EvalTaskType.Preference, Dataset = dataset, TargetDelimiter = "" } },
    };

    [Test]
    public async Task Run_MirroredPairs_HalfAreRightAndMarginsCancel()
    {
        using var context = new TestStepContext();
        var items = context.WriteFile("pairs.jsonl",
            "{\"prompt\": \"Once upon a time\", \"choices\": [\", there was\", \" banana banana\"]}\n" +
            "{\"prompt\": \"Once upon a time\", \"choices\": [\" banana banana\", \", there was\"]}\n");
        var result = await new EvaluateStep().RunAsync(Options(items), context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(result.Metrics["pref.accuracy"], Is.EqualTo(0.5));
        Assert.That(result.Metrics["pref.accuracy_norm"], Is.EqualTo(0.5));
        Assert.That(result.Metrics["pref.margin"], Is.EqualTo(0.0).Within(1e-4));
        Assert.That(result.Metrics["pref.items"], Is.EqualTo(2));
    }

    [Test]
    public async Task Run_PreferenceDataset_ScoresChosenAgainstRejected()
    {
        using var context = new TestStepContext();
        var dataset = await Rows.WriteDatasetAsync(context, [Rows.Pair("Once upon a time", ", there was a little girl", " banana banana banana")]);
        var result = await new EvaluateStep().RunAsync(Options(dataset), context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(result.Metrics["pref.accuracy"], Is.EqualTo(1.0));
        Assert.That(result.Metrics["pref.margin"], Is.GreaterThan(0));
    }

    [Test]
    public async Task Run_AnswersThatDifferOnlyPastTheContext_AreNotCounted()
    {
        using var context = new TestStepContext();
        var prompt = string.Concat(Enumerable.Repeat("Once upon a time, ", 88));
        var shared = string.Concat(Enumerable.Repeat(" there was a little girl named Lily.", 12));
        var dataset = await Rows.WriteDatasetAsync(context,
        [
            Rows.Pair(prompt, shared + " She was happy.", shared + " banana banana", 1),     // the same tokens within 512
            Rows.Pair(prompt, " there was a little girl", " banana banana banana", 2),
        ]);
        var result = await new EvaluateStep().RunAsync(Options(dataset), context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(result.Metrics["pref.items"], Is.EqualTo(1), "the second pair fits and counts; the first is a tie, not a wrong answer");
        Assert.That(result.Metrics["pref.accuracy"], Is.EqualTo(1.0));
    }

    [Test]
    public async Task Run_InstructionDataset_IsAnErrorAskingForPairs()
    {
        using var context = new TestStepContext();
        var dataset = await Rows.WriteDatasetAsync(context, [Rows.Instruction("Who are you?", "Sparky")]);
        var result = await new EvaluateStep().RunAsync(Options(dataset), context, CancellationToken.None);

        Assert.That(result.Error, Does.Contain("tasks.pref.dataset: type preference needs pairs"));
    }
}
