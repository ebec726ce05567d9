using Workflows.Engine.Steps;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Torch.Adapters;
using Workflows.Torch.Checkpoints;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Train;

[TestFixture]
public sealed class TrainStepTests
{
    private static Task<StepResult> RunAsync(TrainOptions options, TestStepContext context, CancellationToken cancellationToken = default) =>
        new TrainStep().RunAsync(options, context, cancellationToken);

    [TestCase(TrainMethod.Lora)]
    [TestCase(TrainMethod.Qlora)]
    [TestCase(TrainMethod.Dora)]
    public async Task RunAsync_SixSteps_LossFallsAndBLeavesZero(TrainMethod method)
    {
        using var context = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(context, validation: true) with { Method = method };
        var result = await RunAsync(options, context);

        Assert.That(result.Error, Is.Null);
        var losses = context.MetricHistory.Where(m => m.Key == "loss").Select(m => m.Value).ToList();
        Assert.That(losses, Has.Count.EqualTo(6));
        Assert.That(losses[^1], Is.LessThan(losses[0] * 0.8));
        Assert.That(result.Metrics["best_val_loss"], Is.LessThan(result.Metrics["base_val_loss"]));
        var folder = context.Outputs["adapter"];
        Assert.That(File.Exists(Path.Combine(folder, TrainingSummary.FileName)), Is.True);
        Assert.That(File.ReadAllBytes(Path.Combine(folder, Workflows.Steps.Evaluate.Charts.LossChart.FileName)).Take(4), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }), "loss curve PNG");
        Assert.That(context.Artifacts, Has.Some.EndsWith(Workflows.Steps.Evaluate.Charts.LossChart.FileName), "logged to the tracker");
        using var file = SafetensorsFile.Open(Path.Combine(folder, PeftAdapterFiles.WeightsFile));
        Assert.That(file.Names, Has.All.Match(@"^base_model\.model\.model\.layers\.\d\.(self_attn|mlp)\.(q_proj|v_proj|up_proj)\.(lora_A\.weight|lora_B\.weight|lora_magnitude_vector)$"));
        Assert.That(file.Names.Count(), Is.EqualTo(method == TrainMethod.Dora ? 45 : 30));
        using var b = file.Read("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight");
        Assert.That(b.to_type(ScalarType.Float32).abs().max().item<float>(), Is.GreaterThan(0f));   // QLoRA's adapter is bf16
        Assert.That(PeftAdapterFiles.ReadConfig(folder).UseDora, Is.EqualTo(method == TrainMethod.Dora));
    }

    [Test]
    public async Task RunAsync_KilledAfterCheckpointThenRerun_ReachesSameAdapterAsUninterrupted()
    {
        using var straight = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(straight);
        Assert.That((await RunAsync(options, straight)).Error, Is.Null);

        using var interrupted = new TestStepContext();
        using var kill = new CancellationTokenSource();
        interrupted.OnProgress = fraction => { if (fraction >= 4.0 / 6) kill.Cancel(); };       // after step 4; checkpoint at 3
        Assert.That(async () => await RunAsync(options, interrupted, kill.Token), Throws.InstanceOf<OperationCanceledException>());
        interrupted.OnProgress = null;
        Assert.That((await RunAsync(options, interrupted)).Error, Is.Null);

        Assert.That(interrupted.Logs, Has.Some.Contain("resuming from the checkpoint at step 3"));
        using var expected = SafetensorsFile.Open(Path.Combine(straight.Outputs["adapter"], PeftAdapterFiles.WeightsFile));
        using var resumed = SafetensorsFile.Open(Path.Combine(interrupted.Outputs["adapter"], PeftAdapterFiles.WeightsFile));
        Assert.That(resumed.Names, Is.EquivalentTo(expected.Names));
        foreach (var name in expected.Names) Assert.That(resumed.ReadBytes(name), Is.EqualTo(expected.ReadBytes(name)), name);
    }

    [Test]
    public async Task RunAsync_UnknownTargetModule_FailsListingValidNames()
    {
        using var context = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(context);
        var result = await RunAsync(options with { Lora = options.Lora with { TargetModules = ["query"] } }, context);
        Assert.That(result.Error, Does.Contain("'query' matches no linear layer").And.Contain("down_proj, gate_proj, k_proj, o_proj, q_proj, up_proj, v_proj"));
    }

    [Test]
    public async Task RunAsync_RankAboveLayerSize_FailsNamingTheLimit()
    {
        using var context = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(context);
        var result = await RunAsync(options with { Lora = options.Lora with { Rank = 40, TargetModules = ["k_proj"] } }, context);
        Assert.That(result.Error, Does.Contain("lora.rank 40").And.Contain("at most 32"));
    }

    [Test]
    public async Task RunAsync_NoTrainableRows_FailsNamingTheDataset()
    {
        using var context = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(context) with
        {
            Train = await Rows.WriteDatasetAsync(context, [Rows.Text("good film", 1, label: "pos"), Rows.Text("bad film", 2, label: "neg")]),
        };
        var result = await RunAsync(options, context);
        Assert.That(result.Error, Does.StartWith("train: none of its 2 rows gives a trainable example"));
    }

    [TestCase(OverlongPolicy.Fail, @"^train: row from t\.jsonl:1 has \d+ tokens, more than max_seq_len 24; raise max_seq_len")]
    [TestCase(OverlongPolicy.Truncate, null)]
    public async Task RunAsync_ExampleLongerThanMaxSeqLen_FailsOrTruncatesByOption(OverlongPolicy policy, string? error)
    {
        using var context = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(context) with { Template = PromptTemplate.Plain, MaxSeqLen = 24, Overlong = policy, MaxSteps = 1 };
        var result = await RunAsync(options, context);
        Assert.That(result.Error, error is null ? Is.Null : Does.Match(error));
        if (error is null) Assert.That(context.Logs, Has.Some.Contain("8 examples longer than 24 tokens were truncated"));
    }

    [Test]
    public async Task RunAsync_LossTurnsNaN_FailsNamingStepAndKeepsLastCheckpoint()
    {
        using var context = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(context) with { MaxSteps = 3 };
        Assert.That((await RunAsync(options, context)).Error, Is.Null);
        // Poison the checkpoint the next run resumes from, as a diverged update would.
        var checkpoint = Path.Combine(context.StateDirectory, File.ReadAllText(Path.Combine(context.StateDirectory, "latest")));
        var weights = Path.Combine(checkpoint, PeftAdapterFiles.WeightsFile);
        Dictionary<string, Tensor> tensors;
        using (var file = SafetensorsFile.Open(weights)) tensors = file.Names.ToDictionary(n => n, n => file.Read(n).fill_(float.NaN));
        SafetensorsWriter.Write(weights, tensors);

        var result = await RunAsync(options with { MaxSteps = 6 }, context);         // fails before creating an output
        Assert.That(result.Error, Does.StartWith("loss became NaN at step 4").And.Contain("checkpoint at step 3"));
        Assert.That(File.ReadAllText(Path.Combine(context.StateDirectory, "latest")), Is.EqualTo("step-00000003"));
    }

    [Test]
    public async Task RunAsync_ValidationNeverImproves_StopsEarlyAfterPatience()
    {
        using var context = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(context, validation: true) with
        {
            Optimizer = new OptimizerOptions { Lr = 0 }, MaxSteps = 20, EvalEvery = 1, EarlyStopping = new EarlyStoppingOptions { Patience = 2 },
        };
        var result = await RunAsync(options, context);
        Assert.That(result.Error, Is.Null);
        Assert.That(result.Metrics["steps"], Is.EqualTo(2));
        Assert.That(context.Logs, Has.Some.Contain("early stopping at step 2"));
    }

    [Test]
    public async Task RunAsync_TwoMicroBatchesAccumulated_MatchesOneBatchTwiceAsLarge()
    {
        using var large = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(large) with { MaxSteps = 1, Lora = new LoraOptions { Rank = 4, Dropout = 0, TargetModules = ["q_proj"] } };
        Assert.That((await RunAsync(options, large)).Error, Is.Null);
        using var accumulated = new TestStepContext();
        Assert.That((await RunAsync(options with { BatchSize = 2, GradAccumulation = 2 }, accumulated)).Error, Is.Null);

        Assert.That(accumulated.Metrics["loss"], Is.EqualTo(large.Metrics["loss"]).Within(1e-5));
        Assert.That(accumulated.Metrics["grad_norm"], Is.EqualTo(large.Metrics["grad_norm"]).Within(1e-4 * large.Metrics["grad_norm"]));
    }
}
