using Workflows.Engine.Steps;
using Workflows.Steps.Datasets;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Steps.Train.Preference;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Tests.Train.Preference;

/// <summary>Preference objectives train stories260K's adapters for a few steps and log TRL's metrics.</summary>
[TestFixture]
public sealed class PreferenceTrainingTests
{
    private static IEnumerable<DatasetRow> Pairs(int count) => Enumerable.Range(0, count).Select(i =>
        Rows.Pair(i % 2 == 0 ? $"Who are you? ({i})" : $"What is your name? ({i})", "I am Sparky, a helpful assistant.", "Go away, I will not say.", i + 1));

    private static async Task<TrainOptions> OptionsAsync(TestStepContext context, TrainObjective objective, IEnumerable<DatasetRow> train, IEnumerable<DatasetRow>? validation = null) =>
        await TrainTestData.OptionsAsync(context) with
        {
            Objective = objective,
            Train = await Rows.WriteDatasetAsync(context, train),
            Validation = validation is null ? null : await Rows.WriteDatasetAsync(context, validation),
            Preference = new PreferenceOptions { Beta = 0.5 },
        };

    [TestCase(TrainObjective.Dpo)]
    [TestCase(TrainObjective.Simpo)]
    [TestCase(TrainObjective.Orpo)]
    public async Task RunAsync_PairObjective_HeldOutMarginsGrowAndTrlMetricsAreLogged(TrainObjective objective)
    {
        using var context = new TestStepContext();
        var options = await OptionsAsync(context, objective, Pairs(8), Pairs(4).Select(r => r with { Messages = [new ChatMessage("user", "Tell me who you are.")] }));
        var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        foreach (var name in new[] { "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins", "logps/chosen", "logps/rejected", "loss" })
            Assert.That(context.MetricHistory.Count(m => m.Key == name), Is.EqualTo(6), name);
        var margins = context.MetricHistory.Where(m => m.Key == "eval_rewards/margins").Select(m => m.Value).ToList();
        Assert.That(margins[^1], Is.GreaterThan(margins[0]));
        Assert.That(context.Metrics["eval_rewards/accuracies"], Is.EqualTo(1.0));
        Assert.That(result.Metrics["best_val_loss"], Is.LessThan(result.Metrics["base_val_loss"]));
    }

    // ORPO's NLL is each shard's own mean (as each process's under DistributedDataParallel); every chosen answer here
    // has the same tokens, so that equals the whole batch's.
    [TestCase(TrainObjective.Dpo, "rewards/margins")]
    [TestCase(TrainObjective.Simpo, "rewards/margins")]
    [TestCase(TrainObjective.Orpo, "nll_loss")]
    [TestCase(TrainObjective.Kto, "kl")]
    public async Task RunAsync_ObjectiveOnTwoWorkers_TrainsAsOneWorkerDoesAndRepeats(TrainObjective objective, string metric)
    {
        var rows = objective == TrainObjective.Kto
            ? Enumerable.Range(0, 8).Select(i => Rows.Judged($"Who are you? ({i})", i % 2 == 0 ? "I am Sparky." : "Go away.", i % 2 == 0, i + 1)).ToList()
            : Pairs(8).ToList();
        async Task<(TestStepContext Context, byte[] Adapter)> Train(int workers, double dropout)
        {
            var context = new TestStepContext();
            var options = await OptionsAsync(context, objective, rows) with { Workers = workers, MaxSteps = 3 };
            options = options with { Lora = options.Lora with { Dropout = dropout } };
            var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);
            Assert.That(result.Error, Is.Null);
            var adapter = await File.ReadAllBytesAsync(Path.Combine(context.Outputs["adapter"], Workflows.Torch.Adapters.PeftAdapterFiles.WeightsFile));
            return (context, adapter);
        }

        var (one, _) = await Train(1, 0);
        var (two, _) = await Train(2, 0);
        foreach (var name in new[] { "loss", "rewards/chosen", "logps/chosen", "grad_norm", metric })
        {
            var expected = one.MetricHistory.Where(m => m.Key == name).Select(m => m.Value).ToList();
            var actual = two.MetricHistory.Where(m => m.Key == name).Select(m => m.Value).ToList();
            Assert.That(actual, Has.Count.EqualTo(3), name);
            for (var step = 0; step < 3; step++)
                Assert.That(actual[step], Is.EqualTo(expected[step]).Within(1e-4 * Math.Max(1, Math.Abs(expected[step]))), $"{name} at step {step + 1}: the shards add up to the batch");
        }

        var (_, dropped) = await Train(2, 0.1);
        var (_, again) = await Train(2, 0.1);
        Assert.That(again, Is.EqualTo(dropped), "each shard's dropout comes from its own seeded generator");
        one.Dispose();
        two.Dispose();
    }

    [Test]
    public async Task RunAsync_DpoAtStepZero_RewardsAreZeroBecauseTheReferenceIsTheBase()
    {
        using var context = new TestStepContext();
        var options = await OptionsAsync(context, TrainObjective.Dpo, Pairs(8), Pairs(4));
        await new TrainStep().RunAsync(options, context, CancellationToken.None);

        var first = context.MetricHistory.First(m => m.Key == "eval_rewards/chosen");
        Assert.That(first.Value, Is.EqualTo(0.0).Within(1e-6));
        Assert.That(context.MetricHistory.First(m => m.Key == "val_loss").Value, Is.EqualTo(Math.Log(2)).Within(1e-5));
    }

    [Test]
    public async Task RunAsync_DpoChatmlWithAddedTokens_StartsAtZeroRewardsAndLearnsThePreference()
    {
        using var context = new TestStepContext();
        var options = await OptionsAsync(context, TrainObjective.Dpo, Pairs(8), Pairs(4)) with { Template = PromptTemplate.Chatml, AddSpecialTokens = [TrainOptions.AutoTokens] };
        var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(context.MetricHistory.First(m => m.Key == "eval_rewards/margins").Value, Is.EqualTo(0).Within(1e-6), "step 0: the policy is the reference, added rows included");
        Assert.That(context.Metrics["eval_rewards/accuracies"], Is.EqualTo(1.0));
        Assert.That(Workflows.Torch.Adapters.PeftAdapterFiles.ReadConfig(context.Outputs["adapter"]).TrainableTokenIndices!["embed_tokens"], Is.EqualTo(new[] { 512, 513 }));
    }

    [Test]
    public async Task RunAsync_Kto_LogsKlAndRewardsByLabel()
    {
        using var context = new TestStepContext();
        var rows = Enumerable.Range(0, 8).Select(i => Rows.Judged($"Who are you? ({i})", i % 2 == 0 ? "I am Sparky." : "Go away.", i % 2 == 0, i + 1));
        var options = await OptionsAsync(context, TrainObjective.Kto, rows);
        var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(context.MetricHistory.Count(m => m.Key == "kl"), Is.EqualTo(6));
        Assert.That(context.Metrics["rewards/chosen"], Is.GreaterThan(context.Metrics["rewards/rejected"]));
    }

    [TestCase(TrainObjective.Dpo, "preference rows")]
    [TestCase(TrainObjective.Kto, "feedback rows")]
    public async Task RunAsync_InstructionDataset_FailsNamingKindAndObjective(TrainObjective objective, string needs)
    {
        using var context = new TestStepContext();
        var options = await OptionsAsync(context, objective, TrainTestData.Persona(4));
        var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Does.Contain($"objective {objective.ToString().ToLowerInvariant()} needs {needs}"));
        Assert.That(result.Error, Does.Contain("instruction (4)"));
    }

    [Test]
    public async Task RunAsync_EarlyStoppingOnAccuracy_StopsOnceHeldOutAccuracyStopsRising()
    {
        using var context = new TestStepContext();
        var options = await OptionsAsync(context, TrainObjective.Dpo, Pairs(8), Pairs(4)) with
        {
            MaxSteps = 20, EvalEvery = 1, EarlyStopping = new EarlyStoppingOptions { Patience = 2, Metric = "eval_rewards/accuracies" },
        };
        var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(context.Metrics["eval_rewards/accuracies"], Is.EqualTo(1.0));
        Assert.That(result.Metrics["steps"], Is.LessThan(20), "accuracy reaches 1.0 and cannot improve further");
    }

    [Test]
    public void Validate_SftWithAccuracyMetric_IsAnError()
    {
        var options = new TrainOptions { Model = "m", Train = "t", Validation = "v", EarlyStopping = new EarlyStoppingOptions { Metric = "eval_rewards/accuracies" } };
        Assert.That(options.Validate().Select(e => e.Key), Does.Contain("early_stopping.metric"));
    }

    [Test]
    public void Validate_DpoWithJinjaChatTemplate_IsAccepted()
    {
        var options = new TrainOptions { Model = "m", Train = "t", Objective = TrainObjective.Dpo, Template = PromptTemplate.Llama3 };
        Assert.That(options.Validate(), Is.Empty);
    }

    [Test]
    public void Build_DpoWithChatTemplate_TrainsOnlyEachAnswerAndItsEndOfTurn()
    {
        var tokenizer = TokenizerLoader.ForModel(TrainTestData.Model, LlamaConfig.Load(Path.Combine(TrainTestData.Model, "config.json")));
        var chat = Workflows.Torch.Chat.ChatTemplate.Load("llama3", TrainTestData.Model, tokenizer);
        var options = new TrainOptions { Model = "m", Train = "t", Objective = TrainObjective.Dpo, Template = PromptTemplate.Llama3 };
        var (data, error) = PreferenceData.Build([Rows.Pair("Who are you?", "Sparky.", "A rock.")], options, tokenizer, 256, "train", chat);

        Assert.That(error, Is.Null);
        var item = data!.Items.Single();
        string Trained(TokenisedExample e) => tokenizer.Decode(e.Ids.Where((_, i) => e.Labels[i] != Workflows.Torch.Evaluation.LanguageModelLoss.IgnoreIndex).Select(i => (int)i));
        Assert.That(string.Concat(item.Prompt.Select(s => s.Text)), Is.EqualTo(chat.Render([new("user", "Who are you?")], addGenerationPrompt: true)));
        Assert.That(Trained(item.Chosen), Is.EqualTo("Sparky.<|eot_id|>"));
        Assert.That(Trained(item.Rejected!), Is.EqualTo("A rock.<|eot_id|>"));
    }
}
