using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Steps.Train.Preference;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Train.Preference;

/// <summary>Reference log-probabilities precomputed once give what the per-batch reference pass gives.</summary>
[TestFixture]
public sealed class ReferenceLogpsTests
{
    private static PreferenceItem Pair(int seed)
    {
        var random = new Random(seed);
        long[] Ids(int length) => [1, .. Enumerable.Range(0, length).Select(_ => (long)random.Next(3, 512))];
        TokenisedExample Answer(long[] prompt, int length)
        {
            long[] ids = [.. prompt, .. Ids(length)[1..]];
            return new TokenisedExample(ids, [.. ids.Select((id, k) => k < prompt.Length ? -100L : id)]);
        }

        var prompt = Ids(4 + seed);
        return new PreferenceItem([], new TextSegment("", true), Answer(prompt, 6), Answer(prompt, 3 + seed));
    }

    [Test]
    public void Of_AfterPrecompute_ReturnsStoredValuesEqualToAReferencePass()
    {
        using var model = LlamaLoader.Load(TrainTestData.Model);
        var items = Enumerable.Range(0, 5).Select(Pair).ToList();
        List<TokenisedExample> batch = [items[3].Chosen, items[1].Chosen, items[3].Rejected!, items[1].Rejected!];
        var onTheFly = new ReferenceLogps(model).Of(batch, averaged: false).data<float>().ToArray();
        var precomputed = new ReferenceLogps(model);
        precomputed.Precompute(items, batchSize: 2);
        using (no_grad()) model.get_parameter("model.norm.weight")!.mul_(0.5);   // a later pass would now differ

        Assert.That(precomputed.Stored, Is.EqualTo(10));
        Assert.That(precomputed.Of(batch, averaged: false).data<float>().ToArray(), Is.EqualTo(onTheFly).Within(1e-4));
        Assert.That(new ReferenceLogps(model).Of(batch, averaged: false).data<float>().ToArray(), Is.Not.EqualTo(onTheFly).Within(1e-4));
    }

    [Test]
    public async Task RunAsync_DpoWithPrecomputedReference_SameLossesAndRewardsAsOnTheFly()
    {
        using var onTheFly = new TestStepContext();
        using var precomputed = new TestStepContext();
        var runs = new List<TestStepContext> { onTheFly, precomputed };
        foreach (var context in runs)
        {
            var pairs = Enumerable.Range(0, 8).Select(i => Rows.Pair($"Who are you? ({i})", "I am Sparky, a helpful assistant.", "Go away, I will not say.", i + 1));
            var options = await TrainTestData.OptionsAsync(context, validation: true) with
            {
                Objective = TrainObjective.Dpo,
                Train = await Rows.WriteDatasetAsync(context, pairs),
                Validation = await Rows.WriteDatasetAsync(context, pairs.Take(4)),
                Preference = new PreferenceOptions { Beta = 0.5, PrecomputeRefLogProbs = context == precomputed },
            };
            var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);
            Assert.That(result.Error, Is.Null);
        }

        Assert.That(precomputed.Logs, Has.Some.Contains("reference log-probabilities of 24 answers precomputed"));
        foreach (var name in new[] { "loss", "rewards/chosen", "rewards/margins", "eval_rewards/margins", "val_loss" })
        {
            double[] History(TestStepContext c) => [.. c.MetricHistory.Where(m => m.Key == name).Select(m => m.Value)];
            Assert.That(History(precomputed), Has.Length.EqualTo(History(onTheFly).Length).And.Length.GreaterThan(0), name);
            Assert.That(History(precomputed), Is.EqualTo(History(onTheFly)).Within(1e-4), name);
        }
    }

    [Test]
    public void Validate_PrecomputeWithSimpo_IsAnError()
    {
        var options = new TrainOptions { Model = "m", Train = "t", Objective = TrainObjective.Simpo, Preference = new PreferenceOptions { PrecomputeRefLogProbs = true } };
        Assert.That(options.Validate().Select(e => e.Key), Does.Contain("preference.precompute_ref_log_probs"));
    }
}
