using Workflows.Engine.Runs;
using Workflows.Steps.Datasets;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Examples;

/// <summary>The persona-pairs DPO example, cut to 10 steps: held-out questions stay out of training and
/// the adapter ranks their chosen answers above the rejected ones more often than the base does.</summary>
[TestFixture]
public sealed class PreferenceDpoPersonaWorkflowTests
{
    [Test]
    public async Task Run_TenDpoSteps_AdapterBeatsTheBaseOnHeldOutQuestions()
    {
        using var engine = new EngineRun();
        var record = await engine.RunAsync("examples/preference-dpo/persona-pairs.yaml", new Dictionary<string, string> { ["dpo_steps"] = "10" });
        Assert.That(record.Steps.Where(s => s.State != StepState.Succeeded).Select(s => $"{s.Name}: {s.Error}"), Is.Empty);

        static async Task<HashSet<string>> Questions(string folder) =>
            (await DatasetFile.ReadAllAsync(folder)).Select(r => r.Messages!.Single().Content).ToHashSet();
        var trained = await Questions(engine.Output(record, "pairs_split", "train"));
        var heldOut = await Questions(engine.Output(record, "pairs_split", "validation"));
        Assert.That(heldOut, Is.Not.Empty);
        Assert.That(heldOut.Intersect(trained), Is.Empty, "grouped by the prompt: no held-out question is trained on");

        var metrics = record.Step("evaluate").Metrics;
        Assert.That(record.Step("dpo").Metrics["eval_rewards/accuracies"], Is.EqualTo(1.0));
        Assert.That(metrics["adapter_1.held_out_pairs.accuracy"], Is.GreaterThan(metrics["held_out_pairs.accuracy"] + 0.25));
        Assert.That(metrics["adapter_1.held_out_pairs.accuracy_norm"], Is.GreaterThan(metrics["held_out_pairs.accuracy_norm"]));
    }
}
