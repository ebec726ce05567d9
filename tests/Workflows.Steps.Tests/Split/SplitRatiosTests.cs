using Workflows.Engine.Planning;
using Workflows.Engine.Storage;
using Workflows.Steps.Split;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Split;

/// <summary>A <c>ratios:</c> map as a user writes it, through the real loader: it replaces the default
/// whole, and a sum other than 1 is a located error of <c>wf validate</c>, before anything runs.</summary>
[TestFixture]
public sealed class SplitRatiosTests
{
    private const string Workflow = """
        api_version: workflows/v1
        name: ratios
        steps:
          ingest: { uses: ingest, with: { path: data.jsonl } }
          split:
            uses: split
            with:
              dataset: "${{ steps.ingest.outputs.dataset }}"
              {ratios}
        """;

    private static (bool Valid, SplitOptions? Options, string Diagnostics) Load(string ratios)
    {
        using var workflow = new TempWorkflow(Workflow.Replace("{ratios}", ratios));
        workflow.WriteFile("data.jsonl", "{\"text\": \"a\"}\n");
        var loaded = EngineRun.Loader().Load(workflow.Path);
        if (loaded.Workflow is null) return (false, null, string.Join("\n", loaded.Diagnostics));
        var ingest = new Dictionary<string, string> { ["dataset"] = new string('0', 64) };
        var options = (SplitOptions)new StepBinding(loaded.Workflow, new ArtifactStore(loaded.Layout))
            .ForExecution(loaded.Workflow.Step("split"), new Dictionary<string, IReadOnlyDictionary<string, string>> { ["ingest"] = ingest });
        return (loaded.IsValid, options, string.Join("\n", loaded.Diagnostics));
    }

    [Test]
    public void Load_TrainAndValidationOnly_ReplacesTheDefaultAndHasNoTestSplit()
    {
        var (valid, options, diagnostics) = Load("ratios: { train: 0.8, validation: 0.2 }");

        Assert.That(valid, Is.True, diagnostics);
        Assert.That(options!.Ratios, Is.EqualTo(new SplitRatios { Train = 0.8, Validation = 0.2, Test = 0 }));
    }

    [Test]
    public void Load_NoRatios_KeepsTheDefault()
    {
        var (valid, options, diagnostics) = Load("seed: 1");

        Assert.That(valid, Is.True, diagnostics);
        Assert.That(options!.Ratios, Is.EqualTo(new SplitRatios { Train = 0.8, Validation = 0.1, Test = 0.1 }));
    }

    [Test]
    public void Load_RatiosNotAddingUpToOne_IsALocatedValidationError()
    {
        var (valid, _, diagnostics) = Load("ratios: { train: 0.7, validation: 0.2 }");

        Assert.That(valid, Is.False);
        Assert.That(diagnostics, Does.Match(@"workflow\.yaml:\d+:\d+ step 'split': ratios: must add up to 1, got train 0\.7 \+ validation 0\.2 \+ test 0 = 0\.9"));
    }
}
