using Workflows.Steps.Adapters;
using Workflows.Steps.EvalData;
using Workflows.Steps.Evaluate;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Evaluate;

/// <summary>The evaluate step on stories260K, run directly on a test context.</summary>
[TestFixture]
public sealed class EvaluateStepTests
{
    // tests/Workflows.Torch.Tests/Evaluation/LanguageModelLossTests.cs pins the model runtime's loss on this file.
    private const double RuntimePinnedMeanLoss = 1.6884;

    private static EvaluateOptions Options(Dictionary<string, EvalTaskOptions> tasks) =>
        new() { Model = TempWorkflow.Model, Tasks = tasks };

    [Test]
    public async Task Run_PerplexityOnTinyStories_MatchesTheRuntimesPinnedLoss()
    {
        using var context = new TestStepContext();
        var options = Options(new()
        {
            ["stories"] = new() { Type = EvalTaskType.Perplexity, Dataset = Path.Combine(RepoPaths.SharedData, "tinystories", "TinyStories-valid.txt") },
        });
        var result = await new EvaluateStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        Assert.That(result.Metrics["stories.loss"], Is.EqualTo(RuntimePinnedMeanLoss).Within(1e-3));
        Assert.That(result.Metrics["stories.perplexity"], Is.EqualTo(Math.Exp(result.Metrics["stories.loss"])).Within(1e-9));
        Assert.That(result.Metrics["stories.items"], Is.EqualTo(19));
        var markdown = File.ReadAllText(Path.Combine(context.Outputs["report"], "report.md"));
        Assert.That(markdown, Does.Contain("| stories | loss | 19 | 1.688"));
        Assert.That(markdown, Does.Contain("![base vs adapters](chart.png)"));
        var chart = File.ReadAllBytes(Path.Combine(context.Outputs["report"], "chart.png"));
        using var bitmap = SkiaSharp.SKBitmap.Decode(chart);
        Assert.That(bitmap.Height, Is.EqualTo(Workflows.Steps.Evaluate.Charts.BarChart.Height));
    }

    [Test]
    public async Task Run_GenerationAndChoiceOnKnownContinuation_ScoresWhatTheModelSays()
    {
        // Greedy decoding of "Once upon a time" gives ", there was a little girl named Lily. She loved …" (../shared/README.md).
        using var context = new TestStepContext();
        var items = context.WriteFile("items.jsonl",
            "{\"prompt\": \"Once upon a time\", \"answer\": \"There was a little girl named Lily\", \"choices\": [\", there was\", \" banana banana\"], \"label\": 0}\n" +
            "{\"prompt\": \"Once upon a time\", \"answer\": \"a big dog\", \"choices\": [\" banana banana\", \", there was\"], \"label\": \"banana banana\"}\n");
        var options = Options(new()
        {
            ["gen"] = new() { Type = EvalTaskType.Generation, Dataset = items, StopStrings = ["."], MaxNewTokens = 20 },
            ["mc"] = new() { Type = EvalTaskType.MultipleChoice, Dataset = items, TargetDelimiter = "" },
        });
        var result = await new EvaluateStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        Assert.Multiple(() =>
        {
            Assert.That(result.Metrics["gen.exact_match"], Is.EqualTo(0.5));
            Assert.That(result.Metrics["gen.contains"], Is.EqualTo(0.5));
            Assert.That(result.Metrics["gen.f1"], Is.EqualTo(0.5));
            Assert.That(result.Metrics["mc.acc"], Is.EqualTo(0.5), "the model prefers ', there was' in both items; the second item's gold is the other choice");
            Assert.That(result.Metrics["mc.items"], Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Run_AdapterFolderWithoutAdapterFiles_FailsNamingTheAdapter()
    {
        using var context = new TestStepContext();
        var notAnAdapter = Directory.CreateDirectory(Path.Combine(context.TempDirectory, "empty")).FullName;
        var options = Options(new()
        {
            ["stories"] = new() { Type = EvalTaskType.Perplexity, Dataset = Path.Combine(RepoPaths.SharedData, "tinystories", "TinyStories-valid.txt"), Limit = 1 },
        }) with { Adapters = [notAnAdapter] };
        var result = await new EvaluateStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.StartWith("adapters[0]: ").And.Contain("adapter_config.json"));
    }

    [Test]
    public async Task Run_RealAdapter_ChangesTheLossAndReportsTheDelta()
    {
        using var context = new TestStepContext();
        var adapter = Path.Combine(context.TempDirectory, "adapter");
        using (var model = Workflows.Torch.Llama.LlamaLoader.Load(TempWorkflow.Model))
        {
            var config = new Workflows.Torch.Adapters.LoraConfig { Rank = 4, Alpha = 8 };
            Workflows.Torch.Adapters.AdapterInjector.Apply(model, config, seed: 3);
            using (TorchSharp.torch.no_grad())
                foreach (var (_, layer) in Workflows.Torch.Adapters.AdapterInjector.Adapters(model))
                    layer.lora_B.weight!.normal_(0, 0.05); // a trained adapter's B is not zero
            Workflows.Torch.Adapters.PeftAdapterFiles.Save(model, config, adapter);
        }
        var options = Options(new()
        {
            ["stories"] = new() { Type = EvalTaskType.Perplexity, Dataset = Path.Combine(RepoPaths.SharedData, "tinystories", "TinyStories-valid.txt"), Limit = 2 },
        }) with { Adapters = [adapter] };
        var result = await new EvaluateStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        Assert.That(result.Metrics["adapter_1.stories.loss_delta"], Is.Not.EqualTo(0).Within(1e-6));
        Assert.That(result.Metrics["adapter_1.stories.loss"] - result.Metrics["stories.loss"],
            Is.EqualTo(result.Metrics["adapter_1.stories.loss_delta"]).Within(1e-9));
    }

    [Test]
    public async Task Run_AdapterThroughTheSeam_IsReportedBesideTheBaseWithDeltasAndGated()
    {
        // The applier hands back the unchanged base, so every delta must be exactly 0: this checks the
        // side-by-side plumbing, not any adapter maths (the train step's tests cover that).
        AdapterSupport.Use(new UnchangedBaseApplier());
        try
        {
            using var context = new TestStepContext();
            var options = Options(new()
            {
                ["stories"] = new() { Type = EvalTaskType.Perplexity, Dataset = Path.Combine(RepoPaths.SharedData, "tinystories", "TinyStories-valid.txt"), Limit = 2 },
            }) with { Adapters = ["/adapters/one"], Gates = new() { ["stories.perplexity"] = new GateOptions { Max = 1.5 } } };
            var result = await new EvaluateStep().RunAsync(options, context, CancellationToken.None);
            Assert.That(result.Metrics["adapter_1.stories.loss"], Is.EqualTo(result.Metrics["stories.loss"]));
            Assert.That(result.Metrics["adapter_1.stories.loss_delta"], Is.EqualTo(0));
            Assert.That(result.Error, Does.Contain("gate stories.perplexity (adapter_1): ").And.Not.Contain("(base)"));
            var report = File.ReadAllText(Path.Combine(context.Outputs["report"], "report.md"));
            Assert.That(report, Does.Contain("| task | metric | items | base | adapter_1 | Δ adapter_1 |"));
            Assert.That(report, Does.Contain("- adapter_1: `/adapters/one`"));
            Assert.That(Path.Combine(context.Outputs["report"], "chart.png"), Does.Exist);
            Assert.That(Path.Combine(context.StateDirectory, "chart.png"), Does.Exist, "kept with the failed step's report");
        }
        finally
        {
            AdapterSupport.Reset();
        }
    }

    private sealed class UnchangedBaseApplier : IAdapterApplier
    {
        public AppliedAdapter Apply(Workflows.Torch.Engine.LoadedModel baseModel, string adapterFolder, bool? quantisedBase = null) => new(baseModel.Model, null);
    }

    [Test]
    public async Task Run_MultipleChoiceWithoutChoices_FailsNamingTheOption()
    {
        using var context = new TestStepContext();
        var items = context.WriteFile("items.jsonl", "{\"prompt\": \"x\", \"label\": 0}\n");
        var options = Options(new() { ["mc"] = new() { Type = EvalTaskType.MultipleChoice, Dataset = items } });
        var result = await new EvaluateStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Error, Does.Contain("tasks.mc.choices"));
    }

    [Test]
    public void Sample_SeededLimit_IsStableAndDiffersBySeed()
    {
        var items = Enumerable.Range(0, 100).Select(i => new EvalExample($"f:{i}", $"p{i}", null, null, null)).ToList();
        var first = ExampleSampler.Take(items, 10, sample: true, seed: 1);
        Assert.That(ExampleSampler.Take(items, 10, sample: true, seed: 1), Is.EqualTo(first));
        Assert.That(ExampleSampler.Take(items, 10, sample: true, seed: 2), Is.Not.EqualTo(first));
        Assert.That(ExampleSampler.Take(items, 10, sample: false, seed: 1), Is.EqualTo(items.Take(10)));
    }
}
