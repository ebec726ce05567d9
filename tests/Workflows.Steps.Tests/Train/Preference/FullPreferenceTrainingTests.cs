using Workflows.Steps.Datasets;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Steps.Train.Preference;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Train.Preference;

/// <summary>DPO and KTO with <c>method: full</c>: every weight trains, and the reference is a frozen copy of the base
/// (TRL's ref_model) or log-probabilities precomputed before the first step.</summary>
[TestFixture]
public sealed class FullPreferenceTrainingTests
{
    private static IEnumerable<DatasetRow> Pairs(int count) => Enumerable.Range(0, count).Select(i =>
        Rows.Pair(i % 2 == 0 ? $"Who are you? ({i})" : $"What is your name? ({i})", "I am Sparky, a helpful assistant.", "Go away, I will not say.", i + 1));

    private static async Task<TrainOptions> FullAsync(TestStepContext context, TrainObjective objective, IEnumerable<DatasetRow> train, bool precompute = false) =>
        await TrainTestData.OptionsAsync(context) with
        {
            Method = TrainMethod.Full,
            Objective = objective,
            Optimizer = new OptimizerOptions { Lr = 0.003 },
            Train = await Rows.WriteDatasetAsync(context, train),
            Validation = objective == TrainObjective.Kto ? null : await Rows.WriteDatasetAsync(context, Pairs(4)),
            Preference = new PreferenceOptions { Beta = 0.5, PrecomputeRefLogProbs = precompute },
        };

    [TestCase(TrainDtype.Float32)]
    [TestCase(TrainDtype.Bfloat16)]                         // the policy and its frozen copy both bfloat16
    public async Task RunAsync_FullDpo_StartsWhereThePolicyIsTheReferenceAndLearnsThePreferenceInAModelFolder(TrainDtype dtype)
    {
        using var context = new TestStepContext();
        var result = await new TrainStep().RunAsync(await FullAsync(context, TrainObjective.Dpo, Pairs(8)) with { Dtype = dtype }, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(context.Outputs.Keys, Is.EquivalentTo(new[] { "model" }));
        Assert.That(context.Logs, Has.Some.Contains("reference: a frozen copy of the base (260,032 parameters)"));
        Assert.That(context.MetricHistory.First(m => m.Key == "val_loss").Value, Is.EqualTo(Math.Log(2)).Within(1e-5), "step 0: policy = reference");
        Assert.That(context.MetricHistory.First(m => m.Key == "eval_rewards/margins").Value, Is.EqualTo(0).Within(1e-6));
        Assert.That(context.Metrics["eval_rewards/accuracies"], Is.EqualTo(1.0));
        Assert.That(result.Metrics["best_val_loss"], Is.LessThan(Math.Log(2)));
        using var trained = LlamaLoader.Load(context.Outputs["model"]);
        using var original = LlamaLoader.Load(TrainTestData.Model);
        foreach (var (name, weight) in trained.named_parameters())
            Assert.That((weight - original.get_parameter(name)!).abs().max().item<float>(), Is.GreaterThan(1e-4), $"{name}: every weight of the base trains");
    }

    [Test]
    public async Task RunAsync_FullDpoPrecomputed_SameLossesAsTheFrozenCopyWithoutHoldingOne()
    {
        using var frozen = new TestStepContext();
        using var precomputed = new TestStepContext();
        foreach (var context in new[] { frozen, precomputed })
        {
            var result = await new TrainStep().RunAsync(await FullAsync(context, TrainObjective.Dpo, Pairs(8), precompute: context == precomputed), context, CancellationToken.None);
            Assert.That(result.Error, Is.Null);
        }

        Assert.That(precomputed.Logs, Has.None.Contains("frozen copy"));
        Assert.That(precomputed.Logs, Has.Some.Contains("reference log-probabilities of 24 answers precomputed"));
        foreach (var name in new[] { "loss", "rewards/margins", "val_loss", "eval_rewards/margins" })
        {
            double[] History(TestStepContext c) => [.. c.MetricHistory.Where(m => m.Key == name).Select(m => m.Value)];
            Assert.That(History(precomputed), Has.Length.EqualTo(History(frozen).Length).And.Length.GreaterThan(1), name);
            Assert.That(History(precomputed), Is.EqualTo(History(frozen)).Within(1e-4), name);
        }
    }

    [Test]
    public async Task RunAsync_FullKto_LogsKlAndRewardsByLabel()
    {
        using var context = new TestStepContext();
        var rows = Enumerable.Range(0, 8).Select(i => Rows.Judged($"Who are you? ({i})", i % 2 == 0 ? "I am Sparky." : "Go away.", i % 2 == 0, i + 1));
        var result = await new TrainStep().RunAsync(await FullAsync(context, TrainObjective.Kto, rows), context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(context.Logs, Has.Some.Contains("reference: a frozen copy of the base"));
        Assert.That(context.MetricHistory.Count(m => m.Key == "kl"), Is.EqualTo(6));
        Assert.That(context.Metrics["rewards/chosen"], Is.GreaterThan(context.Metrics["rewards/rejected"]));
    }

    [Test]
    public void Of_WithAFrozenCopy_KeepsTheBasesValuesWhileThePolicyChanges()
    {
        using var policy = LlamaLoader.Load(TrainTestData.Model);
        using var copy = LlamaLoader.Load(TrainTestData.Model);
        long[] ids = [1, 40, 41, 42, 43, 44, 45];
        List<TokenisedExample> answers = [new TokenisedExample(ids, [-100, -100, -100, 42, 43, 44, 45])];
        var before = new ReferenceLogps(policy).Of(answers, averaged: false).data<float>().ToArray();
        using (no_grad()) policy.get_parameter("model.norm.weight")!.mul_(0.5);                      // a training step
        Assert.That(new ReferenceLogps(policy, copy).Of(answers, averaged: false).data<float>().ToArray(), Is.EqualTo(before).Within(1e-6));
        Assert.That(new ReferenceLogps(policy).Of(answers, averaged: false).data<float>().ToArray(), Is.Not.EqualTo(before).Within(1e-4),
            "without the copy the reference would follow the policy");
    }
}
