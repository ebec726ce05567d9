using Workflows.Engine.Steps;
using Workflows.Steps.Merge;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Torch.Adapters;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Merge;

public class MergeStepTests
{
    private static async Task<(StepResult Result, TestStepContext Context)> Run(Func<TestStepContext, MergeOptions> options)
    {
        var context = new TestStepContext();
        var result = await new MergeStep().RunAsync(options(context), context, CancellationToken.None);
        return (result, context);
    }

    private static string Adapter(TestStepContext context, string name, long seed, int rank = 4, bool dora = false, string[]? targets = null, bool quantised = false, string? baseName = "stories260K") =>
        TinyAdapters.Write(Path.Combine(context.Root, "inputs", name), seed, rank, dora, targets, quantised, baseName);

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    public async Task RunAsync_OneAdapter_MergedModelMatchesRuntimeAdapterWithinRounding(bool dora, bool quantised)
    {
        var (result, context) = await Run(c => new MergeOptions
        {
            BaseModel = TinyAdapters.Stories260K, Adapters = [Adapter(c, "a", 1, dora: dora, quantised: quantised)], QuantisedBase = quantised,
        });
        using (context)
        {
            Assert.That(result.Success, Is.True, result.Error);
            Assert.That(context.Metrics["merge_drift"], Is.LessThan(1e-4));
            Assert.That(context.Metrics["merged_layers"], Is.EqualTo(35));
            var folder = context.Outputs["model"];
            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.SupersetOf(new[] { "config.json", "model.safetensors", "tokenizer.model", "generation_config.json" }));
            Assert.That(context.Outputs.ContainsKey("adapter"), Is.False);
        }
    }

    [Test]
    public async Task RunAsync_OneAdapter_SavedModelDiffersFromBase()
    {
        var (result, context) = await Run(c => new MergeOptions { BaseModel = TinyAdapters.Stories260K, Adapters = [Adapter(c, "a", 1)] });
        using (context)
        {
            Assert.That(result.Success, Is.True, result.Error);
            using var merged = LlamaLoader.Load(context.Outputs["model"]);
            using var original = LlamaLoader.Load(TinyAdapters.Stories260K);
            var tokenizer = TokenizerLoader.ForModel(TinyAdapters.Stories260K, original.Config);
            using var ids = tensor(tokenizer.Encode("Once upon a time").Select(i => (long)i).ToArray()).unsqueeze(0);
            using var a = merged.forward(ids);
            using var b = original.forward(ids);
            Assert.That((a - b).abs().max().item<float>(), Is.GreaterThan(1e-3f));
        }
    }

    [TestCase(CombinationMethod.Cat, 8)]
    [TestCase(CombinationMethod.Svd, 4)]
    [TestCase(CombinationMethod.Linear, 4)]
    [TestCase(CombinationMethod.Ties, 4)]
    [TestCase(CombinationMethod.DareTies, 4)]
    public async Task RunAsync_TwoAdapters_WritesCombinedAdapterOfExpectedRankAndMergesFaithfully(CombinationMethod method, int rank)
    {
        var (result, context) = await Run(c => new MergeOptions
        {
            BaseModel = TinyAdapters.Stories260K, Adapters = [Adapter(c, "a", 1), Adapter(c, "b", 2)], Combination = method, Weights = [0.6, 0.4],
        });
        using (context)
        {
            Assert.That(result.Success, Is.True, result.Error);
            Assert.That(PeftAdapterFiles.ReadConfig(context.Outputs["adapter"]).Rank, Is.EqualTo(rank));
            Assert.That(context.Metrics["merge_drift"], Is.LessThan(1e-4));
        }
    }

    [Test]
    public async Task RunAsync_TwoDoraAdapters_RefusedWithReason()
    {
        var (result, context) = await Run(c => new MergeOptions
        {
            BaseModel = TinyAdapters.Stories260K, Adapters = [Adapter(c, "a", 1, dora: true), Adapter(c, "b", 2)], Combination = CombinationMethod.Svd,
        });
        using (context)
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.Error, Does.Contain("DoRA").And.Contain("merge each DoRA adapter on its own"));
            Assert.That(context.Outputs, Is.Empty);
        }
    }

    [Test]
    public async Task RunAsync_LinearWithUnequalRanks_RefusedSuggestingCatOrSvd()
    {
        var (result, context) = await Run(c => new MergeOptions
        {
            BaseModel = TinyAdapters.Stories260K, Adapters = [Adapter(c, "a", 1, rank: 4), Adapter(c, "b", 2, rank: 2)], Combination = CombinationMethod.Linear,
        });
        using (context)
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.Error, Does.Contain("ranks must be equal").And.Contain("cat or svd"));
        }
    }

    [Test]
    public async Task RunAsync_DifferentTargetModules_Refused()
    {
        var (result, context) = await Run(c => new MergeOptions
        {
            BaseModel = TinyAdapters.Stories260K, Adapters = [Adapter(c, "a", 1, targets: ["q_proj"]), Adapter(c, "b", 2, targets: ["v_proj"])],
        });
        using (context)
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.Error, Does.Contain("wrap different layers"));
        }
    }

    [Test]
    public async Task RunAsync_DifferentBaseModels_Refused()
    {
        var (result, context) = await Run(c => new MergeOptions
        {
            BaseModel = TinyAdapters.Stories260K, Adapters = [Adapter(c, "a", 1), Adapter(c, "b", 2, baseName: "stories15M")],
        });
        using (context)
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.Error, Does.Contain("different base models"));
        }
    }

    [Test]
    public async Task RunAsync_DriftAboveMaxDrift_FailsWithoutWritingModel()
    {
        // DoRA's merged weight is rounded differently from its run-time forward, so a max_drift of 0 cannot hold.
        var (result, context) = await Run(c => new MergeOptions
        {
            BaseModel = TinyAdapters.Stories260K, Adapters = [Adapter(c, "a", 1, dora: true)], MaxDrift = 0,
        });
        using (context)
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.Error, Does.Contain("max_drift"));
            Assert.That(context.Metrics["merge_drift"], Is.GreaterThan(0));
            Assert.That(context.Outputs.ContainsKey("model"), Is.False);
        }
    }

    [Test]
    public async Task RunAsync_QloraSummaryBesideAdapter_MergesIntoDequantisedBaseWithoutBeingTold()
    {
        var (result, context) = await Run(c =>
        {
            var adapter = Adapter(c, "a", 1, quantised: true);
            File.WriteAllText(Path.Combine(adapter, "training_summary.json"), "{ \"method\": \"qlora\" }");
            return new MergeOptions { BaseModel = TinyAdapters.Stories260K, Adapters = [adapter] };
        });
        using (context)
        {
            Assert.That(result.Success, Is.True, result.Error);
            Assert.That(context.Logs, Has.Some.Contains("dequantised NF4 base"));
            Assert.That(context.Metrics["merge_drift"], Is.LessThan(1e-4));
        }
    }

    [Test]
    public async Task RunAsync_QloraAndLoraAdaptersCombined_Refused()
    {
        var (result, context) = await Run(c =>
        {
            var qlora = Adapter(c, "a", 1, quantised: true);
            File.WriteAllText(Path.Combine(qlora, "training_summary.json"), "{ \"method\": \"qlora\" }");
            return new MergeOptions { BaseModel = TinyAdapters.Stories260K, Adapters = [qlora, Adapter(c, "b", 2)] };
        });
        using (context)
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.Error, Does.Contain("trained on different bases").And.Contain("NF4 base as trained"));
        }
    }

    [Test]
    public async Task RunAsync_AdapterHoldingInf_RefusedBeforeAnythingIsWritten()
    {
        var (result, context) = await Run(c => new MergeOptions
        {
            BaseModel = TinyAdapters.Stories260K, Adapters = [TinyAdapters.Write(Path.Combine(c.Root, "inputs", "bad"), 1, poisoned: true)],
        });
        using (context)
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.Error, Does.Contain("NaN or Inf").And.Contain("down_proj"));
            Assert.That(context.Outputs, Is.Empty);
        }
    }

    [Test]
    public void Validate_WeightsCountDiffers_ReportsWeights()
    {
        var options = new MergeOptions { BaseModel = "m", Adapters = ["a", "b"], Weights = [1.0] };
        Assert.That(options.Validate().Select(e => e.Key), Is.EquivalentTo(new[] { "weights" }));
    }

    [Test]
    public void Validate_NegativeWeightWithTies_Reported()
    {
        var options = new MergeOptions { BaseModel = "m", Adapters = ["a", "b"], Weights = [1.0, -0.5], Combination = CombinationMethod.Ties };
        Assert.That(options.Validate().Single().Message, Does.Contain("≥ 0"));
    }
}
