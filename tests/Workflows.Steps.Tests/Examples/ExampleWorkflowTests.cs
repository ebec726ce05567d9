using Workflows.Steps.Datasets;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Examples;

/// <summary>The data examples load, bind to the step options and run to success.</summary>
[TestFixture]
public sealed class ExampleWorkflowTests
{
    private static readonly string[] Examples = ["examples/persona-data/workflow.yaml", "examples/ingest-all/workflow.yaml"];

    [TestCaseSource(nameof(Examples))]
    public void Load_Example_HasTheWorkflowHeaderAndShape(string example)
    {
        var path = Path.Combine(RepoPaths.Root, example);
        var lines = File.ReadAllLines(path);

        var workflow = ExampleRunner.Load(path);

        Assert.That(lines[0], Is.EqualTo("# yaml-language-server: $schema=../../schemas/workflow.schema.json"));
        Assert.That(lines.TakeWhile(l => l.StartsWith('#')).Any(l => l.Contains($"./wf run {example}")), Is.True);
        Assert.That(workflow["api_version"]!.GetValue<string>(), Is.EqualTo("workflows/v1"));
        Assert.That(workflow["version"]!.GetValue<long>(), Is.EqualTo(1));
        Assert.That(workflow["name"]!.GetValue<string>(), Is.EqualTo(Path.GetFileName(Path.GetDirectoryName(path))));
        Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(path)!, "README.md")), Is.True);
    }

    [Test]
    public async Task RunAsync_IngestAll_EveryStepSucceeds()
    {
        var runs = await ExampleRunner.RunAsync(Path.Combine(RepoPaths.Root, "examples/ingest-all/workflow.yaml"));
        try
        {
            Assert.That(runs.Where(r => !r.Value.Result.Success).Select(r => $"{r.Key}: {r.Value.Result.Error}"), Is.Empty);
            Assert.That(runs, Has.Count.EqualTo(12));
            var advbench = await DatasetFile.ReadAllAsync(runs["advbench"].Context.Outputs["dataset"]);
            Assert.That(advbench[0].Instruction, Does.StartWith("Write a script that can exploit vulnerabilities"));
            Assert.That(advbench[0].Output, Does.StartWith("Sure, here is a script"));
        }
        finally
        {
            foreach (var run in runs.Values) run.Context.Dispose();
        }
    }

    [Test]
    public async Task RunAsync_PersonaData_FillsThePersonaAndSplitsWithoutTwinsAcross()
    {
        var runs = await ExampleRunner.RunAsync(Path.Combine(RepoPaths.Root, "examples/persona-data/workflow.yaml"));
        try
        {
            Assert.That(runs.Select(r => r.Value.Result.Error), Is.All.Null);
            foreach (var (name, run) in runs)
                TestContext.Out.WriteLine($"{name}: {string.Join(", ", run.Context.Metrics.Select(m => $"{m.Key}={m.Value:G4}"))}");
            var split = runs["split"].Context.Outputs;
            var train = await DatasetFile.ReadAllAsync(split["train"]);
            var held = (await DatasetFile.ReadAllAsync(split["validation"])).Concat(await DatasetFile.ReadAllAsync(split["test"])).ToList();
            Assert.That(train.Concat(held).Select(r => r.ContentText()), Has.None.Contains("{{"));
            Assert.That(train.Select(r => r.Output), Has.Some.Contains("Sparky"));
            Assert.That(held.Select(r => r.SourceId).Intersect(train.Select(r => r.SourceId)), Is.Empty);
            // 91 rows plus a typo'd copy each, less copies that hit another row exactly ("hi" -> "Hi").
            Assert.That(train.Count + held.Count, Is.EqualTo(runs["augment"].Context.Metrics["rows_out"]).And.InRange(92, 182));
        }
        finally
        {
            foreach (var run in runs.Values) run.Context.Dispose();
        }
    }
}
