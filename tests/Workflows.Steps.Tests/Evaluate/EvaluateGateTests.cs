using Workflows.Engine.Runs;
using Workflows.Engine.Storage;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Evaluate;

/// <summary>Gates through the real engine: a held gate lets the run succeed, a breached one fails the step with the
/// metric, value and threshold and skips what depends on it; bad gate keys are validation errors.</summary>
[TestFixture]
public sealed class EvaluateGateTests
{
    private const string Workflow = """
        api_version: workflows/v1
        name: gate-test
        version: 1
        steps:
          evaluate:
            uses: evaluate
            with:
              model: {model}
              tasks:
                stories:
                  type: perplexity
                  dataset: {shared}/tinystories/TinyStories-valid.txt
                  limit: 2
              gates:
                {gate}
          after:
            uses: guard
            needs: [evaluate]
            with:
              scan: {shared}/tinystories/TinyStories-valid.txt
        """;

    private static readonly object[] Gates =
    [
        new object[] { "stories.perplexity: { max: 50 }", StepState.Succeeded, null! },
        new object[] { "perplexity: { max: 2 }", StepState.Failed, "gate stories.perplexity: " },
        new object[] { "stories.loss: { min: 3 }", StepState.Failed, "< min 3" },
        new object[] { "stories.perplexity: { min: 1, max: 1.5 }", StepState.Failed, "> max 1.5" },
    ];

    [TestCaseSource(nameof(Gates))]
    public async Task Run_Gate_PassesOrFailsNamingMetricValueAndThreshold(string gate, StepState expected, string? message)
    {
        using var workflow = new TempWorkflow(Workflow.Replace("{gate}", gate));
        using var engine = new EngineRun();
        var record = await engine.RunAsync(workflow.Path);
        var evaluate = record.Step("evaluate");
        Assert.That(evaluate.State, Is.EqualTo(expected), evaluate.Error);
        if (message is null)
        {
            Assert.That(record.Step("after").State, Is.EqualTo(StepState.Succeeded));
            Assert.That(File.ReadAllText(Path.Combine(engine.Output(record, "evaluate", "report"), "report.md")), Does.Contain("All gates passed"));
            return;
        }
        Assert.That(evaluate.Error, Does.Contain(message));
        Assert.That(evaluate.Error, Does.Match(@"gate stories\.\w+: \d+(\.\d+)? [<>] (min|max) "));
        Assert.That(record.Step("after").State, Is.EqualTo(StepState.Skipped));
    }

    private static readonly object[] BadGates =
    [
        new object[] { "stories.acc: { min: 0.5 }", "gates.stories.acc: names no metric" },
        new object[] { "perplexity: { }", "set min:, max: or both" },
        new object[] { "perplexity: { min: 9, max: 3 }", "min (9) is above max (3)" },
    ];

    [TestCaseSource(nameof(BadGates))]
    public void Load_BadGate_IsAValidationError(string gate, string message)
    {
        using var workflow = new TempWorkflow(Workflow.Replace("{gate}", gate));
        using var engine = new EngineRun();
        var loaded = EngineRun.Loader().Load(workflow.Path, layout: engine.Layout);
        Assert.That(loaded.Diagnostics.Select(d => d.ToString()), Has.Some.Contains(message));
    }
}
