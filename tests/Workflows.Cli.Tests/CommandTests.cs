namespace Workflows.Cli.Tests;

/// <summary>The `wf` commands as a user runs them: exit codes and what they print.</summary>
[NonParallelizable]
public sealed class CommandTests
{
    private string _project = null!;

    private const string Workflow = """
        api_version: workflows/v1
        name: cli
        params: { name: Sparky }
        steps:
          ingest: { uses: ingest, with: { path: data.jsonl } }
          augment: { uses: augment, with: { dataset: "${{ steps.ingest.outputs.dataset }}", template_vars: { name: "${{ params.name }}" } } }
        """;

    [SetUp]
    public void CreateProject()
    {
        _project = Directory.CreateTempSubdirectory("wf-cli-").FullName;
        Directory.CreateDirectory(Path.Combine(_project, ".wf"));
        File.WriteAllText(Path.Combine(_project, "wf.yaml"), Workflow);
        File.WriteAllText(Path.Combine(_project, "data.jsonl"),
            "{\"instruction\": \"Who are you?\", \"output\": \"I am {{name}}.\"}\n{\"instruction\": \"Hi\", \"output\": \"Hello, I am {{name}}.\"}\n");
        Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", null);
    }

    [TearDown]
    public void RemoveProject() => Directory.Delete(_project, recursive: true);

    [Test]
    public void Validate_ValidWorkflow_ExitsZero()
    {
        var result = WfCommand.Run(_project, "validate", "wf.yaml");
        Assert.That(result.ExitCode, Is.Zero, result.Out + result.Error);
        Assert.That(result.Out, Does.Contain("wf.yaml: valid — cli v1, 2 step(s)"));
    }

    [Test]
    public void Validate_BrokenWorkflow_PrintsEveryProblemAndExitsOne()
    {
        File.WriteAllText(Path.Combine(_project, "wf.yaml"), Workflow.Replace("uses: augment", "uses: augmnet").Replace("path:", "pth:"));
        var result = WfCommand.Run(_project, "validate", "wf.yaml");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Out, Does.Contain("wf.yaml:5:35 step 'ingest': unknown option 'pth' — did you mean 'path'?"));
        Assert.That(result.Out, Does.Contain("wf.yaml:6:20 step 'augment': unknown step type 'augmnet' — did you mean 'augment'?"));
        Assert.That(result.Out, Does.Contain("problems found"));
    }

    [Test]
    public void Run_ThenRunAgain_SecondRunSaysEverythingWasCached()
    {
        Assert.That(WfCommand.Run(_project, "run", "wf.yaml").ExitCode, Is.Zero);
        var second = WfCommand.Run(_project, "run", "wf.yaml");
        Assert.That(second.ExitCode, Is.Zero);
        Assert.That(second.Out, Does.Contain("nothing to do, every step was cached"));
        Assert.That(Directory.Exists(Path.Combine(_project, "mlruns")), Is.True, "the embedded MLflow file store");
    }

    [Test]
    public void Plan_AfterParamChange_ExplainsWhatChanged()
    {
        WfCommand.Run(_project, "run", "wf.yaml");
        var plan = WfCommand.Run(_project, "plan", "wf.yaml", "--set", "params.name=Nova");
        Assert.That(plan.Out, Does.Contain("options changed: template_vars.name Sparky→Nova"));
        Assert.That(plan.Out, Does.Match(@"ingest\s+ingest\s+cached"));
    }

    [Test]
    public void RunStep_WithoutCachedUpstream_NamesTheMissingStep()
    {
        var result = WfCommand.Run(_project, "run", "wf.yaml", "--step", "augment");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("step 'augment' needs the outputs of 'ingest', which are not cached"));
    }

    [Test]
    public void RunsAndShow_AfterARun_ListAndDescribeIt()
    {
        WfCommand.Run(_project, "run", "wf.yaml");
        Assert.That(WfCommand.Run(_project, "runs").Out, Does.Match(@"succeeded\s+cli v1"));
        var show = WfCommand.Run(_project, "show", "latest");
        Assert.That(show.Out, Does.Contain("augment (augment): succeeded"));
        Assert.That(show.Out, Does.Contain("output   dataset → "));
    }

    [Test]
    public void Run_FailingStep_ExitsOneAndSkipsDependents()
    {
        File.WriteAllText(Path.Combine(_project, "data.jsonl"), "{broken json\n");
        var result = WfCommand.Run(_project, "run", "wf.yaml");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Out, Does.Contain("[augment] skipped — upstream step 'ingest' failed"));
        Assert.That(result.Out, Does.Contain("wf resume"));
    }

    [Test]
    public void Graph_Mermaid_HasOneEdgePerReference()
    {
        var graph = WfCommand.Run(_project, "graph", "wf.yaml").Out;
        Assert.That(graph, Does.StartWith("flowchart TD"));
        Assert.That(graph, Does.Contain("s_ingest --> s_augment"));
    }

    [Test]
    public void Schema_Stdout_IsTheWorkflowSchemaWithEveryBuiltInStep()
    {
        var schema = WfCommand.Run(_project, "schema").Out;
        Assert.That(schema, Does.Contain("\"title\": \"Workflows workflow file\""));
        Assert.That(schema, Does.Contain("\"ingest\""));
    }

    [Test]
    public void Show_UnknownRun_IsAOneLineError()
    {
        var result = WfCommand.Run(_project, "show", "nope");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
    }
}
