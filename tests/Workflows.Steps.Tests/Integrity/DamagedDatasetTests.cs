using Workflows.Engine.Execution;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;
using Workflows.Steps.Datasets;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Integrity;

/// <summary>One flipped byte in a stored <c>data.parquet</c>, with size and modification time kept: the
/// engine catches it before <c>train</c> reads the file (which used to crash with "Invalid copy offset",
/// naming no file), and <c>--force split</c> replaces the damaged copy.</summary>
[TestFixture]
public sealed class DamagedDatasetTests
{
    private const string Yaml = """
        api_version: workflows/v1
        name: damaged
        tracking: { enabled: false }
        device: cpu
        steps:
          ingest: { uses: ingest, with: { path: "{shared}/llamafactory_demo/identity.json", format: alpaca } }
          split: { uses: split, with: { dataset: "${{ steps.ingest.outputs.dataset }}", ratios: { train: 0.8, validation: 0.2, test: 0 }, seed: 7 } }
          train:
            uses: train
            with:
              model: "{model}"
              train: "${{ steps.split.outputs.train }}"
              lora: { rank: 4, alpha: 8, target_modules: [q_proj] }
              template: alpaca_short
              max_seq_len: 64
              batch_size: 4
              max_steps: 1
              seed: 1
        """;

    [Test]
    public async Task Run_TrainOnADamagedSplit_QuarantinesItAndRerunsSplitInsteadOfCrashing()
    {
        using var workflow = new TempWorkflow(Yaml);
        using var engine = new EngineRun();
        var first = await RunAsync(engine, workflow, []);
        Assert.That(first.Status, Is.EqualTo(RunStatus.Succeeded), string.Join("; ", first.Steps.Select(s => s.Error)));
        var digest = first.Step("split").Outputs["train"];
        Flip(Path.Combine(engine.Store.PathOf(digest), DatasetFile.FileName));

        var second = await RunAsync(engine, workflow, ["train"]);
        Assert.That(second.Status, Is.EqualTo(RunStatus.Succeeded), string.Join("; ", second.Steps.Select(s => s.Error)));
        Assert.That(second.Step("split").State, Is.EqualTo(StepState.Succeeded));
        Assert.That(second.Step("split").Reason, Does.StartWith("re-run: its output 'train' was damaged"));
        Assert.That(second.Step("train").State, Is.EqualTo(StepState.Succeeded));
        Assert.That(engine.Store.Problems(digest), Is.Empty);
        Assert.That(Directory.GetDirectories(engine.Layout.Quarantine).Single(), Does.Contain(digest));
    }

    [Test]
    public async Task Run_ForceSplitOverADamagedSplit_ReplacesTheStoredCopy()
    {
        using var workflow = new TempWorkflow(Yaml.Split("  train:")[0]);
        using var engine = new EngineRun();
        var first = await RunAsync(engine, workflow, []);
        var digest = first.Step("split").Outputs["train"];
        var file = Path.Combine(engine.Store.PathOf(digest), DatasetFile.FileName);
        Flip(file);
        Assert.That(engine.Store.Problems(digest), Has.One.StartsWith(file + ": sha256"));

        var forced = await RunAsync(engine, workflow, ["split"]);
        Assert.That(forced.Step("split").Outputs["train"], Is.EqualTo(digest));
        Assert.That(engine.Store.Problems(digest), Is.Empty);
        Assert.That((await DatasetFile.ReadAllAsync(engine.Store.PathOf(digest))).Count, Is.GreaterThan(0));
    }

    private static async Task<RunRecord> RunAsync(EngineRun engine, TempWorkflow workflow, string[] force)
    {
        var loaded = EngineRun.Loader().Load(workflow.Path, null, layout: engine.Layout);
        Assert.That(loaded.IsValid, Is.True, string.Join(Environment.NewLine, loaded.Diagnostics));
        var plan = new Planner(engine.Layout).Plan(loaded.Workflow!, new StepSelection { Force = force.ToHashSet() });
        return await new WorkflowExecutor(engine.Layout).RunAsync(plan, new RunRequest(), CancellationToken.None);
    }

    private static void Flip(string path)
    {
        var modified = File.GetLastWriteTimeUtc(path);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, modified);
    }
}
